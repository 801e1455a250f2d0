package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IPv6 frames decoded for the renderers: the header, then TCP, UDP and DNS, or ICMPv6 and NDP. */
class DissectorIpv6Test {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:02");
    static final byte[] SRC = Ip6.parse("2001:db8:1::2");
    static final byte[] DST = Ip6.parse("2001:db8:2::2");

    static List<String> names(List<Layer> layers) {
        return layers.stream().map(Layer::name).toList();
    }

    @Test
    void tcpAndDnsOverIpv6AreDecodedWithTheirChecksumsVerified() {
        TcpSegment syn = TcpSegment.of(40000, 80, 1000, 0, TcpSegment.SYN, 64800, TcpSegment.Options.NONE, new byte[0]);
        List<Layer> tcp = Dissector.dissect(Frames6.tcp(A, B, SRC, DST, syn));
        assertEquals(List.of("eth", "ipv6", "tcp"), names(tcp), tcp.toString());
        assertEquals("2001:db8:2::2", tcp.get(1).fields().get("dst"));
        byte[] query = DnsMessage.query(1, "www.synack.test", DnsType.AAAA, true, 1232).toBytes();
        List<Layer> dns = Dissector.dissect(Frames6.udp(A, B, SRC, DST, UdpDatagram.of(40001, 53, query)));
        assertEquals(List.of("eth", "ipv6", "udp", "dns"), names(dns), dns.toString());
    }

    @Test
    void aNeighbourSolicitationIsTheNdpLayer() {
        byte[] ns = NdpMessage.neighborSolicitation(Ip6.parse("fe80::1"), Ip6.parse("fe80::2"), A);
        List<Layer> layers = Dissector.dissect(Frames6.toMulticast(A, ns));
        assertEquals(List.of("eth", "ipv6", "ndp"), names(layers), layers.toString());
    }

    @Test
    void aFragmentIsToldAsIpv4FragmentsAreAndAnAtomicOneAsAWholePacket() {
        byte[] udp = Frames6.udpBytes(UdpDatagram.of(53, 40001, new byte[2000]), DST, SRC);
        List<Ipv6Extension> hop = List.of(Ipv6Extension.HopByHop.padded(List.of()));
        List<Layer> first = Dissector.dissect(Frames6.ethernet(B, A, Ipv6Packet.build(DST, SRC, 64,
                List.of(hop.get(0), new Ipv6Extension.Fragment(0, true, 0x2a)), Ipv6Packet.UDP, java.util.Arrays.copyOf(udp, 1440))));
        assertEquals(List.of("eth", "ipv6", "fragment"), names(first), first.toString());
        Layer f = first.get(2);
        assertEquals(0, f.fields().get("offset"));
        assertEquals(1440, f.fields().get("length"), "the bytes after the Fragment header, the hop-by-hop not counted");
        assertEquals(true, f.fields().get("more_fragments"));
        assertEquals("IPv6 fragment id 0x2a of a UDP datagram: bytes 0-1440, more follow", f.summary());
        List<Layer> later = Dissector.dissect(Frames6.ethernet(B, A, Ipv6Packet.build(DST, SRC, 64,
                List.of(new Ipv6Extension.Fragment(1440, false, 0x2a)), Ipv6Packet.UDP, java.util.Arrays.copyOfRange(udp, 1440, udp.length))));
        assertEquals("IPv6 fragment id 0x2a of a UDP datagram: bytes 1440-2008, the last", later.get(2).summary());
        List<Layer> atomic = Dissector.dissect(Frames6.ethernet(B, A, Ipv6Packet.build(DST, SRC, 64,
                List.of(new Ipv6Extension.Fragment(0, false, 0x2b)), Ipv6Packet.UDP, udp)));
        assertEquals(List.of("eth", "ipv6", "udp"), names(atomic).subList(0, 3), "RFC 6946: a whole packet " + atomic);
    }
}
