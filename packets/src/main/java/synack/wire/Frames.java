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
        return parseTcp(frame, null);
    }

    /**
     * As {@link #parseTcp(byte[])}, the segment read where it lies in the frame (a bulk transfer's
     * 64 KiB super-frames are not copied layer by layer); {@code checksum} is the TCP checksum
     * status the intake already found over this frame (null: verified here).
     */
    public static Tcp parseTcp(byte[] frame, ChecksumStatus checksum) throws MalformedFrameException {
        int ip = EthernetFrame.HEADER_LENGTH;
        if (frame.length < ip) {
            EthernetFrame.parse(frame); // says why
        }
        if (u16(frame, 12) != EthernetFrame.TYPE_IPV4) {
            return null;
        }
        int ihl = Ipv4Packet.checkedHeaderLength(frame, ip, frame.length - ip);
        if ((frame[ip + 9] & 0xff) != Ipv4Packet.PROTO_TCP) {
            return null;
        }
        int total = u16(frame, ip + 2);
        int source = Ip4.read(frame, ip + 12);
        int destination = Ip4.read(frame, ip + 16);
        return new Tcp(frame, source, destination, TcpSegment.parse(frame, ip + ihl, total - ihl, source, destination, checksum));
    }

    /** A TCP segment in its frame: the addresses at hand, the Ethernet and IPv4 layers decoded when asked for. */
    public static final class Tcp {
        private final byte[] frame;
        private final int source;
        private final int destination;
        private final TcpSegment segment;

        private Tcp(byte[] frame, int source, int destination, TcpSegment segment) {
            this.frame = frame;
            this.source = source;
            this.destination = destination;
            this.segment = segment;
        }

        public int source() {
            return source;
        }

        public int destination() {
            return destination;
        }

        public TcpSegment segment() {
            return segment;
        }

        public EthernetFrame eth() {
            try {
                return EthernetFrame.parse(frame);
            } catch (MalformedFrameException e) {
                throw new IllegalStateException("parsed once already", e);
            }
        }

        public Ipv4Packet ip() {
            try {
                return Ipv4Packet.parse(eth().payload());
            } catch (MalformedFrameException e) {
                throw new IllegalStateException("parsed once already", e);
            }
        }
    }

    /** The IPv4 packet and UDP datagram inside a frame, or null when the frame holds something else. */
    public static Udp parseUdp(byte[] frame) throws MalformedFrameException {
        if (isOtherIpv4(frame, Ipv4Packet.PROTO_UDP)) {
            return null;
        }
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
        if (isOtherIpv4(frame, Ipv4Packet.PROTO_ICMP)) {
            return null;
        }
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

    /**
     * True for an IPv4 frame whose header is well formed and names another protocol: the answer is
     * null, found without copying the frame's layers (a malformed one is left to the full parse, which says why).
     */
    private static boolean isOtherIpv4(byte[] frame, int protocol) {
        int ip = EthernetFrame.HEADER_LENGTH;
        if (frame.length < ip + Ipv4Packet.MIN_HEADER || u16(frame, 12) != EthernetFrame.TYPE_IPV4) {
            return false;
        }
        try {
            Ipv4Packet.checkedHeaderLength(frame, ip, frame.length - ip);
        } catch (MalformedFrameException e) {
            return false;
        }
        return (frame[ip + 9] & 0xff) != protocol;
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
