package synack.exchange.scan;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash that is fast on short inputs and
 * cannot be predicted without the key. The sweep puts it in the SYN's sequence number so that a
 * reply proves it answers a probe we sent (its ack must be that number + 1) without a table of
 * probes, as masscan and zmap do; a forged or stray reply cannot guess the 128-bit key.
 */
public final class SipHash {
    private final long k0;
    private final long k1;

    public SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The reference algorithm over any bytes (used to check the fast path against the paper's vectors). */
    public long hash(byte[] data) {
        long[] v = init();
        int full = data.length & ~7;
        for (int i = 0; i < full; i += 8) {
            compress(v, littleEndian(data, i, 8));
        }
        return finish(v, ((long) data.length << 56) | littleEndian(data, full, data.length - full));
    }

    /**
     * The hash of 12 bytes: {@code a} and {@code b} little-endian, then {@code c} — the same
     * value {@link #hash(byte[])} gives for those bytes, without building an array. The state is
     * four locals, not a long[]: this runs twice per probe, and the C1 compiler (no escape
     * analysis) would allocate the array every time.
     */
    public long hash12(int a, int b, int c) {
        long v0 = 0x736f6d6570736575L ^ k0, v1 = 0x646f72616e646f6dL ^ k1, v2 = 0x6c7967656e657261L ^ k0, v3 = 0x7465646279746573L ^ k1;
        for (int i = 0; i < 2; i++) {
            long m = i == 0 ? (a & 0xffffffffL) | ((long) b << 32) : (12L << 56) | (c & 0xffffffffL);
            v3 ^= m;
            for (int r = 0; r < 2; r++) { // SipRound, as round() below
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /**
     * The hash of 36 bytes: two IPv6 addresses (each as its two 64-bit halves, in network byte
     * order) then {@code ports} (big-endian): the value {@link #hash(byte[])} gives for those
     * bytes. The IPv6 sweep's cookie; slower than {@link #hash12} (a state array), which is fine
     * for IPv6's smaller sweeps.
     */
    public long hash36(long aHigh, long aLow, long bHigh, long bLow, int ports) {
        long[] v = init();
        compress(v, Long.reverseBytes(aHigh));
        compress(v, Long.reverseBytes(aLow));
        compress(v, Long.reverseBytes(bHigh));
        compress(v, Long.reverseBytes(bLow));
        return finish(v, (36L << 56) | (Integer.reverseBytes(ports) & 0xffffffffL));
    }

    private long[] init() {
        return new long[] {0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1, 0x6c7967656e657261L ^ k0, 0x7465646279746573L ^ k1};
    }

    private static void compress(long[] v, long m) {
        v[3] ^= m;
        round(v);
        round(v);
        v[0] ^= m;
    }

    private static long finish(long[] v, long last) {
        compress(v, last);
        v[2] ^= 0xff;
        for (int r = 0; r < 4; r++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }

    private static long littleEndian(byte[] b, int offset, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = (v << 8) | (b[offset + i] & 0xff);
        }
        return v;
    }
}
