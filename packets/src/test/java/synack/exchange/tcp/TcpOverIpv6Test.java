package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Remark;
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

/** A TcpConversation over IPv6 on the in-memory wire, against a scripted IPv6 peer behind a router. */
class TcpOverIpv6Test {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress HOP = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress US_IP = IpAddress.parse("2001:db8:1::2");
    static final IpAddress PEER_IP = IpAddress.parse("2001:db8:2::2");
    static final IpAddress ROUTER_IP = IpAddress.parse("2001:db8:1::1");
    static final int SPORT = 41822;
    static final int ISS = 0x1000_0000;
    static final long START = 1_700_000_000_000_000L;

    /**
     * The far end: a router whose next link takes at most {@code linkMtu} bytes (a bigger packet is
     * dropped and answered with packet too big, naming {@code claimedMtu}), and behind it a server
     * on port 80 (our own TcpConnection in LISTEN). It may answer our SYN with an ICMPv6 error instead.
     */
    static final class Peer6 {
        int linkMtu = Integer.MAX_VALUE;
        long claimedMtu;
        /** Answer our SYN with destination unreachable of this code (null: let the server answer). */
        Integer unreachableCode;
        /** The unreachable quotes a SYN from another source port of ours (and the server answers too). */
        boolean quoteAnotherPort;
        TcpConnection conn;
        int tooBigSent;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final List<TcpSegment> dropped = new ArrayList<>();
        private final List<byte[]> out = new ArrayList<>();

        List<byte[]> answer(ReceivedFrame frame) {
            Frames.Tcp t;
            try {
                t = Frames.parseTcp(frame.bytes());
            } catch (MalformedFrameException e) {
                throw new AssertionError("we sent a malformed frame", e);
            }
            if (t == null || !t.ipv6() || !t.between(US_IP, PEER_IP)) {
                return List.of();
            }
            assertEquals(ChecksumStatus.VALID, t.segment().checksum(), "our IPv6 checksum");
            byte[] packet = Arrays.copyOfRange(frame.bytes(), 14, frame.bytes().length);
            out.clear();
            TcpSegment seg = t.segment();
            if (packet.length > linkMtu) {
                tooBigSent++;
                dropped.add(seg);
                return List.of(icmp6(Icmpv6Message.PACKET_TOO_BIG, 0, claimedMtu, packet));
            }
            boolean syn = seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK);
            if (syn && unreachableCode != null) {
                byte[] quoted = packet;
                if (quoteAnotherPort) {
                    TcpSegment other = TcpSegment.of(seg.sourcePort() + 1, seg.destinationPort(), seg.seq(), 0, seg.flags(),
                            seg.window(), seg.options(), new byte[0]);
                    byte[] f = Frames.tcp(US, HOP, US_IP, PEER_IP, 0, other);
                    quoted = Arrays.copyOfRange(f, 14, f.length);
                }
                out.add(icmp6(Icmpv6Message.DESTINATION_UNREACHABLE, unreachableCode, 0, quoted));
                if (!quoteAnotherPort) {
                    return List.copyOf(out);
                }
            }
            long now = frame.timeMicros();
            if (conn == null) {
                conn = new TcpConnection(TcpConnection.Config.defaults(80, seg.sourcePort(), 0x2000_0000), new Sink());
                conn.listen();
            }
            conn.onSegment(seg, now);
            if (conn.state() == TcpState.CLOSE_WAIT) {
                conn.close(now);
            }
            return List.copyOf(out);
        }

        /** An ICMPv6 error from the router quoting {@code invoking}, cut so the whole error fits 1280 bytes (RFC 4443 2.4). */
        static byte[] icmp6(int type, int code, long word, byte[] invoking) {
            byte[] quoted = Arrays.copyOf(invoking, Math.min(invoking.length, 1280 - 48));
            byte[] body = new byte[4 + quoted.length];
            Ip4.write((int) word, body, 0);
            System.arraycopy(quoted, 0, body, 4, quoted.length);
            byte[] icmp = new Icmpv6Message(type, code, ChecksumStatus.VALID, body).toBytes(ROUTER_IP.bytes(), US_IP.bytes());
            return Frames6.ethernet(HOP, US, Ipv6Packet.build(ROUTER_IP.bytes(), US_IP.bytes(), Ipv6Packet.ICMPV6, 64, icmp));
        }

        private final class Sink implements TcpListener {
            @Override
            public long send(TcpSegment segment, Remark remark) {
                out.add(Frames.tcp(HOP, US, PEER_IP, US_IP, 0, segment));
                return 0;
            }

            @Override
            public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {}

            @Override
            public void note(Event.Note.Kind kind, String text) {}

            @Override
            public void delivered(byte[] data) {
                received.writeBytes(data);
            }
        }
    }

    record Run(List<Event> events, TcpConversation conversation) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<Event.Frame> frames(Event.Direction d) {
            return events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == d).map(e -> (Event.Frame) e).toList();
        }
    }

    static TcpConnection.Config config() {
        return TcpConnection.Config.defaults(SPORT, 80, ISS).withMsl(100_000).withRetries(2).withMss(1440);
    }

    static Run run(Peer6 peer, byte[] send) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 1_000);
        wire[1].respondWith(peer::answer);
        List<Event> events = new ArrayList<>();
        TcpConversation conv = new TcpConversation(new TcpConversation.Path(US, US_IP, HOP, PEER_IP, false), config(),
                new TcpConversation.Plan(send, TcpConversation.Ending.CLOSE, 1_000_000, "handshake"), 1);
        new Runner(wire[0], clock, events::add).run(conv, () -> clock.nowMicros() > START + 600_000_000L);
        return new Run(events, conv);
    }

    static Frames.Tcp tcp(Event.Frame f) {
        try {
            return Frames.parseTcp(f.bytes());
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHandshakeAndACloseOverIpv6AreOk() {
        Peer6 peer = new Peer6();
        Run r = run(peer, new byte[0]);
        assertEquals(Verdict.OK, r.result().verdict(), r.result().lines().toString());
        assertEquals("[2001:db8:2::2]:80", r.result().fields().get("peer"));
        assertEquals("[2001:db8:1::2]:" + SPORT, r.result().fields().get("local"));
        assertEquals(true, r.result().fields().get("established"));
        assertEquals(TcpOutcome.TIME_WAIT_OVER, r.conversation().connection().outcome());
        assertEquals(TcpState.CLOSED, peer.conn.state(), "the server saw the whole close");
        assertTrue(r.result().lines().get(0).startsWith("handshake [2001:db8:2::2]:80: established"), r.result().lines().toString());
        List<Event.Frame> ours = r.frames(Event.Direction.OUT);
        assertFalse(ours.isEmpty());
        for (Event.Frame f : ours) {
            Frames.Tcp t = tcp(f);
            assertNotNull(t);
            assertTrue(t.ipv6() && t.between(US_IP, PEER_IP), "every frame of ours is IPv6 from us to the peer");
            assertEquals(HOP, t.eth().destination(), "to the next hop's MAC");
        }
        TcpSegment syn = tcp(ours.get(0)).segment();
        assertEquals(TcpSegment.SYN, syn.flags());
        assertEquals(1440, syn.options().mss(), "the MSS option is the config's");
        assertEquals(ISS, syn.seq());
    }

    @Test
    void portUnreachableQuotingOurSynIsARefusal() {
        Peer6 peer = new Peer6();
        peer.unreachableCode = 4;
        Run r = run(peer, new byte[0]);
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(TcpOutcome.REFUSED, r.conversation().connection().outcome());
        assertEquals(false, r.result().fields().get("established"));
        String icmp = (String) r.result().fields().get("icmp");
        assertNotNull(icmp, r.result().fields().toString());
        assertTrue(icmp.contains("port unreachable") && icmp.contains("from 2001:db8:1::1") && icmp.contains("ICMPv6 type 1 code 4"),
                icmp);
        assertTrue(r.result().lines().get(0).startsWith("[2001:db8:2::2]:80 refused the connection: "), r.result().lines().toString());
        assertEquals(1, r.frames(Event.Direction.OUT).size(), "no SYN again after the error");
    }

    @Test
    void noRouteQuotingOurSynIsUnreachable() {
        Peer6 peer = new Peer6();
        peer.unreachableCode = 0;
        Run r = run(peer, new byte[0]);
        assertEquals(TcpOutcome.UNREACHABLE, r.conversation().connection().outcome());
        assertTrue(((String) r.result().fields().get("icmp")).contains("no route to destination"), r.result().fields().toString());
        assertTrue(r.result().lines().get(0).startsWith("[2001:db8:2::2]:80 unreachable: "), r.result().lines().toString());
        assertEquals(1, r.frames(Event.Direction.OUT).size());
    }

    @Test
    void anUnreachableQuotingAnotherPortOfOursIsIgnored() {
        Peer6 peer = new Peer6();
        peer.unreachableCode = 4;
        peer.quoteAnotherPort = true; // the error arrives first, then the server's SYN,ACK
        Run r = run(peer, new byte[0]);
        assertEquals(Verdict.OK, r.result().verdict(), r.result().lines().toString());
        assertEquals(TcpOutcome.TIME_WAIT_OVER, r.conversation().connection().outcome());
        assertFalse(r.result().fields().containsKey("icmp"));
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 251);
        }
        return b;
    }

    /** What the router's packet too big does to our segments: the resends fit, the bytes all arrive in order. */
    static void assertPathMtuLowered(Peer6 peer, Run r, byte[] data) {
        assertEquals(Verdict.OK, r.result().verdict(), r.result().lines().toString());
        assertTrue(peer.tooBigSent >= 1, "the first full segment was too big for the router's link");
        assertArrayEquals(data, peer.received.toByteArray(), "the peer got every byte, in order");
        List<Event.Frame> ours = r.frames(Event.Direction.OUT);
        int firstFull = -1;
        for (int i = 0; i < ours.size(); i++) {
            if (ours.get(i).bytes().length - 14 > 1280) {
                firstFull = i;
            }
        }
        assertTrue(firstFull >= 0, "we first sent at the config's MSS");
        assertEquals(1440 - 12, tcp(ours.get(firstFull)).segment().data().length, "1440 MSS less 12 of timestamps");
        // everything after the last too-big segment fits the 1280-byte link: at most 1280 - 40 - 20 = 1220 bytes of
        // TCP data and options per segment
        for (Event.Frame f : ours.subList(firstFull + 1, ours.size())) {
            int ipPayload = f.bytes().length - 14 - 40;
            assertTrue(ipPayload <= 1280 - 40, "IPv6 payload " + ipPayload);
            TcpSegment s = tcp(f).segment();
            assertTrue(s.data().length <= 1280 - 60 - 12, "data " + s.data().length);
        }
        // the dropped segments were sent again in pieces: each of their seqs starts a smaller segment later
        for (TcpSegment d : peer.dropped) {
            assertTrue(ours.stream().map(f -> tcp(f).segment()).anyMatch(s -> s.seq() == d.seq() && s.data().length > 0
                    && s.data().length < d.data().length), "seq " + Integer.toUnsignedString(d.seq() - ISS) + " sent again in pieces");
        }
        assertTrue(r.frames(Event.Direction.IN).stream().anyMatch(f -> f.remark().text().startsWith("packet too big: the path takes 1280 bytes")),
                "the error's line says what it did");
    }

    @Test
    void packetTooBigLowersOurSegmentsAndResendsInPieces() {
        Peer6 peer = new Peer6();
        peer.linkMtu = 1280;
        peer.claimedMtu = 1280;
        byte[] data = pattern(4000);
        Run r = run(peer, data);
        assertPathMtuLowered(peer, r, data);
    }

    @Test
    void aPacketTooBigBelowIpv6sMinimumMtuStillLeaves1280() {
        Peer6 peer = new Peer6();
        peer.linkMtu = 1280;
        peer.claimedMtu = 600; // forged or broken: RFC 8200 5 says no link is smaller than 1280
        byte[] data = pattern(4000);
        Run r = run(peer, data);
        assertPathMtuLowered(peer, r, data);
        List<Integer> sizes = r.frames(Event.Direction.OUT).stream().map(f -> tcp(f).segment().data().length).filter(n -> n > 0).toList();
        assertTrue(sizes.stream().anyMatch(n -> n == 1280 - 60 - 12), "pieces of the 1280-byte path, not of 600: " + sizes);
    }
}
