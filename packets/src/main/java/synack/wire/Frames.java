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

    /** A TCP segment framed over IPv4 or IPv6, as the addresses are ({@code ipId}: IPv4's identification; IPv6 has none). */
    public static byte[] tcp(MacAddress from, MacAddress to, IpAddress source, IpAddress destination, int ipId, TcpSegment segment) {
        return source.ipv6() ? Frames6.tcp(from, to, source.bytes(), destination.bytes(), segment)
                : tcp(from, to, source.v4(), destination.v4(), ipId, segment);
    }

    /** A UDP datagram framed over IPv4 or IPv6, as the addresses are. */
    public static byte[] udp(MacAddress from, MacAddress to, IpAddress source, IpAddress destination, int ipId, UdpDatagram datagram) {
        return source.ipv6() ? Frames6.udp(from, to, source.bytes(), destination.bytes(), datagram)
                : udp(from, to, source.v4(), destination.v4(), ipId, datagram);
    }

    public static byte[] udp(MacAddress from, MacAddress to, int sourceIp, int destinationIp, int ipId, UdpDatagram datagram) {
        byte[] ip = Ipv4Packet.build(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, ipId, DEFAULT_TTL,
                datagram.toBytes(sourceIp, destinationIp));
        return new EthernetFrame(to, from, EthernetFrame.TYPE_IPV4, ip).toBytes();
    }

    /** The IPv4 or IPv6 packet and TCP segment inside a frame, or null when the frame holds something else. */
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
        if (u16(frame, 12) == EthernetFrame.TYPE_IPV6) {
            return parseTcp6(frame, checksum);
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
        return new Tcp(frame, source, destination, null, null,
                TcpSegment.parse(frame, ip + ihl, total - ihl, source, destination, checksum));
    }

    /**
     * TCP over IPv6: read in place when it follows the fixed header (the common case), else found
     * by walking the extension headers (a copy); a fragment is not a whole segment: null.
     */
    private static Tcp parseTcp6(byte[] frame, ChecksumStatus checksum) throws MalformedFrameException {
        int ip = EthernetFrame.HEADER_LENGTH;
        IpAddress source;
        IpAddress destination;
        TcpSegment segment;
        if (frame.length >= ip + Ipv6Packet.HEADER && (frame[ip] & 0xf0) == 0x60 && (frame[ip + 6] & 0xff) == Ipv6Packet.TCP) {
            int length = u16(frame, ip + 4);
            if (ip + Ipv6Packet.HEADER + length > frame.length) {
                throw new MalformedFrameException("IPv6 payload length " + length + " runs past the "
                        + (frame.length - ip - Ipv6Packet.HEADER) + " bytes after the header");
            }
            int l4 = ip + Ipv6Packet.HEADER;
            ChecksumStatus status = checksum != null ? checksum : length < 20 ? ChecksumStatus.WRONG
                    : ChecksumStatus.of(frame, l4, length, Checksum6.pseudoHeaderSum(frame, ip, Ipv6Packet.TCP, length), u16(frame, l4 + 16));
            segment = TcpSegment.parse(frame, l4, length, 0, 0, status);
            source = IpAddress.read(true, frame, ip + 8);
            destination = IpAddress.read(true, frame, ip + 24);
        } else {
            Ipv6Packet packet = Ipv6Packet.parse(java.util.Arrays.copyOfRange(frame, ip, frame.length));
            if (packet.upperProtocol() != Ipv6Packet.TCP || packet.end() != Ipv6Packet.End.UPPER_LAYER) {
                return null;
            }
            segment = checksum != null ? TcpSegment.parse(packet.payload(), 0, packet.payload().length, 0, 0, checksum)
                    : Frames6.parseTcp(packet);
            source = IpAddress.of(packet.source());
            destination = IpAddress.of(packet.destination());
        }
        return new Tcp(frame, 0, 0, source, destination, segment);
    }

    /** A TCP segment in its frame: the addresses at hand, the Ethernet and IP layers decoded when asked for. */
    public static final class Tcp {
        private final byte[] frame;
        private final int source;
        private final int destination;
        private final IpAddress source6;
        private final IpAddress destination6;
        private final TcpSegment segment;

        private Tcp(byte[] frame, int source, int destination, IpAddress source6, IpAddress destination6, TcpSegment segment) {
            this.frame = frame;
            this.source = source;
            this.destination = destination;
            this.source6 = source6;
            this.destination6 = destination6;
            this.segment = segment;
        }

        public boolean ipv6() {
            return source6 != null;
        }

        /** The IPv4 source (IPv4 code; 0 over IPv6). */
        public int source() {
            return source;
        }

        /** The IPv4 destination (IPv4 code; 0 over IPv6). */
        public int destination() {
            return destination;
        }

        public IpAddress sourceAddress() {
            return source6 != null ? source6 : IpAddress.of(source);
        }

        public IpAddress destinationAddress() {
            return destination6 != null ? destination6 : IpAddress.of(destination);
        }

        /** Whether the segment went from {@code from} to {@code to} (no address object made for IPv4). */
        public boolean between(IpAddress from, IpAddress to) {
            if (source6 != null) {
                return source6.equals(from) && destination6.equals(to);
            }
            return !from.ipv6() && !to.ipv6() && source == from.v4() && destination == to.v4();
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

        /** The IPv4 layer (IPv4 frames only: an IPv6 frame's is {@link Ipv6Packet}, parsed by the caller). */
        public Ipv4Packet ip() {
            if (ipv6()) {
                throw new IllegalStateException("an IPv6 frame has no IPv4 layer");
            }
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

    /** The IPv6 packet and ICMPv6 message inside a frame, or null when the frame holds something else. */
    public static Icmp6 parseIcmp6(byte[] frame) throws MalformedFrameException {
        int ip = EthernetFrame.HEADER_LENGTH;
        if (frame.length < ip + Ipv6Packet.HEADER || u16(frame, 12) != EthernetFrame.TYPE_IPV6) {
            return null;
        }
        int next = frame[ip + 6] & 0xff;
        if (next == Ipv6Packet.TCP || next == Ipv6Packet.UDP) {
            return null; // the common case decided without copying the frame's layers
        }
        Ipv6Packet packet = Ipv6Packet.parse(java.util.Arrays.copyOfRange(frame, ip, frame.length));
        if (packet.upperProtocol() != Ipv6Packet.ICMPV6 || packet.end() != Ipv6Packet.End.UPPER_LAYER) {
            return null;
        }
        return new Icmp6(packet, Icmpv6Message.parse(packet));
    }

    public record Icmp6(Ipv6Packet ip, Icmpv6Message message) {
        public IpAddress source() {
            return IpAddress.of(ip.source());
        }
    }

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
