package synack.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a frame into its layers for the renderers. Never throws: what cannot be decoded becomes
 * a final "malformed" layer saying why, so a bad frame is annotated, not fatal. synack's own frames
 * and a capture file's take the same path: the link header ({@link LinkLayer}), then the network
 * layers, read leniently as a capture holds them ({@link CapturedIpv4}).
 */
public final class Dissector {
    private Dissector() {}

    /** A frame as synack sends and receives it: Ethernet, whole. */
    public static List<Layer> dissect(byte[] frame) {
        return dissect(LinkType.ETHERNET, frame, frame.length);
    }

    /** A whole frame that begins with {@code link}'s header (null: a link type synack does not decode). */
    public static List<Layer> dissect(LinkType link, byte[] frame) {
        return dissect(link, frame, frame.length);
    }

    /**
     * A frame of a capture file: it begins with {@code link}'s header and was {@code originalLength}
     * bytes on the wire, of which {@code frame} holds what the snapshot length kept. The link layer
     * ("eth" with its 802.1Q tags, "sll", "sll2", "loopback", "raw"), then IPv4 and its transport or
     * ARP. When the frame was cut, the innermost layer's summary says so and a cut TCP layer gives
     * the data length that was on the wire.
     */
    public static List<Layer> dissect(LinkType link, byte[] frame, int originalLength) {
        List<Layer> layers = new ArrayList<>(4);
        try {
            LinkLayer l = LinkLayer.parse(link, frame);
            layers.add(l.describe());
            network(l, originalLength, layers);
        } catch (MalformedFrameException e) {
            layers.add(malformed(e.getMessage()));
        }
        if (originalLength > frame.length) {
            Layer last = layers.remove(layers.size() - 1);
            last.fields().put("captured", frame.length + " of " + originalLength);
            layers.add(new Layer(last.name(), last.summary() + " (cut by the snapshot length: " + frame.length + " of "
                    + originalLength + " bytes captured)", last.fields()));
        }
        return layers;
    }

    private static void network(LinkLayer l, int originalLength, List<Layer> layers) throws MalformedFrameException {
        byte[] frame = l.frame();
        switch (l.etherType()) {
            case EthernetFrame.TYPE_ARP -> layers.add(ArpPacket.parse(Arrays.copyOfRange(frame, l.networkOffset(), frame.length)).describe());
            case EthernetFrame.TYPE_IPV4 -> {
                CapturedIpv4 c = CapturedIpv4.parse(frame, l.networkOffset(), originalLength);
                Ipv4Packet ip = c.packet();
                layers.add(c.describe());
                if (c.fragment()) {
                    layers.add(fragment(ip));
                    return; // one piece of a datagram: its transport header is whole only once reassembled
                }
                transport(c, frame, layers);
            }
            case EthernetFrame.TYPE_IPV6 -> ipv6(Arrays.copyOfRange(frame, l.networkOffset(), frame.length), layers);
            default -> { }
        }
    }

    /** IPv6, its extension headers, and TCP, UDP (and DNS) or ICMPv6 (NDP) when the packet holds its upper layer whole. */
    private static void ipv6(byte[] packet, List<Layer> layers) throws MalformedFrameException {
        Ipv6Packet ip = Ipv6Packet.parse(packet);
        layers.add(ip.describe());
        Ipv6Extension.Fragment fragment = ip.fragment();
        if (fragment != null && !fragment.isAtomic()) {
            layers.add(fragment(ip, fragment, packet));
            return; // as for IPv4: the transport is decoded in the reassembled datagram
        }
        if (ip.end() != Ipv6Packet.End.UPPER_LAYER) {
            return; // ESP, no next header, a fragment: the layer says which
        }
        switch (ip.upperProtocol()) {
            case Ipv6Packet.TCP -> layers.add(Frames6.parseTcp(ip).describe());
            case Ipv6Packet.UDP -> {
                UdpDatagram udp = Frames6.parseUdp(ip);
                layers.add(udp.describe());
                Layer dns = DnsLayer.of(udp);
                if (dns != null) {
                    layers.add(dns);
                }
            }
            case Ipv6Packet.ICMPV6 -> {
                Icmpv6Message m = Icmpv6Message.parse(ip);
                layers.add(NdpMessage.isNdp(m.type()) ? NdpMessage.parse(ip).describe() : m.describe());
            }
            default -> { }
        }
    }

    private static void transport(CapturedIpv4 c, byte[] frame, List<Layer> layers) throws MalformedFrameException {
        Ipv4Packet ip = c.packet();
        int at = c.payloadOffset();
        switch (ip.protocol()) {
            case Ipv4Packet.PROTO_TCP -> {
                TcpSegment tcp = TcpSegment.parseCaptured(frame, at, c.capturedPayload(), c.declaredPayload(), ip.source(), ip.destination());
                Layer t = tcp.describe();
                if (c.cut()) {
                    int headerLength = c.capturedPayload() - tcp.data().length;
                    t.fields().put("len_on_wire", c.declaredPayload() - headerLength);
                }
                layers.add(t);
            }
            case Ipv4Packet.PROTO_ICMP -> layers.add(IcmpMessage.parse(ip.payload()).describe());
            case Ipv4Packet.PROTO_UDP -> {
                UdpDatagram udp = UdpDatagram.parseCaptured(frame, at, c.capturedPayload(), c.declaredPayload(), ip.source(), ip.destination());
                layers.add(udp.describe());
                // a cut datagram holds part of a message, which is not one: no DNS layer for it
                Layer dns = c.capturedPayload() < c.declaredPayload() ? null // cut: whatever its checksum says (0: none computed)
                        : DnsLayer.of(udp); // by port, or by a strict parse elsewhere: see DnsLayer
                if (dns != null) {
                    layers.add(dns);
                }
            }
            default -> { }
        }
    }

    static Layer fragment(Ipv4Packet ip) {
        Map<String, Object> f = new LinkedHashMap<>();
        int offset = (ip.flagsAndFragment() & 0x1fff) * 8;
        boolean more = (ip.flagsAndFragment() & 0x2000) != 0;
        f.put("offset", offset);
        f.put("length", ip.payload().length);
        f.put("more_fragments", more);
        return new Layer("fragment", "IPv4 fragment id 0x" + Integer.toHexString(ip.identification()) + " of a "
                + Ipv4Packet.protocolName(ip.protocol()) + " datagram: bytes " + offset + "-" + (offset + ip.payload().length)
                + (more ? ", more follow" : ", the last"), f);
    }

    /** The IPv6 counterpart: offset and length count the fragmentable part, what follows the Fragment header. */
    static Layer fragment(Ipv6Packet ip, Ipv6Extension.Fragment fragment, byte[] packet) {
        int unfragmentable = Ipv6Packet.HEADER;
        for (Ipv6Extension e : ip.extensions()) {
            if (e == fragment) {
                break;
            }
            unfragmentable += e.length();
        }
        int length = Math.min(packet.length, Ipv6Packet.HEADER + ip.payloadLength()) - unfragmentable - Ipv6Extension.Fragment.LENGTH;
        int offset = fragment.offset();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("offset", offset);
        f.put("length", length);
        f.put("more_fragments", fragment.more());
        // every fragment's Fragment header names what the fragmentable part starts with (RFC 8200 4.5)
        return new Layer("fragment", "IPv6 fragment id 0x" + Long.toHexString(fragment.identification()) + " of a "
                + Ipv6Packet.nextHeaderName(ip.upperProtocol()) + " datagram: bytes " + offset + "-" + (offset + length) + (fragment.more() ? ", more follow" : ", the last"), f);
    }

    public static Layer malformed(String why) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("error", why);
        return new Layer("malformed", "malformed: " + why, f);
    }

    /** The summary of the innermost decoded layer: what a person wants on the frame's line. */
    public static String summary(List<Layer> layers) {
        return layers.get(layers.size() - 1).summary();
    }
}
