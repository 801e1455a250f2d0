package synack.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The head of one HTTP/1.x message read from a capture (RFC 9112 §2.1): its start line, split into
 * its three parts, and its header fields in the order they came. A request's parts are method,
 * target and version; a response's version, status code and reason.
 */
public record HttpHead(boolean request, String method, String target, String version, int status, String reason,
                       List<Field> fields, int headBytes) {
    /** One header field line, "name: value", its value with surrounding whitespace removed. */
    public record Field(String name, String value) {}

    /** No Content-Length field. */
    public static final long NO_LENGTH = -1;
    /** A Content-Length that is not a number, or several that disagree (RFC 9112 §6.3 rule 5: unrecoverable). */
    public static final long BAD_LENGTH = -2;

    public HttpHead {
        fields = List.copyOf(fields);
    }

    /** The first field of this name (case-insensitive), or null. */
    public String field(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** The comma-separated elements of every field of this name, in order, empty ones left out (RFC 9110 §5.6.1). */
    public List<String> tokens(String name) {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                for (String t : f.value().split(",")) {
                    if (!t.isBlank()) {
                        out.add(t.trim());
                    }
                }
            }
        }
        return out;
    }

    public boolean hasToken(String name, String token) {
        for (String t : tokens(name)) {
            if (t.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** The one length every Content-Length value gives (equal values count as one, RFC 9110 §8.6), NO_LENGTH or BAD_LENGTH. */
    public long contentLength() {
        long length = NO_LENGTH;
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase("Content-Length") && f.value().isBlank()) {
                return BAD_LENGTH; // present but empty: no length (RFC 9110 §8.6)
            }
        }
        for (String v : tokens("Content-Length")) {
            if (!HttpMessageReader.digits(v, 10, 18)) {
                return BAD_LENGTH;
            }
            long n = Long.parseLong(v);
            if (length >= 0 && n != length) {
                return BAD_LENGTH;
            }
            length = n;
        }
        return length;
    }

    /** The transfer codings, in the order applied; empty when there is no Transfer-Encoding. */
    public List<String> transferCodings() {
        List<String> codings = tokens("Transfer-Encoding");
        codings.replaceAll(c -> c.toLowerCase(Locale.ROOT));
        return codings;
    }

    /** Chunked is the last coding: the chunks frame the body (RFC 9112 §6.3 rule 4). */
    public boolean chunked() {
        List<String> codings = transferCodings();
        return !codings.isEmpty() && codings.get(codings.size() - 1).equals("chunked");
    }

    /** HTTP/1.0 (else 1.1: the reader only takes HTTP/1.x). */
    public boolean http10() {
        return "HTTP/1.0".equals(version);
    }

    /** Whether this message lets the connection go on after it (RFC 9112 §9.3): 1.1 unless "close", 1.0 only with "keep-alive". */
    public boolean persistent() {
        if (hasToken("Connection", "close")) {
            return false;
        }
        return !http10() || hasToken("Connection", "keep-alive");
    }

    /** The start line as it was sent. */
    public String startLine() {
        return request ? method + " " + target + " " + version : version + " " + status + (reason.isEmpty() ? "" : " " + reason);
    }

    /** The JSON form: the start line's parts and every field as a [name, value] pair, in order. */
    public Map<String, Object> fieldsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (request) {
            m.put("method", method);
            m.put("target", target);
            m.put("version", version);
        } else {
            m.put("version", version);
            m.put("status", status);
            m.put("reason", reason);
        }
        List<List<String>> headers = new ArrayList<>();
        for (Field f : fields) {
            headers.add(List.of(f.name(), f.value()));
        }
        m.put("headers", headers);
        return m;
    }
}
