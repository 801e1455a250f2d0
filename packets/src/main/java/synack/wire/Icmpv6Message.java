package synack.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ICMPv6 message (RFC 4443): type, code, checksum (over the IPv6 pseudo-header, RFC 4443 2.3)
 * and {@code body}, everything after the first 4 bytes. Errors (types below 128) carry 4 bytes
 * (unused, MTU or pointer) and then as much of the invoking packet as fits; neighbour discovery
 * (types 133-137) is read further by {@link NdpMessage}.
 */
public record Icmpv6Message(int type, int code, ChecksumStatus checksum, byte[] body) {
    public static final int HEADER = 4;
    public static final int DESTINATION_UNREACHABLE = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int PARAMETER_PROBLEM = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int ROUTER_SOLICITATION = 133;
    public static final int ROUTER_ADVERTISEMENT = 134;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;
    public static final int REDIRECT = 137;

    /** The message of {@code b} (an IPv6 payload from {@code source} to {@code destination}), checksum verified. */
    public static Icmpv6Message parse(byte[] b, byte[] source, byte[] destination) throws MalformedFrameException {
        if (b.length < HEADER) {
            throw new MalformedFrameException("ICMPv6 message of " + b.length + " bytes is shorter than its 4-byte header");
        }
        int type = b[0] & 0xff;
        int minimum = type == ECHO_REQUEST || type == ECHO_REPLY || isError(type) ? 8 : HEADER;
        if (b.length < minimum) {
            throw new MalformedFrameException("ICMPv6 type " + type + " of " + b.length + " bytes is shorter than " + minimum);
        }
        ChecksumStatus status = Checksum6.status(b, 0, b.length, 2, source, destination, Ipv6Packet.ICMPV6);
        return new Icmpv6Message(type, b[1] & 0xff, status, Arrays.copyOfRange(b, HEADER, b.length));
    }

    /** The ICMPv6 message an IPv6 packet carries (its upper layer must be ICMPv6). */
    public static Icmpv6Message parse(Ipv6Packet ip) throws MalformedFrameException {
        if (ip.upperProtocol() != Ipv6Packet.ICMPV6 || ip.end() != Ipv6Packet.End.UPPER_LAYER) {
            throw new MalformedFrameException("IPv6 packet carries " + Ipv6Packet.nextHeaderName(ip.upperProtocol())
                    + (ip.end() == Ipv6Packet.End.UPPER_LAYER ? "" : " (" + ip.end() + ")") + ", not a whole ICMPv6 message");
        }
        return parse(ip.payload(), ip.source(), ip.destination());
    }

    public static Icmpv6Message echoRequest(int identifier, int sequence, byte[] data) {
        return echo(ECHO_REQUEST, identifier, sequence, data);
    }

    public static Icmpv6Message echoReply(int identifier, int sequence, byte[] data) {
        return echo(ECHO_REPLY, identifier, sequence, data);
    }

    private static Icmpv6Message echo(int type, int identifier, int sequence, byte[] data) {
        byte[] body = new byte[4 + data.length];
        body[0] = (byte) (identifier >>> 8);
        body[1] = (byte) identifier;
        body[2] = (byte) (sequence >>> 8);
        body[3] = (byte) sequence;
        System.arraycopy(data, 0, body, 4, data.length);
        return new Icmpv6Message(type, 0, ChecksumStatus.VALID, body);
    }

    /** The message's bytes with its checksum over the pseudo-header of {@code source} → {@code destination}. */
    public byte[] toBytes(byte[] source, byte[] destination) {
        byte[] b = new byte[HEADER + body.length];
        b[0] = (byte) type;
        b[1] = (byte) code;
        System.arraycopy(body, 0, b, HEADER, body.length);
        Checksum6.fill(b, source, destination, Ipv6Packet.ICMPV6);
        return b;
    }

    /** Error messages have types 0-127 (RFC 4443 2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    public boolean isError() {
        return isError(type);
    }

    public boolean isEcho() {
        return type == ECHO_REQUEST || type == ECHO_REPLY;
    }

    public int echoIdentifier() {
        return isEcho() ? u16(body, 0) : -1;
    }

    public int echoSequence() {
        return isEcho() ? u16(body, 2) : -1;
    }

    public byte[] echoData() {
        return isEcho() ? Arrays.copyOfRange(body, 4, body.length) : new byte[0];
    }

    /** Packet too big: the MTU of the next hop (RFC 8201 lowers the path MTU to it); else -1. */
    public long mtu() {
        return type == PACKET_TOO_BIG ? Ip4.read(body, 0) & 0xffffffffL : -1;
    }

    /** Parameter problem: the byte of the invoking packet where the problem was found; else -1. */
    public long pointer() {
        return type == PARAMETER_PROBLEM ? Ip4.read(body, 0) & 0xffffffffL : -1;
    }

    /** What an error quotes of the packet that caused it, or null when it quotes no readable IPv6 header. */
    public Invoking invoking() {
        if (!isError() || body.length < 4) {
            return null;
        }
        Ipv6Packet inner;
        try {
            inner = Ipv6Packet.parseQuoted(body, 4, body.length - 4);
        } catch (MalformedFrameException e) {
            return null; // not enough of a packet to tell whose it was
        }
        byte[] upper = inner.payload();
        boolean ports = inner.end() != Ipv6Packet.End.LATER_FRAGMENT && inner.end() != Ipv6Packet.End.TRUNCATED
                && (inner.upperProtocol() == Ipv6Packet.TCP || inner.upperProtocol() == Ipv6Packet.UDP) && upper.length >= 4;
        boolean seq = ports && inner.upperProtocol() == Ipv6Packet.TCP && upper.length >= 8;
        return new Invoking(inner, ports ? u16(upper, 0) : -1, ports ? u16(upper, 2) : -1,
                seq ? Ip4.read(upper, 4) & 0xffffffffL : -1);
    }

    /**
     * The invoking packet's start: its header (and extension headers as far as quoted), and,
     * for TCP or UDP, the ports (and TCP sequence number) that tie it to a flow; -1 when not quoted.
     */
    public record Invoking(Ipv6Packet packet, int sourcePort, int destinationPort, long tcpSeq) {
        public byte[] source() {
            return packet.source();
        }

        public byte[] destination() {
            return packet.destination();
        }

        public int protocol() {
            return packet.upperProtocol();
        }
    }

    /** What the type and code mean, in words (for the renderer; nothing branches on these). */
    public String meaning() {
        return switch (type) {
            case DESTINATION_UNREACHABLE -> switch (code) {
                case 0 -> "no route to destination";
                case 1 -> "communication administratively prohibited";
                case 2 -> "beyond scope of source address";
                case 3 -> "address unreachable";
                case 4 -> "port unreachable";
                case 5 -> "source address failed ingress/egress policy";
                case 6 -> "reject route to destination";
                default -> "unreachable code " + code;
            };
            case PACKET_TOO_BIG -> "packet too big (mtu " + mtu() + ")";
            case TIME_EXCEEDED -> code == 0 ? "hop limit exceeded in transit"
                    : code == 1 ? "fragment reassembly time exceeded" : "time exceeded code " + code;
            case PARAMETER_PROBLEM -> (code == 0 ? "erroneous header field" : code == 1 ? "unrecognized next header"
                    : code == 2 ? "unrecognized IPv6 option" : "parameter problem code " + code) + " at byte " + pointer();
            case ECHO_REQUEST -> "echo request";
            case ECHO_REPLY -> "echo reply";
            case ROUTER_SOLICITATION -> "router solicitation";
            case ROUTER_ADVERTISEMENT -> "router advertisement";
            case NEIGHBOR_SOLICITATION -> "neighbor solicitation";
            case NEIGHBOR_ADVERTISEMENT -> "neighbor advertisement";
            case REDIRECT -> "redirect";
            default -> "type " + type + " code " + code;
        };
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", type);
        f.put("code", code);
        f.put("meaning", meaning());
        f.put("checksum", checksum.name().toLowerCase(java.util.Locale.ROOT));
        String about = "";
        if (isEcho()) {
            f.put("id", echoIdentifier());
            f.put("seq", echoSequence());
            f.put("data_length", body.length - 4);
            about = " id=" + echoIdentifier() + " seq=" + echoSequence();
        }
        if (type == PACKET_TOO_BIG) {
            f.put("mtu", mtu());
        }
        if (type == PARAMETER_PROBLEM) {
            f.put("pointer", pointer());
        }
        Invoking q = invoking();
        if (q != null) {
            f.put("quoted_src", Ip6.toString(q.source()));
            f.put("quoted_dst", Ip6.toString(q.destination()));
            f.put("quoted_next_header", Ipv6Packet.nextHeaderName(q.protocol()));
            about = " for " + Ipv6Packet.nextHeaderName(q.protocol()) + " to " + Ip6.toString(q.destination());
            if (q.destinationPort() >= 0) {
                f.put("quoted_sport", q.sourcePort());
                f.put("quoted_dport", q.destinationPort());
                about = " for " + Ipv6Packet.nextHeaderName(q.protocol()) + " to [" + Ip6.toString(q.destination())
                        + "]:" + q.destinationPort();
            }
        }
        return new Layer("icmpv6", "ICMPv6 " + meaning() + " (type " + type + " code " + code + ")" + about
                + checksum.remark(), f);
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
