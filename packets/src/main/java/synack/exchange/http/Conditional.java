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

    /** What a 304 Not Modified (or a 412) to this request says: what matched, in words. */
    public String explain(HttpApp.Response r) {
        String theirs = r.header("ETag");
        String lastModified = r.header("Last-Modified");
        if (r.status() == 304) {
            StringBuilder sb = new StringBuilder("not modified: ");
            if (etag != null) {
                sb.append("the server's copy matches our ETag ").append(etag)
                        .append(theirs != null ? " (its ETag " + theirs + ")" : "");
            } else if (time != null) {
                sb.append("the server's copy has not changed since ").append(HttpDate.format(time))
                        .append(lastModified != null ? " (Last-Modified " + lastModified + ")" : "");
            }
            return sb.append(" — no body sent; our copy is current").toString();
        }
        if (r.status() == 412) {
            return "precondition failed: the server's copy changed since " + (time != null ? HttpDate.format(time) : "the condition")
                    + (lastModified != null ? " (Last-Modified " + lastModified + ")" : "");
        }
        return "the condition did not hold: the server sent " + r.status() + (theirs != null ? ", ETag " + theirs : "")
                + (lastModified != null ? ", Last-Modified " + lastModified : "");
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
        f.put("condition", etag != null ? "If-None-Match" : unmodifiedSince ? "If-Unmodified-Since" : "If-Modified-Since");
        f.put("ours", etag != null ? etag : HttpDate.format(time));
        f.put("etag", theirEtag);
        f.put("last_modified", lastModified);
        return java.util.Collections.singletonMap("condition", f);
    }
}
