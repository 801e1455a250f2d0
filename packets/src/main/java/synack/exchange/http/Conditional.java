package synack.exchange.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conditional request (RFC 9110 §13): If-None-Match with the ETag --etag-compare read, and/or
 * If-Modified-Since (or, for -z -DATE, If-Unmodified-Since) with -z's time. {@code etag} and
 * {@code time} may each be null; {@code timeFrom} says where the time came from.
 */
public record Conditional(String etag, Long time, boolean unmodifiedSince, String timeFrom) {
    public static final Conditional NONE = new Conditional(null, null, false, null);

    public boolean any() {
        return etag != null || time != null;
    }

    /** The header fields it adds to a request. */
    public List<String[]> headers() {
        List<String[]> h = new ArrayList<>();
        if (etag != null) {
            h.add(new String[] {"If-None-Match", etag});
        }
        if (time != null) {
            h.add(new String[] {unmodifiedSince ? "If-Unmodified-Since" : "If-Modified-Since", HttpDate.format(time)});
        }
        return h;
    }

    /** What the request asks, in words. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (etag != null) {
            parts.add("If-None-Match " + etag + " (--etag-compare): send the body only if the server's ETag differs");
        }
        if (time != null) {
            parts.add((unmodifiedSince ? "If-Unmodified-Since " : "If-Modified-Since ") + HttpDate.format(time) + " (" + timeFrom
                    + (unmodifiedSince ? "): act only if the server's copy has not changed since" : "): send the body only if it changed since"));
        }
        return "conditional request: " + String.join("; ", parts);
    }

    /** One condition a request carries (RFC 9110 §13.1), by its header field. */
    public enum Kind {
        IF_NONE_MATCH("If-None-Match"), IF_MODIFIED_SINCE("If-Modified-Since"), IF_UNMODIFIED_SINCE("If-Unmodified-Since");

        public final String field;

        Kind(String field) {
            this.field = field;
        }
    }

    /** The conditions it carries, in the order a server evaluates them (RFC 9110 §13.2.2: If-Unmodified-Since before If-None-Match). */
    public List<Kind> kinds() {
        List<Kind> k = new ArrayList<>();
        if (time != null && unmodifiedSince) {
            k.add(Kind.IF_UNMODIFIED_SINCE);
        }
        if (etag != null) {
            k.add(Kind.IF_NONE_MATCH);
        }
        if (time != null && !unmodifiedSince) {
            k.add(Kind.IF_MODIFIED_SINCE);
        }
        return k;
    }

    /**
     * The condition a response with this status speaks of, or null when none can give it: a 304 is
     * If-None-Match's match (or If-Modified-Since's "not changed"), a 412 If-Unmodified-Since's
     * failure (or If-None-Match's match on a method other than GET/HEAD), a 2xx the first condition;
     * null without any.
     */
    public Kind decidedBy(int status) {
        List<Kind> k = kinds();
        List<Kind> speaks = status == 304 ? List.of(Kind.IF_NONE_MATCH, Kind.IF_MODIFIED_SINCE)
                : status == 412 ? List.of(Kind.IF_UNMODIFIED_SINCE, Kind.IF_NONE_MATCH) : k;
        for (Kind each : speaks) {
            if (k.contains(each)) {
                return each;
            }
        }
        return k.isEmpty() ? null : k.get(0); // a server answering what we did not ask: our first condition
    }

    /** What a 304 Not Modified, a 412 or a 2xx to this request says of its condition, in words. */
    public String explain(HttpApp.Response r) {
        String theirs = r.header("ETag");
        String lastModified = r.header("Last-Modified");
        String since = time != null ? HttpDate.format(time) : null;
        String theirEtag = theirs != null ? " (its ETag " + theirs + ")" : "";
        String theirTime = lastModified != null ? " (Last-Modified " + lastModified + ")" : "";
        Kind k = decidedBy(r.status());
        if (r.status() == 304) {
            return "not modified: " + (k == Kind.IF_NONE_MATCH ? "the server's copy matches our ETag " + etag + theirEtag
                    : "the server's copy has not changed since " + since + theirTime) + " — no body sent; our copy is current";
        }
        if (r.status() == 412) {
            return "precondition failed: " + (k == Kind.IF_UNMODIFIED_SINCE ? "the server's copy changed since " + since + theirTime
                    : k == Kind.IF_NONE_MATCH ? "the server's copy matches our ETag " + etag + theirEtag + " (If-None-Match on a "
                    + r.method() + ": 412, not 304)" : "the server refused a condition we did not send");
        }
        List<String> held = new ArrayList<>();
        for (Kind each : kinds()) {
            held.add(switch (each) {
                case IF_UNMODIFIED_SINCE -> "the condition held: the server's copy has not changed since " + since + theirTime
                        + ", so the request was acted on";
                case IF_NONE_MATCH -> "the server's ETag differs from ours " + etag + theirEtag + ": the body is sent";
                case IF_MODIFIED_SINCE -> "the server's copy changed since " + since + theirTime + ": the body is sent";
            });
        }
        return r.status() + ": " + String.join("; ", held);
    }

    /** The request note's data: {"conditional": {field: value}}. */
    public Map<String, Object> requestFields() {
        Map<String, Object> f = new LinkedHashMap<>();
        for (String[] h : headers()) {
            f.put(h[0], h[1]);
        }
        return Map.of("conditional", f);
    }

    /** The data of that explanation: {"condition": {status, condition, ours, etag, last_modified}}. */
    public Map<String, Object> fields(HttpApp.Response r) {
        return fields(r.status(), r.header("ETag"), r.header("Last-Modified"));
    }

    public Map<String, Object> fields(int status, String theirEtag, String lastModified) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("status", status);
        Kind k = decidedBy(status);
        f.put("condition", k.field);
        f.put("ours", k == Kind.IF_NONE_MATCH ? etag : HttpDate.format(time));
        f.put("etag", theirEtag);
        f.put("last_modified", lastModified);
        return java.util.Collections.singletonMap("condition", f);
    }
}
