package synack.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IPv6 header (RFC 8200 3), its extension headers walked in order (RFC 8200 4), and the
 * upper-layer protocol with its bytes.
 *
 * <p>Two kinds of "cannot follow": a packet whose structure is broken (too short, wrong version,
 * payload length past the end, an extension header or option running past its end, hop-by-hop
 * not first) is a {@link MalformedFrameException}: the kernel would drop it (and answer with a
 * parameter problem). A well-formed packet whose upper layer is not readable here says why in
 * {@link #end()}: encrypted (ESP), no next header, or one fragment of a larger datagram. An
 * unknown next-header value is taken as an upper layer we do not decode (it cannot be told from
 * an unknown extension header, and it is not broken).
 */
public record Ipv6Packet(int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit,
                         byte[] source, byte[] destination, List<Ipv6Extension> extensions, int upperProtocol,
                         End end, byte[] payload) {
    public static final int HEADER = 40;
    public static final int HOP_BY_HOP = 0;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AUTHENTICATION = 51;
    public static final int ICMPV6 = 58;
    public static final int NO_NEXT_HEADER = 59;
    public static final int DESTINATION_OPTIONS = 60;

    /** Why the walk through the headers stopped where it did. */
    public enum End {
        /** {@code payload} is the whole upper-layer packet of {@code upperProtocol}. */
        UPPER_LAYER,
        /** Next header 59: nothing follows (RFC 8200 4.7); any bytes are to be ignored. */
        NO_NEXT_HEADER,
        /** ESP (RFC 4303): the rest is encrypted; {@code upperProtocol} is 50. */
        ENCRYPTED,
        /** The first fragment of several: the upper layer's header starts {@code payload}, its end comes later. */
        FIRST_FRAGMENT,
        /** A later fragment: {@code payload} is from the middle of {@code upperProtocol}'s packet. */
        LATER_FRAGMENT,
        /** Only in a quoted packet (an ICMPv6 error's): the quote ends inside an extension header. */
        TRUNCATED
    }

    /** A packet from the wire; bytes past the payload length (Ethernet padding) are ignored. */
    public static Ipv6Packet parse(byte[] p) throws MalformedFrameException {
        if (p.length < HEADER) {
            throw new MalformedFrameException("IPv6 packet of " + p.length + " bytes is shorter than its 40-byte header");
        }
        checkVersion(p, 0);
        int payloadLength = u16(p, 4);
        if (HEADER + payloadLength > p.length) {
            throw new MalformedFrameException("IPv6 payload length " + payloadLength + " runs past the "
                    + (p.length - HEADER) + " bytes after the header");
        }
        return walk(p, 0, HEADER + payloadLength, false);
    }

    /**
     * The start of a packet quoted by an ICMPv6 error (RFC 4443 2.4(c): as much as fits in the
     * minimum MTU). Its payload length names more than was quoted, so the walk stops where the
     * quote does ({@link End#TRUNCATED} inside an extension header).
     */
    public static Ipv6Packet parseQuoted(byte[] b, int offset, int length) throws MalformedFrameException {
        if (length < HEADER) {
            throw new MalformedFrameException("quoted IPv6 packet of " + length + " bytes is shorter than its 40-byte header");
        }
        checkVersion(b, offset);
        byte[] p = Arrays.copyOfRange(b, offset, offset + length);
        return walk(p, 0, Math.min(length, HEADER + u16(p, 4)), true);
    }

    private static void checkVersion(byte[] p, int offset) throws MalformedFrameException {
        int version = (p[offset] & 0xff) >>> 4;
        if (version != 6) {
            throw new MalformedFrameException("IP version " + version + " in an IPv6 packet");
        }
    }

    private static Ipv6Packet walk(byte[] p, int base, int end, boolean quoted) throws MalformedFrameException {
        int next = p[base + 6] & 0xff;
        int at = base + HEADER;
        List<Ipv6Extension> extensions = new ArrayList<>();
        boolean fragmented = false;
        End stop = null;
        // each header takes at least 8 bytes, so the loop ends within a packet's length
        while (stop == null) {
            switch (next) {
                case HOP_BY_HOP, DESTINATION_OPTIONS, ROUTING, AUTHENTICATION, FRAGMENT -> {
                    if (next == HOP_BY_HOP && !extensions.isEmpty()) {
                        throw new MalformedFrameException("IPv6 hop-by-hop options header after "
                                + extensions.size() + " other headers: it must come first (RFC 8200 4.3)");
                    }
                    int length = extensionLength(p, at, end, next);
                    if (length < 0) { // only a quote is allowed to end early
                        if (!quoted) {
                            throw new MalformedFrameException(truncated(next, at, end, -length));
                        }
                        stop = End.TRUNCATED;
                        break;
                    }
                    Ipv6Extension header = extension(p, at, length, next);
                    extensions.add(header);
                    int following = p[at] & 0xff;
                    at += length;
                    next = following;
                    if (header instanceof Ipv6Extension.Fragment f && !f.isAtomic()) {
                        fragmented = true;
                        if (f.offset() != 0) {
                            stop = End.LATER_FRAGMENT; // what follows is mid-datagram, not a header
                        }
                    }
                }
                case ESP -> stop = End.ENCRYPTED;
                case NO_NEXT_HEADER -> stop = End.NO_NEXT_HEADER;
                default -> stop = fragmented ? End.FIRST_FRAGMENT : End.UPPER_LAYER;
            }
        }
        return new Ipv6Packet(((p[base] & 0x0f) << 4) | ((p[base + 1] & 0xf0) >>> 4),
                ((p[base + 1] & 0x0f) << 16) | u16(p, base + 2), u16(p, base + 4), p[base + 6] & 0xff,
                p[base + 7] & 0xff, Ip6.read(p, base + 8), Ip6.read(p, base + 24), List.copyOf(extensions), next, stop,
                Arrays.copyOfRange(p, at, end));
    }

    /** The length of the extension header at {@code at}, or minus the bytes it needs when they are not there. */
    private static int extensionLength(byte[] p, int at, int end, int type) {
        if (type == FRAGMENT) {
            return at + Ipv6Extension.Fragment.LENGTH <= end ? Ipv6Extension.Fragment.LENGTH : -Ipv6Extension.Fragment.LENGTH;
        }
        if (at + 2 > end) {
            return -2;
        }
        int length = type == AUTHENTICATION ? ((p[at + 1] & 0xff) + 2) * 4 : ((p[at + 1] & 0xff) + 1) * 8;
        if (type == AUTHENTICATION && length < 12) {
            return length; // checked by extension(): a length field too small, not a truncation
        }
        return at + length <= end ? length : -length;
    }

    private static String truncated(int type, int at, int end, int needs) {
        return "IPv6 " + nextHeaderName(type) + " header at byte " + at + " needs " + needs + " bytes, "
                + Math.max(0, end - at) + " left in the payload";
    }

    private static Ipv6Extension extension(byte[] p, int at, int length, int type) throws MalformedFrameException {
        return switch (type) {
            case HOP_BY_HOP -> new Ipv6Extension.HopByHop(Ipv6Option.parseAll(p, at + 2, at + length));
            case DESTINATION_OPTIONS -> new Ipv6Extension.DestinationOptions(Ipv6Option.parseAll(p, at + 2, at + length));
            case ROUTING -> new Ipv6Extension.Routing(p[at + 2] & 0xff, p[at + 3] & 0xff, Arrays.copyOfRange(p, at + 4, at + length));
            case FRAGMENT -> new Ipv6Extension.Fragment(u16(p, at + 2) & ~7, (p[at + 3] & 1) != 0, u32(p, at + 4));
            default -> {
                if (length < 12) {
                    throw new MalformedFrameException("IPv6 authentication header of " + length
                            + " bytes is shorter than its 12-byte fixed part");
                }
                yield new Ipv6Extension.Authentication(u32(p, at + 4), u32(p, at + 8), Arrays.copyOfRange(p, at + 12, at + length));
            }
        };
    }

    /** A packet without extension headers, traffic class and flow label 0, for sending. */
    public static byte[] build(byte[] source, byte[] destination, int nextHeader, int hopLimit, byte[] payload) {
        return build(source, destination, hopLimit, List.of(), nextHeader, payload);
    }

    /** A packet with the given extension headers in order before the upper layer {@code upperProtocol}. */
    public static byte[] build(byte[] source, byte[] destination, int hopLimit, List<Ipv6Extension> extensions,
                               int upperProtocol, byte[] payload) {
        byte[][] headers = new byte[extensions.size()][];
        int total = payload.length;
        for (int i = 0; i < headers.length; i++) {
            int following = i + 1 < headers.length ? extensions.get(i + 1).type() : upperProtocol;
            headers[i] = extensions.get(i).toBytes(following);
            total += headers[i].length;
        }
        if (total > 0xffff) {
            throw new IllegalArgumentException("IPv6 payload of " + total + " bytes needs a jumbogram (RFC 2675)");
        }
        byte[] p = new byte[HEADER + total];
        p[0] = 0x60;
        p[4] = (byte) (total >>> 8);
        p[5] = (byte) total;
        p[6] = (byte) (extensions.isEmpty() ? upperProtocol : extensions.get(0).type());
        p[7] = (byte) hopLimit;
        Ip6.write(source, p, 8);
        Ip6.write(destination, p, 24);
        int at = HEADER;
        for (byte[] h : headers) {
            System.arraycopy(h, 0, p, at, h.length);
            at += h.length;
        }
        System.arraycopy(payload, 0, p, at, payload.length);
        return p;
    }

    public static String nextHeaderName(int nextHeader) {
        return switch (nextHeader) {
            case HOP_BY_HOP -> "hop-by-hop";
            case TCP -> "TCP";
            case UDP -> "UDP";
            case ROUTING -> "routing";
            case FRAGMENT -> "fragment";
            case ESP -> "ESP";
            case AUTHENTICATION -> "AH";
            case ICMPV6 -> "ICMPv6";
            case NO_NEXT_HEADER -> "no-next-header";
            case DESTINATION_OPTIONS -> "destination-options";
            default -> "proto " + nextHeader;
        };
    }

    /** The fragment header, or null when the packet is not a fragment. */
    public Ipv6Extension.Fragment fragment() {
        for (Ipv6Extension e : extensions) {
            if (e instanceof Ipv6Extension.Fragment f) {
                return f;
            }
        }
        return null;
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("src", Ip6.toString(source));
        f.put("dst", Ip6.toString(destination));
        f.put("next_header", nextHeaderName(upperProtocol));
        f.put("hop_limit", hopLimit);
        f.put("payload_length", payloadLength);
        f.put("flow_label", String.format("0x%05x", flowLabel));
        if (trafficClass != 0) {
            f.put("traffic_class", String.format("0x%02x", trafficClass));
        }
        List<String> ext = new ArrayList<>();
        for (Ipv6Extension e : extensions) {
            ext.add(e.summary());
        }
        f.put("extension_headers", List.copyOf(ext));
        if (end != End.UPPER_LAYER) {
            f.put("end", end.name().toLowerCase(java.util.Locale.ROOT));
        }
        String chain = ext.isEmpty() ? "" : " via " + String.join(", ", ext);
        return new Layer("ipv6", Ip6.toString(source) + " → " + Ip6.toString(destination) + " "
                + nextHeaderName(upperProtocol) + " hlim=" + hopLimit + chain + endWords(), f);
    }

    private String endWords() {
        return switch (end) {
            case UPPER_LAYER -> "";
            case NO_NEXT_HEADER -> " (no next header)";
            case ENCRYPTED -> " (encrypted)";
            case FIRST_FRAGMENT -> " (first fragment)";
            case LATER_FRAGMENT -> " (later fragment)";
            case TRUNCATED -> " (quote truncated)";
        };
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    private static long u32(byte[] b, int o) {
        return Ip4.read(b, o) & 0xffffffffL;
    }
}
