package synack.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.ChecksumStatus;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Extension;
import synack.wire.Ipv6Option;
import synack.wire.Ipv6Packet;
import synack.wire.LinkType;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/** IPv6 under TCP and UDP, as explain's observers need it, read as leniently as IPv4 (CapturedIpv6). */
class FrameDecoderIpv6Test {
    static final byte[] A = Ip6.parse("2001:db8:77::1");
    static final byte[] B = Ip6.parse("2001:db8:77::2");

    static byte[] tcp(byte[] data) {
        return Frames6.tcpBytes(TcpSegment.of(40000, 80, 1000, 2000, TcpSegment.ACK | TcpSegment.PSH, 512, TcpSegment.Options.NONE,
                data), A, B);
    }

    static CapturedFrame raw(byte[] packet, int originalLength) {
        return FrameDecoderTest.frame(LinkType.RAW, packet, originalLength);
    }

    @Test
    void aTcpSegmentOverIpv6IsDecodedWithItsChecksumVerified() {
        byte[] p = Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, tcp(new byte[100]));
        DecodedFrame d = FrameDecoder.decode(raw(p, p.length));
        assertNull(d.malformed());
        assertNull(d.ip());
        assertEquals(IpAddress.parse("2001:db8:77::1"), d.source());
        assertEquals(IpAddress.parse("2001:db8:77::2"), d.destination());
        assertTrue(d.sourceIs(IpAddress.parse("2001:db8:77::1")));
        assertFalse(d.sourceIs(IpAddress.parse("2001:db8:77::2")));
        assertEquals(100, d.tcpDataOnWire());
        assertEquals(ChecksumStatus.VALID, d.tcp().checksum());
        p[p.length - 1] ^= 1;
        assertEquals(ChecksumStatus.WRONG, FrameDecoder.decode(raw(p, p.length)).tcp().checksum());
    }

    @Test
    void extensionHeadersAreWalkedToTheUpperLayer() {
        byte[] udp = Frames6.udpBytes(new UdpDatagram(5353, 53, new byte[12], ChecksumStatus.VALID), A, B);
        List<Ipv6Extension> ext = List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0))),
                Ipv6Extension.DestinationOptions.padded(List.of()));
        byte[] p = Ipv6Packet.build(A, B, 64, ext, Ipv6Packet.UDP, udp);
        DecodedFrame d = FrameDecoder.decode(raw(p, p.length));
        assertNull(d.malformed());
        assertEquals(53, d.udp().destinationPort());
        assertEquals(12, d.udp().payload().length);
        assertEquals(ChecksumStatus.VALID, d.udp().checksum());
        assertEquals(2, d.ip6().extensions().size());
    }

    @Test
    void aZeroUdpChecksumIsWrongOverIpv6() {
        byte[] udp = Frames6.udpBytes(new UdpDatagram(5353, 53, new byte[4], ChecksumStatus.VALID), A, B);
        udp[6] = 0;
        udp[7] = 0;
        byte[] p = Ipv6Packet.build(A, B, Ipv6Packet.UDP, 64, udp);
        assertEquals(ChecksumStatus.WRONG, FrameDecoder.decode(raw(p, p.length)).udp().checksum());
    }

    @Test
    void aCutFrameKeepsItsHeadersAndItsLengthOnTheWire() {
        byte[] p = Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, tcp(new byte[1000]));
        DecodedFrame d = FrameDecoder.decode(raw(Arrays.copyOf(p, 96), p.length));
        assertNull(d.malformed());
        assertTrue(d.truncated());
        assertEquals(1000, d.tcpDataOnWire());
        assertEquals(96 - 40 - 20, d.tcp().data().length);
        assertEquals(ChecksumStatus.UNVERIFIABLE, d.tcp().checksum());
        DecodedFrame header = FrameDecoder.decode(raw(Arrays.copyOf(p, 30), p.length));
        assertEquals("IPv6 header cut: 30 of 40 bytes captured", header.malformed());
    }

    @Test
    void ethernetPaddingIsNotTcpData() {
        byte[] p = Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, tcp(new byte[0]));
        byte[] padded = Arrays.copyOf(p, p.length + 6);
        DecodedFrame d = FrameDecoder.decode(raw(padded, padded.length));
        assertEquals(0, d.tcpDataOnWire());
        assertEquals(0, d.tcp().data().length);
        assertEquals(ChecksumStatus.VALID, d.tcp().checksum());
    }

    @Test
    void payloadLengthZeroIsTakenAsCapturedAsForIpv4Tso() {
        byte[] p = Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, tcp(new byte[3000]));
        p[4] = 0;
        p[5] = 0;
        DecodedFrame d = FrameDecoder.decode(raw(p, p.length));
        assertNull(d.malformed());
        assertEquals(3000, d.tcpDataOnWire());
        assertEquals(3000, d.tcp().data().length);
    }

    @Test
    void fragmentsAreDecodedAsFarAsTheyGoAndNotReassembled() {
        byte[] segment = tcp(new byte[200]);
        byte[] first = Ipv6Packet.build(A, B, 64, List.of(new Ipv6Extension.Fragment(0, true, 7)), Ipv6Packet.TCP,
                Arrays.copyOf(segment, 104));
        DecodedFrame f = FrameDecoder.decode(raw(first, first.length));
        assertNull(f.malformed());
        assertEquals(80, f.tcp().destinationPort());
        assertEquals(ChecksumStatus.UNVERIFIABLE, f.tcp().checksum());
        byte[] later = Ipv6Packet.build(A, B, 64, List.of(new Ipv6Extension.Fragment(104, false, 7)), Ipv6Packet.TCP,
                Arrays.copyOfRange(segment, 104, segment.length));
        DecodedFrame l = FrameDecoder.decode(raw(later, later.length));
        assertNotNull(l.ip6());
        assertNull(l.tcp());
        assertNotNull(l.malformed(), "a later fragment says why it is not followed");
    }

    @Test
    void aLengthBeyondAWholeFrameIsMalformed() {
        byte[] p = Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, tcp(new byte[10]));
        p[4] = 0x05;
        DecodedFrame d = FrameDecoder.decode(raw(p, p.length));
        assertNull(d.ip6());
        assertTrue(d.malformed().startsWith("IPv6 payload length"));
    }

    /** lo-http.pcap's second connection is curl to [::1]:8081: its segments are decoded, as tshark's tcp.stream 1. */
    @Test
    void theLoopbackFixturesIpv6SegmentsAreDecoded() throws IOException {
        int v6 = 0;
        for (CapturedFrame f : Fixtures.read("lo-http.pcap").frames()) {
            DecodedFrame d = FrameDecoder.decode(f);
            if (d.ip6() != null) {
                v6++;
                assertEquals(IpAddress.parse("::1"), d.source());
                assertNotNull(d.tcp());
                assertTrue(d.tcp().sourcePort() == 8081 || d.tcp().destinationPort() == 8081);
                assertEquals(ChecksumStatus.OFFLOADED, d.tcp().checksum());
            }
        }
        assertTrue(v6 >= 10, "the fixture's IPv6 connection");
    }

    @Test
    void ethernetCarriesIpv6() {
        byte[] frame = Frames6.tcp(MacAddress.ZERO, MacAddress.ZERO, A, B,
                TcpSegment.of(1, 2, 3, 4, TcpSegment.SYN, 5, TcpSegment.Options.NONE, new byte[0]));
        DecodedFrame d = FrameDecoder.decode(FrameDecoderTest.frame(LinkType.ETHERNET, frame, frame.length));
        assertEquals(0x86dd, d.etherType());
        assertEquals(2, d.tcp().destinationPort());
    }

    /** Damaged IPv6 packets (extension headers, fragments, lengths, cuts; seeded) are annotated, never thrown. */
    @Test
    void damagedIpv6PacketsAreNamedNeverThrown() {
        java.util.Random random = new java.util.Random(617);
        byte[] udp = Frames6.udpBytes(new UdpDatagram(5353, 53, new byte[30], ChecksumStatus.VALID), A, B);
        List<byte[]> seeds = List.of(Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, tcp(new byte[200])),
                Ipv6Packet.build(A, B, 64, List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0))),
                        new Ipv6Extension.Fragment(0, true, 9)), Ipv6Packet.TCP, tcp(new byte[64])),
                Ipv6Packet.build(A, B, 64, List.of(Ipv6Extension.DestinationOptions.padded(List.of())), Ipv6Packet.UDP, udp));
        int decoded = 0;
        for (int run = 0; run < 200_000; run++) {
            byte[] p = seeds.get(random.nextInt(seeds.size())).clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(Math.min(p.length, 120)); // the headers, where the lengths and next headers are
                p[at] = (byte) random.nextInt(256);
            }
            int captured = random.nextInt(4) == 0 ? random.nextInt(p.length + 1) : p.length;
            DecodedFrame d = FrameDecoder.decode(raw(Arrays.copyOf(p, captured), p.length));
            assertTrue(d.malformed() != null || d.ip6() != null || d.etherType() != 0x86dd);
            if (d.tcp() != null || d.udp() != null) {
                decoded++;
            }
        }
        assertTrue(decoded > 50_000, "most damage leaves a transport header to read: " + decoded);
    }
}
