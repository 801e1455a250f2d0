package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MalformedFrameTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");

    static byte[] arp() {
        return ArpPacket.request(US, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.1.1")).toBytes();
    }

    /** A valid 20-byte IPv4 header (UDP, 198.18.1.2 → 198.18.1.1) with 8 bytes of payload and its checksum set. */
    static byte[] ipv4() {
        byte[] p = new byte[28];
        p[0] = 0x45;
        p[3] = 28;
        p[8] = 64;
        p[9] = 17;
        p[25] = 8; // a UDP header with no payload (checksum 0: none)
        Ip4.write(Ip4.parse("198.18.1.2"), p, 12);
        Ip4.write(Ip4.parse("198.18.1.1"), p, 16);
        int c = Checksum.compute(p, 0, 20);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        return p;
    }

    static String why(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(MalformedFrameException.class, e).getMessage();
    }

    @Test
    void ethernetShorterThanItsHeader() {
        for (int n : new int[] {0, 1, 13}) {
            String m = why(() -> EthernetFrame.parse(new byte[n]));
            assertEquals("Ethernet frame of " + n + " bytes is shorter than its 14-byte header", m);
        }
    }

    @Test
    void arpShorterThan28() {
        String m = why(() -> ArpPacket.parse(Arrays.copyOf(arp(), 27)));
        assertEquals("ARP packet of 27 bytes is shorter than 28", m);
    }

    @Test
    void arpForAnotherHardwareType() {
        byte[] p = arp();
        p[1] = 6; // IEEE 802
        String m = why(() -> ArpPacket.parse(p));
        assertTrue(m.contains("htype 6") && m.contains("not IPv4 over Ethernet"), m);
    }

    @Test
    void arpWithWrongAddressLengths() {
        byte[] hlen = arp();
        hlen[4] = 8;
        assertTrue(why(() -> ArpPacket.parse(hlen)).contains("hlen 8"));
        byte[] plen = arp();
        plen[5] = 16;
        assertTrue(why(() -> ArpPacket.parse(plen)).contains("plen 16"));
        byte[] ptype = arp();
        ptype[2] = (byte) 0x86;
        ptype[3] = (byte) 0xdd;
        assertTrue(why(() -> ArpPacket.parse(ptype)).contains("ptype 0x86dd"));
    }

    @Test
    void validIpv4HeaderParses() throws MalformedFrameException {
        Ipv4Packet p = Ipv4Packet.parse(ipv4());
        assertTrue(p.checksumValid());
        assertEquals(8, p.payload().length);
        assertEquals("198.18.1.2 → 198.18.1.1 UDP ttl=64", p.describe().summary());
    }

    @Test
    void ipv4WithABadChecksumParsesButSaysSo() throws MalformedFrameException {
        byte[] b = ipv4();
        b[11] ^= 1;
        Ipv4Packet p = Ipv4Packet.parse(b);
        assertFalse(p.checksumValid());
        assertTrue(p.describe().summary().contains("bad header checksum"));
    }

    @Test
    void ipv4ShorterThanItsHeader() {
        assertEquals("IPv4 packet of 19 bytes is shorter than its 20-byte header",
                why(() -> Ipv4Packet.parse(Arrays.copyOf(ipv4(), 19))));
    }

    @Test
    void ipv4WithAnotherVersion() {
        byte[] b = ipv4();
        b[0] = 0x65;
        assertEquals("IP version 6 in an IPv4 frame", why(() -> Ipv4Packet.parse(b)));
    }

    @Test
    void ipv4WithAHeaderLengthBelow20() {
        byte[] b = ipv4();
        b[0] = 0x44; // IHL 4 words = 16 bytes
        assertEquals("IPv4 header length 16 outside 20..28", why(() -> Ipv4Packet.parse(b)));
    }

    @Test
    void ipv4WithAHeaderLengthBeyondThePacket() {
        byte[] b = ipv4();
        b[0] = 0x4f; // 60 bytes of header in a 28-byte packet
        assertEquals("IPv4 header length 60 outside 20..28", why(() -> Ipv4Packet.parse(b)));
    }

    @Test
    void ipv4WithATotalLengthBeyondThePacket() {
        byte[] b = ipv4();
        b[2] = 0x05; // 1308
        assertEquals("IPv4 total length 1308 outside 20..28", why(() -> Ipv4Packet.parse(b)));
    }

    @Test
    void ipv4WithATotalLengthBelowItsHeader() {
        byte[] b = ipv4();
        b[3] = 12;
        assertEquals("IPv4 total length 12 outside 20..28", why(() -> Ipv4Packet.parse(b)));
    }

    @Test
    void dissectorAnnotatesInsteadOfThrowing() {
        byte[] frame = new EthernetFrame(MacAddress.BROADCAST, US, EthernetFrame.TYPE_ARP, Arrays.copyOf(arp(), 20)).toBytes();
        frame = Arrays.copyOf(frame, 14 + 20); // an ARP frame cut short
        List<Layer> layers = Dissector.dissect(frame);
        assertEquals(List.of("eth", "malformed"), layers.stream().map(Layer::name).toList());
        assertEquals("malformed: ARP packet of 20 bytes is shorter than 28", Dissector.summary(layers));
        assertEquals("ARP packet of 20 bytes is shorter than 28", layers.get(1).fields().get("error"));
    }

    @Test
    void dissectorOfATinyFrameIsOneMalformedLayer() {
        List<Layer> layers = Dissector.dissect(new byte[5]);
        assertEquals(1, layers.size());
        assertEquals("malformed", layers.get(0).name());
    }

    @Test
    void dissectorDecodesWellFormedFrames() {
        byte[] arpFrame = ArpPacket.request(US, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.1.1")).toFrame(US);
        assertEquals(List.of("eth", "arp"), Dissector.dissect(arpFrame).stream().map(Layer::name).toList());
        byte[] ipFrame = new EthernetFrame(MacAddress.BROADCAST, US, EthernetFrame.TYPE_IPV4, ipv4()).toBytes();
        assertEquals(List.of("eth", "ip", "udp"), Dissector.dissect(ipFrame).stream().map(Layer::name).toList());
        byte[] other = new EthernetFrame(MacAddress.BROADCAST, US, 0x88cc, new byte[40]).toBytes(); // LLDP: not decoded
        assertEquals(List.of("eth"), Dissector.dissect(other).stream().map(Layer::name).toList());
        byte[] zeros = new EthernetFrame(MacAddress.BROADCAST, US, EthernetFrame.TYPE_IPV6, new byte[40]).toBytes();
        assertEquals(List.of("eth", "malformed"), Dissector.dissect(zeros).stream().map(Layer::name).toList(), "IP version 0");
    }
}
