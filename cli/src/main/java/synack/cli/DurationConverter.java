package synack.cli;

import picocli.CommandLine;

/** Reads durations as people write them: 250ms, 1.5s, 2m, or a bare number of milliseconds. Gives microseconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        double factor;
        String number;
        if (v.endsWith("us")) {
            factor = 1;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("ms")) {
            factor = 1_000;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            factor = 1_000_000;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factor = 60_000_000;
            number = v.substring(0, v.length() - 1);
        } else {
            factor = 1_000;
            number = v;
        }
        double n;
        if (!number.matches("-?\\d+(\\.\\d*)?|-?\\.\\d+")) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (try 500ms, 2s)");
        }
        try {
            n = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (try 500ms, 2s)");
        }
        if (n < 0 || Double.isNaN(n) || n * factor > 3_600_000_000.0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is out of range (0 to 1 hour)");
        }
        return Math.round(n * factor);
    }
}
