package synack.exchange.scan;

/**
 * A keyed shuffle of 0..size-1 without a table: a 4-round Feistel network over the smallest
 * even power of two that holds {@code size}, walking the cycle until the value falls inside
 * (masscan's BlackRock and zmap's cyclic groups solve the same problem). Position j of the sweep
 * probes {@link #at(long) at(j)}; {@link #indexOf(long)} undoes it, so a reply can be placed back
 * in the order without remembering anything. The same seed gives the same order on every
 * machine, which is what lets shards split one sweep.
 */
public final class Permutation {
    private static final int ROUNDS = 4;

    private final long size;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    public Permutation(long size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("nothing to permute");
        }
        this.size = size;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        long s = seed;
        for (int i = 0; i < ROUNDS; i++) {
            s += 0x9e3779b97f4a7c15L;
            keys[i] = mix(s);
        }
    }

    public long size() {
        return size;
    }

    /** The value at position {@code position} (0 ≤ position < size). */
    public long at(long position) {
        long x = encrypt(position);
        while (x >= size) {
            x = encrypt(x); // cycle walking: stays a bijection on 0..size-1, on average under 4 steps
        }
        return x;
    }

    /** The position holding {@code value}: the inverse of {@link #at(long)}. */
    public long indexOf(long value) {
        long x = decrypt(value);
        while (x >= size) {
            x = decrypt(x);
        }
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int i = 0; i < ROUNDS; i++) {
            long next = left ^ (mix(right ^ keys[i]) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private long decrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int i = ROUNDS - 1; i >= 0; i--) {
            long previous = right ^ (mix(left ^ keys[i]) & halfMask);
            right = left;
            left = previous;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
