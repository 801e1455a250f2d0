package synack.net;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * Numbers an off-path attacker cannot guess: initial sequence numbers (RFC 6528), source ports and DNS
 * query IDs (RFC 5452). Read from the kernel's {@code /dev/urandom}, the source SecureRandom's default
 * (NativePRNG) reads too, without the provider framework: SecureRandom's first construction loads ~65
 * classes (providers, KnownOIDs, the java.security file), 10-20 ms and about a MiB of a one-liner's start
 * (issue 14). Where /dev/urandom cannot be read, a SecureRandom does the job. TLS keeps its SecureRandom.
 */
public final class Unpredictable {
    private static final byte[] POOL = new byte[256];
    private static int next = POOL.length;
    private static InputStream urandom;
    private static SecureRandom fallback;

    private Unpredictable() {}

    /** 32 unpredictable bits. */
    public static synchronized int nextInt() {
        if (fallback == null && next + 4 > POOL.length && !refill()) {
            fallback = new SecureRandom();
        }
        if (fallback != null) {
            return fallback.nextInt();
        }
        int v = (POOL[next] & 0xff) << 24 | (POOL[next + 1] & 0xff) << 16 | (POOL[next + 2] & 0xff) << 8 | (POOL[next + 3] & 0xff);
        next += 4;
        return v;
    }

    /** Uniform in [0, bound), without the modulo bias (as java.util.Random.nextInt(bound) draws it). */
    public static int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        int r = nextInt() >>> 1;
        if ((bound & -bound) == bound) {
            return (int) ((bound * (long) r) >> 31);
        }
        for (int u = r; u - (r = u % bound) + (bound - 1) < 0; u = nextInt() >>> 1) {
            // a draw from the incomplete last block of bound: drawn again
        }
        return r;
    }

    /** 64 unpredictable bits. */
    public static long nextLong() {
        return (long) nextInt() << 32 | (nextInt() & 0xffffffffL);
    }

    /** The same numbers as a java.util.Random, for the exchanges that draw many (bulk DNS, --trace). */
    public static java.util.Random asRandom() {
        return new Drawn();
    }

    private static final class Drawn extends java.util.Random {
        private static final long serialVersionUID = 1L;

        @Override
        protected int next(int bits) {
            return Unpredictable.nextInt() >>> (32 - bits);
        }
    }

    private static boolean refill() {
        try {
            if (urandom == null) {
                urandom = new FileInputStream("/dev/urandom");
            }
            if (urandom.readNBytes(POOL, 0, POOL.length) != POOL.length) {
                return false;
            }
            next = 0;
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
