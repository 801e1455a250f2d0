package synack.wire;

/** Whole Ethernet frames carrying IPv6, and TCP/UDP segments sealed with the IPv6 checksum. */
public final class Frames6 {
    public static final int DEFAULT_HOP_LIMIT = 64;

    private Frames6() {}

    /** An Ethernet frame carrying {@code ipv6} (a whole IPv6 packet) from {@code from} to {@code to}. */
    public static byte[] ethernet(MacAddress from, MacAddress to, byte[] ipv6) {
        return new EthernetFrame(to, from, EthernetFrame.TYPE_IPV6, ipv6).toBytes();
    }

    /** An Ethernet frame to the multicast MAC of the packet's (multicast) destination (RFC 2464 7). */
    public static byte[] toMulticast(MacAddress from, byte[] ipv6) {
        return ethernet(from, Ip6.multicastMac(Ip6.read(ipv6, 24)), ipv6);
    }

    /** The segment's bytes with its checksum over the IPv6 pseudo-header. */
    public static byte[] tcpBytes(TcpSegment segment, byte[] source, byte[] destination) {
        byte[] b = segment.toBytes(0, 0);
        Checksum6.fill(b, source, destination, Ipv6Packet.TCP);
        return b;
    }

    /** The datagram's bytes with its (mandatory) checksum over the IPv6 pseudo-header. */
    public static byte[] udpBytes(UdpDatagram datagram, byte[] source, byte[] destination) {
        byte[] b = datagram.toBytes(0, 0);
        Checksum6.fill(b, source, destination, Ipv6Packet.UDP);
        return b;
    }

    public static byte[] tcp(MacAddress from, MacAddress to, byte[] source, byte[] destination, TcpSegment segment) {
        return ethernet(from, to, Ipv6Packet.build(source, destination, Ipv6Packet.TCP, DEFAULT_HOP_LIMIT,
                tcpBytes(segment, source, destination)));
    }

    public static byte[] udp(MacAddress from, MacAddress to, byte[] source, byte[] destination, UdpDatagram datagram) {
        return ethernet(from, to, Ipv6Packet.build(source, destination, Ipv6Packet.UDP, DEFAULT_HOP_LIMIT,
                udpBytes(datagram, source, destination)));
    }

    /** The TCP segment an IPv6 packet carries, its checksum verified over the IPv6 pseudo-header. */
    public static TcpSegment parseTcp(Ipv6Packet ip) throws MalformedFrameException {
        requireWhole(ip, Ipv6Packet.TCP);
        byte[] b = ip.payload();
        ChecksumStatus status = b.length < 20 ? ChecksumStatus.WRONG
                : Checksum6.status(b, 0, b.length, 16, ip.source(), ip.destination(), Ipv6Packet.TCP);
        return TcpSegment.parse(b, 0, b.length, 0, 0, status);
    }

    /** The UDP datagram an IPv6 packet carries; a zero checksum is WRONG over IPv6 (RFC 8200 8.1). */
    public static UdpDatagram parseUdp(Ipv6Packet ip) throws MalformedFrameException {
        requireWhole(ip, Ipv6Packet.UDP);
        byte[] b = ip.payload();
        if (b.length < UdpDatagram.HEADER) {
            throw new MalformedFrameException("UDP datagram of " + b.length + " bytes is shorter than its 8-byte header");
        }
        int length = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
        if (length < UdpDatagram.HEADER || length > b.length) {
            throw new MalformedFrameException("UDP length " + length + " outside 8.." + b.length);
        }
        ChecksumStatus status = Checksum6.status(b, 0, length, 6, ip.source(), ip.destination(), Ipv6Packet.UDP);
        return new UdpDatagram(((b[0] & 0xff) << 8) | (b[1] & 0xff), ((b[2] & 0xff) << 8) | (b[3] & 0xff),
                java.util.Arrays.copyOfRange(b, UdpDatagram.HEADER, length), status);
    }

    private static void requireWhole(Ipv6Packet ip, int protocol) throws MalformedFrameException {
        if (ip.upperProtocol() != protocol || ip.end() != Ipv6Packet.End.UPPER_LAYER) {
            throw new MalformedFrameException("IPv6 packet carries " + Ipv6Packet.nextHeaderName(ip.upperProtocol())
                    + (ip.end() == Ipv6Packet.End.UPPER_LAYER ? "" : " (" + ip.end() + ")")
                    + ", not a whole " + Ipv6Packet.nextHeaderName(protocol) + " packet");
        }
    }
}
