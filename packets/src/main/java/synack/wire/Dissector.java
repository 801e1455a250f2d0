package synack.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a whole frame into its layers for the renderers. Never throws: what cannot be
 * decoded becomes a final "malformed" layer saying why, so a bad frame is annotated, not fatal.
 */
public final class Dissector {
    private Dissector() {}

    /**
     * A frame that begins with {@code link}'s header. Ethernet only for now: the capture reader's
     * link types (Linux cooked, raw IP, loopback) are decoded here too — TODO(explain) until they are,
     * the others are one "malformed" layer saying so.
     */
    public static List<Layer> dissect(LinkType link, byte[] frame) {
        if (link == LinkType.ETHERNET) {
            return dissect(frame);
        }
        List<Layer> layers = new ArrayList<>(1);
        layers.add(malformed("link type " + link + " is not decoded yet"));
        return layers;
    }

    public static List<Layer> dissect(byte[] frame) {
        List<Layer> layers = new ArrayList<>(3);
        try {
            EthernetFrame eth = EthernetFrame.parse(frame);
            layers.add(eth.describe());
            switch (eth.etherType()) {
                case EthernetFrame.TYPE_ARP -> layers.add(ArpPacket.parse(eth.payload()).describe());
                case EthernetFrame.TYPE_IPV4 -> {
                    Ipv4Packet ip = Ipv4Packet.parse(eth.payload());
                    layers.add(ip.describe());
                    if ((ip.flagsAndFragment() & 0x3fff) != 0) {
                        layers.add(fragment(ip));
                        break; // one piece of a datagram: its transport header is whole only once reassembled
                    }
                    switch (ip.protocol()) {
                        case Ipv4Packet.PROTO_TCP -> layers.add(TcpSegment.parse(ip.payload(), ip.source(), ip.destination()).describe());
                        case Ipv4Packet.PROTO_ICMP -> layers.add(IcmpMessage.parse(ip.payload()).describe());
                        case Ipv4Packet.PROTO_UDP -> {
                            UdpDatagram udp = UdpDatagram.parse(ip.payload(), ip.source(), ip.destination());
                            layers.add(udp.describe());
                            Layer dns = DnsLayer.of(udp); // by port, or by a strict parse elsewhere: see DnsLayer
                            if (dns != null) {
                                layers.add(dns);
                            }
                        }
                        default -> { }
                    }
                }
                default -> { }
            }
        } catch (MalformedFrameException e) {
            layers.add(malformed(e.getMessage()));
        }
        return layers;
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
