package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP framed and found again over IPv6 by the live path's Frames, and the ICMPv6 errors that quote it. */
class FramesIpv6Test {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress OURS = IpAddress.parse("2001:db8:1::2");
    static final IpAddress PEER = IpAddress.parse("2001:db8:2::2");
    static final IpAddress ROUTER_IP = IpAddress.parse("2001:db8:1::1");

    static TcpSegment segment(byte[] data) {
        return TcpSegment.of(41822, 80, 0x1000_0001, 0x2000_0001, TcpSegment.ACK | TcpSegment.PSH, 502,
                new TcpSegment.Options(-1, -1, false, 12345, 678, List.of()), data);
    }

    @Test
    void framedByAddressIsFrames6sFrame() {
        TcpSegment s = segment("hello".getBytes());
        byte[] frame = Frames.tcp(US, ROUTER, OURS, PEER, 77, s);
        assertArrayEquals(Frames6.tcp(US, ROUTER, OURS.bytes(), PEER.bytes(), s), frame);
        assertEquals(EthernetFrame.TYPE_IPV6, ((frame[12] & 0xff) << 8) | (frame[13] & 0xff));
        assertEquals(0x60, frame[14] & 0xf0);
        assertEquals(Ipv6Packet.TCP, frame[14 + 6]);
        assertEquals(Frames6.DEFAULT_HOP_LIMIT, frame[14 + 7]);
        // over IPv4 the same call is the IPv4 frame
        IpAddress a = IpAddress.parse("198.18.1.2");
        IpAddress b = IpAddress.parse("198.18.2.2");
        assertArrayEquals(Frames.tcp(US, ROUTER, a.v4(), b.v4(), 77, s), Frames.tcp(US, ROUTER, a, b, 77, s));
    }

    @Test
    void parseTcpReadsItBack() throws Exception {
        TcpSegment s = segment("hello, v6".getBytes());
        Frames.Tcp t = Frames.parseTcp(Frames.tcp(US, ROUTER, OURS, PEER, 0, s));
        assertNotNull(t);
        assertTrue(t.ipv6());
        assertEquals(OURS, t.sourceAddress());
        assertEquals(PEER, t.destinationAddress());
        assertEquals(41822, t.segment().sourcePort());
        assertEquals(80, t.segment().destinationPort());
        assertEquals(0x1000_0001, t.segment().seq());
        assertEquals(0x2000_0001, t.segment().ack());
        assertEquals(TcpSegment.ACK | TcpSegment.PSH, t.segment().flags());
        assertEquals(12345, t.segment().options().tsValue());
        assertEquals("hello, v6", new String(t.segment().data()));
        assertEquals(ChecksumStatus.VALID, t.segment().checksum());
        // the sum as an independent IPv6 parse checks it
        Ipv6Packet p = Ipv6Packet.parse(Arrays.copyOfRange(Frames.tcp(US, ROUTER, OURS, PEER, 0, s), 14, 14 + 40 + 20 + 12 + 9));
        assertEquals(ChecksumStatus.VALID, Frames6.parseTcp(p).checksum());
    }

    @Test
    void aFlippedByteIsAWrongChecksum() throws Exception {
        byte[] frame = Frames.tcp(US, ROUTER, OURS, PEER, 0, segment("hello".getBytes()));
        for (int at : new int[] {frame.length - 1, 14 + 40 + 4, 14 + 8 + 15, 14 + 24 + 3}) { // data, seq, source, destination
            byte[] damaged = frame.clone();
            damaged[at] ^= 0x10;
            assertEquals(ChecksumStatus.WRONG, Frames.parseTcp(damaged).segment().checksum(), "byte " + at);
        }
        // what the intake already decided travels with the frame
        byte[] damaged = frame.clone();
        damaged[frame.length - 1] ^= 1;
        assertEquals(ChecksumStatus.OFFLOADED, Frames.parseTcp(damaged, ChecksumStatus.OFFLOADED).segment().checksum());
    }

    @Test
    void aSegmentBehindAHopByHopHeaderIsFound() throws Exception {
        TcpSegment s = segment("behind options".getBytes());
        byte[] tcp = Frames6.tcpBytes(s, OURS.bytes(), PEER.bytes());
        byte[] ip = Ipv6Packet.build(OURS.bytes(), PEER.bytes(), 64,
                List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0)))), Ipv6Packet.TCP, tcp);
        assertEquals(Ipv6Packet.HOP_BY_HOP, ip[6], "the fixed header names the extension, not TCP");
        Frames.Tcp t = Frames.parseTcp(Frames6.ethernet(US, ROUTER, ip));
        assertNotNull(t);
        assertEquals(OURS, t.sourceAddress());
        assertEquals(PEER, t.destinationAddress());
        assertEquals(s.seq(), t.segment().seq());
        assertEquals("behind options", new String(t.segment().data()));
        assertEquals(ChecksumStatus.VALID, t.segment().checksum());
        // and behind destination options after hop-by-hop
        byte[] two = Ipv6Packet.build(OURS.bytes(), PEER.bytes(), 64, List.of(Ipv6Extension.HopByHop.padded(List.of()),
                Ipv6Extension.DestinationOptions.padded(List.of())), Ipv6Packet.TCP, tcp);
        assertEquals("behind options", new String(Frames.parseTcp(Frames6.ethernet(US, ROUTER, two)).segment().data()));
        byte[] damaged = Frames6.ethernet(US, ROUTER, ip);
        damaged[damaged.length - 1] ^= 1;
        assertEquals(ChecksumStatus.WRONG, Frames.parseTcp(damaged).segment().checksum());
    }

    @Test
    void aFragmentIsNoWholeSegment() throws Exception {
        byte[] tcp = Frames6.tcpBytes(segment(new byte[64]), OURS.bytes(), PEER.bytes());
        byte[] first = Ipv6Packet.build(OURS.bytes(), PEER.bytes(), 64, List.of(new Ipv6Extension.Fragment(0, true, 0x1234)),
                Ipv6Packet.TCP, Arrays.copyOf(tcp, 48));
        assertNull(Frames.parseTcp(Frames6.ethernet(US, ROUTER, first)), "the first fragment");
        byte[] later = Ipv6Packet.build(OURS.bytes(), PEER.bytes(), 64, List.of(new Ipv6Extension.Fragment(48, false, 0x1234)),
                Ipv6Packet.TCP, Arrays.copyOfRange(tcp, 48, tcp.length));
        assertNull(Frames.parseTcp(Frames6.ethernet(US, ROUTER, later)), "a later fragment");
    }

    @Test
    void otherUpperLayersAreNotTcp() throws Exception {
        byte[] udp = Frames.udp(US, ROUTER, OURS, PEER, 0, UdpDatagram.of(40000, 53, new byte[12]));
        assertNull(Frames.parseTcp(udp));
        byte[] echo = Frames6.ethernet(US, ROUTER, Ipv6Packet.build(OURS.bytes(), PEER.bytes(), Ipv6Packet.ICMPV6, 64,
                Icmpv6Message.echoRequest(1, 1, new byte[8]).toBytes(OURS.bytes(), PEER.bytes())));
        assertNull(Frames.parseTcp(echo));
        assertNull(Frames.parseIcmp6(Frames.tcp(US, ROUTER, OURS, PEER, 0, segment(new byte[0]))), "TCP is no ICMPv6");
        assertNull(Frames.parseIcmp6(udp));
        assertNull(Frames.parseIcmp6(Frames.tcp(US, ROUTER, 1, 2, 0, segment(new byte[0]))), "IPv4 is no ICMPv6");
        assertNotNull(Frames.parseIcmp6(echo));
    }

    @Test
    void betweenTellsTheDirectionAndTheFamily() throws Exception {
        Frames.Tcp six = Frames.parseTcp(Frames.tcp(US, ROUTER, OURS, PEER, 0, segment(new byte[0])));
        assertTrue(six.between(OURS, PEER));
        assertFalse(six.between(PEER, OURS), "the other direction");
        assertFalse(six.between(OURS, IpAddress.parse("2001:db8:2::3")));
        assertFalse(six.between(IpAddress.parse("198.18.1.2"), IpAddress.parse("198.18.2.2")));

        IpAddress a = IpAddress.parse("198.18.1.2");
        IpAddress b = IpAddress.parse("198.18.2.2");
        Frames.Tcp four = Frames.parseTcp(Frames.tcp(US, ROUTER, a, b, 0, segment(new byte[0])));
        assertFalse(four.ipv6());
        assertTrue(four.between(a, b));
        assertFalse(four.between(b, a));
        assertFalse(four.between(OURS, PEER), "an IPv4 frame is never between IPv6 addresses");
        // not even the IPv6 addresses whose low 32 bits are the IPv4 ones
        assertFalse(four.between(IpAddress.parse("::198.18.1.2"), IpAddress.parse("::198.18.2.2")));
        assertFalse(four.between(IpAddress.parse("::ffff:198.18.1.2"), IpAddress.parse("::ffff:198.18.2.2")));
        assertEquals(a, four.sourceAddress());
        assertEquals(b, four.destinationAddress());
    }

    /** An ICMPv6 error from the router to us quoting {@code invoking} (an IPv6 packet of ours), at most 1280 bytes in all (RFC 4443 2.4). */
    static byte[] icmp6Error(int type, int code, long word, byte[] invoking) {
        byte[] quoted = Arrays.copyOf(invoking, Math.min(invoking.length, 1280 - 40 - 8));
        byte[] body = new byte[4 + quoted.length];
        Ip4.write((int) word, body, 0);
        System.arraycopy(quoted, 0, body, 4, quoted.length);
        byte[] icmp = new Icmpv6Message(type, code, ChecksumStatus.VALID, body).toBytes(ROUTER_IP.bytes(), OURS.bytes());
        return Frames6.ethernet(ROUTER, US, Ipv6Packet.build(ROUTER_IP.bytes(), OURS.bytes(), Ipv6Packet.ICMPV6, 64, icmp));
    }

    @Test
    void aPacketTooBigQuotingOurSegmentGivesTheMtuAndTheQuotedFlow() throws Exception {
        byte[] ours = Frames.tcp(US, ROUTER, OURS, PEER, 0, segment(new byte[1400]));
        byte[] ptb = icmp6Error(Icmpv6Message.PACKET_TOO_BIG, 0, 1280, Arrays.copyOfRange(ours, 14, ours.length));
        assertTrue(ptb.length - 14 <= 1280, "the error itself fits the minimum MTU");
        Frames.Icmp6 icmp = Frames.parseIcmp6(ptb);
        assertNotNull(icmp);
        assertEquals(ROUTER_IP, icmp.source());
        assertEquals(OURS, IpAddress.of(icmp.ip().destination()));
        Icmpv6Message m = icmp.message();
        assertEquals(ChecksumStatus.VALID, m.checksum());
        assertEquals(Icmpv6Message.PACKET_TOO_BIG, m.type());
        assertEquals(1280, m.mtu());
        Icmpv6Message.Invoking q = m.invoking();
        assertNotNull(q);
        assertEquals(Ipv6Packet.TCP, q.protocol());
        assertEquals(OURS, IpAddress.of(q.source()));
        assertEquals(PEER, IpAddress.of(q.destination()));
        assertEquals(41822, q.sourcePort());
        assertEquals(80, q.destinationPort());
        assertEquals(0x1000_0001L, q.tcpSeq());
        assertNull(Frames.parseTcp(ptb), "an ICMPv6 error is not the segment it quotes");

        // a destination unreachable quoting a SYN whose seq has the top bit set: the seq unsigned
        TcpSegment syn = TcpSegment.of(41822, 443, 0xdead_beef, 0, TcpSegment.SYN, 64800, TcpSegment.Options.NONE, new byte[0]);
        byte[] synFrame = Frames.tcp(US, ROUTER, OURS, PEER, 0, syn);
        Frames.Icmp6 unreachable = Frames.parseIcmp6(icmp6Error(Icmpv6Message.DESTINATION_UNREACHABLE, 4, 0,
                Arrays.copyOfRange(synFrame, 14, synFrame.length)));
        assertEquals(4, unreachable.message().code());
        assertEquals(-1, unreachable.message().mtu(), "only packet too big has an MTU");
        assertEquals(443, unreachable.message().invoking().destinationPort());
        assertEquals(0xdead_beefL, unreachable.message().invoking().tcpSeq());
    }

    @Test
    void aPayloadLengthPastTheFrameIsMalformedNotACrash() {
        byte[] frame = Frames.tcp(US, ROUTER, OURS, PEER, 0, segment("hello".getBytes()));
        byte[] longer = frame.clone();
        longer[14 + 4] = 0x05; // payload length 1280+ of a 37-byte payload
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> Frames.parseTcp(longer));
        assertTrue(e.getMessage().contains("payload length"), e.getMessage());
        byte[] cut = Arrays.copyOf(frame, frame.length - 3);
        assertThrows(MalformedFrameException.class, () -> Frames.parseTcp(cut));
        // the same behind an extension header (the walk's own parse)
        byte[] ip = Ipv6Packet.build(OURS.bytes(), PEER.bytes(), 64, List.of(Ipv6Extension.HopByHop.padded(List.of())),
                Ipv6Packet.TCP, Frames6.tcpBytes(segment(new byte[10]), OURS.bytes(), PEER.bytes()));
        ip[4] = 0x7f;
        assertThrows(MalformedFrameException.class, () -> Frames.parseTcp(Frames6.ethernet(US, ROUTER, ip)));
        byte[] icmp = icmp6Error(Icmpv6Message.PACKET_TOO_BIG, 0, 1280, Arrays.copyOfRange(frame, 14, frame.length));
        icmp[14 + 4] = 0x7f;
        assertThrows(MalformedFrameException.class, () -> Frames.parseIcmp6(icmp));
    }

    @Test
    void aTcpHeaderTooShortForItsPayloadLengthIsMalformedOrWrongNeverACrash() {
        byte[] frame = Frames.tcp(US, ROUTER, OURS, PEER, 0, segment(new byte[0]));
        for (int length = 0; length < 32; length++) {
            byte[] b = Arrays.copyOf(frame, 14 + 40 + length);
            b[14 + 4] = 0;
            b[14 + 5] = (byte) length;
            try {
                Frames.Tcp t = Frames.parseTcp(b);
                assertNotNull(t, "length " + length);
            } catch (MalformedFrameException expected) {
                // said why: the parse's answer to a header that does not fit
            }
        }
    }
}
