package synack.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.time.VirtualClock;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.ChecksumStatus;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

class InterfaceTest {
    static final long START = 1_700_000_000_000_000L;
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    static final int IP_A = Ip4.parse("198.18.1.2");
    static final int IP_B = Ip4.parse("198.18.2.2");

    private final VirtualClock clock = new VirtualClock(START);
    private final MemoryLink[] wire = MemoryLink.pair(clock, 100);
    private final Interface iface = new Interface(wire[1], 1500, clock);

    static byte[] synAck(int dataLength) {
        TcpSegment s = TcpSegment.of(80, 61000, 5000, 1001, TcpSegment.SYN | TcpSegment.ACK, 65160,
                TcpSegment.Options.NONE, new byte[dataLength]);
        return Frames.tcp(B, A, IP_B, IP_A, 7, s);
    }

    ReceivedFrame deliver(byte[] frame) throws IOException {
        wire[0].send(frame);
        return iface.receive(clock.nowMicros() + 1_000);
    }

    @Test
    void aChecksumLeftToOffloadIsAcceptedAndToldOnce() throws IOException {
        assertNotNull(deliver(Offload.leftToOffload(synAck(0))));
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        assertEquals("offloaded", ((Event.Note) told.get(0)).fields().get("checksum"));
        assertNotNull(deliver(Offload.leftToOffload(synAck(0))));
        assertTrue(iface.takeTold().isEmpty(), "told once per story");
        iface.beginStory();
        assertNotNull(deliver(Offload.leftToOffload(synAck(0))));
        assertEquals(1, iface.takeTold().size(), "and again in the next story");
        assertEquals(3, iface.offloadedFrames());
    }

    @Test
    void aSuperFrameLargerThanTheMtuWithAPartialSumIsAccepted() throws Exception {
        byte[] gro = Offload.leftToOffload(synAck(30_000)); // a GRO/TSO aggregate: 30 kB in one frame
        ReceivedFrame f = deliver(gro);
        assertNotNull(f);
        assertEquals(ChecksumStatus.OFFLOADED, Frames.parseTcp(f.bytes()).segment().checksum());
        // the intake's verdict travels with the frame, and the parse that is given it tells the same
        assertEquals(ChecksumStatus.OFFLOADED, f.tcpChecksum());
        assertEquals(ChecksumStatus.OFFLOADED, Frames.parseTcp(f.bytes(), f.tcpChecksum()).segment().checksum());
        assertEquals(ChecksumStatus.VALID, deliver(synAck(30_000)).tcpChecksum());
    }

    @Test
    void aDamagedSegmentIsDroppedAndToldAsDamage() throws IOException {
        byte[] frame = synAck(20);
        frame[frame.length - 1] ^= 0x40;
        assertNull(deliver(frame));
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        Event.Frame f = (Event.Frame) told.get(0);
        assertEquals(Event.Direction.IN, f.direction());
        assertTrue(f.remark().text().contains("TCP checksum is wrong"), f.remark().text());
        assertEquals(1, iface.damagedFrames());
    }

    @Test
    void aDamagedRstNeverReachesTheExchange() throws IOException {
        TcpSegment rst = TcpSegment.of(80, 61000, 5001, 0, TcpSegment.RST, 0, TcpSegment.Options.NONE, new byte[0]);
        byte[] frame = Frames.tcp(B, A, IP_B, IP_A, 8, rst);
        frame[14 + 20 + 17] ^= 1;
        assertNull(deliver(frame));
    }

    @Test
    void aDamagedIpHeaderIsDropped() throws IOException {
        byte[] frame = synAck(0);
        frame[14 + 8] ^= 0x01; // ttl, under the header checksum
        assertNull(deliver(frame));
        assertTrue(((Event.Frame) iface.takeTold().get(0)).remark().text().contains("IPv4 header checksum"));
    }

    @Test
    void udpWithAPartialSumIsAcceptedAndWithNoSumToo() throws IOException {
        byte[] udp = Frames.udp(B, A, IP_B, IP_A, 9, UdpDatagram.of(53, 40000, new byte[100]));
        assertNotNull(deliver(Offload.leftToOffload(udp.clone())));
        byte[] none = udp.clone();
        none[14 + 20 + 6] = 0;
        none[14 + 20 + 7] = 0;
        assertNotNull(deliver(none));
        byte[] damaged = udp.clone();
        damaged[14 + 20 + 8 + 50] ^= 4;
        assertNull(deliver(damaged));
    }

    @Test
    void weAnswerArpForTheAddressWeOwn() throws IOException {
        iface.answerArpFor(IP_A, A);
        byte[] whoHas = new ArpPacket(ArpPacket.REQUEST, B, IP_B, MacAddress.ZERO, IP_A).toFrame(B);
        assertNull(deliver(whoHas), "the exchange does not see it");
        ReceivedFrame reply = wire[0].receive(clock.nowMicros() + 1_000);
        assertNotNull(reply, "is-at went out");
        List<Event> told = iface.takeTold();
        assertEquals(2, told.size());
        assertEquals(Event.Direction.OUT, ((Event.Frame) told.get(1)).direction());
        byte[] other = new ArpPacket(ArpPacket.REQUEST, B, IP_B, MacAddress.ZERO, Ip4.parse("198.18.1.9")).toFrame(B);
        assertNotNull(deliver(other), "who-has for others is passed on");
    }

    @Test
    void fragmentsAreHeldAndTheExchangeSeesTheWholeDatagramOnce() throws Exception {
        byte[] answer = new byte[2573 - 8];
        for (int i = 0; i < answer.length; i++) {
            answer[i] = (byte) i;
        }
        byte[] frame = Frames.udp(B, A, IP_B, IP_A, 0x1c46, UdpDatagram.of(53, 40000, answer));
        byte[] ip = java.util.Arrays.copyOfRange(frame, 14, frame.length);
        ip[6] = 0; // DF off: the server's kernel may fragment it
        ip[10] = 0;
        ip[11] = 0;
        int sum = synack.wire.Checksum.compute(ip, 0, 20);
        ip[10] = (byte) (sum >>> 8);
        ip[11] = (byte) sum;
        byte[] first = fragment(ip, 0, 1480, true);
        byte[] second = fragment(ip, 1480, ip.length - 20 - 1480, false);
        assertNull(deliver(second), "held");
        ReceivedFrame whole = deliver(first);
        assertNotNull(whole);
        assertEquals(2, whole.fragments(), "marked: this datagram never crossed the wire whole");
        Frames.Udp udp = Frames.parseUdp(whole.bytes());
        assertEquals(ChecksumStatus.VALID, udp.datagram().checksum());
        assertEquals(java.util.Arrays.toString(answer), java.util.Arrays.toString(udp.datagram().payload()));
        List<Event> told = iface.takeTold();
        assertEquals(2, told.size(), "both fragments are told");
        assertTrue(((Event.Frame) told.get(0)).remark().text().contains("held"));
        assertTrue(((Event.Frame) told.get(1)).remark().text().contains("reassembled from 2 fragments"));
    }

    @Test
    void aDatagramWhoseOtherFragmentsNeverComeIsGivenUpAtItsDeadlineAndTold() throws Exception {
        byte[] frame = Frames.udp(B, A, IP_B, IP_A, 0x2222, UdpDatagram.of(53, 40000, new byte[2000]));
        byte[] ip = java.util.Arrays.copyOfRange(frame, 14, frame.length);
        assertNull(deliver(fragment(ip, 1480, ip.length - 20 - 1480, false)), "held: the first piece is missing");
        iface.takeTold();
        long deadline = iface.nextDeadlineMicros();
        assertTrue(deadline > clock.nowMicros() && deadline < Long.MAX_VALUE);
        iface.expire(deadline);
        List<Event> told = iface.takeTold();
        assertEquals(1, told.size());
        assertTrue(((Event.Note) told.get(0)).text().contains("the first fragment never came"), told.toString());
        assertEquals(Long.MAX_VALUE, iface.nextDeadlineMicros());
    }

    /** One fragment of an IPv4 packet (20-byte header), as an Ethernet frame. */
    static byte[] fragment(byte[] ip, int offset, int length, boolean more) {
        byte[] p = new byte[20 + length];
        System.arraycopy(ip, 0, p, 0, 20);
        System.arraycopy(ip, 20 + offset, p, 20, length);
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        int flags = (more ? 0x2000 : 0) | (offset / 8);
        p[6] = (byte) (flags >>> 8);
        p[7] = (byte) flags;
        p[10] = 0;
        p[11] = 0;
        int sum = synack.wire.Checksum.compute(p, 0, 20);
        p[10] = (byte) (sum >>> 8);
        p[11] = (byte) sum;
        return new synack.wire.EthernetFrame(A, B, synack.wire.EthernetFrame.TYPE_IPV4, p).toBytes();
    }

    @Test
    void aFrameLargerThanTheMtuIsRefusedWithTheReason() {
        IOException e = assertThrows(IOException.class, () -> iface.send(synAck(1461)));
        assertTrue(e.getMessage().contains("MTU of 1500"), e.getMessage());
    }
}
