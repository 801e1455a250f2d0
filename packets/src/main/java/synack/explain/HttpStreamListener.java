package synack.explain;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import synack.event.Durations;
import synack.event.Event;
import synack.event.EventSink;
import synack.exchange.http.BodyFraming;

/**
 * HTTP/1.1 told from a captured connection's two ordered byte streams (RFC 9112): A's requests
 * and B's responses, each message with its parts, responses matched to requests in order
 * (keep-alive and pipelining: the n-th response answers the n-th request), each exchange
 * numbered and timed from the bytes' capture times. Bodies are counted, never kept.
 */
public final class HttpStreamListener implements StreamListener {
    /** Requests waiting for their response beyond this are not read (a pipeline this deep is an attack or a bug). */
    static final int MAX_OUTSTANDING = 256;
    /** A waiting request keeps this much of its target (its note has it whole): 256 of them stay small. */
    static final int KEPT_TARGET = 1024;

    /** Why the connection does not go on after a response (RFC 9112 §9.3), as data. */
    public enum Closing {
        /** The response said Connection: close. */
        RESPONSE_CONNECTION_CLOSE,
        /** The request said Connection: close. */
        REQUEST_CONNECTION_CLOSE,
        /** An HTTP/1.0 response without Connection: keep-alive. */
        HTTP10;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One request and what answered it, as far as the capture shows. */
    private static final class Exchange {
        final int number;
        String method; // null: the request is not in the capture
        String target;
        boolean closeAsked;
        long requestMicros = -1;
        long requestBodyBytes;
        long firstByteMicros = -1;

        Exchange(int number) {
            this.number = number;
        }

        String what() {
            return method == null ? "a request not in the capture" : method + " " + target;
        }
    }

    private final int stream;
    private final EventSink sink;
    private final Consumer<HttpExchangeSummary> summaries;
    private final java.util.function.Supplier<StreamListener> tunnels;
    private StreamListener tunnel; // what reads the bytes after a 101 or a CONNECT's 2xx
    private final HttpMessageReader requests = new HttpMessageReader(true, new Requests());
    private final HttpMessageReader responses = new HttpMessageReader(false, new Responses());
    /** Requests read (their head at least) whose response is not whole yet, oldest first. */
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private Exchange requestInHand;
    private int count;
    private long lastFrameA;
    private long lastFrameB;
    private boolean finished;

    /**
     * @param stream    the connection's number (tshark's tcp.stream), in every note
     * @param summaries each exchange once it is over (answered, cut, or never answered)
     */
    public HttpStreamListener(int stream, EventSink sink, Consumer<HttpExchangeSummary> summaries) {
        this(stream, sink, summaries, null);
    }

    /**
     * @param tunnels makes the listener for what follows a switch of protocol (a CONNECT tunnel's TLS,
     *                a WebSocket): null, those bytes are only counted
     */
    public HttpStreamListener(int stream, EventSink sink, Consumer<HttpExchangeSummary> summaries,
                              java.util.function.Supplier<StreamListener> tunnels) {
        this.stream = stream;
        this.sink = sink;
        this.summaries = summaries;
        this.tunnels = tunnels;
    }

    private HttpMessageReader reader(Side side) {
        return side == Side.A ? requests : responses;
    }

    /** The tunnel's listener once the protocol switched on this side (null: none, or not switched). */
    private StreamListener tunnel(Side side) {
        if (!reader(side).switched() || tunnels == null) {
            return null;
        }
        if (tunnel == null) {
            tunnel = tunnels.get();
        }
        return tunnel;
    }

    @Override
    public void bytes(Side from, long timeMicros, long frameNumber, byte[] data, int offset, int length) {
        int used;
        if (from == Side.A) {
            lastFrameA = frameNumber;
            used = requests.feed(data, offset, length, timeMicros, frameNumber);
        } else {
            lastFrameB = frameNumber;
            used = responses.feed(data, offset, length, timeMicros, frameNumber);
        }
        StreamListener t = used < length ? tunnel(from) : null;
        if (t != null) {
            t.bytes(from, timeMicros, frameNumber, data, offset + used, length - used);
        }
    }

    @Override
    public void gap(Side from, long timeMicros, long missing) {
        StreamListener t = tunnel(from);
        if (t != null) {
            t.gap(from, timeMicros, missing);
        } else if (from == Side.A) {
            requests.gap(missing, timeMicros, lastFrameA);
        } else {
            responses.gap(missing, timeMicros, lastFrameB);
        }
    }

    @Override
    public void end(Side from, long timeMicros, boolean reset) {
        StreamListener t = tunnel(from);
        if (t == null) {
            t = tunnel; // a tunnel the other side began hears this side's end too, so that it lets go of what it holds
        }
        if (t != null) {
            t.end(from, timeMicros, reset);
        }
        (from == Side.A ? requests : responses).end(reset, timeMicros, from == Side.A ? lastFrameA : lastFrameB);
        if (reset) {
            // a RST ends the connection both ways: what the other side had in hand is cut too
            (from == Side.A ? responses : requests).end(true, timeMicros, from == Side.A ? lastFrameB : lastFrameA);
        }
        if (from == Side.B || reset) {
            unanswered(HttpProblem.UNANSWERED, timeMicros);
        }
    }

    @Override
    public void captureEnded(long timeMicros) {
        if (tunnel != null) {
            tunnel.captureEnded(timeMicros);
        }
        requests.captureEnded(timeMicros, lastFrameA);
        responses.captureEnded(timeMicros, lastFrameB);
        unanswered(HttpProblem.NO_ANSWER_IN_CAPTURE, timeMicros);
    }

    /** The server will send no more: every request still waiting is told, once. */
    private void unanswered(HttpProblem why, long timeMicros) {
        if (finished) {
            return;
        }
        finished = true;
        boolean lost = responses.problem() != null && responses.problem() != HttpProblem.CUT_BY_FIN
                && responses.problem() != HttpProblem.CUT_BY_RESET;
        for (Exchange ex : waiting) {
            Map<String, Object> f = fields(ex.number, lastFrameB);
            f.put("problem", (lost ? HttpProblem.RESPONSE_NOT_READ : why).jsonName());
            f.put("request", requestJson(ex));
            note(Event.Note.Kind.WARNING, timeMicros, "HTTP request " + ex.number + " (" + ex.what() + ") "
                    + (lost ? "has no response that could be read (B's stream was not read further, above)"
                            : why == HttpProblem.UNANSWERED ? "was never answered: the server closed first" : "has no answer in the capture"), f);
            summaries.accept(new HttpExchangeSummary(stream, ex.number, ex.method, ex.target, -1, ex.requestMicros, ex.firstByteMicros,
                    -1, ex.requestBodyBytes, 0, false));
        }
        waiting.clear();
    }

    // ---------------------------------------------------------------- A's requests

    private final class Requests implements HttpMessageReader.Handler {
        @Override
        public void started(long timeMicros, long frame) {
        }

        @Override
        public HttpMessageReader.Body headRead(HttpHead head, long timeMicros, long frame) {
            if (waiting.size() >= MAX_OUTSTANDING) {
                requests.stop(HttpProblem.TOO_MANY_PIPELINED, timeMicros, frame, true);
                return HttpMessageReader.Body.NONE;
            }
            Exchange ex = new Exchange(++count);
            ex.method = head.method();
            ex.target = kept(head.target());
            ex.closeAsked = !head.persistent();
            ex.requestMicros = requests.startMicros();
            waiting.add(ex);
            requestInHand = ex;
            // RFC 9112 §6.3: a request's body is chunked, or Content-Length long, or absent
            if (!head.transferCodings().isEmpty()) {
                if (!head.chunked()) {
                    requests.stop(HttpProblem.BAD_TRANSFER_ENCODING, timeMicros, frame, true);
                }
                return HttpMessageReader.Body.CHUNKED;
            }
            long length = head.contentLength();
            if (length == HttpHead.BAD_LENGTH) {
                requests.stop(HttpProblem.BAD_CONTENT_LENGTH, timeMicros, frame, true);
                return HttpMessageReader.Body.NONE;
            }
            // no Content-Length: no body (a GET's usual case); Content-Length: 0 is an empty one
            return length == HttpHead.NO_LENGTH ? HttpMessageReader.Body.NONE : HttpMessageReader.Body.length(length);
        }

        @Override
        public void messageRead(HttpHead head, long timeMicros, long frame) {
            Exchange ex = requestInHand;
            requestInHand = null;
            ex.requestBodyBytes = requests.bodyBytes();
            BodyFraming framing = requests.framing();
            Map<String, Object> f = fields(ex.number, frame);
            f.put("side", Side.A.name());
            f.put("request", head.fieldsJson());
            f.put("framing", framing.jsonName());
            f.put("head_bytes", requests.headBytes());
            f.put("body_bytes", requests.bodyBytes());
            if (framing == BodyFraming.CHUNKED) {
                f.put("chunks", requests.chunks());
            }
            f.put("persistent", head.persistent());
            long missing = requests.missingBytes();
            if (missing > 0) {
                f.put("missing_bytes", missing);
            }
            StringBuilder sb = new StringBuilder("HTTP request " + ex.number + " (A→B), head " + requests.headBytes() + " bytes, body "
                    + requests.bodyBytes() + (requests.bodyBytes() == 1 ? " byte:" : " bytes:"));
            sb.append("\n  request line   ").append(head.startLine()).append("   (method, target, version)");
            headers(sb, head);
            sb.append("\n  body           ").append(switch (framing) {
                case NONE -> "none (no Content-Length, no Transfer-Encoding: the request has no body, RFC 9112 §6.3)";
                case LENGTH -> requests.bodyBytes() + " bytes, as Content-Length says (the message's third part)";
                case CHUNKED -> requests.bodyBytes() + " bytes in " + chunks(requests.chunks())
                        + ", the chunked transfer coding (the message's third part)";
                case UNTIL_CLOSE -> "until the close";
            });
            if (missing > 0) {
                sb.append("; ").append(missing).append(" bytes of it are not in the capture: the body is incomplete here");
            }
            if (ex.closeAsked) {
                sb.append("\n  connection     ").append(head.hasToken("Connection", "close") ? "Connection: close: the client asks the"
                        + " server to close after its response" : "HTTP/1.0 without keep-alive: the connection ends after the response");
            }
            note(missing > 0 ? Event.Note.Kind.WARNING : Event.Note.Kind.INFO, timeMicros, sb.toString(), f);
        }

        @Override
        public void stopped(HttpProblem problem, HttpHead head, long timeMicros, long frame) {
            if (requestInHand == null && head != null && problem != HttpProblem.TOO_MANY_PIPELINED) {
                // its head was cut, but its request line was read: the server may still answer it
                Exchange ex = new Exchange(++count);
                ex.method = head.method();
                ex.target = kept(head.target());
                ex.requestMicros = requests.startMicros();
                waiting.add(ex);
                requestInHand = ex;
            }
            Map<String, Object> f = fields(requestInHand == null ? 0 : requestInHand.number, frame);
            f.put("side", Side.A.name());
            f.put("problem", problem.jsonName());
            if (requestInHand != null) {
                requestInHand.requestBodyBytes = requests.bodyBytes();
                f.put("request", head == null ? null : head.fieldsJson());
            }
            note(Event.Note.Kind.WARNING, timeMicros, "HTTP: A's requests are not read from here on: " + words(problem)
                    + (requestInHand == null ? "" : " (request " + requestInHand.number + ", " + requestInHand.what() + ")"), f);
            requestInHand = null;
        }
    }

    // ---------------------------------------------------------------- B's responses

    private final class Responses implements HttpMessageReader.Handler {
        @Override
        public void started(long timeMicros, long frame) {
            Exchange ex = waiting.peekFirst();
            if (ex == null) {
                ex = new Exchange(++count);
                waiting.addFirst(ex);
                Map<String, Object> f = fields(ex.number, frame);
                f.put("side", Side.B.name());
                f.put("problem", HttpProblem.RESPONSE_WITHOUT_REQUEST.jsonName());
                note(Event.Note.Kind.WARNING, timeMicros, "HTTP: a response from B with no request before it in the capture"
                        + " (numbered " + ex.number + "; its request was not captured)", f);
            }
            if (ex.firstByteMicros < 0) {
                ex.firstByteMicros = timeMicros;
            }
        }

        @Override
        public HttpMessageReader.Body headRead(HttpHead head, long timeMicros, long frame) {
            Exchange ex = waiting.peekFirst();
            int status = head.status();
            // RFC 9112 §6.3, in its order
            if (status == 101 || ("CONNECT".equals(ex.method) && status >= 200 && status < 300)) {
                return HttpMessageReader.Body.SWITCHED;
            }
            if ((status >= 100 && status < 200) || "HEAD".equals(ex.method) || status == 204 || status == 304) {
                return HttpMessageReader.Body.NONE;
            }
            if (!head.transferCodings().isEmpty()) {
                return head.chunked() ? HttpMessageReader.Body.CHUNKED : HttpMessageReader.Body.UNTIL_CLOSE;
            }
            long length = head.contentLength();
            if (length == HttpHead.BAD_LENGTH) {
                responses.stop(HttpProblem.BAD_CONTENT_LENGTH, timeMicros, frame, true);
                return HttpMessageReader.Body.NONE;
            }
            return length == HttpHead.NO_LENGTH ? HttpMessageReader.Body.UNTIL_CLOSE : HttpMessageReader.Body.length(length);
        }

        @Override
        public void messageRead(HttpHead head, long timeMicros, long frame) {
            Exchange ex = waiting.peekFirst();
            int status = head.status();
            boolean switched = status == 101 || ("CONNECT".equals(ex.method) && status >= 200 && status < 300);
            if (status >= 100 && status < 200 && !switched) {
                interim(ex, head, timeMicros, frame);
                return;
            }
            waiting.pollFirst();
            response(ex, head, timeMicros, frame, switched);
            if (switched) {
                requests.switchProtocols(); // both sides now speak another protocol
            }
        }

        @Override
        public void stopped(HttpProblem problem, HttpHead head, long timeMicros, long frame) {
            Map<String, Object> f = fields(0, frame);
            f.put("side", Side.B.name());
            f.put("problem", problem.jsonName());
            String about = "";
            Exchange ex = waiting.peekFirst();
            if (ex != null && ex.firstByteMicros >= 0) {
                // the response in hand is cut where the side stopped
                waiting.pollFirst();
                f.put("exchange", ex.number);
                f.put("request", requestJson(ex));
                f.put("status", head == null ? null : head.status());
                f.put("body_bytes", responses.bodyBytes());
                about = " (the response to request " + ex.number + ", " + ex.what() + ", is cut: "
                        + (head == null ? "its head is not whole" : head.status() + " " + head.reason() + ", "
                                + (responses.headCut() ? "its head not whole" : responses.bodyBytes() + " body bytes read")) + ")";
                summaries.accept(new HttpExchangeSummary(stream, ex.number, ex.method, ex.target, head == null ? -1 : head.status(),
                        ex.requestMicros, ex.firstByteMicros, -1, ex.requestBodyBytes, responses.bodyBytes(), false));
            }
            note(Event.Note.Kind.WARNING, timeMicros, "HTTP: B's responses are not read from here on: " + words(problem) + about, f);
        }
    }

    private void interim(Exchange ex, HttpHead head, long timeMicros, long frame) {
        Map<String, Object> f = fields(ex.number, frame);
        f.put("side", Side.B.name());
        f.put("interim", true);
        f.put("status", head.status());
        f.put("response", head.fieldsJson());
        note(Event.Note.Kind.INFO, timeMicros, "HTTP interim response " + head.status() + " " + head.reason() + " to request " + ex.number
                + " (" + ex.what() + "): the final response follows (RFC 9110 §15.2)", f);
    }

    private void response(Exchange ex, HttpHead head, long timeMicros, long frame, boolean switched) {
        BodyFraming framing = responses.framing();
        long body = responses.bodyBytes();
        long missing = responses.missingBytes();
        boolean cut = responses.cutByReset();
        boolean complete = missing == 0 && !cut;
        Closing closing = head.hasToken("Connection", "close") ? Closing.RESPONSE_CONNECTION_CLOSE
                : ex.closeAsked ? Closing.REQUEST_CONNECTION_CLOSE : head.http10() && !head.persistent() ? Closing.HTTP10 : null;
        String encoding = head.field("Content-Encoding");
        Map<String, Object> f = fields(ex.number, frame);
        f.put("side", Side.B.name());
        f.put("request", requestJson(ex));
        f.put("status", head.status());
        f.put("response", head.fieldsJson());
        f.put("framing", framing.jsonName());
        f.put("head_bytes", responses.headBytes());
        f.put("body_bytes", body);
        if (framing == BodyFraming.CHUNKED) {
            f.put("chunks", responses.chunks());
        }
        f.put("content_type", head.field("Content-Type"));
        f.put("content_encoding", encoding);
        f.put("persistent", closing == null && !switched);
        f.put("closing", closing == null ? null : closing.jsonName());
        f.put("complete", complete);
        if (missing > 0) {
            f.put("missing_bytes", missing);
        }
        if (ex.requestMicros >= 0) {
            f.put("ttfb_ms", Durations.msValue(ex.firstByteMicros - ex.requestMicros));
            f.put("total_ms", Durations.msValue(timeMicros - ex.requestMicros));
        }
        if (switched) {
            f.put("switched", head.status() == 101 ? String.valueOf(head.field("Upgrade")) : "connect_tunnel");
        }
        StringBuilder sb = new StringBuilder("HTTP response " + ex.number + " (B→A, to " + ex.what() + "), head " + responses.headBytes()
                + " bytes, body " + body + (body == 1 ? " byte:" : " bytes:"));
        sb.append("\n  status line    ").append(head.startLine()).append("   (version, status code, reason)");
        headers(sb, head);
        sb.append("\n  body           ").append(switch (framing) {
            case NONE -> switched ? "none: what follows is no longer HTTP" : "HEAD".equals(ex.method)
                    ? "none: the response to a HEAD carries no body (RFC 9110 §9.3.2), whatever Content-Length says"
                    : "none (status " + head.status() + " has no body, RFC 9112 §6.3)";
            case LENGTH -> body + " bytes, as Content-Length says";
            case CHUNKED -> body + " bytes in " + chunks(responses.chunks()) + " (chunked transfer coding, each led by its size"
                    + " in hex, until a chunk of size 0)";
            case UNTIL_CLOSE -> body + " bytes: no length given, the body ends when the server closes"
                    + (cut ? " — and it ended with a RST, so it may be cut short" : "");
        });
        if (encoding != null) {
            sb.append("; Content-Encoding ").append(encoding).append(": the bytes counted are encoded (not decoded here)");
        }
        if (missing > 0) {
            sb.append("; ").append(missing).append(" bytes of it are not in the capture: the body is incomplete here");
        }
        if (ex.requestMicros >= 0) {
            sb.append("\n  timing         first byte ").append(Durations.ms(ex.firstByteMicros - ex.requestMicros))
                    .append(" after the request's (time to first byte), last byte ").append(Durations.ms(timeMicros - ex.requestMicros))
                    .append(" after it");
        }
        sb.append("\n  connection     ").append(switched ? (head.status() == 101 ? "switched to " + head.field("Upgrade")
                        + " (101): the rest of the connection is not HTTP" : "a CONNECT tunnel: the rest of the connection is"
                        + " the tunnel's bytes")
                        + (tunnels == null ? ", not decoded" : ", told as its first bytes show")
                : closing == null ? "persistent: it stays open for the next request (HTTP/1.1 keep-alive)"
                : switch (closing) {
                    case RESPONSE_CONNECTION_CLOSE -> "not persistent: the server said Connection: close";
                    case REQUEST_CONNECTION_CLOSE -> "not persistent: the client asked for Connection: close";
                    case HTTP10 -> "not persistent: HTTP/1.0 without keep-alive";
                });
        note(complete ? Event.Note.Kind.INFO : Event.Note.Kind.WARNING, timeMicros, sb.toString(), f);
        summaries.accept(new HttpExchangeSummary(stream, ex.number, ex.method, ex.target, head.status(), ex.requestMicros,
                ex.firstByteMicros, timeMicros, ex.requestBodyBytes, body, complete));
    }

    // ---------------------------------------------------------------- words and fields

    /** "3 chunks": the data chunks, without the last (empty) one that ends the body. */
    private static String chunks(int all) {
        int data = Math.max(0, all - 1);
        return data + (data == 1 ? " chunk" : " chunks");
    }

    private static String kept(String target) {
        return target.length() <= KEPT_TARGET ? target : target.substring(0, KEPT_TARGET) + "…";
    }

    private static void headers(StringBuilder sb, HttpHead head) {
        for (HttpHead.Field h : head.fields()) {
            sb.append("\n  header         ").append(h.name()).append(": ").append(h.value());
        }
        sb.append("\n  blank line     (CRLF: the headers end here)");
    }

    private static Map<String, Object> requestJson(Exchange ex) {
        if (ex.method == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", ex.method);
        m.put("target", ex.target);
        return m;
    }

    private static String words(HttpProblem p) {
        return switch (p) {
            case HEAD_TOO_LARGE -> "a head longer than 64 KiB without its blank line";
            case BAD_START_LINE -> "not an HTTP/1.x start line";
            case BAD_FIELD -> "a header line that is not 'name: value'";
            case BAD_CONTENT_LENGTH -> "a Content-Length that is no length, or several that disagree (RFC 9112 §6.3)";
            case BAD_TRANSFER_ENCODING -> "a request's Transfer-Encoding without chunked last: its length cannot be known (RFC 9112 §6.3)";
            case BAD_CHUNK -> "a malformed chunk (its size line, or no CRLF after its data)";
            case GAP_IN_FRAMING -> "bytes missing from the capture where a head or a chunk size was: the stream cannot be resynchronised";
            case CUT_BY_FIN -> "the sender closed (FIN) in the middle of a message";
            case CUT_BY_RESET -> "the connection was reset in the middle of a message";
            case CAPTURE_ENDED -> "the capture ended in the middle of a message";
            case RESPONSE_WITHOUT_REQUEST -> "a response with no request";
            case UNANSWERED -> "a request never answered";
            case NO_ANSWER_IN_CAPTURE -> "a request with no answer in the capture";
            case RESPONSE_NOT_READ -> "a response that could not be read";
            case TOO_MANY_PIPELINED -> "more than " + MAX_OUTSTANDING + " requests waiting for their responses";
        };
    }

    /** The fields every note of this layer carries; {@code exchange} 0: none in particular. */
    private Map<String, Object> fields(int exchange, long frame) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", "http");
        f.put("stream", stream);
        if (exchange > 0) {
            f.put("exchange", exchange);
        }
        if (frame > 0) { // 0: no frame of its own (told at a close, or at the capture's end)
            f.put("frame", frame);
        }
        return f;
    }

    private void note(Event.Note.Kind kind, long timeMicros, String text, Map<String, Object> fields) {
        sink.accept(new Event.Note(timeMicros, kind, text, fields));
    }
}
