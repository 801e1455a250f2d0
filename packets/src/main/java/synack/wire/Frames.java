package synack.wire;

/** Builds whole Ethernet frames for the exchanges: one call from segment to bytes on the wire. */
public final class Frames {
    public static final int DEFAULT_TTL = 64;

    private Frames() {}

    public static byte[] tcp(MacAddress from, MacAddress to, int sourceIp, int destinationIp, int ipId, TcpSegment segment) {
        byte[] ip = Ipv4Packet.build(sourceIp, destinationIp, Ipv4Packet.PROTO_TCP, ipId, DEFAULT_TTL,
                segment.toBytes(sourceIp, destinationIp));
        return new EthernetFrame(to, from, EthernetFrame.TYPE_IPV4, ip).toBytes();
    }

    public static byte[] udp(MacAddress from, MacAddress to, int sourceIp, int destinationIp, int ipId, UdpDatagram datagram) {
        byte[] ip = Ipv4Packet.build(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, ipId, DEFAULT_TTL,
                datagram.toBytes(sourceIp, destinationIp));
        return new EthernetFrame(to, from, EthernetFrame.TYPE_IPV4, ip).toBytes();
    }

    /** The IPv4 packet and TCP segment inside a frame, or null when the frame holds something else. */
    public static Tcp parseTcp(byte[] frame) throws MalformedFrameException {
        EthernetFrame eth = EthernetFrame.parse(frame);
        if (eth.etherType() != EthernetFrame.TYPE_IPV4) {
            return null;
        }
        Ipv4Packet ip = Ipv4Packet.parse(eth.payload());
        if (ip.protocol() != Ipv4Packet.PROTO_TCP) {
            return null;
        }
        return new Tcp(eth, ip, TcpSegment.parse(ip.payload(), ip.source(), ip.destination()));
    }

    public record Tcp(EthernetFrame eth, Ipv4Packet ip, TcpSegment segment) {}

    /** The IPv4 packet and UDP datagram inside a frame, or null when the frame holds something else. */
    public static Udp parseUdp(byte[] frame) throws MalformedFrameException {
        EthernetFrame eth = EthernetFrame.parse(frame);
        if (eth.etherType() != EthernetFrame.TYPE_IPV4) {
            return null;
        }
        Ipv4Packet ip = Ipv4Packet.parse(eth.payload());
        if (ip.protocol() != Ipv4Packet.PROTO_UDP) {
            return null;
        }
        return new Udp(eth, ip, UdpDatagram.parse(ip.payload(), ip.source(), ip.destination()));
    }

    public record Udp(EthernetFrame eth, Ipv4Packet ip, UdpDatagram datagram) {}

    /** The IPv4 packet and ICMP message inside a frame, or null when the frame holds something else. */
    public static Icmp parseIcmp(byte[] frame) throws MalformedFrameException {
        EthernetFrame eth = EthernetFrame.parse(frame);
        if (eth.etherType() != EthernetFrame.TYPE_IPV4) {
            return null;
        }
        Ipv4Packet ip = Ipv4Packet.parse(eth.payload());
        if (ip.protocol() != Ipv4Packet.PROTO_ICMP) {
            return null;
        }
        return new Icmp(eth, ip, IcmpMessage.parse(ip.payload()));
    }

    public record Icmp(EthernetFrame eth, Ipv4Packet ip, IcmpMessage message) {}
}
