package synack.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;
import synack.wire.LinkType;

class FrameDecoderTest {
    static final int A = Ip4.parse("198.18.0.1");
    static final int B = Ip4.parse("198.18.0.2");
    static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:02");

    static CapturedFrame frame(LinkType link, byte[] data, int originalLength) {
        return new CapturedFrame(1, 0, 0, link, originalLength, data);
    }

    static byte[] ipTcp(byte[] data) {
        byte[] tcp = TcpSegment.of(40000, 80, 1000, 2000, TcpSegment.ACK | TcpSegment.PSH, 512, TcpSegment.Options.NONE, data)
                .toBytes(A, B);
        return Ipv4Packet.build(A, B, Ipv4Packet.PROTO_TCP, 7, 64, tcp);
    }

    static byte[] ethernet(byte[] ip) {
        return new EthernetFrame(MAC_B, MAC_A, EthernetFrame.TYPE_IPV4, ip).toBytes();
    }

    /** tshark -r lo-http-snap96.pcap: frames longer than 96 bytes are cut; tcp.len is still the length on the wire. */
    @Test
    void aFrameCutByTheSnapshotLengthKeepsItsHeadersAndItsLengthOnTheWire() throws IOException {
        Fixtures.Read read = Fixtures.read("lo-http-snap96.pcap");
        List<String> golden = Fixtures.lines("lo-http-snap96.pcap.tshark.tsv");
        int cut = 0;
        for (int i = 0; i < golden.size(); i++) {
            String[] t = golden.get(i).split("\t", -1);
            CapturedFrame f = read.frames().get(i);
            if (!f.cut() || t[6].isEmpty()) {
                continue;
            }
            cut++;
            DecodedFrame d = FrameDecoder.decode(f);
            assertNull(d.malformed());
            assertTrue(d.truncated());
            assertEquals(Integer.parseInt(t[11]), d.tcpDataOnWire());
            assertEquals(96 - 14 - 20 - 32, d.tcp().data().length, "the captured part of the data (20+12 bytes of TCP header)");
            assertEquals(ChecksumStatus.UNVERIFIABLE, d.tcp().checksum());
        }
        assertTrue(cut >= 2, "the fixture has cut frames");
    }

    /** tshark -o tcp.check_checksum:TRUE -r lo-http.pcap says every TCP checksum is "bad": loopback leaves them to offload. */
    @Test
    void wholeLoopbackSegmentsHaveOffloadedChecksums() throws IOException {
        for (CapturedFrame f : Fixtures.read("lo-http.pcap").frames()) {
            DecodedFrame d = FrameDecoder.decode(f);
            if (d.tcp() != null) {
                assertEquals(ChecksumStatus.OFFLOADED, d.tcp().checksum());
                assertFalse(d.truncated());
                assertTrue(d.ip() != null ? d.ip().checksumValid() : d.ip6() != null, "IPv4 or IPv6 under each segment");
            }
        }
    }

    @Test
    void ethernetPaddingIsNotTcpData() {
        byte[] frame = ethernet(ipTcp(new byte[0]));
        assertEquals(60, frame.length, "padded to the Ethernet minimum");
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.ETHERNET, frame, 60));
        assertEquals(0, d.tcp().data().length);
        assertEquals(0, d.tcpDataOnWire());
        assertEquals(0, d.ip().payload().length - 20, "the IP payload ends at the total length");
        assertEquals(ChecksumStatus.VALID, d.tcp().checksum());
    }

    @Test
    void totalLengthZeroIsATsoSuperFrameTakenAtItsCapturedLength() {
        byte[] data = new byte[3000];
        Arrays.fill(data, (byte) 'x');
        byte[] ip = ipTcp(data);
        ip[2] = 0;
        ip[3] = 0;
        byte[] frame = ethernet(ip);
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.ETHERNET, frame, frame.length));
        assertNull(d.malformed());
        assertEquals(3000, d.tcpDataOnWire());
        assertArrayEquals(data, d.tcp().data());
        assertFalse(d.truncated());
        assertEquals(ChecksumStatus.VALID, d.tcp().checksum(), "summed over the captured length");
    }

    @Test
    void aWrongIpHeaderChecksumIsDecodedAnyway() {
        byte[] frame = ethernet(ipTcp("GET".getBytes()));
        frame[14 + 10] ^= 0x55;
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.ETHERNET, frame, frame.length));
        assertNull(d.malformed());
        assertFalse(d.ip().checksumValid());
        assertEquals(3, d.tcp().data().length);
    }

    @Test
    void theFirstFragmentGivesTheTransportHeaderLaterOnesOnlyIp() {
        byte[] udp = UdpDatagram.of(5353, 53, new byte[100]).toBytes(A, B);
        byte[] first = Ipv4Packet.build(A, B, Ipv4Packet.PROTO_UDP, 9, 64, Arrays.copyOf(udp, 48));
        first[6] = 0x20; // MF, offset 0
        first[7] = 0;
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.IPV4, first, first.length));
        assertNull(d.malformed());
        assertEquals(5353, d.udp().sourcePort());
        assertEquals(40, d.udp().payload().length, "this fragment's part of the payload");
        assertEquals(ChecksumStatus.UNVERIFIABLE, d.udp().checksum());
        byte[] later = Ipv4Packet.build(A, B, Ipv4Packet.PROTO_UDP, 9, 64, Arrays.copyOfRange(udp, 48, udp.length));
        later[6] = 0;
        later[7] = 6; // offset 48 bytes, the last
        DecodedFrame l = FrameDecoder.decode(frame(LinkType.IPV4, later, later.length));
        assertNull(l.malformed());
        assertNotNull(l.ip());
        assertNull(l.udp());
    }

    @Test
    void ipv6IsDecodedOnEveryLinkTypeThatCarriesIt() {
        byte[] v6 = new byte[40];
        v6[0] = 0x60;
        v6[6] = 59; // no next header: a header alone is whole
        for (LinkType link : List.of(LinkType.RAW, LinkType.IPV6)) {
            DecodedFrame d = FrameDecoder.decode(frame(link, v6, 40));
            assertEquals(0x86dd, d.etherType());
            assertNull(d.ip());
            assertNotNull(d.ip6());
            assertNull(d.malformed());
        }
        byte[] loop = new byte[44];
        loop[0] = 24; // NetBSD's AF_INET6, little-endian
        System.arraycopy(v6, 0, loop, 4, 40);
        assertEquals(0x86dd, FrameDecoder.decode(frame(LinkType.NULL, loop, 44)).etherType());
    }

    @Test
    void loopbackFamilyInEitherByteOrder() {
        byte[] ip = ipTcp(new byte[0]);
        byte[] little = new byte[4 + ip.length];
        little[0] = 2;
        System.arraycopy(ip, 0, little, 4, ip.length);
        byte[] big = little.clone();
        big[0] = 0;
        big[3] = 2;
        assertEquals(80, FrameDecoder.decode(frame(LinkType.NULL, little, little.length)).tcp().destinationPort());
        assertEquals(80, FrameDecoder.decode(frame(LinkType.NULL, big, big.length)).tcp().destinationPort());
        assertEquals(80, FrameDecoder.decode(frame(LinkType.LOOP, big, big.length)).tcp().destinationPort());
        assertEquals(-1, FrameDecoder.decode(frame(LinkType.LOOP, little, little.length)).etherType(),
                "LOOP is network order: 0x02000000 is no family");
    }

    @Test
    void shortLinkHeadersAndUnknownProtocolsAreNamed() {
        DecodedFrame sll = FrameDecoder.decode(frame(LinkType.LINUX_SLL, new byte[10], 10));
        assertEquals("Linux cooked header of 10 bytes is shorter than 16", sll.malformed());
        byte[] llc = new byte[30];
        llc[15] = 4; // protocol 0x0004: 802.2 LLC, not an EtherType
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.LINUX_SLL, llc, 30));
        assertEquals(-1, d.etherType());
        assertNull(d.malformed());
        byte[] raw5 = {0x50, 0, 0, 0};
        assertEquals(-1, FrameDecoder.decode(frame(LinkType.RAW, raw5, 4)).etherType());
        DecodedFrame cutIp = FrameDecoder.decode(frame(LinkType.IPV4, Arrays.copyOf(ipTcp(new byte[0]), 12), 40));
        assertTrue(cutIp.truncated());
        assertEquals("IPv4 header cut: 12 of 20 bytes captured", cutIp.malformed());
        DecodedFrame cutTcp = FrameDecoder.decode(frame(LinkType.IPV4, Arrays.copyOf(ipTcp(new byte[10]), 30), 50));
        assertTrue(cutTcp.truncated());
        assertNotNull(cutTcp.ip());
        assertEquals("TCP header cut: 10 of 20 bytes captured", cutTcp.malformed());
    }

    @Test
    void aTotalLengthBeyondAWholeFrameIsMalformed() {
        byte[] ip = ipTcp(new byte[10]);
        ip[2] = 0x05; // 1280+ bytes claimed, the frame is whole
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.IPV4, ip, ip.length));
        assertNull(d.ip());
        assertFalse(d.truncated());
        assertTrue(d.malformed().startsWith("IPv4 total length"));
    }

    @Test
    void arpThroughACookedHeader() {
        byte[] arp = synack.wire.ArpPacket.request(MAC_A, A, B).toBytes();
        byte[] sll2 = new byte[20 + arp.length];
        sll2[0] = 0x08;
        sll2[1] = 0x06;
        System.arraycopy(arp, 0, sll2, 20, arp.length);
        DecodedFrame d = FrameDecoder.decode(frame(LinkType.LINUX_SLL2, sll2, sll2.length));
        assertEquals(0x0806, d.etherType());
        assertEquals(B, d.arp().targetIp());
    }
}
