package synack.wire;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TCP segment (RFC 9293 section 3.1): ports, sequence and acknowledgment numbers, flags,
 * window, the options synack speaks (MSS, window scale, SACK-permitted, timestamps) and data.
 * Sequence numbers are kept as ints and compared with {@link Seq}, modulo 2^32.
 */
public record TcpSegment(int sourcePort, int destinationPort, int seq, int ack, int flags, int window,
                         Options options, byte[] data, ChecksumStatus checksum) {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /**
     * The options of one segment; absent ones are -1 (or false). {@code sack} holds SACK blocks
     * (RFC 2018) as {left edge, right edge} pairs: data held beyond a gap in the receiver's stream.
     */
    public record Options(int mss, int windowScale, boolean sackPermitted, long tsValue, long tsEcho, List<String> other,
                          List<int[]> sack) {
        public static final Options NONE = new Options(-1, -1, false, -1, -1, List.of());

        public Options(int mss, int windowScale, boolean sackPermitted, long tsValue, long tsEcho, List<String> other) {
            this(mss, windowScale, sackPermitted, tsValue, tsEcho, other, List.of());
        }

        public Options withSack(List<int[]> blocks) {
            return new Options(mss, windowScale, sackPermitted, tsValue, tsEcho, other, List.copyOf(blocks));
        }

        public boolean hasTimestamps() {
            return tsValue >= 0;
        }

        public Options withTimestamps(long value, long echo) {
            return new Options(mss, windowScale, sackPermitted, value, echo, other, sack);
        }

        byte[] toBytes() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            if (mss >= 0) {
                o.write(2);
                o.write(4);
                o.write(mss >>> 8);
                o.write(mss);
            }
            if (sackPermitted) {
                o.write(4);
                o.write(2);
            }
            if (hasTimestamps()) {
                if (!sackPermitted) {
                    o.write(1);
                    o.write(1);
                }
                o.write(8);
                o.write(10);
                writeInt(o, tsValue);
                writeInt(o, tsEcho);
            }
            if (windowScale >= 0) {
                o.write(1);
                o.write(3);
                o.write(3);
                o.write(windowScale);
            }
            if (!sack.isEmpty()) {
                o.write(1);
                o.write(1);
                o.write(5);
                o.write(2 + 8 * sack.size());
                for (int[] block : sack) {
                    writeInt(o, Integer.toUnsignedLong(block[0]));
                    writeInt(o, Integer.toUnsignedLong(block[1]));
                }
            }
            while (o.size() % 4 != 0) {
                o.write(0);
            }
            return o.toByteArray();
        }

        private static void writeInt(ByteArrayOutputStream o, long v) {
            o.write((int) (v >>> 24));
            o.write((int) (v >>> 16));
            o.write((int) (v >>> 8));
            o.write((int) v);
        }

        static Options parse(byte[] b, int from, int to) throws MalformedFrameException {
            int mss = -1;
            int ws = -1;
            boolean sack = false;
            long tsv = -1;
            long tse = -1;
            List<String> other = new ArrayList<>();
            List<int[]> blocks = new ArrayList<>();
            int i = from;
            while (i < to) {
                int kind = b[i] & 0xff;
                if (kind == 0) {
                    break;
                }
                if (kind == 1) {
                    i++;
                    continue;
                }
                if (i + 1 >= to) {
                    throw new MalformedFrameException("TCP option " + kind + " has no length byte");
                }
                int len = b[i + 1] & 0xff;
                if (len < 2 || i + len > to) {
                    throw new MalformedFrameException("TCP option " + kind + " length " + len + " runs past the header");
                }
                switch (kind) {
                    case 2 -> mss = len == 4 ? u16(b, i + 2) : mss;
                    case 3 -> ws = len == 3 ? b[i + 2] & 0xff : ws;
                    case 4 -> sack = true;
                    case 5 -> {
                        for (int at = i + 2; at + 8 <= i + len; at += 8) {
                            blocks.add(new int[] {(int) u32(b, at), (int) u32(b, at + 4)});
                        }
                    }
                    case 8 -> {
                        if (len == 10) {
                            tsv = u32(b, i + 2);
                            tse = u32(b, i + 6);
                        }
                    }
                    default -> other.add("opt" + kind);
                }
                i += len;
            }
            return new Options(mss, ws, sack, tsv, tse, List.copyOf(other), List.copyOf(blocks));
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (mss >= 0) {
                parts.add("mss " + mss);
            }
            if (sackPermitted) {
                parts.add("sackOK");
            }
            if (hasTimestamps()) {
                parts.add("ts " + tsValue + " " + tsEcho);
            }
            if (windowScale >= 0) {
                parts.add("wscale " + windowScale);
            }
            for (int[] block : sack) {
                parts.add("sack " + Integer.toUnsignedString(block[0]) + "-" + Integer.toUnsignedString(block[1]));
            }
            parts.addAll(other);
            return parts.isEmpty() ? "" : "<" + String.join(",", parts) + ">";
        }
    }

    public static TcpSegment of(int sourcePort, int destinationPort, int seq, int ack, int flags, int window,
                                Options options, byte[] data) {
        return new TcpSegment(sourcePort, destinationPort, seq, ack, flags, window, options, data, ChecksumStatus.VALID);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space this segment occupies: its data, plus one for SYN and one for FIN. */
    public int sequenceLength() {
        return data.length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    public static TcpSegment parse(byte[] b, int sourceIp, int destinationIp) throws MalformedFrameException {
        return parse(b, 0, b.length, sourceIp, destinationIp, null);
    }

    /**
     * The segment of {@code length} bytes at {@code offset}, read in place (only its data is copied
     * out). {@code known}: the checksum status the intake found over these same bytes, or null to
     * verify it here.
     */
    static TcpSegment parse(byte[] b, int offset, int length, int sourceIp, int destinationIp, ChecksumStatus known)
            throws MalformedFrameException {
        if (length < 20) {
            throw new MalformedFrameException("TCP segment of " + length + " bytes is shorter than its 20-byte header");
        }
        int dataOffset = ((b[offset + 12] & 0xff) >>> 4) * 4;
        if (dataOffset < 20 || dataOffset > length) {
            throw new MalformedFrameException("TCP data offset " + dataOffset + " outside 20.." + length);
        }
        ChecksumStatus checksum = known != null ? known : ChecksumStatus.of(b, offset, length,
                ChecksumStatus.pseudoHeaderSum(sourceIp, destinationIp, Ipv4Packet.PROTO_TCP, length), u16(b, offset + 16));
        return new TcpSegment(u16(b, offset), u16(b, offset + 2), (int) u32(b, offset + 4), (int) u32(b, offset + 8),
                b[offset + 13] & 0xff, u16(b, offset + 14), Options.parse(b, offset + 20, offset + dataOffset),
                Arrays.copyOfRange(b, offset + dataOffset, offset + length), checksum);
    }

    /**
     * A segment read from a capture file: {@code captured} bytes of it at {@code offset}, of the
     * {@code onWire} bytes the IP header declares ({@link Integer#MAX_VALUE} when not known: the first
     * fragment of a datagram). The header must be whole; the data is what was captured, and the
     * checksum is {@link ChecksumStatus#UNVERIFIABLE} unless the whole segment is there.
     */
    public static TcpSegment parseCaptured(byte[] b, int offset, int captured, int onWire, int sourceIp, int destinationIp)
            throws MalformedFrameException {
        if (captured >= onWire) {
            return parse(b, offset, onWire, sourceIp, destinationIp, null);
        }
        if (captured < 20) {
            throw new MalformedFrameException(onWire >= 20 ? "TCP header cut: " + captured + " of 20 bytes captured"
                    : "TCP segment of " + onWire + " bytes is shorter than its 20-byte header");
        }
        int dataOffset = ((b[offset + 12] & 0xff) >>> 4) * 4;
        if (dataOffset > captured && dataOffset <= onWire) {
            throw new MalformedFrameException("TCP header cut: " + captured + " of " + dataOffset + " bytes captured");
        }
        return parse(b, offset, captured, sourceIp, destinationIp, ChecksumStatus.UNVERIFIABLE);
    }

    /** True when the checksum verifies (not when it was left to offload, nor when it is wrong). */
    public boolean checksumValid() {
        return checksum == ChecksumStatus.VALID;
    }

    /** The segment's bytes with a correct checksum over the IPv4 pseudo-header. */
    public byte[] toBytes(int sourceIp, int destinationIp) {
        byte[] opts = options.toBytes();
        int headerLength = 20 + opts.length;
        byte[] b = new byte[headerLength + data.length];
        b[0] = (byte) (sourcePort >>> 8);
        b[1] = (byte) sourcePort;
        b[2] = (byte) (destinationPort >>> 8);
        b[3] = (byte) destinationPort;
        Ip4.write(seq, b, 4);
        Ip4.write(ack, b, 8);
        b[12] = (byte) ((headerLength / 4) << 4);
        b[13] = (byte) flags;
        b[14] = (byte) (window >>> 8);
        b[15] = (byte) window;
        System.arraycopy(opts, 0, b, 20, opts.length);
        System.arraycopy(data, 0, b, headerLength, data.length);
        int sum = ~Checksum.sum(b, 0, b.length, ChecksumStatus.pseudoHeaderSum(sourceIp, destinationIp, Ipv4Packet.PROTO_TCP, b.length)) & 0xffff;
        b[16] = (byte) (sum >>> 8);
        b[17] = (byte) sum;
        return b;
    }


    public static String flagNames(int flags) {
        List<String> names = new ArrayList<>();
        String[] all = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        int[] order = {1, 0, 2, 3, 4, 5, 6, 7}; // SYN before FIN reads as people say it
        for (int i : order) {
            if ((flags & (1 << i)) != 0) {
                names.add(all[i]);
            }
        }
        return names.isEmpty() ? "none" : String.join(",", names);
    }

    /** "SYN,ACK seq=... ack=... win=... <options> len=N", with sequence numbers relative to the bases when given. */
    public String summary(long seqBase, long ackBase) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s", flagNames(flags)));
        sb.append(" seq=").append(Integer.toUnsignedLong(seq - (int) seqBase));
        if (has(ACK)) {
            sb.append(" ack=").append(Integer.toUnsignedLong(ack - (int) ackBase));
        }
        sb.append(" win=").append(window);
        String o = options.toString();
        if (!o.isEmpty()) {
            sb.append(' ').append(o);
        }
        if (data.length > 0) {
            sb.append(" len=").append(data.length);
        }
        sb.append(checksum.remark());
        return sb.toString();
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sport", sourcePort);
        f.put("dport", destinationPort);
        f.put("flags", flagNames(flags));
        f.put("seq", Integer.toUnsignedLong(seq));
        f.put("ack", Integer.toUnsignedLong(ack));
        f.put("win", window);
        if (options.mss() >= 0) {
            f.put("mss", options.mss());
        }
        if (options.windowScale() >= 0) {
            f.put("wscale", options.windowScale());
        }
        if (options.sackPermitted()) {
            f.put("sack_permitted", true);
        }
        if (options.hasTimestamps()) {
            f.put("tsval", options.tsValue());
            f.put("tsecr", options.tsEcho());
        }
        f.put("len", data.length);
        f.put("checksum_ok", checksum != ChecksumStatus.WRONG);
        f.put("checksum", checksum.name().toLowerCase(java.util.Locale.ROOT));
        return new Layer("tcp", sourcePort + " → " + destinationPort + " " + summary(0, 0), f);
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    private static long u32(byte[] b, int o) {
        return Integer.toUnsignedLong(Ip4.read(b, o));
    }
}
