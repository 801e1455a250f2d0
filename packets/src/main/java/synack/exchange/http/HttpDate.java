package synack.exchange.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** HTTP's dates: IMF-fixdate written (RFC 9110 §5.6.7), and read leniently as cookies read them (RFC 6265 §5.1.1). */
public final class HttpDate {
    private static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

    private HttpDate() {}

    /** 9999-12-31 23:59:59 UTC: the last time an HTTP date's four-digit year can say. */
    public static final long LATEST = 253_402_300_799L;
    /** 0001-01-01 00:00:00 UTC: the first. */
    public static final long EARLIEST = -62_135_596_800L;

    /** "Tue, 01 Dec 2026 10:00:00 GMT"; any value, a time beyond the years 1-9999 told as the nearest end. */
    public static String format(long epochSeconds) {
        return IMF.format(Instant.ofEpochSecond(Math.max(EARLIEST, Math.min(LATEST, epochSeconds))));
    }

    /**
     * Seconds since the epoch, or null when the text is no date: RFC 6265's algorithm, which reads
     * IMF-fixdate, RFC 850's and asctime's forms alike (the time, day, month and year tokens in any order).
     */
    public static Long parse(String text) {
        int hour = -1, minute = -1, second = -1, day = -1, month = -1, year = -1;
        for (String token : text.split("[\\x09\\x20-\\x2f\\x3b-\\x40\\x5b-\\x60\\x7b-\\x7e]+")) {
            if (token.isEmpty()) {
                continue;
            }
            java.util.regex.Matcher time = java.util.regex.Pattern.compile("(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(\\D.*)?").matcher(token);
            if (hour < 0 && time.matches()) {
                hour = Integer.parseInt(time.group(1));
                minute = Integer.parseInt(time.group(2));
                second = Integer.parseInt(time.group(3));
            } else if (day < 0 && token.matches("\\d{1,2}(\\D.*)?")) {
                day = Integer.parseInt(token.replaceAll("^(\\d+).*", "$1"));
            } else if (month < 0 && token.length() >= 3 && MONTHS.indexOf(token.substring(0, 3).toLowerCase(Locale.ROOT)) % 3 == 0) {
                month = MONTHS.indexOf(token.substring(0, 3).toLowerCase(Locale.ROOT)) / 3 + 1;
            } else if (year < 0 && token.matches("\\d{2,4}(\\D.*)?")) {
                year = Integer.parseInt(token.replaceAll("^(\\d+).*", "$1"));
            }
        }
        if (year >= 70 && year <= 99) {
            year += 1900;
        } else if (year >= 0 && year <= 69) {
            year += 2000;
        }
        if (hour < 0 || day < 1 || day > 31 || month < 1 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeException e) { // 30 February
            return null;
        }
    }

    /** -z's DATE as curl reads it: an HTTP date, or an ISO date ("2026-12-01", "2026-12-01 10:00:00"), UTC; else null. */
    public static Long parseCondition(String text) {
        Long http = parse(text);
        if (http != null) {
            return http;
        }
        String t = text.trim();
        try {
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?Z?")) {
                return LocalDateTime.parse(t.replace(' ', 'T').replace("Z", "")).toEpochSecond(ZoneOffset.UTC);
            }
            if (t.matches("\\d{8}")) { // curl's "20261201"
                return LocalDate.parse(t, DateTimeFormatter.BASIC_ISO_DATE).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            }
        } catch (DateTimeException e) {
            return null;
        }
        return null;
    }
}
