package synack.capture;

import java.util.Arrays;
import synack.wire.ArpPacket;
import synack.wire.CapturedIpv4;
import synack.wire.CapturedIpv6;
import synack.wire.EthernetFrame;
import synack.wire.Ipv4Packet;
import synack.wire.Ipv6Packet;
import synack.wire.LinkLayer;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * Decodes a captured frame as far as explain's observers need it: the link header of its link type
 * ({@link LinkLayer}: Ethernet with 802.1Q/802.1ad tags skipped, Linux cooked v1 and v2, BSD
 * loopback, raw IP), then ARP, or IPv4 or IPv6 (its extension headers walked) and its TCP or UDP
 * header. Never throws: what cannot be decoded is named in {@link DecodedFrame#malformed()}.
 *
 * <p>Leniency, as a capture needs it ({@link CapturedIpv4}):
 * <ul>
 *   <li>a frame cut by the snapshot length still gives ip (its payload the captured part) and the
 *       TCP/UDP header when that was captured; {@code tcpDataOnWire} comes from the IP total length,
 *       the checksum is {@link synack.wire.ChecksumStatus#UNVERIFIABLE} and {@code truncated} true;</li>
 *   <li>total length 0 with a payload (TSO on the sending host): the captured length is taken;</li>
 *   <li>Ethernet padding after the IP total length is not TCP data;</li>
 *   <li>a bad IP header checksum is decoded anyway ({@code ip.checksumValid()} false);</li>
 *   <li>a fragment: the first one's transport header is decoded (its data only this fragment's,
 *       checksum unverifiable); later fragments give ip only.</li>
 * </ul>
 * IPv6 is read as leniently ({@link CapturedIpv6}: cut, payload length 0 as TSO, padding), and
 * its fragments as IPv4's: the first one's transport header is decoded, a later one gives ip6
 * only. Where the walk through its headers stops before an upper layer (a later fragment, ESP, no
 * next header, a cut inside an extension header), {@code malformed} says so.
 */
public final class FrameDecoder {
    private FrameDecoder() {}

    public static DecodedFrame decode(CapturedFrame f) {
        if (f.link() == null) {
            return failed(f, -1, null, false, "link type not decoded (reported when its interface was described)");
        }
        byte[] b = f.data();
        LinkLayer link;
        try {
            link = LinkLayer.parse(f.link(), b);
        } catch (MalformedFrameException e) {
            return failed(f, -1, null, f.cut(), e.getMessage());
        }
        int etherType = link.etherType();
        int at = link.networkOffset();
        return switch (etherType) {
            case EthernetFrame.TYPE_ARP -> arp(f, at);
            case EthernetFrame.TYPE_IPV4 -> ipv4(f, at);
            case EthernetFrame.TYPE_IPV6 -> ipv6(f, at);
            default -> new DecodedFrame(f, etherType, null, null, null, 0, null, f.cut(), null);
        };
    }

    private static DecodedFrame arp(CapturedFrame f, int at) {
        byte[] b = f.data();
        boolean cut = f.cut() && b.length - at < ArpPacket.LENGTH;
        try {
            ArpPacket arp = ArpPacket.parse(Arrays.copyOfRange(b, at, Math.min(b.length, at + ArpPacket.LENGTH)));
            return new DecodedFrame(f, EthernetFrame.TYPE_ARP, arp, null, null, 0, null, false, null);
        } catch (MalformedFrameException e) {
            return failed(f, EthernetFrame.TYPE_ARP, null, cut, e.getMessage());
        }
    }

    private static DecodedFrame ipv4(CapturedFrame f, int at) {
        byte[] b = f.data();
        CapturedIpv4 c;
        try {
            c = CapturedIpv4.parse(b, at, f.originalLength());
        } catch (MalformedFrameException e) {
            return failed(f, EthernetFrame.TYPE_IPV4, null, f.cut(), e.getMessage());
        }
        Ipv4Packet ip = c.packet();
        if (c.laterFragment()) {
            return new DecodedFrame(f, EthernetFrame.TYPE_IPV4, null, ip, null, 0, null, c.cut(), null);
        }
        // a first fragment's transport segment goes on in the next fragments: its length is not known here
        int onWire = c.fragment() ? Integer.MAX_VALUE : c.declaredPayload();
        int from = c.payloadOffset();
        try {
            switch (ip.protocol()) {
                case Ipv4Packet.PROTO_TCP -> {
                    TcpSegment tcp = TcpSegment.parseCaptured(b, from, c.capturedPayload(), onWire, ip.source(), ip.destination());
                    int headerLength = ((b[from + 12] & 0xff) >>> 4) * 4;
                    int dataOnWire = c.fragment() ? tcp.data().length : c.declaredPayload() - headerLength;
                    return new DecodedFrame(f, EthernetFrame.TYPE_IPV4, null, ip, tcp, dataOnWire, null, c.cut(), null);
                }
                case Ipv4Packet.PROTO_UDP -> {
                    UdpDatagram udp = UdpDatagram.parseCaptured(b, from, c.capturedPayload(), onWire, ip.source(), ip.destination());
                    return new DecodedFrame(f, EthernetFrame.TYPE_IPV4, null, ip, null, 0, udp, c.cut(), null);
                }
                default -> {
                    return new DecodedFrame(f, EthernetFrame.TYPE_IPV4, null, ip, null, 0, null, c.cut(), null);
                }
            }
        } catch (MalformedFrameException e) {
            return failed(f, EthernetFrame.TYPE_IPV4, ip, c.cut(), e.getMessage());
        }
    }

    private static DecodedFrame ipv6(CapturedFrame f, int at) {
        byte[] b = f.data();
        CapturedIpv6 c;
        try {
            c = CapturedIpv6.parse(b, at, f.originalLength());
        } catch (MalformedFrameException e) {
            return failed(f, EthernetFrame.TYPE_IPV6, null, f.cut(), e.getMessage());
        }
        Ipv6Packet ip = c.packet();
        if (!c.upperLayerHere()) {
            return new DecodedFrame(f, EthernetFrame.TYPE_IPV6, null, null, ip, null, 0, null, c.cut(), stopped(ip));
        }
        // a first fragment's transport segment goes on in the next fragments: its length is not known here
        int onWire = c.fragment() ? Integer.MAX_VALUE : c.declaredPayload();
        int from = c.payloadOffset();
        try {
            switch (ip.upperProtocol()) {
                case Ipv6Packet.TCP -> {
                    TcpSegment tcp = CapturedIpv6.tcp(b, from, c.capturedPayload(), onWire, ip.source(), ip.destination());
                    int headerLength = ((b[from + 12] & 0xff) >>> 4) * 4;
                    int dataOnWire = c.fragment() ? tcp.data().length : c.declaredPayload() - headerLength;
                    return new DecodedFrame(f, EthernetFrame.TYPE_IPV6, null, null, ip, tcp, dataOnWire, null, c.cut(), null);
                }
                case Ipv6Packet.UDP -> {
                    UdpDatagram udp = CapturedIpv6.udp(b, from, c.capturedPayload(), onWire, ip.source(), ip.destination());
                    return new DecodedFrame(f, EthernetFrame.TYPE_IPV6, null, null, ip, null, 0, udp, c.cut(), null);
                }
                default -> {
                    return new DecodedFrame(f, EthernetFrame.TYPE_IPV6, null, null, ip, null, 0, null, c.cut(), null);
                }
            }
        } catch (MalformedFrameException e) {
            return new DecodedFrame(f, EthernetFrame.TYPE_IPV6, null, null, ip, null, 0, null, c.cut(), e.getMessage());
        }
    }

    /** Why an IPv6 packet's upper layer is not read here. */
    private static String stopped(Ipv6Packet ip) {
        return switch (ip.end()) {
            case LATER_FRAGMENT -> "IPv6 fragment at offset " + ip.fragment().offset() + " of a larger "
                    + Ipv6Packet.nextHeaderName(ip.upperProtocol()) + " datagram (fragments are not reassembled)";
            case ENCRYPTED -> "IPv6 payload encrypted (ESP)";
            case NO_NEXT_HEADER -> null; // nothing follows by design: not a failure
            case TRUNCATED -> "IPv6 extension header cut by the snapshot length";
            default -> null;
        };
    }

    private static DecodedFrame failed(CapturedFrame f, int etherType, Ipv4Packet ip, boolean truncated, String why) {
        return new DecodedFrame(f, etherType, null, ip, null, 0, null, truncated, why);
    }
}
