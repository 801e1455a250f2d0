package synack.iface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.Checksum6;
import synack.wire.ChecksumStatus;
import synack.wire.Frames;
import synack.wire.Frames6;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/** The intake's checksum policy over IPv6: no header checksum, the upper layer's over the IPv6 pseudo-header. */
class InterfaceIpv6Test {
    static final long START = 1_700_000_000_000_000L;
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    static final IpAddress IP_A = IpAddress.parse("2001:db8:1::2");
    static final IpAddress IP_B = IpAddress.parse("2001:db8:2::2");

    private final VirtualClock clock = new VirtualClock(START);
    private final MemoryLink[] wire = MemoryLink.pair(clock, 100);
    private final Interface iface = new Interface(wire[1], 1500, clock);

    static byte[] synAck(int dataLength) {
        TcpSegment s = TcpSegment.of(80, 61000, 5000, 1001, TcpSegment.SYN | TcpSegment.ACK, 65160,
                TcpSegment.Options.NONE, new byte[dataLength]);
        return Frames.tcp(B, A, IP_B, IP_A, 0, s);
    }

    static byte[] udp() {
        return Frames.udp(B, A, IP_B, IP_A, 0, UdpDatagram.of(53, 40000, new byte[100]));
    }

    static byte[] icmp6() {
        byte[] m = Icmpv6Message.echoReply(7, 1, new byte[32]).toBytes(IP_B.bytes(), IP_A.bytes());
        return Frames6.ethernet(B, A, Ipv6Packet.build(IP_B.bytes(), IP_A.bytes(), Ipv6Packet.ICMPV6, 64, m));
    }

    /** As a sending kernel with checksum offload leaves it: the pseudo-header sum, uncomplemented, in the field. */
    static byte[] leftToOffload(byte[] frame) {
        int length = ((frame[14 + 4] & 0xff) << 8) | (frame[14 + 5] & 0xff);
        int protocol = frame[14 + 6] & 0xff;
        int at = 14 + 40 + Checksum6.fieldOffset(protocol);
        int partial = Checksum6.pseudoHeaderSum(frame, 14, protocol, length);
        frame[at] = (byte) (partial >>> 8);
        frame[at + 1] = (byte) partial;
        return frame;
    }

    ReceivedFrame deliver(byte[] frame) throws IOException {
        wire[0].send(frame);
        return iface.receive(clock.nowMicros() + 1_000);
    }

    static String toldText(Event e) {
        return e instanceof Event.Frame f ? f.remark().text() : ((Event.Note) e).text();
    }

    @Test
    void aValidSegmentPassesAsValid() throws IOException {
        byte[] frame = synAck(20);
        ReceivedFrame f = deliver(frame);
        assertNotNull(f);
        assertArrayEquals(frame, f.bytes(), "untouched");
        assertEquals(ChecksumStatus.VALID, f.tcpChecksum());
        assertTrue(iface.takeTold().isEmpty());
    }

    @Test
    void aChecksumLeftToOffloadIsAcceptedAndToldOnce() throws Exception {
        ReceivedFrame f = deliver(leftToOffload(synAck(0)));
        assertNotNull(f);
        assertEquals(ChecksumStatus.OFFLOADED, f.tcpChecksum());
        assertEquals(ChecksumStatus.OFFLOADED, Frames.parseTcp(f.bytes()).segment().checksum(), "as the parse tells it too");
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        assertEquals("offloaded", ((Event.Note) told.get(0)).fields().get("checksum"));
        assertTrue(toldText(told.get(0)).contains("TCP checksum field"), toldText(told.get(0)));
        assertNotNull(deliver(leftToOffload(synAck(0))));
        assertTrue(iface.takeTold().isEmpty(), "told once per story");
        assertNotNull(deliver(leftToOffload(udp())), "UDP left to offload too");
        assertNotNull(deliver(leftToOffload(synAck(30_000))), "a GRO super-frame larger than the MTU");
        assertEquals(4, iface.offloadedFrames());
        assertEquals(0, iface.damagedFrames());
    }

    @Test
    void aDamagedSegmentIsDroppedAndTold() throws IOException {
        byte[] frame = synAck(20);
        frame[frame.length - 1] ^= 0x40;
        assertNull(deliver(frame));
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        Event.Frame f = (Event.Frame) told.get(0);
        assertEquals(Event.Direction.IN, f.direction());
        assertTrue(f.remark().text().contains("TCP checksum is wrong"), f.remark().text());
        assertEquals(1, iface.damagedFrames());
        // an address under the pseudo-header, not the segment, damaged: wrong too
        byte[] address = synAck(0);
        address[14 + 8 + 15] ^= 1;
        assertNull(deliver(address));
        assertEquals(2, iface.damagedFrames());
    }

    @Test
    void aUdpChecksumOfZeroIsDroppedOverIpv6() throws IOException {
        byte[] none = udp();
        none[14 + 40 + 6] = 0;
        none[14 + 40 + 7] = 0;
        assertNull(deliver(none), "RFC 8200 8.1: IPv4 may leave it out, IPv6 may not");
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        assertTrue(toldText(told.get(0)).contains("UDP checksum is zero"), toldText(told.get(0)));
        assertNotNull(deliver(udp()), "a valid one passes");
        byte[] damaged = udp();
        damaged[14 + 40 + 8 + 50] ^= 4;
        assertNull(deliver(damaged));
        assertTrue(toldText(iface.takeTold().get(0)).contains("UDP checksum is wrong"));
    }

    @Test
    void icmpv6WithAWrongChecksumIsDropped() throws IOException {
        assertNotNull(deliver(icmp6()));
        byte[] damaged = icmp6();
        damaged[damaged.length - 1] ^= 1;
        assertNull(deliver(damaged));
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        assertTrue(toldText(told.get(0)).contains("ICMPv6 checksum is wrong"), toldText(told.get(0)));
    }

    @Test
    void aFrameCutShortPassesThroughUntouched() throws IOException {
        for (byte[] whole : List.of(synAck(200), udp(), icmp6())) {
            byte[] cut = Arrays.copyOf(whole, whole.length - 10); // a snaplen, or a lie in the payload length
            ReceivedFrame f = deliver(cut);
            assertNotNull(f, "the exchange's parser says what is wrong with it");
            assertArrayEquals(cut, f.bytes());
            byte[] headerOnly = Arrays.copyOf(whole, 14 + 30);
            assertArrayEquals(headerOnly, deliver(headerOnly).bytes(), "shorter than the IPv6 header");
        }
        assertTrue(iface.takeTold().isEmpty(), "nothing dropped or told");
        assertEquals(0, iface.damagedFrames());
    }

    @Test
    void aSegmentBehindAnExtensionHeaderIsLeftToTheExchangesParse() throws Exception {
        TcpSegment s = TcpSegment.of(80, 61000, 5000, 1001, TcpSegment.ACK, 65160, TcpSegment.Options.NONE, new byte[10]);
        byte[] tcp = Frames6.tcpBytes(s, IP_B.bytes(), IP_A.bytes());
        tcp[tcp.length - 1] ^= 1;
        byte[] ip = Ipv6Packet.build(IP_B.bytes(), IP_A.bytes(), 64,
                List.of(synack.wire.Ipv6Extension.DestinationOptions.padded(List.of())), Ipv6Packet.TCP, tcp);
        ReceivedFrame f = deliver(Frames6.ethernet(B, A, ip));
        assertNotNull(f);
        assertEquals(ChecksumStatus.WRONG, Frames.parseTcp(f.bytes(), f.tcpChecksum()).segment().checksum(),
                "the exchange's own parse still finds it wrong");
    }

    // ------------------------------------------------------------------ fragments (RFC 8200 4.5)

    /** A UDP answer of 2,000 bytes from B, cut as Linux cuts it at a 1,500 MTU: 1,448 bytes, then the rest. */
    static List<byte[]> fragmentedAnswer(long id, boolean damaged) {
        byte[] data = new byte[2000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] udp = Frames6.udpBytes(UdpDatagram.of(53, 40000, data), IP_B.bytes(), IP_A.bytes());
        if (damaged) {
            udp[1500] ^= 1; // in the second fragment: only the whole datagram's sum can see it
        }
        return List.of(fragment6(id, 0, true, Arrays.copyOfRange(udp, 0, 1448)),
                fragment6(id, 1448, false, Arrays.copyOfRange(udp, 1448, udp.length)));
    }

    static byte[] fragment6(long id, int offset, boolean more, byte[] bytes) {
        return Frames6.ethernet(B, A, Ipv6Packet.build(IP_B.bytes(), IP_A.bytes(), 64,
                List.of(new synack.wire.Ipv6Extension.Fragment(offset, more, id)), Ipv6Packet.UDP, bytes));
    }

    /** The UDP datagram of an IPv6 frame, as the exchanges read it. */
    static UdpDatagram udp6(byte[] frame) throws Exception {
        return Frames6.parseUdp(Ipv6Packet.parse(Arrays.copyOfRange(frame, 14, frame.length)));
    }

    @Test
    void ipv6FragmentsAreHeldAndTheExchangeSeesTheWholeDatagramOnce() throws Exception {
        List<byte[]> f = fragmentedAnswer(0xabcdL, false);
        assertNull(deliver(f.get(1)), "held");
        ReceivedFrame whole = deliver(f.get(0));
        assertNotNull(whole);
        assertEquals(2, whole.fragments(), "marked: this datagram never crossed the wire whole");
        UdpDatagram udp = udp6(whole.bytes());
        assertEquals(ChecksumStatus.VALID, udp.checksum());
        assertEquals(2000, udp.payload().length);
        assertEquals(Ipv6Packet.UDP, whole.bytes()[14 + 6], "the Fragment header is gone");
        List<Event> told = iface.takeTold();
        assertEquals(2, told.size(), "both fragments are told");
        assertTrue(toldText(told.get(0)).contains("held until 2001:db8:2::2 → 2001:db8:1::2 id 0x0000abcd is whole"),
                toldText(told.get(0)));
        assertTrue(toldText(told.get(1)).contains("reassembled from 2 fragments, 2048 bytes (RFC 8200 4.5)"), toldText(told.get(1)));
        for (Event e : told) {
            List<synack.wire.Layer> layers = synack.wire.Dissector.dissect(((Event.Frame) e).bytes());
            assertEquals("fragment", layers.get(layers.size() - 1).name(), "each fragment is told as one");
        }
    }

    @Test
    void theChecksumPolicyJudgesTheReassembledDatagram() throws Exception {
        List<byte[]> f = fragmentedAnswer(0x1234L, true);
        assertNull(deliver(f.get(0)));
        assertNull(deliver(f.get(1)), "the whole datagram's UDP checksum is wrong: dropped");
        List<Event> told = iface.takeTold();
        assertEquals(3, told.size(), told.toString());
        assertTrue(toldText(told.get(2)).contains("UDP checksum is wrong"), toldText(told.get(2)));
        assertEquals(1, iface.damagedFrames());
    }

    @Test
    void anOverlapIsToldAndDropsTheDatagram() throws Exception {
        List<byte[]> f = fragmentedAnswer(0x77L, false);
        assertNull(deliver(f.get(0)));
        assertNull(deliver(fragment6(0x77L, 1440, false, new byte[100])));
        String text = toldText(iface.takeTold().get(1));
        assertTrue(text.contains("overlaps bytes held") && text.contains("RFC 5722") && text.contains("with the whole datagram"), text);
        assertEquals(Long.MAX_VALUE, iface.nextDeadlineMicros(), "nothing held");
        assertNull(deliver(f.get(1)), "the rest starts over alone");
    }

    @Test
    void malformedFragmentsAreToldAndDroppedNeverThrown() throws Exception {
        assertNull(deliver(fragment6(9, 0, true, new byte[13])));
        assertTrue(toldText(iface.takeTold().get(0)).contains("not a multiple of 8"));
        assertNull(deliver(fragment6(9, 65_528, false, new byte[16])));
        assertTrue(toldText(iface.takeTold().get(0)).contains("65,535"));
        assertNull(deliver(fragment6(9, 0, true, new byte[8])), "held: its 8 bytes hold the whole UDP header");
        iface.takeTold();
        byte[] cut = fragment6(10, 0, true, new byte[8]);
        byte[] shortChain = Frames6.ethernet(B, A, Ipv6Packet.build(IP_B.bytes(), IP_A.bytes(), 64,
                List.of(new synack.wire.Ipv6Extension.Fragment(0, true, 11)), Ipv6Packet.TCP, new byte[16]));
        assertNull(deliver(shortChain));
        assertTrue(toldText(iface.takeTold().get(0)).contains("RFC 7112"), "a TCP header cut by the first fragment");
        byte[] broken = Arrays.copyOf(cut, 14 + 44); // the Fragment header itself cut, the payload length agreeing
        broken[14 + 4] = 0;
        broken[14 + 5] = 4;
        assertNull(deliver(broken));
        assertTrue(toldText(iface.takeTold().get(0)).startsWith("dropped: IPv6 fragment header"), "said, not thrown");
    }

    @Test
    void anAtomicFragmentPassesAtOnce() throws Exception {
        byte[] udp = Frames6.udpBytes(UdpDatagram.of(53, 40000, new byte[30]), IP_B.bytes(), IP_A.bytes());
        byte[] atomic = fragment6(5, 0, false, udp);
        ReceivedFrame f = deliver(atomic);
        assertNotNull(f);
        assertArrayEquals(atomic, f.bytes());
        assertEquals(0, f.fragments());
        assertEquals(ChecksumStatus.VALID, udp6(f.bytes()).checksum(), "read after its Fragment header");
        assertTrue(iface.takeTold().isEmpty());
    }

    @Test
    void anIpv6DatagramWhoseFirstFragmentNeverComesIsGivenUpAfterSixtySeconds() throws Exception {
        assertNull(deliver(fragmentedAnswer(0x42L, false).get(1)));
        iface.takeTold();
        long deadline = iface.nextDeadlineMicros();
        assertEquals(60_000_000L, deadline - clock.nowMicros(), 1_000);
        iface.expire(deadline);
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        Event.Note n = (Event.Note) told.get(0);
        assertEquals(Event.Note.Kind.WARNING, n.kind());
        assertEquals("TIMEOUT", n.fields().get("reassembly"));
        assertTrue(n.text().contains("the first fragment never came"), n.text());
    }
}
