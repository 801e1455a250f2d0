package synack.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071): one's-complement sum of 16-bit words. */
public final class Checksum {
    /** Eight bytes at a time: a 64 KiB TSO frame is summed on every arrival, byte pairs cost 8 times the loads. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    public static int sum(byte[] b, int offset, int length, int initial) {
        long sum = initial & 0xffffffffL;
        int i = offset;
        int end = offset + length;
        // RFC 1071 section 2(C): summing 32-bit halves and folding later gives the same one's-complement
        // sum as 16-bit words (2^16 = 1 mod 0xffff); each half is < 2^32, so a long cannot overflow below 2^31 words
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(b, i);
            sum += (w >>> 32) + (w & 0xffffffffL);
        }
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
