package synack.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The IPv4 header (RFC 791) and its payload. Options are kept as raw bytes. */
public record Ipv4Packet(int tos, int totalLength, int identification, int flagsAndFragment, int ttl, int protocol,
                         int headerChecksum, boolean checksumValid, int source, int destination, byte[] options,
                         byte[] payload) {
    public static final int MIN_HEADER = 20;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public static Ipv4Packet parse(byte[] p) throws MalformedFrameException {
        int ihl = checkedHeaderLength(p, 0, p.length);
        int total = u16(p, 2);
        boolean valid = Checksum.compute(p, 0, ihl) == 0;
        return new Ipv4Packet(p[1] & 0xff, total, u16(p, 4), u16(p, 6), p[8] & 0xff, p[9] & 0xff, u16(p, 10), valid,
                Ip4.read(p, 12), Ip4.read(p, 16), Arrays.copyOfRange(p, MIN_HEADER, ihl), Arrays.copyOfRange(p, ihl, total));
    }

    /**
     * The header length of the packet at {@code offset} ({@code length} bytes from there), once its
     * version, header length and total length are shown to fit; else why not.
     */
    static int checkedHeaderLength(byte[] b, int offset, int length) throws MalformedFrameException {
        if (length < MIN_HEADER) {
            throw new MalformedFrameException("IPv4 packet of " + length + " bytes is shorter than its 20-byte header");
        }
        int version = (b[offset] & 0xff) >>> 4;
        int ihl = (b[offset] & 0x0f) * 4;
        if (version != 4) {
            throw new MalformedFrameException("IP version " + version + " in an IPv4 frame");
        }
        if (ihl < MIN_HEADER || ihl > length) {
            throw new MalformedFrameException("IPv4 header length " + ihl + " outside 20.." + length);
        }
        int total = u16(b, offset + 2);
        if (total < ihl || total > length) {
            throw new MalformedFrameException("IPv4 total length " + total + " outside " + ihl + ".." + length);
        }
        return ihl;
    }

    /** An IPv4 header (no options, DF set, checksum computed) followed by the payload. */
    public static byte[] build(int source, int destination, int protocol, int identification, int ttl, byte[] payload) {
        byte[] p = new byte[MIN_HEADER + payload.length];
        p[0] = 0x45;
        int total = p.length;
        p[2] = (byte) (total >>> 8);
        p[3] = (byte) total;
        p[4] = (byte) (identification >>> 8);
        p[5] = (byte) identification;
        p[6] = 0x40; // DF: TCP does its own segmenting
        p[8] = (byte) ttl;
        p[9] = (byte) protocol;
        Ip4.write(source, p, 12);
        Ip4.write(destination, p, 16);
        int sum = Checksum.compute(p, 0, MIN_HEADER);
        p[10] = (byte) (sum >>> 8);
        p[11] = (byte) sum;
        System.arraycopy(payload, 0, p, MIN_HEADER, payload.length);
        return p;
    }

    public static String protocolName(int protocol) {
        return switch (protocol) {
            case PROTO_ICMP -> "ICMP";
            case PROTO_TCP -> "TCP";
            case PROTO_UDP -> "UDP";
            default -> "proto " + protocol;
        };
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("src", Ip4.toString(source));
        f.put("dst", Ip4.toString(destination));
        f.put("proto", protocolName(protocol));
        f.put("ttl", ttl);
        f.put("id", identification);
        f.put("len", totalLength);
        f.put("df", (flagsAndFragment & 0x4000) != 0);
        f.put("checksum", Hex.u16(headerChecksum) + (checksumValid ? "" : " (bad)"));
        return new Layer("ip", Ip4.toString(source) + " → " + Ip4.toString(destination) + " " + protocolName(protocol)
                + " ttl=" + ttl + (checksumValid ? "" : " (bad header checksum)"), f);
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
