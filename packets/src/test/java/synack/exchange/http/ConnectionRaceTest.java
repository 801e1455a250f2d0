package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.Frames;
import synack.wire.IpAddress;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/** Happy Eyeballs on the in-memory wire: a scripted dual-stack server whose IPv6 side answers, is silent, or refuses. */
class ConnectionRaceTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress HOP = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress US6 = IpAddress.parse("2001:db8:1::2");
    static final IpAddress SERVER6 = IpAddress.parse("2001:db8:2::2");
    static final IpAddress US4 = IpAddress.parse("198.18.1.2");
    static final IpAddress SERVER4 = IpAddress.parse("198.18.2.2");
    static final long START = 1_700_000_000_000_000L;

    enum Ipv6Side { ANSWERS, SILENT, REFUSES }

    /** What the server saw: each segment of ours, with the family it came over and when. */
    record Seen(boolean ipv6, TcpSegment segment, long at) {}

    /** A server on port 80 of both addresses, scripted: SYN → SYN,ACK; FIN → FIN,ACK; the IPv6 side as asked. */
    static final class Server {
        final Ipv6Side v6;
        final List<Seen> seen = new ArrayList<>();

        Server(Ipv6Side v6) {
            this.v6 = v6;
        }

        List<byte[]> answer(ReceivedFrame frame) {
            Frames.Tcp t;
            try {
                t = Frames.parseTcp(frame.bytes());
            } catch (MalformedFrameException e) {
                throw new AssertionError(e);
            }
            if (t == null) {
                return List.of();
            }
            TcpSegment s = t.segment();
            seen.add(new Seen(t.ipv6(), s, frame.timeMicros()));
            if (t.ipv6() && v6 == Ipv6Side.SILENT) {
                return List.of();
            }
            IpAddress server = t.ipv6() ? SERVER6 : SERVER4;
            IpAddress us = t.ipv6() ? US6 : US4;
            int iss = t.ipv6() ? 0x6000_0000 : 0x4000_0000;
            if (s.has(TcpSegment.SYN) && t.ipv6() && v6 == Ipv6Side.REFUSES) {
                return List.of(frame(server, us, TcpSegment.of(80, s.sourcePort(), 0, s.seq() + 1, TcpSegment.RST | TcpSegment.ACK, 0,
                        TcpSegment.Options.NONE, new byte[0])));
            }
            if (s.has(TcpSegment.SYN)) {
                return List.of(frame(server, us, TcpSegment.of(80, s.sourcePort(), iss, s.seq() + 1, TcpSegment.SYN | TcpSegment.ACK,
                        65535, TcpSegment.Options.NONE, new byte[0])));
            }
            if (s.has(TcpSegment.FIN)) {
                return List.of(frame(server, us, TcpSegment.of(80, s.sourcePort(), iss + 1, s.seq() + 1, TcpSegment.FIN | TcpSegment.ACK,
                        65535, TcpSegment.Options.NONE, new byte[0])));
            }
            return List.of();
        }

        private static byte[] frame(IpAddress from, IpAddress to, TcpSegment s) {
            return Frames.tcp(HOP, US, from, to, 1, s);
        }

        List<Seen> of(boolean ipv6) {
            return seen.stream().filter(x -> x.ipv6() == ipv6).toList();
        }
    }

    record Run(ConnectionRace race, TcpConversation v6, TcpConversation v4, List<Event> events, Server server) {
        Event.Result result() {
            return events.stream().filter(e -> e instanceof Event.Result).map(e -> (Event.Result) e).reduce((a, b) -> b).orElse(null);
        }
    }

    static TcpConversation conversation(IpAddress us, IpAddress server) {
        TcpConnection.Config config = TcpConnection.Config.defaults(41822, 80, us.ipv6() ? 0x1000_0000 : 0x2000_0000)
                .withMsl(10_000).withRetries(2);
        return new TcpConversation(new TcpConversation.Path(US, us, HOP, server, false), config,
                new TcpConversation.Plan(new byte[0], TcpConversation.Ending.CLOSE, 0, "handshake"), 1);
    }

    static Run race(Ipv6Side v6) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 1_000);
        Server server = new Server(v6);
        wire[1].respondWith(server::answer);
        TcpConversation six = conversation(US6, SERVER6);
        TcpConversation four = conversation(US4, SERVER4);
        ConnectionRace race = new ConnectionRace(six, four, "IPv6 has not connected within 250 ms: IPv4 too");
        List<Event> events = new ArrayList<>();
        // bounded in virtual time: a race that never ends fails here rather than spinning
        new Runner(wire[0], clock, events::add).run(race, () -> clock.nowMicros() > START + 120_000_000L);
        assertTrue(clock.nowMicros() < START + 60_000_000L, "the race ended by itself, not by the stop: v6 done " + six.isDone() + " "
                + six.connection().state() + ", v4 done " + four.isDone() + " " + four.connection().state() + "; seen " + server.seen);
        assertTrue(race.isDone(), "the race ended: v6 done " + six.isDone() + " " + six.connection().state() + ", v4 done "
                + four.isDone() + " " + four.connection().state() + ", second started " + race.secondStarted() + "; seen " + server.seen);
        return new Run(race, six, four, events, server);
    }

    @Test
    void ipv6ThatConnectsAtOnceWinsAndIpv4IsNeverTried() {
        Run r = race(Ipv6Side.ANSWERS);
        assertSame(r.v6(), r.race().winner());
        assertTrue(r.server().of(false).isEmpty(), "no IPv4 SYN: " + r.server().seen);
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals("[2001:db8:2::2]:80", r.result().fields().get("peer"));
    }

    @Test
    void silentIpv6LetsIpv4StartAfterTheAttemptDelayWinAndTheIpv6SynIsReset() {
        Run r = race(Ipv6Side.SILENT);
        assertSame(r.v4(), r.race().winner());
        Seen firstSyn6 = r.server().of(true).get(0);
        Seen syn4 = r.server().of(false).get(0);
        assertTrue(syn4.segment().has(TcpSegment.SYN));
        assertEquals(ConnectionRace.ATTEMPT_DELAY_MICROS, syn4.at() - firstSyn6.at(), 2_000, "IPv4 starts 250 ms after IPv6");
        Seen rst = r.server().of(true).stream().filter(x -> x.segment().has(TcpSegment.RST)).findFirst().orElse(null);
        assertNotNull(rst, "the abandoned IPv6 attempt is reset: " + r.server().seen);
        assertEquals(0x1000_0000 + 1, rst.segment().seq(), "RST from SYN_SENT: seq = ISN + 1");
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals("198.18.2.2:80", r.result().fields().get("peer"), "the race's result is the winner's");
    }

    @Test
    void ipv6ThatRefusesStartsIpv4AtOnceWithoutWaitingTheDelay() {
        Run r = race(Ipv6Side.REFUSES);
        assertSame(r.v4(), r.race().winner());
        Seen syn6 = r.server().of(true).get(0);
        Seen syn4 = r.server().of(false).get(0);
        assertTrue(syn4.at() - syn6.at() < ConnectionRace.ATTEMPT_DELAY_MICROS, "the second attempt at once after a refusal");
        assertEquals(Verdict.OK, r.result().verdict());
    }

    /** The race with its second address still being asked: it joins (or is said to have none) at {@code joinAt}. */
    static final class LateJoin implements synack.exchange.Exchange {
        final ConnectionRace race;
        final TcpConversation late;
        final long joinAt;
        boolean joined;

        LateJoin(ConnectionRace race, TcpConversation late, long joinAt) {
            this.race = race;
            this.late = late;
            this.joinAt = joinAt;
        }

        @Override
        public void start(long now, synack.exchange.Output output) {
            race.start(now, output);
        }

        @Override
        public void onFrame(ReceivedFrame frame, synack.exchange.Output output) {
            race.onFrame(frame, output);
        }

        @Override
        public void onTimer(long now, synack.exchange.Output output) {
            if (!joined && now >= joinAt) {
                joined = true;
                if (late == null) {
                    race.noSecond(now);
                } else if (race.canJoin()) {
                    race.join(late, "late: IPv4 too", now);
                }
            }
            if (now >= race.nextDeadlineMicros()) {
                race.onTimer(now, output);
            }
        }

        @Override
        public void abort(long now, synack.exchange.Output output) {
            race.abort(now, output);
        }

        @Override
        public long nextDeadlineMicros() {
            return joined ? race.nextDeadlineMicros() : Math.min(joinAt, race.nextDeadlineMicros());
        }

        @Override
        public boolean isDone() {
            return race.isDone();
        }
    }

    /** IPv6 starts alone; the A answer comes {@code joinAfter} later (RFC 8305 3), or (withA false) the A part ends without one. */
    static Run lateRace(Ipv6Side v6, long joinAfter, boolean withA) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 1_000);
        Server server = new Server(v6);
        wire[1].respondWith(server::answer);
        TcpConversation six = conversation(US6, SERVER6);
        TcpConversation four = conversation(US4, SERVER4);
        ConnectionRace race = ConnectionRace.awaitingSecond(six);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(new LateJoin(race, withA ? four : null, START + joinAfter),
                () -> clock.nowMicros() > START + 120_000_000L);
        assertTrue(race.isDone() && clock.nowMicros() < START + 60_000_000L, "the race ended by itself; seen " + server.seen);
        return new Run(race, six, four, events, server);
    }

    @Test
    void aLateAddressStartsWhenTheAttemptDelayEndsNotBefore() {
        Run r = lateRace(Ipv6Side.SILENT, 100_000, true);
        Seen syn6 = r.server().of(true).get(0);
        Seen syn4 = r.server().of(false).get(0);
        assertEquals(ConnectionRace.ATTEMPT_DELAY_MICROS, syn4.at() - syn6.at(), 2_000, "joined at 100 ms, started at 250 ms");
        assertSame(r.v4(), r.race().winner());
    }

    @Test
    void aLateAddressAfterTheAttemptDelayStartsAtOnce() {
        Run r = lateRace(Ipv6Side.SILENT, 400_000, true);
        Seen syn6 = r.server().of(true).get(0);
        Seen syn4 = r.server().of(false).get(0);
        assertEquals(400_000, syn4.at() - syn6.at(), 2_000, "at the join, 400 ms in");
        assertSame(r.v4(), r.race().winner());
    }

    @Test
    void aFirstAttemptThatFailedWaitsForTheLateAddressAndItStartsAtOnce() {
        Run r = lateRace(Ipv6Side.REFUSES, 100_000, true);
        Seen syn6 = r.server().of(true).get(0);
        Seen syn4 = r.server().of(false).get(0);
        assertEquals(100_000, syn4.at() - syn6.at(), 2_000, "the refused IPv6 did not end the race: IPv4 when its address came");
        assertSame(r.v4(), r.race().winner());
        assertEquals(Verdict.OK, r.result().verdict());
    }

    @Test
    void noLateAddressLeavesTheFirstAttemptsEnd() {
        Run refused = lateRace(Ipv6Side.REFUSES, 100_000, false);
        assertTrue(refused.server().of(false).isEmpty());
        assertEquals(null, refused.race().winner());
        assertTrue(refused.result() != null && refused.result().verdict() != Verdict.OK, String.valueOf(refused.result()));
        Run connected = lateRace(Ipv6Side.ANSWERS, 30_000_000, true);
        assertSame(connected.v6(), connected.race().winner(), "IPv6 connected and finished: the race is not held for a late answer");
        assertTrue(connected.server().of(false).isEmpty());
    }
}
