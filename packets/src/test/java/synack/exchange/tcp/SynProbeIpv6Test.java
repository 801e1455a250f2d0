package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.ChecksumStatus;
import synack.wire.Frames;
import synack.wire.Frames6;
import synack.wire.Icmpv6Message;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/** syn-probe of an IPv6 host on the in-memory wire: open, closed and filtered as over IPv4, the answers over IPv6. */
class SynProbeIpv6Test {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress US_IP = IpAddress.parse("2001:db8:1::2");
    static final IpAddress PEER = IpAddress.parse("2001:db8:2::2");
    static final IpAddress ROUTER_IP = IpAddress.parse("2001:db8:1::1");
    static final int SPORT = 61234;
    static final int ISS = 0x7000_0000;
    static final long START = 1_700_000_000_000_000L;

    /** An IPv6 host behind the router: SYN,ACK from open ports, RST from the rest, an ICMPv6 prohibition from the rejected. */
    static final class Host6 {
        final Set<Integer> open = new HashSet<>();
        final Set<Integer> rejected = new HashSet<>();
        final List<TcpSegment> rstsSeen = new ArrayList<>();
        final Map<Integer, Integer> synsSeen = new HashMap<>();
        boolean silent;

        List<byte[]> answer(ReceivedFrame frame) {
            Frames.Tcp t;
            try {
                t = Frames.parseTcp(frame.bytes());
            } catch (MalformedFrameException e) {
                throw new AssertionError("we sent a malformed frame", e);
            }
            if (silent || t == null || !t.ipv6() || !t.between(US_IP, PEER)) {
                return List.of();
            }
            assertEquals(ChecksumStatus.VALID, t.segment().checksum(), "our IPv6 checksum");
            TcpSegment s = t.segment();
            if (s.has(TcpSegment.RST)) {
                rstsSeen.add(s);
                return List.of();
            }
            int port = s.destinationPort();
            synsSeen.merge(port, 1, Integer::sum);
            if (rejected.contains(port)) {
                return List.of(unreachable(1, Arrays.copyOfRange(frame.bytes(), 14, frame.bytes().length)));
            }
            TcpSegment answer = open.contains(port)
                    ? TcpSegment.of(port, s.sourcePort(), 0x5000_0000, s.seq() + 1, TcpSegment.SYN | TcpSegment.ACK, 64800,
                            new TcpSegment.Options(1440, 7, true, -1, -1, List.of()), new byte[0])
                    : TcpSegment.of(port, s.sourcePort(), 0, s.seq() + 1, TcpSegment.RST | TcpSegment.ACK, 0, TcpSegment.Options.NONE,
                            new byte[0]);
            return List.of(Frames.tcp(ROUTER, US, PEER, US_IP, 0, answer));
        }
    }

    /** The router's ICMPv6 destination unreachable of {@code code} quoting {@code invoking} (an IPv6 packet). */
    static byte[] unreachable(int code, byte[] invoking) {
        byte[] body = new byte[4 + invoking.length];
        System.arraycopy(invoking, 0, body, 4, invoking.length);
        byte[] icmp = new Icmpv6Message(Icmpv6Message.DESTINATION_UNREACHABLE, code, ChecksumStatus.VALID, body)
                .toBytes(ROUTER_IP.bytes(), US_IP.bytes());
        return Frames6.ethernet(ROUTER, US, Ipv6Packet.build(ROUTER_IP.bytes(), US_IP.bytes(), Ipv6Packet.ICMPV6, 64, icmp));
    }

    /** An unreachable about a SYN of ours to {@code port} with sequence number {@code seq}. */
    static byte[] unreachableFor(int port, int seq) {
        TcpSegment syn = TcpSegment.of(SPORT, port, seq, 0, TcpSegment.SYN, 64240,
                new TcpSegment.Options(1460, -1, false, -1, -1, List.of()), new byte[0]);
        byte[] f = Frames.tcp(US, ROUTER, US_IP, PEER, 0, syn);
        return unreachable(1, Arrays.copyOfRange(f, 14, f.length));
    }

    record Run(List<Event> events, List<byte[]> sent) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> ports() {
            return ((List<Map<String, Object>>) result().fields().get("ports")).stream()
                    .collect(Collectors.toMap(m -> (Integer) m.get("port"), m -> m));
        }

        String state(int port) {
            return (String) ports().get(port).get("state");
        }

        List<Event.Frame> received() {
            return events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == Event.Direction.IN)
                    .map(e -> (Event.Frame) e).toList();
        }
    }

    static Run run(Host6 host, List<Integer> ports, Consumer<MemoryLink> before) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 200);
        List<byte[]> sent = new ArrayList<>();
        wire[1].respondWith(f -> {
            sent.add(f.bytes());
            return host.answer(f);
        });
        before.accept(wire[0]);
        List<Event> events = new ArrayList<>();
        SynProbe probe = new SynProbe(new SynProbe.Path(US, ROUTER, US_IP, PEER, SPORT, ISS), ports,
                new SynProbe.Settings(1, 1_000_000, 1_000), 1);
        new Runner(wire[0], clock, events::add).run(probe, () -> clock.nowMicros() > START + 60_000_000L);
        return new Run(events, sent);
    }

    @Test
    void anOpenPortAnswersSynAckAndOurRstGoesBackOverIpv6() throws Exception {
        Host6 host = new Host6();
        host.open.add(80);
        Run r = run(host, List.of(80), w -> { });
        assertEquals("open", r.state(80));
        assertEquals("SYN,ACK", r.ports().get(80).get("reason"));
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals("2001:db8:2::2", r.result().fields().get("host"));
        assertEquals(1, host.rstsSeen.size(), "our RST frees the server's half-open slot");
        assertEquals(ISS + 1, host.rstsSeen.get(0).seq());
        assertEquals(TcpSegment.RST, host.rstsSeen.get(0).flags());
        for (byte[] f : r.sent()) {
            Frames.Tcp t = Frames.parseTcp(f);
            assertTrue(t.ipv6() && t.between(US_IP, PEER), "every probe and RST is IPv6 from us to the host");
            assertEquals(ROUTER, t.eth().destination());
        }
    }

    @Test
    void aClosedPortAnswersRst() {
        Host6 host = new Host6();
        host.open.add(80);
        Run r = run(host, List.of(80, 81), w -> { });
        assertEquals("open", r.state(80));
        assertEquals("closed", r.state(81));
        assertEquals("RST", r.ports().get(81).get("reason"));
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(1, host.synsSeen.get(81), "an answer is never asked again");
        assertTrue(r.result().summary().startsWith("1 of 2 ports open on 2001:db8:2::2"), r.result().summary());
    }

    @Test
    void anIcmpv6UnreachableQuotingOurSynIsFiltered() {
        Host6 host = new Host6();
        host.rejected.add(443);
        Run r = run(host, List.of(443), w -> { });
        assertEquals("filtered", r.state(443));
        String reason = (String) r.ports().get(443).get("reason");
        assertTrue(reason.startsWith("ICMPv6 communication administratively prohibited (type 1 code 1)"), reason);
        assertTrue(reason.endsWith("from 2001:db8:1::1"), reason);
        assertEquals(1, host.synsSeen.get(443), "the error answered it: no retry");
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void anIcmpv6UnreachableQuotingAnotherIsnIsIgnored() {
        Host6 host = new Host6();
        host.open.add(80);
        Run r = run(host, List.of(80), w -> w.inject(unreachableFor(80, ISS + 12_345), START + 100));
        assertEquals("open", r.state(80), r.ports().toString());
        Event.Frame icmp = r.received().get(0);
        assertTrue(icmp.remark().text().startsWith("ignored"), icmp.remark().text());
        assertTrue(icmp.remark().text(true).contains("seq 12345"), "relative to our ISN: " + icmp.remark().text(true));
    }

    @Test
    void anIcmpv6UnreachableWithOurIsnButAnotherSourcePortIsNotOurs() {
        Host6 host = new Host6();
        host.open.add(80);
        TcpSegment syn = TcpSegment.of(SPORT + 1, 80, ISS, 0, TcpSegment.SYN, 64240, TcpSegment.Options.NONE, new byte[0]);
        byte[] f = Frames.tcp(US, ROUTER, US_IP, PEER, 0, syn);
        byte[] forged = unreachable(1, Arrays.copyOfRange(f, 14, f.length));
        Run r = run(host, List.of(80), w -> w.inject(forged, START + 100));
        assertEquals("open", r.state(80));
    }

    @Test
    void anIpv4AnswerIsNotTheIpv6HostsAnswer() {
        Host6 host = new Host6();
        host.silent = true; // a firewall drops our SYNs: only an IPv4 SYN,ACK with our ports comes back
        byte[] v4 = Frames.tcp(ROUTER, US, Ip4.parse("198.18.2.2"), Ip4.parse("198.18.1.2"), 1, TcpSegment.of(80, SPORT,
                1, ISS + 1, TcpSegment.SYN | TcpSegment.ACK, 64800, TcpSegment.Options.NONE, new byte[0]));
        Run r = run(host, List.of(80), w -> w.inject(v4, START + 100));
        assertEquals("filtered", r.state(80));
        assertEquals(Verdict.NO_ANSWER, r.result().verdict());
    }
}
