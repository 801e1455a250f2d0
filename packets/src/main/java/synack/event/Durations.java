package synack.event;

import java.util.Locale;

/** How durations read in the narration: milliseconds with microsecond precision. */
public final class Durations {
    private Durations() {}

    public static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f ms", micros / 1000.0);
    }

    public static double msValue(long micros) {
        return Math.round(micros) / 1000.0;
    }

    public static String human(long micros) {
        return micros >= 1_000_000 ? String.format(Locale.ROOT, "%.3f s", micros / 1e6) : ms(micros);
    }
}
