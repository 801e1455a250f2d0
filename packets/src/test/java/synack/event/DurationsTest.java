package synack.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class DurationsTest {
    /** The narration's durations read as they did with String.format, for every shape of value. */
    @Test
    void readsAsFormattedDecimalsDid() {
        long[] values = {0, 1, 5, 9, 10, 99, 100, 331, 999, 1000, 1001, 12_345, 999_499, 999_500, 999_999, 1_000_000,
            1_000_499, 1_000_500, 1_234_567, 59_999_999, 3_600_000_000L, -1, -5, -999, -1000, -12_345};
        for (long v : values) {
            assertEquals(String.format(Locale.ROOT, "%.3f ms", v / 1000.0), Durations.ms(v), "ms(" + v + ")");
            String human = v >= 1_000_000 ? String.format(Locale.ROOT, "%.3f s", v / 1e6) : String.format(Locale.ROOT, "%.3f ms", v / 1000.0);
            assertEquals(human, Durations.human(v), "human(" + v + ")");
        }
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextInt(Integer.MAX_VALUE) * (long) (1 + random.nextInt(1000));
            assertEquals(String.format(Locale.ROOT, "%.3f ms", v / 1000.0), Durations.ms(v));
            assertEquals(v >= 1_000_000 ? String.format(Locale.ROOT, "%.3f s", v / 1e6) : String.format(Locale.ROOT, "%.3f ms", v / 1000.0),
                    Durations.human(v));
        }
    }
}
