package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.exchange.tcp.TcpConversation;
import synack.link.MemoryLink;
import synack.time.VirtualClock;
import synack.wire.Ip4;

/** HttpApp over one TcpConversation against a simulated web server: keep-alive, decoding as bytes arrive, a cut body. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpAppTest {
    static final String WWW = "198.18.2.2";

    /** A body sink that remembers when (virtual time) each write came. */
    static final class TimedSink extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Long> writeTimes = new ArrayList<>();
        VirtualClock clock;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writeTimes.add(clock.nowMicros());
            bytes.write(b, off, len);
        }
    }

    record Run(HttpApp app, Event.Result result, SimulatedNetwork net, TimedSink sink) {}

    static Run run(Function<String, SimulatedNetwork.Reply> handler, boolean compressed, String... targets) {
        SimulatedNetwork net = new SimulatedNetwork().server(WWW, 80, handler);
        List<HttpRequest> requests = new ArrayList<>();
        for (String t : targets) {
            requests.add(HttpRequest.get(HttpUrl.parse("http://" + WWW + t), false, compressed, true, List.of()));
        }
        VirtualClock clock = new VirtualClock(JourneyRun.T0);
        TimedSink sink = new TimedSink();
        sink.clock = clock;
        HttpApp app = new HttpApp(requests, compressed, sink);
        TcpConversation conv = new TcpConversation(new TcpConversation.Path(SimulatedNetwork.OUR_MAC, SimulatedNetwork.OUR_IP,
                SimulatedNetwork.ROUTER_MAC, Ip4.parse(WWW), false), JourneyRun.tcp(41_000, 80, 1460), app, "http-get", 1);
        MemoryLink[] wire = MemoryLink.pair(clock, 500);
        wire[1].respondWith(net::answer);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(conv, () -> clock.nowMicros() > JourneyRun.T0 + 600_000_000L);
        return new Run(app, (Event.Result) events.get(events.size() - 1), net, sink);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] b, boolean zlib) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlib))) {
            z.write(b);
        }
        return out.toByteArray();
    }

    /** Random bytes (hardly compressible: the encoded body spans many windows) with some text in it. */
    static byte[] body(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        byte[] text = "synack decodes as the bytes arrive\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, b, 0, text.length);
        return b;
    }

    static SimulatedNetwork.Reply encoded(String coding, byte[] encoded, boolean chunked) {
        if (!chunked) {
            return SimulatedNetwork.Reply.of("HTTP/1.1 200 OK\r\nContent-Encoding: " + coding + "\r\nContent-Length: " + encoded.length
                    + "\r\n\r\n", encoded, false);
        }
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length; i += 8192) {
            int n = Math.min(8192, encoded.length - i);
            c.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            c.write(encoded, i, n);
            c.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        c.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return SimulatedNetwork.Reply.of("HTTP/1.1 200 OK\r\nContent-Encoding: " + coding + "\r\nTransfer-Encoding: chunked\r\n\r\n",
                c.toByteArray(), false);
    }

    @Test
    void twoRequestsGoOneAfterTheOtherOnOneKeptAliveConnection() {
        Run r = run(h -> SimulatedNetwork.Reply.ok(h.startsWith("GET /a") ? "first\n" : "second\n", ""), false, "/a", "/b");
        assertEquals(Verdict.OK, r.result().verdict(), r.result().lines().toString());
        assertEquals(List.of(200, 200), r.app().responses().stream().map(HttpApp.Response::status).toList());
        assertEquals(List.of(6L, 7L), r.app().responses().stream().map(HttpApp.Response::bodyBytes).toList());
        assertEquals(1, r.net().server(WWW, 80).accepted.size(), "one connection");
        assertEquals(2, r.net().server(WWW, 80).accepted.get(0).requestsAnswered);
        assertEquals("first\nsecond\n", r.sink().bytes.toString(StandardCharsets.UTF_8));
        assertTrue(r.app().unanswered().isEmpty());
        assertTrue(r.app().satisfied());
        assertNull(r.app().error());
    }

    @Test
    void aRedirectIsARedirectResponseWithItsLocation() {
        Run r = run(h -> SimulatedNetwork.Reply.of("HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n",
                new byte[0], false), false, "/old");
        HttpApp.Response resp = r.app().responses().get(0);
        assertEquals(301, resp.status());
        assertEquals("/new", resp.header("location"), "header names are case-insensitive");
        assertEquals(HttpUrl.parse("http://198.18.2.2/new"), resp.url().resolve(resp.header("Location")));
        assertEquals(0, resp.bodyBytes());
    }

    @Test
    void aServerThatClosesInTheMiddleOfTheBodyIsAnErrorNotASuccess() {
        Run r = run(h -> SimulatedNetwork.Reply.of("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", new byte[400], true), false, "/big");
        assertNotNull(r.app().error(), "the cut is reported");
        assertTrue(r.app().responses().isEmpty(), "no whole response");
        assertFalse(r.app().satisfied());
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void aChunkedBodyCutBeforeItsLastChunkIsAnError() {
        Run r = run(h -> SimulatedNetwork.Reply.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                "5\r\nhello\r\n5\r\nwor".getBytes(StandardCharsets.ISO_8859_1), true), false, "/chunks");
        assertNotNull(r.app().error());
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void aBodyFramedByTheCloseIsWholeWhenTheServerCloses() {
        Run r = run(h -> SimulatedNetwork.Reply.of("HTTP/1.0 200 OK\r\n\r\n", "until the end\n".getBytes(StandardCharsets.UTF_8), true),
                false, "/");
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(BodyFraming.UNTIL_CLOSE, r.app().responses().get(0).framing());
        assertEquals("until the end\n", r.sink().bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aGzipBodyIsDecodedAsItArrivesNotAfterTheLastByte() throws Exception {
        byte[] plain = body(300_000);
        byte[] gz = gzip(plain);
        Run r = run(h -> encoded("gzip", gz, false), true, "/text.txt");
        assertEquals(Verdict.OK, r.result().verdict(), String.valueOf(r.app().error()));
        HttpApp.Response resp = r.app().responses().get(0);
        assertEquals(plain.length, resp.bodyBytes());
        assertEquals(gz.length, resp.wireBodyBytes());
        assertEquals(sha256(plain), resp.sha256());
        assertArrayEquals(plain, r.sink().bytes.toByteArray());
        assertTrue(r.sink().writeTimes.get(0) < resp.completeAt(),
                "the first decoded bytes reach -o before the last encoded byte arrives: " + r.sink().writeTimes.get(0) + " vs " + resp.completeAt());
        assertTrue(r.sink().writeTimes.stream().distinct().count() > 3, "written as the segments come, not at once");
    }

    @Test
    void chunkedGzipAndBothKindsOfDeflateDecode() throws Exception {
        byte[] plain = body(100_000);
        for (SimulatedNetwork.Reply reply : List.of(encoded("gzip", gzip(plain), true), encoded("deflate", deflate(plain, true), false),
                encoded("deflate", deflate(plain, false), true), encoded("x-gzip", gzip(plain), false))) {
            Run r = run(h -> reply, true, "/");
            assertEquals(Verdict.OK, r.result().verdict(), String.valueOf(r.app().error()));
            assertArrayEquals(plain, r.sink().bytes.toByteArray());
            assertEquals(sha256(plain), r.app().responses().get(0).sha256());
        }
    }

    @Test
    void aCorruptOrUnknownCodingIsAnError() throws Exception {
        byte[] gz = gzip(body(50_000));
        gz[gz.length - 6] ^= 0x55; // the CRC32 in the trailer no longer matches
        Run corrupt = run(h -> encoded("gzip", gz, false), true, "/");
        assertNotNull(corrupt.app().error());
        assertEquals(Verdict.NEGATIVE, corrupt.result().verdict());

        Run unknown = run(h -> encoded("br", new byte[] {1, 2, 3}, false), true, "/");
        assertNotNull(unknown.app().error());
        assertEquals(Verdict.NEGATIVE, unknown.result().verdict());
        assertEquals(0, unknown.sink().bytes.size(), "nothing undecoded passes for the body");
    }

    @Test
    void withoutCompressedTheEncodedBytesAreTheBody() throws Exception {
        byte[] gz = gzip(body(10_000));
        Run r = run(h -> encoded("gzip", gz, false), false, "/");
        assertEquals(Verdict.OK, r.result().verdict());
        assertArrayEquals(gz, r.sink().bytes.toByteArray());
    }

    @Test
    void afterABodyThatCannotBeDecodedNoMoreIsAskedAndNothingWaitsForTheIdleTimer() {
        Run r = run(h -> encoded("br", new byte[] {1, 2, 3}, false), true, "/a", "/b");
        assertNotNull(r.app().error());
        assertEquals(1, r.net().server(WWW, 80).accepted.get(0).requestsAnswered, "the second request was not sent");
        assertTrue(r.result().timeMicros() - JourneyRun.T0 < 5_000_000, "closed at once, not after 30 s idle");
    }
}
