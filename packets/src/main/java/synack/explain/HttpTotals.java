package synack.explain;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals of the HTTP exchanges of a capture, added as each one ends: how many, and per
 * status code how many responses had it and the first exchange that did (the --expect-status
 * check's detail names it). Status codes are three digits, so the table stays small.
 */
public final class HttpTotals {
    /** One status code: how many responses had it, and the first exchange with it. */
    public record Status(long count, HttpExchangeSummary first) {}

    private long exchanges;
    private long answered;
    private final TreeMap<Integer, Status> statuses = new TreeMap<>();

    void add(HttpExchangeSummary s) {
        exchanges++;
        if (s.status() <= 0) {
            return;
        }
        answered++;
        int code = Math.min(s.status(), 999); // a status line says three digits; more is not a code to count apart
        Status before = statuses.get(code);
        statuses.put(code, before == null ? new Status(1, s) : new Status(before.count() + 1, before.first()));
    }

    /** Exchanges seen (a request, a response, or both). */
    public long exchanges() {
        return exchanges;
    }

    /** Exchanges with a response. */
    public long answered() {
        return answered;
    }

    /** The status codes seen, lowest first. */
    public Map<Integer, Status> statuses() {
        return Collections.unmodifiableMap(statuses);
    }
}
