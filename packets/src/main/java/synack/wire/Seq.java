package synack.wire;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4): a is "before" b when the
 * signed 32-bit difference a - b is negative, which stays right across the wrap.
 */
public final class Seq {
    private Seq() {}

    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean leq(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean geq(int a, int b) {
        return a - b >= 0;
    }

    /** lo <= x < hi, modulo 2^32. */
    public static boolean inWindow(int x, int lo, int hi) {
        return leq(lo, x) && lt(x, hi);
    }

    public static String str(int seq) {
        return Long.toString(Integer.toUnsignedLong(seq));
    }
}
