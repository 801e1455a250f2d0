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

    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

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
    private Framing framing = Framing.NONE;
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
                } else {
                    int colon = text.indexOf(':');
                    if (colon <= 0 || text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                        throw new ProtocolException("malformed header line: '" + abbreviate(text) + "'");
                    }
                    headers.add(new String[] {text.substring(0, colon).trim(), text.substring(colon + 1).trim()});
                }
            }
            case CHUNK_SIZE -> {
                String size = text.contains(";") ? text.substring(0, text.indexOf(';')) : text;
                try {
                    remaining = Long.parseLong(size.trim(), 16);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad chunk size line: '" + abbreviate(text) + "'");
                }
                if (remaining < 0) {
                    throw new ProtocolException("negative chunk size");
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
                }
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

    private void headersDone() throws ProtocolException {
        String te = header("Transfer-Encoding");
        String cl = header("Content-Length");
        if (headRequest || status == 204 || status == 304) {
            framing = Framing.NONE;
            phase = Phase.DONE;
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            framing = Framing.CHUNKED;
            phase = Phase.CHUNK_SIZE;
        } else if (cl != null) {
            try {
                remaining = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad Content-Length: '" + cl + "'");
            }
            if (remaining < 0) {
                throw new ProtocolException("negative Content-Length");
            }
            framing = Framing.LENGTH;
            phase = remaining == 0 ? Phase.DONE : Phase.LENGTH;
        } else {
            framing = Framing.UNTIL_CLOSE;
            phase = Phase.UNTIL_CLOSE;
        }
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
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                for (String t : h[1].split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
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

    Framing framing() {
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
