package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 packets byte for byte against scapy 2.5.0 (Debian python3-scapy). Each golden's comment
 * is the scapy expression that made it: {@code bytes(<expr>).hex()} after
 * {@code from scapy.all import *}. Our build() must give the same bytes, our parse() must read them.
 *
 * <p>tshark 4.0 decodes every golden (so every packet our build() makes), each behind an Ethernet
 * header, with all checksums "[correct]" and no expert warning: {@code grep -oE 'String [A-Z_]+ = "[0-9a-f]+"'
 * Ipv6GoldenTest.java | sed -E 's/.*"(.*)"/\1/' | while read h; do echo "000000 $(echo 333300000001020000000001
 * 86dd$h | tr -d ' ' | sed 's/../& /g')"; done | text2pcap -q - v6.pcap; tshark -o tcp.check_checksum:TRUE
 * -o udp.check_checksum:TRUE -r v6.pcap -q -z expert}. Its only remarks: the UDP golden's "abc" to port 53
 * is no DNS message (test data), and the routing golden's type 0 is deprecated (RFC 5095), a note.
 */
class Ipv6GoldenTest {
    static final byte[] A = Ip6.parse("2001:db8:1::1");
    static final byte[] B = Ip6.parse("2001:db8:2::9");
    static final byte[] T = Ip6.parse("2001:db8:1::2");
    static final byte[] ROUTER = Ip6.parse("fe80::ff:fe00:1");
    static final MacAddress MAC1 = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress MAC2 = MacAddress.parse("02:00:00:00:00:02");

    // IPv6(src="2001:db8:1::1",dst="ff02::1:ff00:2",hlim=255)/ICMPv6ND_NS(tgt="2001:db8:1::2")/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")
    static final String NS = "6000000000203aff20010db8000100000000000000000001ff0200000000000000000001ff00000287001c250000000020010db80001000000000000000000020101020000000001";
    // IPv6(src="::",dst="ff02::1:ff00:2",hlim=255)/ICMPv6ND_NS(tgt="2001:db8:1::2")
    static final String DAD = "6000000000183aff00000000000000000000000000000000ff0200000000000000000001ff00000287004cea0000000020010db8000100000000000000000002";
    // IPv6(src="2001:db8:1::2",dst="2001:db8:1::1",hlim=255)/ICMPv6ND_NA(R=0,S=1,O=1,tgt="2001:db8:1::2")/ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:02")
    static final String NA = "6000000000203aff20010db800010000000000000000000220010db800010000000000000000000188008a6e6000000020010db80001000000000000000000020201020000000002";
    // IPv6(src="fe80::1",dst="ff02::2",hlim=255)/ICMPv6ND_RS()/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")
    static final String RS = "6000000000103afffe800000000000000000000000000001ff02000000000000000000000000000285007a2c000000000101020000000001";
    // IPv6(src="fe80::ff:fe00:1",dst="ff02::1",hlim=255)/ICMPv6ND_RA(chlim=64,M=0,O=1,routerlifetime=1800,reachabletime=30000,retranstimer=1000,prf=0)
    //   /ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:fe")/ICMPv6NDOptMTU(mtu=1500)
    //   /ICMPv6NDOptPrefixInfo(prefixlen=64,L=1,A=1,validlifetime=86400,preferredlifetime=14400,prefix="2001:db8:1::")
    //   /ICMPv6NDOptRDNSS(lifetime=600,dns=["2001:db8:1::53","2001:db8:1::54"])
    static final String RA = "6000000000683afffe80000000000000000000fffe000001ff02000000000000000000000000000186003ae24040070800007530000003e801010200000000fe05010000000005dc030440c000015180000038400000000020010db8000100000000000000000000190500000000025820010db800010000000000000000005320010db8000100000000000000000054";
    // IPv6(src="fe80::ff:fe00:1",dst="2001:db8:1::1",hlim=255)/ICMPv6ND_Redirect(tgt="fe80::2",dst="2001:db8:2::9")
    static final String REDIRECT = "6000000000283afffe80000000000000000000fffe00000120010db800010000000000000000000189001f1900000000fe80000000000000000000000000000220010db8000200000000000000000009";
    // IPv6(src="2001:db8:1::1",dst="2001:db8:1::2",hlim=64)/ICMPv6EchoRequest(id=0x1234,seq=7,data=b"synack")
    static final String ECHO = "60000000000e3a4020010db800010000000000000000000120010db80001000000000000000000028000ccbe1234000773796e61636b";
    // inner=IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=63,plen=1460)/TCP(sport=40000,dport=443,seq=1000,flags="A")
    // IPv6(src="2001:db8:1::fe",dst="2001:db8:1::1",hlim=64)/ICMPv6PacketTooBig(mtu=1280)/raw(inner)[:60]
    static final String PTB = "6000000000443a4020010db80001000000000000000000fe20010db800010000000000000000000102003035000005006000000005b4063f20010db800010000000000000000000120010db80002000000000000000000099c4001bb000003e8000000005010200092720000";
    // IPv6(src="2001:db8:1::fe",dst="2001:db8:1::1",hlim=64)/ICMPv6DestUnreach(code=4)/IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=63)/UDP(sport=5353,dport=53)/b"q"
    static final String UNREACH = "6000000000393a4020010db80001000000000000000000fe20010db8000100000000000000000001010430e700000000600000000009113f20010db800010000000000000000000120010db800020000000000000000000914e9003500091e3f71";
    // IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=64)/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])/IPv6ExtHdrFragment(offset=0,m=0,id=0x1234)
    //   /IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00\x00\x00\x00")])/UDP(sport=1234,dport=5678)/b"hello"
    static final String EXT = "600000000025004020010db800010000000000000000000120010db80002000000000000000000092c000502000001003c00000000001234110001040000000004d2162e000d458368656c6c6f";
    // IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=64)/TCP(sport=40000,dport=80,seq=1,ack=0,flags="S",window=64240,options=[])
    static final String TCP = "600000000014064020010db800010000000000000000000120010db80002000000000000000000099c40005000000001000000005002faf0bce10000";
    // IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=64)/UDP(sport=40000,dport=53)/b"abc"
    static final String UDP = "60000000000b114020010db800010000000000000000000120010db80002000000000000000000099c400035000b4381616263";
    // IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=64)/IPv6ExtHdrRouting(addresses=["2001:db8:3::1"],segleft=1)/UDP(sport=1,dport=2)
    static final String ROUTING = "6000000000202b4020010db800010000000000000000000120010db8000200000000000000000009110200010000000020010db8000300000000000000000001000100020008a463";
    // IPv6(src="2001:db8:1::1",dst="2001:db8:2::9",hlim=64)/IPv6ExtHdrFragment(offset=185,m=1,id=0xabcdef01,nh=17)/raw(b"x"*16)
    static final String LATER_FRAGMENT = "6000000000182c4020010db800010000000000000000000120010db8000200000000000000000009110005c9abcdef0178787878787878787878787878787878";

    static final List<String> ALL = List.of(NS, DAD, NA, RS, RA, REDIRECT, ECHO, PTB, UNREACH, EXT, TCP, UDP, ROUTING, LATER_FRAGMENT);

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static NdpMessage ndp(String golden) throws MalformedFrameException {
        return NdpMessage.parse(Ipv6Packet.parse(hex(golden)));
    }

    @Test
    void buildsNeighbourDiscoveryAsScapyDoes() {
        assertEquals(NS, hex(NdpMessage.neighborSolicitation(A, T, MAC1)));
        assertEquals(DAD, hex(NdpMessage.duplicateAddressProbe(T)));
        assertEquals(NA, hex(NdpMessage.neighborAdvertisement(T, A, T, false, true, true, MAC2)));
        assertEquals(RS, hex(NdpMessage.routerSolicitation(Ip6.parse("fe80::1"), MAC1)));
        assertEquals(RA, hex(NdpMessage.packet(ROUTER, Ip6.allNodes(),
                new NdpMessage.RouterAdvertisement(64, false, true, 1800, 30000, 1000),
                List.of(new NdpOption.SourceLinkLayer(MacAddress.parse("02:00:00:00:00:fe")), new NdpOption.Mtu(1500),
                        new NdpOption.PrefixInformation(64, true, true, 86400, 14400, Ip6.parse("2001:db8:1::")),
                        new NdpOption.Rdnss(600, List.of(Ip6.parse("2001:db8:1::53"), Ip6.parse("2001:db8:1::54")))))));
        assertEquals(REDIRECT, hex(NdpMessage.packet(ROUTER, A, new NdpMessage.Redirect(Ip6.parse("fe80::2"), B), List.of())));
    }

    @Test
    void readsScapysSolicitationAndAdvertisement() throws MalformedFrameException {
        NdpMessage ns = ndp(NS);
        assertEquals("2001:db8:1::2", Ip6.toString(((NdpMessage.NeighborSolicitation) ns.body()).target()));
        assertEquals(MAC1, ns.sourceLinkLayer());
        assertEquals(ChecksumStatus.VALID, ns.checksum());
        assertTrue(ns.isValid(), ns.violations().toString());

        NdpMessage dad = ndp(DAD);
        assertNull(dad.sourceLinkLayer());
        assertTrue(dad.isValid(), dad.violations().toString());

        NdpMessage na = ndp(NA);
        NdpMessage.NeighborAdvertisement body = (NdpMessage.NeighborAdvertisement) na.body();
        assertFalse(body.router());
        assertTrue(body.solicited());
        assertTrue(body.override());
        assertEquals(MAC2, na.targetLinkLayer());
        assertEquals("NDP 2001:db8:1::2 is here [SO], target-lladdr 02:00:00:00:00:02", na.describe().summary());
    }

    @Test
    void readsScapysRouterAdvertisementWithEveryOption() throws MalformedFrameException {
        NdpMessage ra = ndp(RA);
        NdpMessage.RouterAdvertisement body = (NdpMessage.RouterAdvertisement) ra.body();
        assertEquals(new NdpMessage.RouterAdvertisement(64, false, true, 1800, 30000, 1000), body);
        assertEquals(4, ra.options().size());
        assertEquals(MacAddress.parse("02:00:00:00:00:fe"), ra.sourceLinkLayer());
        assertEquals(new NdpOption.Mtu(1500), ra.options().get(1));
        NdpOption.PrefixInformation prefix = ra.prefixes().get(0);
        assertEquals("2001:db8:1::/64", Ip6.toString(prefix.prefix()) + "/" + prefix.prefixLength());
        assertTrue(prefix.onLink() && prefix.autonomous());
        assertEquals(86400, prefix.validLifetime());
        assertEquals(14400, prefix.preferredLifetime());
        NdpOption.Rdnss dns = (NdpOption.Rdnss) ra.options().get(3);
        assertEquals(600, dns.lifetime());
        assertEquals("2001:db8:1::54", Ip6.toString(dns.servers().get(1)));
        assertTrue(ra.isValid(), ra.violations().toString());
        assertEquals(List.of("source-lladdr 02:00:00:00:00:fe", "mtu 1500", "prefix 2001:db8:1::/64 LA valid=86400 preferred=14400",
                "rdnss 2001:db8:1::53 2001:db8:1::54 lifetime=600"), ra.describe().fields().get("options"));
        assertTrue(ndp(RS).isValid());
        NdpMessage redirect = ndp(REDIRECT);
        assertEquals("fe80::2", Ip6.toString(((NdpMessage.Redirect) redirect.body()).target()));
        assertTrue(redirect.isValid(), redirect.violations().toString());
    }

    @Test
    void echoRequestBothWays() throws MalformedFrameException {
        byte[] icmp = Icmpv6Message.echoRequest(0x1234, 7, "synack".getBytes(StandardCharsets.US_ASCII)).toBytes(A, T);
        assertEquals(ECHO, hex(Ipv6Packet.build(A, T, Ipv6Packet.ICMPV6, 64, icmp)));
        Icmpv6Message m = Icmpv6Message.parse(Ipv6Packet.parse(hex(ECHO)));
        assertEquals(ChecksumStatus.VALID, m.checksum());
        assertEquals(0x1234, m.echoIdentifier());
        assertEquals(7, m.echoSequence());
        assertEquals("synack", new String(m.echoData(), StandardCharsets.US_ASCII));
        assertEquals("ICMPv6 echo request (type 128 code 0) id=4660 seq=7", m.describe().summary());
    }

    @Test
    void packetTooBigNamesTheFlowItStopped() throws MalformedFrameException {
        Ipv6Packet ip = Ipv6Packet.parse(hex(PTB));
        Icmpv6Message m = Icmpv6Message.parse(ip);
        assertEquals(ChecksumStatus.VALID, m.checksum());
        assertEquals(1280, m.mtu());
        Icmpv6Message.Invoking q = m.invoking();
        assertEquals("2001:db8:1::1", Ip6.toString(q.source()));
        assertEquals("2001:db8:2::9", Ip6.toString(q.destination()));
        assertEquals(Ipv6Packet.TCP, q.protocol());
        assertEquals(40000, q.sourcePort());
        assertEquals(443, q.destinationPort());
        assertEquals(1000, q.tcpSeq());
        assertEquals("ICMPv6 packet too big (mtu 1280) (type 2 code 0) for TCP to [2001:db8:2::9]:443", m.describe().summary());
        // and we build the same message around the same quote
        byte[] body = new byte[4 + 60];
        body[2] = 0x05; // mtu 1280
        System.arraycopy(ip.payload(), 8, body, 4, 60);
        assertArrayEquals(hex(PTB), Ipv6Packet.build(ip.source(), ip.destination(), Ipv6Packet.ICMPV6, 64,
                new Icmpv6Message(Icmpv6Message.PACKET_TOO_BIG, 0, ChecksumStatus.VALID, body).toBytes(ip.source(), ip.destination())));
    }

    @Test
    void portUnreachableQuotesUdpPorts() throws MalformedFrameException {
        Icmpv6Message m = Icmpv6Message.parse(Ipv6Packet.parse(hex(UNREACH)));
        assertEquals(Icmpv6Message.DESTINATION_UNREACHABLE, m.type());
        assertEquals("port unreachable", m.meaning());
        Icmpv6Message.Invoking q = m.invoking();
        assertEquals(Ipv6Packet.UDP, q.protocol());
        assertEquals(5353, q.sourcePort());
        assertEquals(53, q.destinationPort());
        assertEquals(-1, q.tcpSeq());
    }

    @Test
    void walksHopByHopFragmentAndDestinationOptions() throws MalformedFrameException {
        Ipv6Packet ip = Ipv6Packet.parse(hex(EXT));
        assertEquals(3, ip.extensions().size());
        Ipv6Extension.HopByHop hbh = (Ipv6Extension.HopByHop) ip.extensions().get(0);
        assertEquals(Ipv6Option.ROUTER_ALERT, hbh.options().get(0).type());
        assertEquals(new Ipv6Extension.Fragment(0, false, 0x1234), ip.extensions().get(1));
        assertTrue(ip.extensions().get(2) instanceof Ipv6Extension.DestinationOptions);
        assertEquals(Ipv6Packet.UDP, ip.upperProtocol());
        assertEquals(Ipv6Packet.End.UPPER_LAYER, ip.end()); // an atomic fragment is a whole datagram
        UdpDatagram udp = Frames6.parseUdp(ip);
        assertEquals(ChecksumStatus.VALID, udp.checksum());
        assertEquals("hello", new String(udp.payload(), StandardCharsets.US_ASCII));
        Layer layer = ip.describe();
        assertEquals(List.of("hop-by-hop [router-alert]", "fragment offset=0 last id=0x1234", "destination-options []"),
                layer.fields().get("extension_headers"));
        assertEquals("UDP", layer.fields().get("next_header"));

        byte[] built = Ipv6Packet.build(A, B, 64, List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0))),
                        new Ipv6Extension.Fragment(0, false, 0x1234),
                        new Ipv6Extension.DestinationOptions(List.of(new Ipv6Option(Ipv6Option.PADN, new byte[4])))),
                Ipv6Packet.UDP, Frames6.udpBytes(UdpDatagram.of(1234, 5678, "hello".getBytes(StandardCharsets.US_ASCII)), A, B));
        assertEquals(EXT, hex(built));
    }

    @Test
    void routingHeaderAndALaterFragment() throws MalformedFrameException {
        Ipv6Packet rt = Ipv6Packet.parse(hex(ROUTING));
        Ipv6Extension.Routing r = (Ipv6Extension.Routing) rt.extensions().get(0);
        assertEquals(0, r.routingType());
        assertEquals(1, r.segmentsLeft());
        assertEquals(ROUTING, hex(Ipv6Packet.build(A, B, 64, List.of(r), Ipv6Packet.UDP, rt.payload())));

        Ipv6Packet later = Ipv6Packet.parse(hex(LATER_FRAGMENT));
        assertEquals(Ipv6Packet.End.LATER_FRAGMENT, later.end());
        assertEquals(Ipv6Packet.UDP, later.upperProtocol());
        assertEquals(new Ipv6Extension.Fragment(1480, true, 0xabcdef01L), later.fragment());
        assertEquals(16, later.payload().length);
        assertTrue(later.describe().summary().endsWith("(later fragment)"), later.describe().summary());
    }

    @Test
    void tcpAndUdpChecksumsOverThePseudoHeader() throws MalformedFrameException {
        TcpSegment syn = TcpSegment.of(40000, 80, 1, 0, TcpSegment.SYN, 64240, TcpSegment.Options.NONE, new byte[0]);
        assertEquals(TCP, hex(Ipv6Packet.build(A, B, Ipv6Packet.TCP, 64, Frames6.tcpBytes(syn, A, B))));
        TcpSegment read = Frames6.parseTcp(Ipv6Packet.parse(hex(TCP)));
        assertEquals(ChecksumStatus.VALID, read.checksum());
        assertEquals(40000, read.sourcePort());
        assertTrue(read.has(TcpSegment.SYN));

        assertEquals(UDP, hex(Ipv6Packet.build(A, B, Ipv6Packet.UDP, 64,
                Frames6.udpBytes(UdpDatagram.of(40000, 53, "abc".getBytes(StandardCharsets.US_ASCII)), A, B))));
        assertEquals(ChecksumStatus.VALID, Frames6.parseUdp(Ipv6Packet.parse(hex(UDP))).checksum());

        byte[] wrongSource = hex(TCP);
        wrongSource[23] ^= 1; // another source address: the pseudo-header no longer matches
        assertEquals(ChecksumStatus.WRONG, Frames6.parseTcp(Ipv6Packet.parse(wrongSource)).checksum());
    }

    @Test
    void checksumLeftToOffloadIsRecognised() throws MalformedFrameException {
        // a Linux sender with CHECKSUM_PARTIAL puts the folded pseudo-header sum in the field
        byte[] p = hex(TCP);
        int pseudo = Checksum6.pseudoHeaderSum(A, B, Ipv6Packet.TCP, 20);
        p[40 + 16] = (byte) (pseudo >>> 8);
        p[40 + 17] = (byte) pseudo;
        assertEquals(ChecksumStatus.OFFLOADED, Frames6.parseTcp(Ipv6Packet.parse(p)).checksum());
        assertEquals(pseudo, Checksum6.pseudoHeaderSum(p, 0, Ipv6Packet.TCP, 20)); // read in place, same sum
    }

    @Test
    void udpWithoutChecksumIsWrongOverIpv6() throws MalformedFrameException {
        byte[] p = hex(UDP);
        p[40 + 6] = 0;
        p[40 + 7] = 0; // fine over IPv4 (RFC 768), not over IPv6 (RFC 8200 8.1)
        assertEquals(ChecksumStatus.WRONG, Frames6.parseUdp(Ipv6Packet.parse(p)).checksum());
    }

    @Test
    void ndpFramesGoToTheMulticastMac() throws MalformedFrameException {
        byte[] frame = Frames6.toMulticast(MAC1, NdpMessage.neighborSolicitation(A, T, MAC1));
        EthernetFrame eth = EthernetFrame.parse(frame);
        assertEquals("33:33:ff:00:00:02", eth.destination().toString());
        assertEquals(EthernetFrame.TYPE_IPV6, eth.etherType());
        assertEquals(NS, hex(eth.payload()));
    }
}
