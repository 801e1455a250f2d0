package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.time.VirtualClock;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/** A whole conversation on an in-memory wire: its verdict comes from how the connection ended, its routine from what each segment was. */
class TcpConversationTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress HOP = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int SERVER_IP = Ip4.parse("198.18.2.2");
    static final int SPORT = 41822;
    static final long START = 1_700_000_000_000_000L;

    record Run(List<Event> events, TcpConversation conversation, SimulatedServer server) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<Event.Frame> frames(Event.Direction d) {
            return events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == d).map(e -> (Event.Frame) e).toList();
        }
    }

    static TcpConnection.Config config() {
        return TcpConnection.Config.defaults(SPORT, 80, 0x1000_0000).withMsl(100_000).withRetries(2);
    }

    static Run run(SimulatedServer server, TcpConnection.Config config, Function<TcpConversation, TcpApp> app,
                   Function<VirtualClock, BooleanSupplier> stop) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 1_000);
        wire[1].respondWith(server::answer);
        List<Event> events = new ArrayList<>();
        TcpConversation.Path path = new TcpConversation.Path(US, US_IP, HOP, SERVER_IP, true);
        TcpConversation conv = app == null
                ? new TcpConversation(path, config, new TcpConversation.Plan(new byte[0], TcpConversation.Ending.CLOSE, 0, "handshake"), 1)
                : new TcpConversation(path, config, app.apply(null), "test", 1);
        new Runner(wire[0], clock, events::add).run(conv, stop == null ? () -> false : stop.apply(clock));
        return new Run(events, conv, server);
    }

    static SimulatedServer server(SimulatedServer.Mode mode) {
        return new SimulatedServer(HOP, SERVER_IP, 80, mode);
    }

    @Test
    void aHandshakeAndACloseAreOk() {
        Run r = run(server(SimulatedServer.Mode.LISTEN), config(), null, null);
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(true, r.result().fields().get("ok"));
        assertEquals(true, r.result().fields().get("established"));
        assertEquals("TIME_WAIT over", r.result().fields().get("outcome"));
        assertEquals(TcpOutcome.TIME_WAIT_OVER, r.conversation().connection().outcome());
        assertEquals(TcpState.CLOSED, r.server().conn.state(), "the server saw the whole close");
    }

    @Test
    void aRefusalIsNegative() {
        Run r = run(server(SimulatedServer.Mode.CLOSED), config(), null, null);
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals("refused", r.result().fields().get("outcome"));
        assertEquals(false, r.result().fields().get("established"));
        assertEquals(TcpOutcome.REFUSED, r.conversation().connection().outcome());
    }

    @Test
    void silenceAfterEverySynIsNoAnswer() {
        Run r = run(server(SimulatedServer.Mode.SILENT), config(), null, null);
        assertEquals(Verdict.NO_ANSWER, r.result().verdict());
        assertEquals(TcpOutcome.TIMED_OUT, r.conversation().connection().outcome());
        assertEquals(3, r.frames(Event.Direction.OUT).stream().filter(f -> isFlags(f, TcpSegment.SYN)).count(), "the SYN and 2 retries");
    }

    @Test
    void aResetAfterTheHandshakeIsNegative() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        s.resetOnData = true;
        Run r = run(s, config(), c -> new PlanApp(new TcpConversation.Plan("hello".getBytes(), TcpConversation.Ending.CLOSE,
                1_000_000, "test")), null);
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(TcpOutcome.RESET_BY_PEER, r.conversation().connection().outcome());
        assertEquals(true, r.result().fields().get("established"));
    }

    @Test
    void interruptedOnceEstablishedIsInterruptedWithOurRst() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        Run r = run(s, config(), c -> new PlanApp(new TcpConversation.Plan("hello".getBytes(), TcpConversation.Ending.CLOSE,
                10_000_000, "test")), clock -> () -> clock.nowMicros() > START + 100_000);
        assertEquals(Verdict.INTERRUPTED, r.result().verdict());
        assertEquals(false, r.result().fields().get("ok"), "an interrupted exchange is not a success");
        assertEquals("aborted: interrupted", r.result().fields().get("outcome"));
        assertEquals(TcpOutcome.INTERRUPTED, r.conversation().connection().outcome());
        Event.Frame last = r.frames(Event.Direction.OUT).get(r.frames(Event.Direction.OUT).size() - 1);
        assertTrue(isFlags(last, TcpSegment.RST | TcpSegment.ACK), "we reset what we opened");
        assertEquals("abort: interrupted", last.remark().text());
    }

    @Test
    void afterALostSynTheRttIsTheRetransmittedSynsTheTimestampEchoNames() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        s.dropSyns = 1;
        Run r = run(s, config(), null, null);
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(2, r.result().fields().get("syns_sent"));
        assertEquals(2, r.result().fields().get("rtt_from_syn"));
        double rtt = ((Number) r.result().fields().get("rtt_ms")).doubleValue();
        assertTrue(rtt < 100, "measured from the SYN that was answered, not from the first (1 s before): " + rtt);
        assertTrue(r.result().lines().get(0).contains("RTT 2.000 ms from SYN 2"), r.result().lines().toString());
    }

    @Test
    void afterALostSynWithoutTimestampsTheRttIsUnknown() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        s.dropSyns = 1;
        s.noTimestamps = true;
        Run r = run(s, config(), null, null);
        assertEquals(Verdict.OK, r.result().verdict());
        assertTrue(r.result().fields().containsKey("rtt_ms"));
        assertEquals(null, r.result().fields().get("rtt_ms"), "Karn's rule: no SYN can be named");
        assertFalse(r.result().fields().containsKey("rtt_from_syn"));
        assertTrue(r.result().lines().get(0).contains("RTT unknown"), r.result().lines().toString());
        assertTrue(r.events().stream().anyMatch(e -> e instanceof Event.Frame f && f.remark().text().contains(
                "RTT unknown: 2 SYNs were sent")), "the SYN,ACK's line says so");
    }

    @Test
    void interruptedWhileConnectingCountsTheSynsSent() {
        Run r = run(server(SimulatedServer.Mode.SILENT), config().withRetries(5), null,
                clock -> () -> clock.nowMicros() > START + 3_500_000); // SYNs at 0, 1 s, 3 s
        assertEquals(Verdict.INTERRUPTED, r.result().verdict());
        assertEquals(3, r.result().fields().get("syns_sent"));
        assertTrue(r.result().lines().get(0).contains("to 3 SYNs"), r.result().lines().toString());
    }

    @Test
    void aServerThatNeverClosesIsNegativeAndSaysSo() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        s.neverClose = true;
        Run r = run(s, config(), null, null);
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(TcpOutcome.PEER_NEVER_CLOSED, r.conversation().connection().outcome());
        assertTrue(r.result().lines().get(0).contains("the peer never closed"), r.result().lines().toString());
    }

    @Test
    void aServerThatClosesOnAcceptIsAPassiveClose() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        s.closeOnAccept = true;
        Run r = run(s, config(), null, null);
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(TcpOutcome.PASSIVE_CLOSE, r.conversation().connection().outcome());
        List<String> ours = r.events().stream().filter(e -> e instanceof Event.Transition t && t.endpoint() == Event.Endpoint.LOCAL)
                .map(e -> ((Event.Transition) e).to()).toList();
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"), ours, "its FIN came first: no CLOSING");
    }

    /** Receives a bulk answer as http-get does (routine data, delayed ACKs), then closes. */
    static final class BulkApp implements TcpApp {
        final int expected;
        final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();

        BulkApp(int expected) {
            this.expected = expected;
        }

        @Override
        public void established(TcpConversation.Control c, long now) {
            c.routineData(true);
            c.send("GET".getBytes(), now);
        }

        @Override
        public void received(TcpConversation.Control c, byte[] data, long now) {
            got.writeBytes(data);
            if (got.size() == expected) {
                c.close(now);
            }
        }
    }

    @Test
    void inBulkModeInOrderDataIsRoutineAndOutOfOrderDataIsNot() {
        SimulatedServer s = server(SimulatedServer.Mode.LISTEN);
        byte[] answer = TcpPair.pattern(5 * 1448, 3);
        s.sendOnEstablished = answer;
        // its first two data segments swap places on the way
        s.reorder = frames -> {
            if (frames.size() == 5) {
                List<byte[]> swapped = new ArrayList<>(frames);
                swapped.set(0, frames.get(1));
                swapped.set(1, frames.get(0));
                return swapped;
            }
            return frames;
        };
        BulkApp app = new BulkApp(answer.length);
        Run r = run(s, config(), c -> app, null);
        assertEquals(Verdict.OK, r.result().verdict());
        assertArrayEquals(answer, app.got.toByteArray());
        List<Event.Frame> data = r.frames(Event.Direction.IN).stream().filter(f -> segment(f).data().length > 0).toList();
        assertEquals(5, data.size());
        assertFalse(data.get(0).routine(), "out of order: told even in bulk mode");
        assertEquals("out of order: expected seq 1, held for reassembly", data.get(0).remark().text(true));
        for (Event.Frame f : data.subList(1, 5)) {
            assertTrue(f.routine(), f.remark().text());
        }
    }

    static TcpSegment segment(Event.Frame f) {
        try {
            return Frames.parseTcp(f.bytes()).segment();
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    static boolean isFlags(Event.Frame f, int flags) {
        return segment(f).flags() == flags;
    }

    /**
     * The server's data and FIN come together; our application takes a while over the data and
     * closes (as TLS does: close_notify and FIN inside received()), so the server's FIN, on the
     * wire before ours left, is read after ours was sent. Told in wire-time order, every transition
     * of ours still starts where the last ended.
     */
    @Test
    void transitionsStartWhereTheLastEndedWhenThePeersFinWasOnTheWireBeforeOursLeft() {
        SimulatedServer server = server(SimulatedServer.Mode.LISTEN);
        server.sendOnEstablished = "bye".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        server.closeOnAccept = true;
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 1_000);
        wire[1].respondWith(server::answer);
        List<Event> events = new ArrayList<>();
        TcpApp app = new TcpApp() {
            @Override
            public void established(TcpConversation.Control c, long now) {}

            @Override
            public void received(TcpConversation.Control c, byte[] data, long now) {
                clock.advance(50); // the application's time over the data: the server's FIN was stamped before our FIN leaves
                c.close(clock.nowMicros());
            }

            @Override
            public void peerFinished(TcpConversation.Control c, long now) {
                c.close(now);
            }
        };
        TcpConversation conv = new TcpConversation(new TcpConversation.Path(US, US_IP, HOP, SERVER_IP, true), config(), app, "test", 1);
        new Runner(wire[0], clock, events::add).run(conv, () -> false);
        List<Event.Transition> ours = events.stream().filter(e -> e instanceof Event.Transition t && t.endpoint() == Event.Endpoint.LOCAL)
                .map(e -> (Event.Transition) e).toList();
        StringBuilder told = new StringBuilder();
        ours.forEach(t -> told.append(t.from()).append("->").append(t.to()).append(' '));
        assertTrue(told.toString().contains("ESTABLISHED->FIN_WAIT_1"), told.toString());
        for (int k = 1; k < ours.size(); k++) {
            assertEquals(ours.get(k - 1).to(), ours.get(k).from(), "transitions told: " + told);
        }
    }
}
