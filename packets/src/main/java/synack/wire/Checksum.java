package synack.wire;

/** The Internet checksum (RFC 1071): one's-complement sum of 16-bit words. */
public final class Checksum {
    private Checksum() {}

    public static int sum(byte[] b, int offset, int length, int initial) {
        long sum = initial & 0xffffffffL;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    public static int compute(byte[] b, int offset, int length) {
        return ~sum(b, offset, length, 0) & 0xffff;
    }
}
