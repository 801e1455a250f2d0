package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The summary's MB/s, written by hand: the same text as {@code %.1f} gave. */
class HttpJourneyTenthsTest {
    @Test
    void tenthsAreWhatFormatPrints() {
        Random random = new Random(5);
        double[] edges = {0.0, 0.05, 0.25, 0.95, 9.95, 99.95, 273.45, 1e-9, 123456.789, 1e15};
        for (double v : edges) {
            assertEquals(String.format(Locale.ROOT, "%.1f", v), HttpJourney.tenths(v), "value " + v);
        }
        for (int i = 0; i < 20_000; i++) {
            double v = random.nextInt(4) == 0 ? random.nextInt(100_000) / 100.0 : random.nextDouble() * 2000;
            assertEquals(String.format(Locale.ROOT, "%.1f", v), HttpJourney.tenths(v), "value " + v);
        }
    }
}
