package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
    static final DurationConverter C = new DurationConverter();

    @Test
    void unitsGiveMicroseconds() {
        assertEquals(250_000L, C.convert("250ms"));
        assertEquals(1_500_000L, C.convert("1.5s"));
        assertEquals(2_000L, C.convert("2"), "a bare number is milliseconds");
        assertEquals(120_000_000L, C.convert("2m"));
        assertEquals(750L, C.convert("750us"));
        assertEquals(0L, C.convert("0"));
        assertEquals(3_600_000_000L, C.convert("60m"), "one hour is the most");
    }

    @Test
    void caseAndSurroundingSpaceDoNotMatter() {
        assertEquals(250_000L, C.convert(" 250MS "));
        assertEquals(2_000_000L, C.convert("2S"));
    }

    @Test
    void fractionsRoundToTheMicrosecond() {
        assertEquals(1L, C.convert("0.0005"));
        assertEquals(1_234L, C.convert("1.2344ms"));
    }

    @Test
    void notADuration() {
        for (String bad : List.of("abc", "", "ms", "1.2.3s", "1 s x", "s1")) {
            CommandLine.TypeConversionException e =
                    assertThrows(CommandLine.TypeConversionException.class, () -> C.convert(bad), "'" + bad + "'");
            assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
        }
    }

    @Test
    void outOfRange() {
        for (String bad : List.of("-1s", "-1", "61m", "3600.001s")) {
            CommandLine.TypeConversionException e =
                    assertThrows(CommandLine.TypeConversionException.class, () -> C.convert(bad), "'" + bad + "'");
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        }
    }
}
