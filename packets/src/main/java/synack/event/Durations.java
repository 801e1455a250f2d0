package synack.event;

/**
 * How durations read in the narration: milliseconds with microsecond precision. Written with integer
 * arithmetic, not {@code String.format}: a formatted {@code %.3f} asks the locale providers for a decimal
 * separator on its first use (CLDR's tables loaded and parsed: ~30 classes and ~0.3 MiB of a one-liner's
 * young generation), for digits that are plain decimal here whatever the locale.
 */
public final class Durations {
    private Durations() {}

    /** {@code micros} as "N.NNN ms" (what {@code %.3f ms} of micros / 1000.0 prints). */
    public static String ms(long micros) {
        return thousandths(micros) + " ms";
    }

    public static double msValue(long micros) {
        return Math.round(micros) / 1000.0;
    }

    /** Seconds from one second up ("N.NNN s", rounded half up as {@code %.3f} rounds), milliseconds below. */
    public static String human(long micros) {
        if (micros < 1_000_000) {
            return ms(micros);
        }
        return thousandths(micros / 1000 + (micros % 1000 >= 500 ? 1 : 0)) + " s";
    }

    /** {@code n} thousandths as a decimal with three places: 1234 → "1.234", -5 → "-0.005". */
    static String thousandths(long n) {
        StringBuilder b = new StringBuilder(24);
        if (n < 0) {
            b.append('-');
        }
        long whole = Math.abs(n / 1000);
        int frac = (int) Math.abs(n % 1000);
        b.append(whole).append('.');
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        return b.append(frac).toString();
    }
}
