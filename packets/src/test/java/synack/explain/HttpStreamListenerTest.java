package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.explain.ApplicationListenersTest.Streams;

class HttpStreamListenerTest {
    private final List<Event> events = new ArrayList<>();
    private final List<HttpExchangeSummary> exchanges = new ArrayList<>();
    private final HttpStreamListener http = new HttpStreamListener(5, events::add, exchanges::add);

    private List<Map<String, Object>> responses() {
        return Streams.with(events, "response", null).stream().filter(f -> !f.containsKey("interim")).toList();
    }

    private List<Map<String, Object>> requests() {
        return Streams.with(events, "side", "A").stream().filter(f -> f.containsKey("request") && f.containsKey("framing")).toList();
    }

    private List<Map<String, Object>> problems(HttpProblem p) {
        return Streams.with(events, "problem", p.jsonName());
    }

    @Test
    void curlAndNginxKeepAliveTwoExchangesNumberedAndMatchedInOrder() {
        List<Streams.Run> runs = Streams.load("http-keepalive.stream");
        Streams.replay(runs, http);
        List<Map<String, Object>> rs = responses();
        assertEquals(2, rs.size());
        assertEquals(List.of(1, 2), rs.stream().map(f -> f.get("exchange")).toList());
        assertEquals(List.of(200, 404), rs.stream().map(f -> f.get("status")).toList());
        assertEquals(Map.of("method", "GET", "target", "/missing"), rs.get(1).get("request"));
        // the body is what Content-Length said, read from the response's own head
        for (Map<String, Object> r : rs) {
            String length = header(r, "Content-Length");
            assertEquals(Long.parseLong(length), r.get("body_bytes"));
            assertEquals("length", r.get("framing"));
            assertEquals(true, r.get("persistent"));
            assertEquals(true, r.get("complete"));
            assertEquals(5, r.get("stream"));
        }
        assertEquals(2L, rs.get(0).get("frame"), "the frame that completed the first response");
        assertEquals(4L, rs.get(1).get("frame"));
        assertEquals(List.of("GET", "GET"), exchanges.stream().map(HttpExchangeSummary::method).toList());
        assertEquals(1000, exchanges.get(0).ttfbMicros(), "the response's first byte 1 ms after the request's");
        assertTrue(Streams.kind(events, Event.Note.Kind.WARNING).isEmpty());
    }

    @Test
    void theRequestHeadIsToldFieldByField() {
        Streams.replay(Streams.load("http-keepalive.stream"), http);
        Map<String, Object> first = requests().get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) first.get("request");
        assertEquals("GET", request.get("method"));
        assertEquals("/a.txt", request.get("target"));
        assertEquals("HTTP/1.1", request.get("version"));
        assertTrue(((List<?>) request.get("headers")).contains(List.of("User-Agent", "curl/7.88.1")));
        assertEquals("none", first.get("framing"));
        assertEquals("http", first.get("layer"));
    }

    @Test
    void aChunkedGzipResponseSplitAtEveryByteBoundaryReadsTheSame() {
        List<Streams.Run> runs = Streams.load("http-gzip.stream");
        byte[] request = Streams.side(runs, Side.A);
        byte[] response = Streams.side(runs, Side.B);
        Map<String, Object> whole = readSplit(request, response, response.length);
        assertEquals("chunked", whole.get("framing"));
        assertEquals("gzip", whole.get("content_encoding"));
        assertEquals(chunkData(response), whole.get("body_bytes"), "the chunk data alone, not the size lines");
        for (int split = 1; split < response.length; split++) {
            Map<String, Object> r = readSplit(request, response, split);
            assertEquals(whole.get("body_bytes"), r.get("body_bytes"), "split at " + split);
            assertEquals(whole.get("chunks"), r.get("chunks"), "split at " + split);
            assertEquals(true, r.get("complete"), "split at " + split);
        }
    }

    @Test
    void aChunkedResponseByteByByte() {
        String body = "4\r\nWiki\r\n7;ext=1\r\npedia i\r\nB\r\nn \r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        byte[] b = Streams.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        for (int i = 0; i < b.length; i++) {
            http.bytes(Side.B, 10 + i, 10 + i, b, i, 1);
        }
        Map<String, Object> r = responses().get(0);
        assertEquals(4L + 7 + 11, r.get("body_bytes"));
        assertEquals(4, r.get("chunks"), "three chunks of data and the last, empty one");
        assertEquals(10L + b.length - 1, r.get("frame"));
    }

    /** The one response read when B's bytes come in two pieces cut at {@code split}. */
    private static Map<String, Object> readSplit(byte[] request, byte[] response, int split) {
        List<Event> ev = new ArrayList<>();
        HttpStreamListener l = new HttpStreamListener(1, ev::add, s -> { });
        l.bytes(Side.A, 1, 1, request, 0, request.length);
        l.bytes(Side.B, 2, 2, response, 0, split);
        if (split < response.length) {
            l.bytes(Side.B, 3, 3, response, split, response.length - split);
        }
        List<Map<String, Object>> rs = Streams.with(ev, "response", null);
        assertEquals(1, rs.size(), "split at " + split);
        return rs.get(0);
    }

    /** The sizes the chunk lines announce, added up (an independent reading of the chunked body). */
    private static long chunkData(byte[] response) {
        String s = new String(response, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf("\r\n\r\n") + 4;
        long total = 0;
        while (true) {
            int eol = s.indexOf("\r\n", at);
            long size = Long.parseLong(s.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return total;
            }
            total += size;
            at = eol + 2 + (int) size + 2;
        }
    }

    @Test
    void aHeadResponseHasNoBodyWhateverContentLengthSays() {
        Streams.replay(Streams.load("http-head.stream"), http);
        Map<String, Object> r = responses().get(0);
        assertTrue(Long.parseLong(header(r, "Content-Length")) > 0);
        assertEquals(0L, r.get("body_bytes"));
        assertEquals("none", r.get("framing"));
        assertEquals(true, r.get("complete"));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWithHeadAnd204And304WithoutBodies() {
        Streams.send(http, Side.A, 100, 1, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "DELETE /3 HTTP/1.1\r\nHost: x\r\n\r\nGET /4 HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v1\"\r\n\r\n");
        Streams.send(http, Side.B, 300, 2, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
        http.end(Side.B, 400, false);
        List<Map<String, Object>> rs = responses();
        assertEquals(List.of(1, 2, 3, 4), rs.stream().map(f -> f.get("exchange")).toList());
        assertEquals(List.of("/1", "/2", "/3", "/4"), rs.stream().map(f -> ((Map<?, ?>) f.get("request")).get("target")).toList());
        assertEquals(List.of(5L, 0L, 0L, 0L), rs.stream().map(f -> f.get("body_bytes")).toList());
        assertEquals(List.of(200, 200, 204, 304), exchanges.stream().map(HttpExchangeSummary::status).toList());
        assertTrue(exchanges.stream().allMatch(HttpExchangeSummary::complete));
        assertTrue(problems(HttpProblem.UNANSWERED).isEmpty());
        assertEquals(200, exchanges.get(3).ttfbMicros(), "pipelined: each request's time runs from when it went");
    }

    @Test
    void aCloseDelimitedHttp10ResponseEndsWithTheServersFin() {
        Streams.send(http, Side.A, 1, 1, "GET /old HTTP/1.0\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome ");
        Streams.send(http, Side.B, 3, 3, "text until the close");
        assertTrue(responses().isEmpty(), "not over before the FIN");
        http.end(Side.B, 4, false);
        Map<String, Object> r = responses().get(0);
        assertEquals("until_close", r.get("framing"));
        assertEquals(25L, r.get("body_bytes"));
        assertEquals(true, r.get("complete"));
        assertEquals(false, r.get("persistent"));
        assertEquals(HttpStreamListener.Closing.REQUEST_CONNECTION_CLOSE.jsonName(), r.get("closing"),
                "an HTTP/1.0 request without keep-alive asked for the close");
    }

    @Test
    void anHttp10ResponseWithoutKeepAliveEndsTheConnection() {
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        Map<String, Object> r = responses().get(0);
        assertEquals(false, r.get("persistent"));
        assertEquals(HttpStreamListener.Closing.HTTP10.jsonName(), r.get("closing"));
        assertEquals(true, r.get("complete"), "Content-Length ends the body, not the close");
    }

    @Test
    void missingBytesInARequestHeadStopTheRequestsButItsResponseIsStillRead() {
        Streams.send(http, Side.A, 1, 1, "GET /first HTTP/1.1\r\nHo");
        http.gap(Side.A, 2, 30);
        Streams.send(http, Side.A, 3, 3, "GET /second HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 4, 4, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals(1, problems(HttpProblem.GAP_IN_FRAMING).size());
        assertEquals("A", problems(HttpProblem.GAP_IN_FRAMING).get(0).get("side"));
        assertEquals(1, responses().size());
        assertEquals(Map.of("method", "GET", "target", "/first"), responses().get(0).get("request"),
                "the request line was read before the gap: the response answers it");
    }

    @Test
    void aCloseDelimitedBodyEndedByARstMayBeCut() {
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial");
        http.end(Side.B, 3, true);
        Map<String, Object> r = responses().get(0);
        assertEquals(false, r.get("complete"));
        assertEquals(HttpStreamListener.Closing.RESPONSE_CONNECTION_CLOSE.jsonName(), r.get("closing"));
        assertFalse(exchanges.get(0).complete());
        assertEquals(Event.Note.Kind.WARNING, noteWith("response").kind());
    }

    @Test
    void missingBytesInsideABodyAreCountedAndTheNextExchangeIsStillRead() {
        Streams.send(http, Side.A, 1, 1, "GET /big HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(300));
        http.gap(Side.B, 3, 400);
        Streams.send(http, Side.B, 4, 4, "y".repeat(300) + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        List<Map<String, Object>> rs = responses();
        assertEquals(2, rs.size());
        assertEquals(400L, rs.get(0).get("missing_bytes"));
        assertEquals(600L, rs.get(0).get("body_bytes"));
        assertEquals(false, rs.get(0).get("complete"));
        assertEquals(true, rs.get(1).get("complete"));
        assertEquals(List.of(false, true), exchanges.stream().map(HttpExchangeSummary::complete).toList());
    }

    @Test
    void missingBytesInAHeadStopThatSideAndSaySo() {
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Le");
        http.gap(Side.B, 3, 50);
        Streams.send(http, Side.B, 4, 4, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        http.end(Side.B, 5, false);
        assertTrue(responses().isEmpty(), "nothing after the gap is read as a response");
        assertEquals(1, problems(HttpProblem.GAP_IN_FRAMING).size());
        assertEquals(Side.B.name(), problems(HttpProblem.GAP_IN_FRAMING).get(0).get("side"));
        assertEquals(1, exchanges.size());
        assertEquals(200, exchanges.get(0).status(), "its status line was read before the gap");
        assertEquals(-1, exchanges.get(0).lastByteMicros());
        assertFalse(exchanges.get(0).complete());
    }

    @Test
    void aGapAcrossTheEndOfABodyLosesTheNextHead() {
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        http.gap(Side.B, 3, 40);
        http.end(Side.B, 4, false);
        Map<String, Object> first = responses().get(0);
        assertEquals(7L, first.get("missing_bytes"));
        assertEquals(1, problems(HttpProblem.GAP_IN_FRAMING).size());
        assertEquals(1, problems(HttpProblem.RESPONSE_NOT_READ).size(), "the second request's response was in the gap");
    }

    @Test
    void aHeadOver64KibIsRefusedAndTheSideStops() {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\n");
        while (sb.length() <= HttpMessageReader.MAX_HEAD_BYTES) {
            sb.append("X-Padding: ").append("p".repeat(1000)).append("\r\n");
        }
        sb.append("\r\n");
        Streams.send(http, Side.A, 1, 1, sb.toString());
        Streams.send(http, Side.A, 2, 2, "GET /after HTTP/1.1\r\n\r\n");
        List<Map<String, Object>> p = problems(HttpProblem.HEAD_TOO_LARGE);
        assertEquals(1, p.size());
        assertEquals("A", p.get(0).get("side"));
        assertTrue(requests().isEmpty());
    }

    @Test
    void aResponseCutByTheServersFinIsToldCut() {
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "z".repeat(40));
        http.end(Side.B, 3, false);
        List<Map<String, Object>> cut = problems(HttpProblem.CUT_BY_FIN);
        assertEquals(1, cut.size());
        assertEquals(200, cut.get(0).get("status"));
        assertEquals(40L, cut.get(0).get("body_bytes"));
        assertEquals(1, exchanges.size());
        assertEquals(200, exchanges.get(0).status());
        assertEquals(40, exchanges.get(0).responseBodyBytes());
        assertFalse(exchanges.get(0).complete());
    }

    @Test
    void requestBodiesByContentLengthAndChunked() {
        Streams.send(http, Side.A, 1, 1, "POST /form HTTP/1.1\r\nContent-Length: 11\r\n\r\nname=synack"
                + "PUT /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        List<Map<String, Object>> rq = requests();
        assertEquals(List.of("length", "chunked"), rq.stream().map(f -> f.get("framing")).toList());
        assertEquals(List.of(11L, 5L), rq.stream().map(f -> f.get("body_bytes")).toList());
        assertEquals(List.of(11L, 5L), exchanges.stream().map(HttpExchangeSummary::requestBodyBytes).toList());
    }

    @Test
    void contentLengthZeroIsAnEmptyBodyAndAnEmptyContentLengthIsNoLength() {
        Streams.send(http, Side.A, 1, 1, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        // the second response's Content-Length is empty: no length (RFC 9110 §8.6), so the body runs to the close
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nrest");
        List<Map<String, Object>> rs = responses();
        assertEquals("length", rs.get(0).get("framing"), rs.toString());
        assertEquals(0L, ((Number) rs.get(0).get("body_bytes")).longValue(), rs.toString());
    }

    @Test
    void anInterimContinueIsToldAndTheFinalResponseAnswersTheSameRequest() {
        Streams.send(http, Side.A, 1, 1, "POST /big HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 100 Continue\r\n\r\n");
        Streams.send(http, Side.A, 3, 3, "data");
        Streams.send(http, Side.B, 4, 4, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        List<Map<String, Object>> interim = Streams.with(events, "interim", true);
        assertEquals(1, interim.size());
        assertEquals(100, interim.get(0).get("status"));
        assertEquals(1, responses().size());
        assertEquals(1, responses().get(0).get("exchange"));
        assertEquals(1, exchanges.size());
        assertEquals(1, exchanges.get(0).ttfbMicros(), "the first byte of the interim response is the first byte");
    }

    @Test
    void unansweredRequestsAreToldWhenTheServerClosesOrTheCaptureEnds() {
        Streams.send(http, Side.A, 1, 1, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        http.end(Side.B, 3, false);
        http.captureEnded(4);
        assertEquals(1, problems(HttpProblem.UNANSWERED).size());
        assertEquals(2, problems(HttpProblem.UNANSWERED).get(0).get("exchange"));
        assertTrue(problems(HttpProblem.NO_ANSWER_IN_CAPTURE).isEmpty(), "told once");
        assertEquals(List.of(200, -1), exchanges.stream().map(HttpExchangeSummary::status).toList());
    }

    @Test
    void aCaptureEndingMidResponseSaysSo() {
        Streams.send(http, Side.A, 1, 1, "GET /a HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
        http.captureEnded(3);
        assertEquals(1, problems(HttpProblem.CAPTURE_ENDED).size());
        assertFalse(exchanges.get(0).complete());
    }

    @Test
    void aResponseWithoutARequestInTheCaptureIsNumberedAndSaid() {
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(1, problems(HttpProblem.RESPONSE_WITHOUT_REQUEST).size());
        assertEquals(1, responses().size());
        assertNull(responses().get(0).get("request"));
        assertNull(exchanges.get(0).method());
    }

    @Test
    void malformedMessagesStopTheirSideWithoutACrash() {
        Streams.send(http, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTXP/1.1 200 OK\r\n\r\n");
        assertEquals(1, problems(HttpProblem.BAD_START_LINE).size());
        HttpStreamListener other = new HttpStreamListener(1, events::add, exchanges::add);
        Streams.send(other, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\n");
        Streams.send(other, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
        assertEquals(1, problems(HttpProblem.BAD_CONTENT_LENGTH).size());
        HttpStreamListener third = new HttpStreamListener(1, events::add, exchanges::add);
        Streams.send(third, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\n");
        Streams.send(third, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertEquals(1, problems(HttpProblem.BAD_CHUNK).size());
        HttpStreamListener fourth = new HttpStreamListener(1, events::add, exchanges::add);
        Streams.send(fourth, Side.A, 1, 1, "GET / HTTP/1.1\r\nno colon here\r\n\r\n");
        assertEquals(1, problems(HttpProblem.BAD_FIELD).size());
    }

    @Test
    void aSwitchToWebSocketLeavesTheRestUndecoded() {
        Streams.send(http, Side.A, 1, 1, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello");
        Streams.send(http, Side.A, 3, 3, "\u0081\u0085maskedbytes");
        http.end(Side.A, 4, false);
        http.end(Side.B, 5, false);
        assertEquals(1, responses().size());
        assertEquals("websocket", responses().get(0).get("switched"));
        assertTrue(Streams.kind(events, Event.Note.Kind.WARNING).isEmpty(), "the bytes after are not HTTP, and not an error");
    }

    @Test
    void aGigabyteBodyStreamsThroughCounted() {
        Streams.send(http, Side.A, 1, 1, "GET /huge HTTP/1.1\r\n\r\n");
        long size = 1L << 30;
        Streams.send(http, Side.B, 2, 2, "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
        byte[] chunk = new byte[64 * 1024];
        for (long sent = 0; sent < size; sent += chunk.length) {
            http.bytes(Side.B, 3, 3, chunk, 0, chunk.length);
        }
        assertEquals(size, responses().get(0).get("body_bytes"));
        assertEquals(size, exchanges.get(0).responseBodyBytes());
    }

    @Test
    void arbitraryBytesNeverCrashTheReader() {
        java.util.Random random = new java.util.Random(16);
        byte[] seed = Streams.side(Streams.load("http-keepalive.stream"), Side.B);
        for (int round = 0; round < 2000; round++) {
            HttpStreamListener l = new HttpStreamListener(1, e -> { }, s -> { });
            byte[] b = seed.clone();
            for (int k = 0; k < 1 + random.nextInt(8); k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            Streams.send(l, Side.A, 1, 1, "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
            int at = 0;
            while (at < b.length) {
                int n = Math.min(b.length - at, 1 + random.nextInt(300));
                if (random.nextInt(20) == 0) {
                    l.gap(Side.B, 2, 1 + random.nextInt(100));
                }
                l.bytes(Side.B, 2, 2, b, at, n);
                at += n;
            }
            l.end(Side.B, 3, random.nextBoolean());
            l.captureEnded(4);
        }
    }

    private Event.Note noteWith(String key) {
        return Streams.notes(events).stream().filter(n -> n.fields().containsKey(key)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static String header(Map<String, Object> response, String name) {
        Map<String, Object> head = (Map<String, Object>) response.get("response");
        for (List<String> h : (List<List<String>>) head.get("headers")) {
            if (h.get(0).equalsIgnoreCase(name)) {
                return h.get(1);
            }
        }
        return null;
    }
}
