package synack.explain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import synack.exchange.http.BodyFraming;

/**
 * Reads one side's HTTP/1.x messages from its ordered byte stream (RFC 9112): a start line, header
 * fields up to the blank line, then a body framed as the {@link Handler} decides (only it knows
 * which request a response answers). Bodies are counted, never kept; a head is held up to 64 KiB.
 * Once the framing is lost (a malformed head, bytes missing where a head or a chunk size was) the
 * side is {@link #stopped()}: its later bytes are only counted.
 */
final class HttpMessageReader {
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** A chunk-size line (with its extensions) or a trailer section longer than this is not believed. */
    static final int MAX_LINE_BYTES = 8 * 1024;

    /** How a message's body is delimited, as its head says. {@code switched}: what follows the head is no longer HTTP. */
    record Body(BodyFraming framing, long length, boolean switched) {
        static final Body NONE = new Body(BodyFraming.NONE, 0, false);
        static final Body CHUNKED = new Body(BodyFraming.CHUNKED, 0, false);
        static final Body UNTIL_CLOSE = new Body(BodyFraming.UNTIL_CLOSE, 0, false);
        static final Body SWITCHED = new Body(BodyFraming.NONE, 0, true);

        /** Content-Length: n (0 is a body, an empty one: not the same story as a message that has none). */
        static Body length(long n) {
            return new Body(BodyFraming.LENGTH, n, false);
        }
    }

    /** What the reader tells its owner; the reader's getters describe the message in hand during each call. */
    interface Handler {
        /** The first byte of a message came. */
        void started(long timeMicros, long frame);

        /** The head is whole: how the body is framed (or the handler stops the side, and what it returns is not used). */
        Body headRead(HttpHead head, long timeMicros, long frame);

        /** The message is whole (its body may have had bytes missing from the capture: {@link #missingBytes()}). */
        void messageRead(HttpHead head, long timeMicros, long frame);

        /**
         * The side cannot be read further: {@code head} is the message in hand — when its head was cut, its start
         * line and the fields before the cut (null when not even the start line was whole and sound).
         */
        void stopped(HttpProblem problem, HttpHead head, long timeMicros, long frame);
    }

    /** SWITCHED: after a 101 or a CONNECT's 2xx the bytes are another protocol's, handed back to the owner. */
    private enum Phase { START, HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, STOPPED, SWITCHED }

    private final boolean requests;
    private final Handler handler;
    /** The line being read: grown as long lines need (to at most a head's limit), let go after a long one. */
    private byte[] line = new byte[128];
    private int lineLength;
    private Phase phase = Phase.START;
    private String startLine;
    private final List<HttpHead.Field> fields = new ArrayList<>();
    private HttpHead head;
    private Body body = Body.NONE;
    private int headBytes;
    private int chunkLineBytes;
    private long remaining;
    private long bodyBytes;
    private long missingBytes;
    private int chunks;
    private long startMicros = -1;
    private long startFrame;
    private long ignoredBytes;
    private HttpProblem problem;
    private boolean cutByReset;
    private boolean headCut;

    /** {@code requests}: this side sends requests (a request line starts each message), else responses (a status line). */
    HttpMessageReader(boolean requests, Handler handler) {
        this.requests = requests;
        this.handler = handler;
    }

    /** Reads the bytes; returns how many were HTTP's (fewer only once the protocol {@link #switched()}). */
    int feed(byte[] data, int offset, int length, long timeMicros, long frame) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            switch (phase) {
                case STOPPED -> {
                    ignoredBytes += end - i;
                    return length;
                }
                case SWITCHED -> {
                    return i - offset;
                }
                case START, HEAD, CHUNK_SIZE, CHUNK_END, TRAILERS -> i = readLine(data, i, end, timeMicros, frame);
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    bodyBytes += n;
                    remaining -= n;
                    i += n;
                    if (remaining == 0) {
                        bodyEnded(timeMicros, frame);
                    }
                }
                case UNTIL_CLOSE -> {
                    bodyBytes += end - i;
                    i = end;
                }
            }
        }
        return length;
    }

    /** Bytes up to the end of a line, kept in {@link #line}; the line handled at its LF. Returns where it stopped. */
    private int readLine(byte[] data, int i, int end, long timeMicros, long frame) {
        while (i < end) {
            byte b = data[i++];
            if (phase == Phase.START) {
                if ((b == '\r' || b == '\n') && lineLength == 0) {
                    continue; // RFC 9112 §2.2: empty lines before a request line (or after a body) are ignored
                }
                phase = Phase.HEAD;
                headBytes = 0;
                startMicros = timeMicros;
                startFrame = frame;
                handler.started(timeMicros, frame);
            }
            if (phase == Phase.HEAD) {
                headBytes++;
                if (headBytes > MAX_HEAD_BYTES) {
                    stop(HttpProblem.HEAD_TOO_LARGE, timeMicros, frame);
                    ignoredBytes += end - i;
                    return end;
                }
            } else if (++chunkLineBytes > (phase == Phase.TRAILERS ? MAX_HEAD_BYTES : MAX_LINE_BYTES)) {
                stop(HttpProblem.BAD_CHUNK, timeMicros, frame);
                ignoredBytes += end - i;
                return end;
            }
            if (b == '\n') {
                int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                String text = new String(line, 0, n, StandardCharsets.ISO_8859_1);
                lineLength = 0;
                if (line.length > 4096) {
                    line = new byte[128]; // many connections may be open: none keeps a long line's room
                }
                lineRead(text, timeMicros, frame);
                return i;
            }
            if (lineLength == line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(MAX_HEAD_BYTES, line.length * 2));
            }
            if (lineLength < line.length) {
                line[lineLength++] = b;
            }
        }
        return i;
    }

    private void lineRead(String text, long timeMicros, long frame) {
        switch (phase) {
            case HEAD -> headLine(text, timeMicros, frame);
            case CHUNK_SIZE -> {
                int semicolon = text.indexOf(';');
                String size = (semicolon >= 0 ? text.substring(0, semicolon) : text).strip();
                if (!digits(size, 16, 15)) {
                    stop(HttpProblem.BAD_CHUNK, timeMicros, frame);
                    return;
                }
                remaining = Long.parseLong(size, 16);
                chunks++;
                chunkLineBytes = 0;
                phase = remaining == 0 ? Phase.TRAILERS : Phase.CHUNK_DATA;
            }
            case CHUNK_END -> {
                if (!text.isEmpty()) {
                    stop(HttpProblem.BAD_CHUNK, timeMicros, frame);
                    return;
                }
                chunkLineBytes = 0;
                phase = Phase.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (text.isEmpty()) {
                    messageEnded(timeMicros, frame);
                }
            }
            default -> throw new IllegalStateException(phase.name());
        }
    }

    private void headLine(String text, long timeMicros, long frame) {
        if (startLine == null) {
            startLine = text;
            return;
        }
        if (!text.isEmpty()) {
            if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                // obs-fold: the recipient replaces it with SP (RFC 9112 §5.2)
                if (fields.isEmpty()) {
                    stop(HttpProblem.BAD_FIELD, timeMicros, frame);
                    return;
                }
                HttpHead.Field last = fields.remove(fields.size() - 1);
                fields.add(new HttpHead.Field(last.name(), (last.value() + " " + text.trim()).trim()));
                return;
            }
            int colon = text.indexOf(':');
            String name = colon <= 0 ? "" : text.substring(0, colon).trim();
            if (name.isEmpty()) {
                stop(HttpProblem.BAD_FIELD, timeMicros, frame);
                return;
            }
            fields.add(new HttpHead.Field(name, text.substring(colon + 1).trim()));
            return;
        }
        HttpHead h = requests ? requestHead() : responseHead();
        if (h == null) {
            stop(HttpProblem.BAD_START_LINE, timeMicros, frame);
            return;
        }
        head = h;
        fields.clear();
        startLine = null;
        Body decided = handler.headRead(h, timeMicros, frame);
        if (phase == Phase.STOPPED) {
            return; // the handler stopped this side
        }
        body = decided;
        bodyBytes = 0;
        missingBytes = 0;
        chunks = 0;
        chunkLineBytes = 0;
        if (body.switched()) {
            messageEnded(timeMicros, frame);
            phase = Phase.SWITCHED; // the bytes after it are another protocol's
            return;
        }
        switch (body.framing()) {
            case NONE -> messageEnded(timeMicros, frame);
            case LENGTH -> {
                if (body.length() == 0) {
                    messageEnded(timeMicros, frame);
                } else {
                    remaining = body.length();
                    phase = Phase.LENGTH;
                }
            }
            case CHUNKED -> phase = Phase.CHUNK_SIZE;
            case UNTIL_CLOSE -> phase = Phase.UNTIL_CLOSE;
        }
    }

    /** "METHOD SP target SP HTTP/1.x", or null. */
    private HttpHead requestHead() {
        String[] parts = startLine.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !isVersion(parts[2])) {
            return null;
        }
        return new HttpHead(true, parts[0], parts[1], parts[2], 0, "", fields, headBytes);
    }

    /** "HTTP/1.x SP 3DIGIT [SP reason]", or null. */
    private HttpHead responseHead() {
        String[] parts = startLine.split(" ", 3);
        if (parts.length < 2 || !isVersion(parts[0]) || parts[1].length() != 3 || !digits(parts[1], 10, 3)) {
            return null;
        }
        return new HttpHead(false, null, null, parts[0], Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", fields, headBytes);
    }

    /** "HTTP/1.x", x a digit. */
    static boolean isVersion(String s) {
        return s.length() == 8 && s.startsWith("HTTP/1.") && Character.digit(s.charAt(7), 10) >= 0 && s.charAt(7) < 0x80;
    }

    /** 1 to {@code max} digits of this radix (ASCII only), nothing else. */
    static boolean digits(String s, int radix, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.6.2's tchar. */
    static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private void bodyEnded(long timeMicros, long frame) {
        if (phase == Phase.CHUNK_DATA) {
            phase = Phase.CHUNK_END;
        } else {
            messageEnded(timeMicros, frame);
        }
    }

    private void messageEnded(long timeMicros, long frame) {
        HttpHead h = head;
        phase = Phase.START;
        handler.messageRead(h, timeMicros, frame);
        head = null;
    }

    private void stop(HttpProblem why, long timeMicros, long frame) {
        if (phase == Phase.STOPPED) {
            return;
        }
        HttpHead h = head;
        headCut = phase == Phase.HEAD;
        if (h == null && startLine != null && headCut) {
            h = requests ? requestHead() : responseHead(); // what the cut head said before it was cut (null if nothing sound)
        }
        phase = Phase.STOPPED;
        problem = why;
        lineLength = 0;
        fields.clear();
        startLine = null;
        handler.stopped(why, h, timeMicros, frame);
    }

    /** The owner stops this side (too many requests outstanding, a framing its head makes impossible). */
    void stop(HttpProblem why, long timeMicros, long frame, boolean tell) {
        if (tell) {
            stop(why, timeMicros, frame);
        } else {
            phase = Phase.STOPPED;
            problem = why;
        }
    }

    /** The other side's message switched the connection to another protocol: this side's next bytes are that protocol's. */
    void switchProtocols() {
        if (phase != Phase.STOPPED) {
            phase = Phase.SWITCHED;
        }
    }

    boolean switched() {
        return phase == Phase.SWITCHED;
    }

    /**
     * {@code missing} bytes the capture does not hold. Inside a body they are counted as missing and
     * the body goes on; where the framing is (a head, a chunk size, between messages) the side stops.
     */
    void gap(long missing, long timeMicros, long frame) {
        switch (phase) {
            case STOPPED -> ignoredBytes += missing;
            case SWITCHED -> { }
            case UNTIL_CLOSE -> missingBytes += missing;
            case LENGTH, CHUNK_DATA -> {
                long inBody = Math.min(missing, remaining);
                missingBytes += inBody;
                remaining -= inBody;
                if (missing > inBody) {
                    if (phase == Phase.LENGTH) {
                        messageEnded(timeMicros, frame); // the body's end is in the gap, and the next message's head with it
                    }
                    stop(HttpProblem.GAP_IN_FRAMING, timeMicros, frame);
                } else if (remaining == 0) {
                    bodyEnded(timeMicros, frame);
                }
            }
            default -> stop(HttpProblem.GAP_IN_FRAMING, timeMicros, frame);
        }
    }

    /**
     * The side closed ({@code reset}: by RST). A body framed by the close ends here (complete after a FIN;
     * after a RST it may be cut: {@link #cutByReset()}); any other message in hand is cut.
     */
    void end(boolean reset, long timeMicros, long frame) {
        switch (phase) {
            case STOPPED, START, SWITCHED -> { }
            case UNTIL_CLOSE -> {
                cutByReset = reset;
                messageEnded(timeMicros, frame);
                cutByReset = false;
            }
            default -> stop(reset ? HttpProblem.CUT_BY_RESET : HttpProblem.CUT_BY_FIN, timeMicros, frame);
        }
        if (phase != Phase.STOPPED && phase != Phase.SWITCHED) {
            phase = Phase.STOPPED; // nothing comes after the close
        }
    }

    /** The capture ended: a message in hand is unfinished. */
    void captureEnded(long timeMicros, long frame) {
        if (phase != Phase.STOPPED && phase != Phase.START && phase != Phase.SWITCHED) {
            stop(HttpProblem.CAPTURE_ENDED, timeMicros, frame);
        }
    }

    // ---------------------------------------------------------------- the message in hand

    /** When its first byte came (-1 before any). */
    long startMicros() {
        return startMicros;
    }

    long startFrame() {
        return startFrame;
    }

    /** Bytes of the head, start line to blank line (with the empty lines skipped before it not counted). */
    int headBytes() {
        return headBytes;
    }

    /** How the body in hand is framed, as the handler decided from its head. */
    BodyFraming framing() {
        return body.framing();
    }

    /** Body bytes seen: a chunked body's chunk data alone, without the chunk-size lines. */
    long bodyBytes() {
        return bodyBytes;
    }

    /** Body bytes the capture does not hold. */
    long missingBytes() {
        return missingBytes;
    }

    /** A chunked body's chunks, the last (empty) one included. */
    int chunks() {
        return chunks;
    }

    /** During {@link Handler#messageRead}: a body framed by the close ended with a RST (it may have been cut). */
    boolean cutByReset() {
        return cutByReset;
    }

    /** During {@link Handler#stopped}: the message's head was not whole (the head handed over is what came of it). */
    boolean headCut() {
        return headCut;
    }

    /** Bytes after the side stopped, not read. */
    long ignoredBytes() {
        return ignoredBytes;
    }

    boolean stopped() {
        return phase == Phase.STOPPED;
    }

    /** Why the side stopped (null when it did not, or only closed). */
    HttpProblem problem() {
        return problem;
    }
}
