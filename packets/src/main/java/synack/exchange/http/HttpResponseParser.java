package synack.exchange.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an HTTP/1.1 response as it arrives, segment by segment (RFC 9112): the status line, the
 * header fields up to the blank line, then the body framed by Content-Length, by the chunked
 * transfer coding, or by the close of the connection. Body bytes go to a sink as they come.
 */
final class HttpResponseParser {
    static final int MAX_HEADER_BYTES = 64 * 1024;

    interface BodySink {
        void body(byte[] data, int offset, int length);
    }

    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message);
        }
    }

    private enum Phase { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE }

    private final boolean headRequest;
    private final BodySink sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private Phase phase = Phase.HEAD;
    private String statusLine;
    private int status;
    private String reason = "";
    private final List<String[]> headers = new ArrayList<>();
    private final List<String[]> trailers = new ArrayList<>();
    private int trailerBytes;
    private BodyFraming framing = BodyFraming.NONE;
    private long remaining;
    private long bodyBytes;
    private int chunks;
    private int headBytes;
    private long fed;

    HttpResponseParser(boolean headRequest, BodySink sink) {
        this.headRequest = headRequest;
        this.sink = sink;
    }

    /** Consumes bytes; returns how many were used (the rest would belong to a next response). */
    int feed(byte[] data, int offset, int length) throws ProtocolException {
        fed += length;
        int i = offset;
        int end = offset + length;
        while (i < end && phase != Phase.DONE) {
            switch (phase) {
                case HEAD, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    byte b = data[i++];
                    if (phase == Phase.HEAD) {
                        head.write(b);
                        if (head.size() > MAX_HEADER_BYTES) {
                            throw new ProtocolException("response headers exceed " + MAX_HEADER_BYTES + " bytes");
                        }
                    }
                    if (b == '\n') {
                        lineDone();
                    } else if (b != '\r') {
                        line.write(b);
                        if (line.size() > MAX_HEADER_BYTES) {
                            throw new ProtocolException("a line of the response exceeds " + MAX_HEADER_BYTES + " bytes");
                        }
                    }
                }
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    deliver(data, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        phase = phase == Phase.LENGTH ? Phase.DONE : Phase.CHUNK_END;
                    }
                }
                case UNTIL_CLOSE -> {
                    deliver(data, i, end - i);
                    i = end;
                }
                default -> throw new IllegalStateException(phase.name());
            }
        }
        return i - offset;
    }

    private void deliver(byte[] data, int offset, int length) {
        if (length > 0) {
            bodyBytes += length;
            sink.body(data, offset, length);
        }
    }

    private void lineDone() throws ProtocolException {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        line.reset();
        switch (phase) {
            case HEAD -> {
                if (statusLine == null) {
                    statusLine(text);
                } else if (text.isEmpty()) {
                    headBytes = head.size();
                    if (status >= 100 && status < 200) {
                        // an interim response (100 Continue): the real one follows
                        statusLine = null;
                        headers.clear();
                        head.reset();
                        return;
                    }
                    headersDone();
                } else if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                    // obs-fold: a recipient replaces it with SP before reading the value (RFC 9112 section 5.2)
                    if (headers.isEmpty()) {
                        throw new ProtocolException("a folded line before any header: '" + abbreviate(text) + "'");
                    }
                    String[] last = headers.get(headers.size() - 1);
                    last[1] = (last[1] + " " + text.trim()).trim();
                } else {
                    headers.add(field(text, "header"));
                }
            }
            case CHUNK_SIZE -> {
                // chunk-size = 1*HEXDIG, then optional extensions after ";" (with optional whitespace before it)
                int semicolon = text.indexOf(';');
                String size = (semicolon >= 0 ? text.substring(0, semicolon) : text).strip();
                if (!size.matches("[0-9A-Fa-f]{1,16}")) {
                    throw new ProtocolException("bad chunk size line: '" + abbreviate(text) + "'");
                }
                remaining = Long.parseUnsignedLong(size, 16);
                if (remaining < 0) {
                    throw new ProtocolException("chunk size " + size + " is beyond any body");
                }
                chunks++;
                phase = remaining == 0 ? Phase.TRAILERS : Phase.CHUNK_DATA;
            }
            case CHUNK_END -> {
                if (!text.isEmpty()) {
                    throw new ProtocolException("chunk data not followed by CRLF");
                }
                phase = Phase.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (text.isEmpty()) {
                    phase = Phase.DONE;
                    return;
                }
                trailerBytes += text.length() + 2;
                if (trailerBytes > MAX_HEADER_BYTES) {
                    throw new ProtocolException("response trailers exceed " + MAX_HEADER_BYTES + " bytes");
                }
                trailers.add(field(text, "trailer"));
            }
            default -> throw new IllegalStateException(phase.name());
        }
    }

    private void statusLine(String text) throws ProtocolException {
        String[] parts = text.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new ProtocolException("not an HTTP/1.x status line: '" + abbreviate(text) + "'");
        }
        statusLine = text;
        status = Integer.parseInt(parts[1]);
        reason = parts.length > 2 ? parts[2] : "";
    }

    /** A "name: value" line (whitespace around the name forgiven, as clients do with servers that send it). */
    private static String[] field(String text, String what) throws ProtocolException {
        int colon = text.indexOf(':');
        String name = colon <= 0 ? "" : text.substring(0, colon).trim();
        if (name.isEmpty()) {
            throw new ProtocolException("malformed " + what + " line: '" + abbreviate(text) + "'");
        }
        return new String[] {name, text.substring(colon + 1).trim()};
    }

    /** How the body is framed (RFC 9112 section 6.3), in the order the RFC gives. */
    private void headersDone() throws ProtocolException {
        List<String> codings = tokens("Transfer-Encoding");
        if (headRequest || status == 204 || status == 304) {
            framing = BodyFraming.NONE;
            phase = Phase.DONE;
        } else if (!codings.isEmpty()) {
            // chunked last: chunks; any other coding last: only the close ends the body (a length is ignored)
            boolean chunked = codings.get(codings.size() - 1).equalsIgnoreCase("chunked");
            framing = chunked ? BodyFraming.CHUNKED : BodyFraming.UNTIL_CLOSE;
            phase = chunked ? Phase.CHUNK_SIZE : Phase.UNTIL_CLOSE;
        } else if (!tokens("Content-Length").isEmpty()) {
            remaining = contentLength();
            framing = BodyFraming.LENGTH;
            phase = remaining == 0 ? Phase.DONE : Phase.LENGTH;
        } else {
            framing = BodyFraming.UNTIL_CLOSE;
            phase = Phase.UNTIL_CLOSE;
        }
    }

    /** The one length every Content-Length value gives (a list of equal values counts as one, RFC 9110 section 8.6). */
    private long contentLength() throws ProtocolException {
        long length = -1;
        for (String v : tokens("Content-Length")) {
            if (!v.matches("[0-9]{1,18}")) {
                throw new ProtocolException("bad Content-Length: '" + abbreviate(v) + "'");
            }
            long n = Long.parseLong(v);
            if (length >= 0 && n != length) {
                throw new ProtocolException("Content-Length values disagree: " + length + " and " + n);
            }
            length = n;
        }
        return length;
    }

    /** The comma-separated elements of every field of this name, in order, empty ones left out. */
    private List<String> tokens(String name) {
        List<String> out = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                for (String t : h[1].split(",")) {
                    if (!t.isBlank()) {
                        out.add(t.trim());
                    }
                }
            }
        }
        return out;
    }

    /** The connection closed: a body framed by the close is complete; anything else was cut short. */
    void closed() throws ProtocolException {
        if (phase == Phase.UNTIL_CLOSE) {
            phase = Phase.DONE;
        } else if (phase != Phase.DONE) {
            throw new ProtocolException("the connection closed in the middle of the response ("
                    + (statusLine == null ? "before the status line" : phase.name().toLowerCase(Locale.ROOT).replace('_', ' ')) + ")");
        }
    }

    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Whether any byte of the response has come. */
    boolean started() {
        return fed > 0;
    }

    /** The version of the status line ("HTTP/1.1"), or null before it. */
    String version() {
        return statusLine == null ? null : statusLine.substring(0, statusLine.indexOf(' '));
    }

    /**
     * Whether the server keeps the connection open after this response (RFC 9112 section 9.3):
     * HTTP/1.1 unless a Connection header says "close"; HTTP/1.0 only when it says "keep-alive".
     */
    boolean persistent() {
        if (hasToken("Connection", "close")) {
            return false;
        }
        return !"HTTP/1.0".equals(version()) || hasToken("Connection", "keep-alive");
    }

    /** Whether any field of this name lists the token (case-insensitive, comma-separated, RFC 9110 section 5.6.1). */
    boolean hasToken(String name, String token) {
        return tokens(name).stream().anyMatch(t -> t.equalsIgnoreCase(token));
    }

    boolean headersComplete() {
        return phase != Phase.HEAD;
    }

    boolean complete() {
        return phase == Phase.DONE;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    String statusLineText() {
        return statusLine;
    }

    List<String[]> headers() {
        return headers;
    }

    /** The trailer fields after the last chunk (RFC 9112 section 7.1.2), apart from the headers. */
    List<String[]> trailers() {
        return trailers;
    }

    BodyFraming framing() {
        return framing;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    int chunks() {
        return chunks;
    }

    int headBytes() {
        return headBytes;
    }
}
