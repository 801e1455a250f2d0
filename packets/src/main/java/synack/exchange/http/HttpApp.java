package synack.exchange.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import synack.event.Durations;
import synack.exchange.tcp.TcpApp;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpState;

/**
 * HTTP/1.1 over one connection: sends each request in turn (keep-alive), reads each response as
 * it arrives, hands the body to a sink (a file, stdout, or only counted and hashed), and closes
 * after the last — or answers the server's close.
 */
public final class HttpApp implements TcpApp {
    /** What one exchange gave; {@code preview} holds the first bytes of the (decoded) body. */
    public record Response(HttpUrl url, String method, int status, String reason, List<String[]> headers, long wireBodyBytes,
                           long bodyBytes, String sha256, BodyFraming framing, int chunks, long sentAt, long firstByteAt,
                           long completeAt, byte[] preview, String error, Planned plan) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }
    }

    /** A request still to build: built as it leaves, so it carries what the responses before it set (a cookie). */
    /** A request to make; {@code origin} the URL given that led to it (itself, or the first of its redirects). */
    public record Planned(HttpUrl url, String method, boolean withBody, HttpUrl origin) {
        public Planned(HttpUrl url, String method, boolean withBody) {
            this(url, method, withBody, url);
        }

        /** Another host, port or scheme than the URL given: where curl stops sending the user's credentials (CVE-2022-27776). */
        public boolean leftOrigin() {
            return !url.host().equals(origin.host()) || url.port() != origin.port() || url.secure() != origin.secure();
        }
    }

    /** Builds each request as it goes and hears each response (the journey: cookies, conditions, their story). */
    public interface Session {
        HttpRequest request(Planned plan, long now);

        default void response(Response response, long now) {}
    }

    static final int PREVIEW = 16 * 1024 * 1024; // what --expect-body may search
    /** What the summary's "first lines" read: with no --expect-body, the body is not held beyond this. */
    public static final int SUMMARY_PREVIEW = 400;

    private final List<Planned> requests;
    private final Session session;
    private final List<HttpRequest> sent = new ArrayList<>();
    private final boolean decode;
    private final OutputStream bodyOut;
    private final boolean followRedirects;
    private final LongSupplier lastSentAt;
    private final int previewLimit;
    private final List<Response> responses = new ArrayList<>();
    private final List<Planned> unanswered = new ArrayList<>();
    private int index;
    private HttpResponseParser parser;
    private BodyHash sha;
    private ContentDecoder decoder;
    private boolean codingChecked;
    private String bodyError; // this response's body could not be decoded or written: parsing goes on, the body is dropped
    private ByteArrayOutputStream preview;
    private long decodedBytes;
    private long sentAt;
    private long firstByteAt = -1;
    private boolean responseHeadTold;
    private boolean written; // this response's body goes to bodyOut (not a redirect that -L follows)
    private String error;

    public HttpApp(List<HttpRequest> requests, boolean decodeContent, OutputStream bodyOut) {
        this(requests, decodeContent, bodyOut, false, () -> -1);
    }

    /**
     * @param followRedirects a redirect's body is not written to {@code bodyOut}: only the final
     *                        response's is (as curl -L does); it is still counted and hashed
     * @param lastSentAt      when the last frame of ours left (its stamp; -1 if unknown): a
     *                        request is timed from when it went, not from when it was queued
     */
    public HttpApp(List<HttpRequest> requests, boolean decodeContent, OutputStream bodyOut, boolean followRedirects,
                   LongSupplier lastSentAt) {
        this(requests, decodeContent, bodyOut, followRedirects, lastSentAt, PREVIEW);
    }

    /**
     * @param previewLimit how much of each body to hold for {@link Response#preview()}: 16 MiB when
     *                     --expect-body searches it, {@link #SUMMARY_PREVIEW} when only the summary reads it
     */
    public HttpApp(List<HttpRequest> requests, boolean decodeContent, OutputStream bodyOut, boolean followRedirects,
                   LongSupplier lastSentAt, int previewLimit) {
        this(requests.stream().map(r -> new Planned(r.url(), r.method(), r.body() != null)).toList(), prebuilt(requests),
                decodeContent, bodyOut, followRedirects, lastSentAt, previewLimit);
    }

    /** Requests built when each goes, by {@code session}. */
    public HttpApp(List<Planned> plans, Session session, boolean decodeContent, OutputStream bodyOut, boolean followRedirects,
                   LongSupplier lastSentAt, int previewLimit) {
        this.previewLimit = Math.min(PREVIEW, Math.max(SUMMARY_PREVIEW, previewLimit));
        this.requests = List.copyOf(plans);
        this.session = session;
        this.decode = decodeContent;
        this.bodyOut = bodyOut;
        this.followRedirects = followRedirects;
        this.lastSentAt = lastSentAt;
    }

    /** Requests built before: each plan in turn gets the next (one connection sends them in order). */
    private static Session prebuilt(List<HttpRequest> requests) {
        java.util.Iterator<HttpRequest> it = requests.iterator();
        return (plan, now) -> it.next();
    }

    /** A response -L follows: a redirect status with a Location (RFC 9110 §15.4; 304 is not one). */
    static boolean followable(int status, String location) {
        return status >= 300 && status < 400 && status != 304 && location != null;
    }

    @Override
    public void established(TcpConversation.Control c, long now) {
        sendNext(c, now);
    }

    private void sendNext(TcpConversation.Control c, long now) {
        c.section("HTTP request" + (requests.size() > 1 ? " " + (index + 1) + " of " + requests.size() : ""), now);
        HttpRequest r = session.request(requests.get(index), now);
        sent.add(r);
        c.note(r.describe(), now);
        parser = new HttpResponseParser(r.method().equals("HEAD"), this::body);
        sha = BodyHash.start();
        releaseDecoder();
        codingChecked = false;
        bodyError = null;
        preview = new ByteArrayOutputStream();
        decodedBytes = 0;
        firstByteAt = -1;
        responseHeadTold = false;
        written = true;
        c.send(r.toBytes(), now);
        long left = lastSentAt.getAsLong();
        sentAt = left >= now ? left : now; // the request's segment went out now (or is queued: then from now)
        c.idleIn(30_000_000, now);
    }

    @Override
    public void received(TcpConversation.Control c, byte[] data, long now) {
        if (parser == null || error != null) {
            c.note("unexpected " + data.length + " bytes after the response: ignored", now);
            return;
        }
        if (firstByteAt < 0) {
            firstByteAt = now;
            c.section("HTTP response", now);
            c.note("first byte " + Durations.ms(now - sentAt) + " after the request (time to first byte)", now);
            c.routineData(true); // the rest of the transfer: segments and ACKs shown with -v
        }
        try {
            int used = parser.feed(data, 0, data.length);
            if (parser.headersComplete() && !responseHeadTold) {
                responseHeadTold = true;
                c.note(describeHead(), now);
            }
            if (parser.complete()) {
                if (used < data.length) {
                    c.note((data.length - used) + " bytes beyond the response: ignored", now);
                }
                completed(c, now);
            } else {
                c.idleIn(30_000_000, now);
            }
        } catch (HttpResponseParser.ProtocolException e) {
            fail(c, e.getMessage(), now);
        }
    }

    /** Body bytes as the parser frames them: decoded as they come (with --compressed), then counted, hashed, written. */
    private void body(byte[] data, int offset, int length) {
        if (bodyError != null) {
            return;
        }
        if (!codingChecked) {
            codingChecked = true;
            written = !(followRedirects && followable(parser.status(), parser.header("Location")));
            String encoding = parser.header("Content-Encoding");
            if (decode && encoding != null) {
                try {
                    decoder = ContentDecoder.of(encoding, this::consume);
                } catch (ContentDecoder.DecodeException e) {
                    bodyError = "cannot decode " + encoding.trim().toLowerCase(Locale.ROOT) + " content: " + e.getMessage();
                    return;
                }
            }
        }
        if (decoder == null) {
            consume(data, offset, length);
            return;
        }
        try {
            decoder.feed(data, offset, length);
        } catch (ContentDecoder.DecodeException e) {
            bodyError = "cannot decode " + decoder.name() + " content: " + e.getMessage();
        }
        if (bodyError != null) {
            releaseDecoder();
        }
    }

    private void releaseDecoder() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }

    private void consume(byte[] data, int offset, int length) {
        sha.update(data, offset, length);
        decodedBytes += length;
        if (preview.size() < previewLimit) {
            preview.write(data, offset, Math.min(length, previewLimit - preview.size()));
        }
        if (bodyOut != null && written && bodyError == null) {
            try {
                bodyOut.write(data, offset, length);
            } catch (IOException e) {
                // only noted: this may run inside the decoder's own callback, which must not lose its inflater
                // under its feet; body() releases the decoder once feed() has returned
                bodyError = "cannot write the body: " + e.getMessage();
            }
        }
    }

    private String describeHead() {
        StringBuilder sb = new StringBuilder("HTTP response head, " + parser.headBytes() + " bytes:");
        sb.append("\n  status line    ").append(parser.statusLineText()).append("   (version, status code, reason)");
        for (String[] h : parser.headers()) {
            sb.append("\n  header         ").append(h[0]).append(": ").append(h[1]);
        }
        sb.append("\n  blank line     (CRLF: the headers end here)");
        sb.append("\n  body           ").append(switch (parser.framing()) {
            case NONE -> sent.get(index).method().equals("HEAD")
                    ? "none: the response to a HEAD carries no body (RFC 9110 §9.3.2); a Content-Length in it is the size of what it"
                            + " describes"
                    : "none (status " + parser.status() + ")";
            case LENGTH -> parser.header("Content-Length") + " bytes, as Content-Length says";
            case CHUNKED -> "chunked transfer coding: chunks each led by their size in hex, until a chunk of size 0";
            case UNTIL_CLOSE -> "no length given: the body ends when the server closes the connection";
        });
        return sb.toString();
    }

    private void completed(TcpConversation.Control c, long now) {
        if (decoder != null) {
            try {
                decoder.finish();
                c.note("Content-Encoding " + decoder.name() + ": " + decoder.encodedBytes() + " bytes on the wire decoded to "
                        + decoder.decodedBytes(), now);
            } catch (ContentDecoder.DecodeException e) {
                bodyError = "cannot decode " + decoder.name() + " content: " + e.getMessage();
            }
            decoder = null;
        }
        if (bodyError != null) {
            error = bodyError;
            c.note(error, now);
        }
        HttpRequest r = sent.get(index);
        Response resp = new Response(r.url(), r.method(), parser.status(), parser.reason(), List.copyOf(parser.headers()),
                parser.bodyBytes(), decodedBytes, sha.hex(), parser.framing(),
                parser.chunks(), sentAt, firstByteAt, now, preview.toByteArray(), error, requests.get(index));
        responses.add(resp);
        c.note(bodySummary(resp), now);
        session.response(resp, now);
        boolean persistent = parser.persistent();
        // why the server will close, when it will: said in so many words, or HTTP/1.0's default
        String closing = parser.hasToken("Connection", "close") ? "the server said Connection: close"
                : "HTTP/1.0 without keep-alive";
        parser = null;
        index++;
        // the server's FIN came with (or before) the end of this response: its half is closed
        boolean halfClosed = c.connection().state() == TcpState.CLOSE_WAIT;
        if (index < requests.size() && (halfClosed || !persistent)) {
            handBack(c, halfClosed ? "the server closed its side of the connection" : closing, now);
        }
        if (halfClosed) {
            return; // peerFinished follows at once: our FIN answers the server's
        }
        if (error != null) {
            // this body could not be decoded or written: the run has failed, ask no more of this server
            c.section("teardown", now);
            c.close(now);
        } else if (!persistent) {
            c.note(closing + ": it will close first", now);
            c.idleIn(2_000_000, now);
        } else if (index < requests.size()) {
            sendNext(c, now);
        } else {
            c.section("teardown", now);
            c.close(now);
        }
    }

    /** The requests not yet answered are not sent on this connection: the journey opens a new one for them. */
    private void handBack(TcpConversation.Control c, String why, long now) {
        List<Planned> rest = requests.subList(index, requests.size());
        unanswered.addAll(rest);
        c.note(why + ": the remaining " + (rest.size() == 1 ? "request goes" : rest.size() + " requests go") + " on a new connection", now);
    }

    private static String bodySummary(Response r) {
        StringBuilder sb = new StringBuilder("body: " + r.bodyBytes() + " bytes");
        if (r.wireBodyBytes() != r.bodyBytes()) {
            sb.append(" (").append(r.wireBodyBytes()).append(" on the wire)");
        }
        sb.append(switch (r.framing()) {
            case CHUNKED -> ", in " + (r.chunks() - 1) + " chunks";
            case UNTIL_CLOSE -> ", until the server closed";
            default -> "";
        });
        sb.append(", sha256 ").append(r.sha256(), 0, 16).append("…");
        sb.append(", received in ").append(Durations.ms(r.completeAt() - r.firstByteAt()));
        String type = r.header("Content-Type");
        if (r.bodyBytes() > 0 && type != null && (type.startsWith("text/") || type.contains("json") || type.contains("xml"))) {
            String text = new String(r.preview(), 0, Math.min(r.preview().length, 400), StandardCharsets.UTF_8);
            String[] lines = text.split("\r?\n");
            sb.append("\n  first lines:");
            for (int i = 0; i < Math.min(4, lines.length); i++) {
                sb.append("\n    ").append(lines[i].length() > 100 ? lines[i].substring(0, 100) + "…" : lines[i]);
            }
        }
        if (r.error() != null) {
            sb.append("\n  error: ").append(r.error());
        }
        return sb.toString();
    }

    private void fail(TcpConversation.Control c, String why, long now) {
        releaseDecoder();
        error = why;
        c.note("protocol error: " + why + " — aborting the connection", now);
        c.abort(now, "HTTP protocol error");
    }

    @Override
    public void peerFinished(TcpConversation.Control c, long now) {
        if (parser != null && !parser.started() && !responses.isEmpty()) {
            // a kept-alive connection the server closed as our next request left: nothing of it was answered
            handBack(c, "the server closed the connection before answering request " + (index + 1), now);
            parser = null;
        }
        if (parser != null) {
            try {
                parser.closed();
                completed(c, now);
            } catch (HttpResponseParser.ProtocolException e) {
                releaseDecoder();
                error = e.getMessage();
                c.note(e.getMessage(), now);
            }
        }
        c.section("teardown", now);
        c.note("the server closed first: we answer with our own FIN (passive close)", now);
        c.close(now);
    }

    @Override
    public void idle(TcpConversation.Control c, long now) {
        if (parser != null) {
            releaseDecoder();
            error = "no complete response within 30 s";
            c.note(error, now);
        }
        c.section("teardown", now);
        c.close(now);
    }

    /** Every request answered, or handed back for a new connection (see {@link #unanswered()}), and no error. */
    @Override
    public boolean satisfied() {
        return error == null && responses.size() + unanswered.size() == requests.size();
    }

    /** The requests this connection will not carry: the server closed, or said it would, before they were answered. */
    public List<Planned> unanswered() {
        return List.copyOf(unanswered);
    }

    /** The requests this connection sent, as built. */
    public List<HttpRequest> sent() {
        return List.copyOf(sent);
    }

    public List<Response> responses() {
        return responses;
    }

    public String error() {
        return error;
    }

    @Override
    public void describe(Map<String, Object> fields, List<String> lines) {
        fields.put("responses", describe(responses));
        if (error != null) {
            fields.put("http_error", error);
        }
    }

    /** The responses as the JSON result lists them. */
    static List<Map<String, Object>> describe(List<Response> responses) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Response r : responses) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", r.url().toString());
            m.put("method", r.method());
            m.put("status", r.status());
            m.put("reason", r.reason());
            m.put("bytes", r.bodyBytes());
            m.put("sha256", r.sha256());
            m.put("content_type", r.header("Content-Type"));
            m.put("framing", r.framing().jsonName());
            m.put("ttfb_ms", Durations.msValue(r.firstByteAt() - r.sentAt()));
            list.add(m);
        }
        return list;
    }
}
