package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.wire.IpAddress;

class ApplicationListenersTest {
    /** Captured byte streams (see src/test/resources/synack/explain/gen-*.sh) and what a listener said of them. */
    static final class Streams {
        /** One run of bytes of a side, in capture order. */
        record Run(Side side, byte[] bytes) {}

        static List<Run> load(String name) {
            try (InputStream in = Streams.class.getResourceAsStream("/synack/explain/" + name)) {
                assertNotNull(in, name);
                List<Run> runs = new ArrayList<>();
                for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                    if (!line.isBlank()) {
                        String[] parts = line.trim().split(" ");
                        runs.add(new Run(Side.valueOf(parts[0]), HexFormat.of().parseHex(parts[1])));
                    }
                }
                return runs;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** All of one side's bytes, in order. */
        static byte[] side(List<Run> runs, Side side) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            runs.stream().filter(r -> r.side() == side).forEach(r -> out.writeBytes(r.bytes()));
            return out.toByteArray();
        }

        /** Each run as one delivery: run i at time 1000·(i+1) µs, frame i+1; then both sides' FINs. */
        static void replay(List<Run> runs, StreamListener l) {
            long t = 0;
            for (int i = 0; i < runs.size(); i++) {
                t = 1000L * (i + 1);
                l.bytes(runs.get(i).side(), t, i + 1, runs.get(i).bytes(), 0, runs.get(i).bytes().length);
            }
            l.end(Side.A, t + 1, false);
            l.end(Side.B, t + 2, false);
        }

        static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }

        static void send(StreamListener l, Side side, long t, long frame, String text) {
            byte[] b = ascii(text);
            l.bytes(side, t, frame, b, 0, b.length);
        }

        static List<Event.Note> notes(List<Event> events) {
            List<Event.Note> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Note n) {
                    out.add(n);
                }
            }
            return out;
        }

        /** The notes whose fields hold this key (with this value, when one is given). */
        static List<Map<String, Object>> with(List<Event> events, String key, Object value) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Event.Note n : notes(events)) {
                if (n.fields().containsKey(key) && (value == null || value.equals(n.fields().get(key)))) {
                    out.add(n.fields());
                }
            }
            return out;
        }

        static List<Event.Note> kind(List<Event> events, Event.Note.Kind kind) {
            return notes(events).stream().filter(n -> n.kind() == kind).toList();
        }
    }

    private static final int CLIENT = 0xc6120001; // 198.18.0.1
    private static final int SERVER = 0xc6120002;

    @Test
    void httpIsToldByItsRequestLineOnAnyPort() {
        ApplicationListeners factory = new ApplicationListeners();
        List<Event> events = new ArrayList<>();
        StreamListener l = factory.open(3, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 9999, events::add);
        Streams.replay(Streams.load("http-keepalive.stream"), l);
        assertEquals(List.of(200, 404), factory.exchanges().stream().map(HttpExchangeSummary::status).toList());
        assertTrue(factory.exchanges().stream().allMatch(e -> e.stream() == 3 && e.complete()));
        assertEquals("/a.txt", factory.exchanges().get(0).target());
        assertTrue(Streams.with(events, "layer", "tls").isEmpty());
    }

    @Test
    void tlsIsToldByItsRecordHeaderEvenOnPort80() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(1, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, events::add);
        Streams.replay(Streams.load("tls13.stream"), l);
        assertFalse(Streams.with(events, "layer", "tls").isEmpty());
        assertTrue(Streams.with(events, "layer", "http").isEmpty());
        assertEquals(1, Streams.with(events, "handshake", "done").stream().filter(f -> f.containsKey("cipher_suite")
                && "TLS 1.3".equals(f.get("version")) && f.containsKey("handshake_ms")).count());
    }

    @Test
    void tlsInsideAConnectTunnelIsToldAsTls() {
        ApplicationListeners factory = new ApplicationListeners();
        List<Event> events = new ArrayList<>();
        StreamListener l = factory.open(6, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 3128, events::add);
        Streams.send(l, Side.A, 1, 1, "CONNECT www.synack.test:443 HTTP/1.1\r\nHost: www.synack.test:443\r\n\r\n");
        Streams.send(l, Side.B, 2, 2, "HTTP/1.1 200 Connection established\r\n\r\n");
        List<Streams.Run> tls = Streams.load("tls13.stream");
        for (int i = 0; i < 2; i++) {
            l.bytes(tls.get(i).side(), 10 + i, 10 + i, tls.get(i).bytes(), 0, tls.get(i).bytes().length);
        }
        for (int i = 2; i < tls.size(); i++) {
            l.bytes(tls.get(i).side(), 10 + i, 10 + i, tls.get(i).bytes(), 0, tls.get(i).bytes().length);
        }
        l.end(Side.A, 50, false);
        l.end(Side.B, 51, false);
        assertEquals(1, factory.exchanges().size());
        assertEquals("CONNECT", factory.exchanges().get(0).method());
        assertEquals(200, factory.exchanges().get(0).status());
        assertEquals("connect_tunnel", Streams.with(events, "switched", null).get(0).get("switched"));
        assertEquals("www.synack.test", Streams.with(events, "message", "ClientHello").get(0).get("sni"));
        assertEquals(1, Streams.with(events, "handshake", "done").stream().filter(f -> f.containsKey("handshake_ms")).count());
        assertTrue(Streams.kind(events, Event.Note.Kind.WARNING).isEmpty());
    }

    @Test
    void aWebSocketAfterItsUpgradeIsCountedNotDecoded() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(6, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, events::add);
        Streams.send(l, Side.A, 1, 1, "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        Streams.send(l, Side.B, 2, 2, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002hi");
        Streams.send(l, Side.A, 3, 3, "\u0081\u0082abcdef");
        l.end(Side.A, 4, false);
        l.end(Side.B, 5, false);
        assertEquals("websocket", Streams.with(events, "switched", null).get(0).get("switched"));
        List<Map<String, Object>> rest = Streams.with(events, "layer", "stream");
        assertEquals(1, rest.size());
        assertEquals(8L, rest.get(0).get("bytes_a"));
        assertEquals(4L, rest.get(0).get("bytes_b"));
    }

    @Test
    void aTlsConnectionCapturedMidwayIsCountedWithoutAHandshake() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(8, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 443, events::add);
        List<Streams.Run> tls = Streams.load("tls13.stream");
        for (int i = 3; i < tls.size(); i++) { // from A's first application record on
            l.bytes(tls.get(i).side(), i, i, tls.get(i).bytes(), 0, tls.get(i).bytes().length);
        }
        l.end(Side.A, 20, false);
        l.end(Side.B, 21, false);
        Map<String, Object> totals = Streams.with(events, "records_a", null).get(0);
        assertEquals("incomplete", totals.get("handshake"));
        assertEquals(1L, totals.get("application_records_a"));
        assertEquals(2, Streams.with(events, "probably", "close_notify").size());
    }

    @Test
    void dnsOverTcpIsLeftToTheDnsReader() {
        ApplicationListeners factory = new ApplicationListeners();
        assertNull(factory.open(1, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 53, e -> { }));
        assertNull(factory.open(1, IpAddress.of(SERVER), 53, IpAddress.of(CLIENT), 40000, e -> { }));
    }

    @Test
    void aRequestLineInOneByteSegmentsIsStillHttp() {
        ApplicationListeners factory = new ApplicationListeners();
        List<Event> events = new ArrayList<>();
        StreamListener l = factory.open(2, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 8080, events::add);
        byte[] request = Streams.ascii("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
        for (int i = 0; i < request.length; i++) {
            l.bytes(Side.A, 10 + i, 1 + i, request, i, 1);
        }
        Streams.send(l, Side.B, 1000, 100, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        l.end(Side.B, 1001, false);
        assertEquals(1, factory.exchanges().size());
        HttpExchangeSummary s = factory.exchanges().get(0);
        assertEquals("GET", s.method());
        assertEquals("/index.html", s.target());
        assertEquals(10, s.requestMicros(), "the request began at its first byte's capture time");
        assertEquals(990, s.ttfbMicros());
    }

    @Test
    void anotherProtocolIsCountedAndToldOnceAtTheEnd() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(4, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 22, events::add);
        Streams.send(l, Side.B, 1, 1, "SSH-2.0-OpenSSH_9.2\r\n");
        Streams.send(l, Side.A, 2, 2, "SSH-2.0-synack\r\n");
        Streams.send(l, Side.A, 3, 3, "x".repeat(100));
        assertTrue(Streams.notes(events).isEmpty(), "nothing is said before the end");
        l.end(Side.A, 4, false);
        l.end(Side.B, 5, false);
        l.captureEnded(6);
        List<Map<String, Object>> told = Streams.with(events, "layer", "stream");
        assertEquals(1, told.size());
        assertEquals(116L, told.get(0).get("bytes_a"));
        assertEquals(21L, told.get(0).get("bytes_b"));
        assertEquals(4, told.get(0).get("stream"));
    }

    @Test
    void aLongTargetAfterAMethodOfCapitalsIsHttpWithoutWaitingForTheVersion() {
        ApplicationListeners factory = new ApplicationListeners();
        List<Event> events = new ArrayList<>();
        StreamListener l = factory.open(4, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, events::add);
        String target = "/" + "a".repeat(3 * ApplicationListeners.LONG_TARGET);
        Streams.send(l, Side.A, 1, 1, "GET " + target.substring(0, 1000));
        Streams.send(l, Side.A, 2, 2, target.substring(1000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        Streams.send(l, Side.B, 3, 3, "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n");
        l.end(Side.A, 4, false);
        l.end(Side.B, 5, false);
        assertTrue(Streams.with(events, "layer", "stream").isEmpty(), "not counted as undecoded");
        assertEquals(0, factory.heldWhileUndecided());
    }

    @Test
    void aLongWordThatIsNoMethodIsNotTakenForHttp() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(4, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, events::add);
        Streams.send(l, Side.A, 1, 1, "get /" + "a".repeat(ApplicationListeners.SNIFF_BYTES));
        Streams.send(l, Side.B, 1, 1, "x");
        l.captureEnded(2);
        assertEquals(1, Streams.with(events, "layer", "stream").size());
    }

    /** 5,000 connections each sending 8 KiB of token characters without a space: what waits for a decision is bounded. */
    @Test
    void manyUndecidedConnectionsHoldABoundedAmount() {
        ApplicationListeners factory = new ApplicationListeners();
        List<Event> events = new ArrayList<>();
        List<StreamListener> open = new ArrayList<>();
        byte[] token = Streams.ascii("A".repeat(1024));
        long mostHeld = 0;
        for (int c = 0; c < 5000; c++) {
            StreamListener l = factory.open(c, IpAddress.of(CLIENT), 10000 + c, IpAddress.of(SERVER), 80, events::add);
            open.add(l);
            for (int k = 0; k < 8; k++) {
                l.bytes(Side.A, c, c, token, 0, token.length);
                mostHeld = Math.max(mostHeld, factory.heldWhileUndecided());
            }
        }
        assertTrue(mostHeld <= ApplicationListeners.SNIFF_BUDGET, "held " + mostHeld);
        for (StreamListener l : open) {
            l.captureEnded(10_000);
        }
        assertEquals(0, factory.heldWhileUndecided(), "nothing held once the connections are over");
        assertEquals(5000, Streams.with(events, "layer", "stream").size(), "each counted, not decoded");
    }

    /** About half the budget undecided at once, each a request line still coming: each is still told as HTTP. */
    @Test
    void undecidedRequestLinesWithinTheBudgetAreStillHttp() {
        ApplicationListeners factory = new ApplicationListeners();
        List<StreamListener> open = new ArrayList<>();
        int connections = 1000;
        for (int c = 0; c < connections; c++) {
            StreamListener l = factory.open(c, IpAddress.of(CLIENT), 10000 + c, IpAddress.of(SERVER), 80, e -> { });
            open.add(l);
            Streams.send(l, Side.A, c, c, "GET /" + "b".repeat(1000));
        }
        for (int c = 0; c < connections; c++) {
            StreamListener l = open.get(c);
            Streams.send(l, Side.A, 2000 + c, 2000 + c, " HTTP/1.1\r\nHost: x\r\n\r\n");
            Streams.send(l, Side.B, 3000 + c, 3000 + c, "HTTP/1.1 204 No Content\r\n\r\n");
            l.end(Side.A, 4000, false);
            l.end(Side.B, 4000, false);
        }
        assertEquals(connections, factory.totals().exchanges());
        assertEquals(0, factory.heldWhileUndecided());
    }

    @Test
    void firstBytesMissingFromTheCaptureCannotBeToldApart() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(4, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, events::add);
        l.gap(Side.A, 1, 100);
        Streams.send(l, Side.A, 2, 2, "Host: x\r\n\r\n");
        l.end(Side.A, 3, true);
        List<Map<String, Object>> told = Streams.with(events, "layer", "stream");
        assertEquals(1, told.size());
        assertEquals(100L, told.get(0).get("missing_a"));
    }

    @Test
    void aConnectionWithoutBytesSaysNothing() {
        List<Event> events = new ArrayList<>();
        StreamListener l = new ApplicationListeners().open(4, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, events::add);
        l.end(Side.A, 1, false);
        l.end(Side.B, 2, false);
        assertTrue(events.isEmpty());
    }

    @Test
    void theProtocolComesFromTheFirstBytes() {
        assertEquals(ApplicationListeners.Protocol.HTTP, ApplicationListeners.protocol(Side.A, Streams.ascii("OPTIONS * HTTP/1.1"), 18));
        assertNull(ApplicationListeners.protocol(Side.A, Streams.ascii("GET / HTTP/"), 11), "more bytes needed");
        assertEquals(ApplicationListeners.Protocol.NOT_DECODED, ApplicationListeners.protocol(Side.A, Streams.ascii("GET / HTTP/2"), 12));
        assertEquals(ApplicationListeners.Protocol.NOT_DECODED, ApplicationListeners.protocol(Side.B, Streams.ascii("GET / HTTP/1.1"), 14),
                "a request comes from A");
        byte[] hello = {0x16, 0x03, 0x01, 0x01, 0x06};
        assertEquals(ApplicationListeners.Protocol.TLS, ApplicationListeners.protocol(Side.A, hello, 5));
        assertNull(ApplicationListeners.protocol(Side.A, hello, 3));
        byte[] huge = {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff};
        assertEquals(ApplicationListeners.Protocol.NOT_DECODED, ApplicationListeners.protocol(Side.A, huge, 5), "no record is that long");
        byte[] midConnection = {0x17, 0x03, 0x03, 0x40, 0x11};
        assertEquals(ApplicationListeners.Protocol.TLS, ApplicationListeners.protocol(Side.A, midConnection, 5),
                "a capture begun mid-connection sees application data first");
        byte[] oldData = {0x17, 0x03, 0x01, 0x40, 0x11};
        assertEquals(ApplicationListeners.Protocol.NOT_DECODED, ApplicationListeners.protocol(Side.A, oldData, 5));
        byte[] empty = {0x16, 0x03, 0x03, 0, 0};
        assertEquals(ApplicationListeners.Protocol.NOT_DECODED, ApplicationListeners.protocol(Side.A, empty, 5));
    }

    @Test
    void anyMixOfCapturedPiecesCutsAndGapsIsToldWithoutACrash() {
        java.util.Random random = new java.util.Random(1616);
        List<List<Streams.Run>> fixtures = new ArrayList<>();
        for (String name : List.of("http-keepalive.stream", "http-gzip.stream", "http-head.stream", "tls13.stream", "tls12.stream",
                "tls13-hrr.stream", "tls-version-alert.stream")) {
            fixtures.add(Streams.load(name));
        }
        List<Streams.Run> tunnel = List.of(new Streams.Run(Side.A, Streams.ascii("CONNECT h:443 HTTP/1.1\r\n\r\n")),
                new Streams.Run(Side.B, Streams.ascii("HTTP/1.1 200 OK\r\n\r\n")));
        for (int round = 0; round < 3000; round++) {
            ApplicationListeners factory = new ApplicationListeners();
            int[] told = {0};
            StreamListener l = factory.open(round, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 443, e -> told[0]++);
            List<Streams.Run> runs = new ArrayList<>(random.nextBoolean() ? tunnel : List.of());
            runs.addAll(fixtures.get(random.nextInt(fixtures.size())));
            long t = 0;
            for (Streams.Run r : runs) {
                byte[] b = r.bytes().clone();
                if (random.nextInt(4) == 0) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
                for (int at = 0; at < b.length; ) {
                    int n = Math.min(b.length - at, 1 + random.nextInt(b.length));
                    l.bytes(random.nextInt(30) == 0 ? r.side().other() : r.side(), ++t, t, b, at, n);
                    if (random.nextInt(40) == 0) {
                        l.gap(r.side(), ++t, 1 + random.nextInt(2000));
                    }
                    at += n;
                }
            }
            if (random.nextBoolean()) {
                l.end(Side.A, ++t, random.nextBoolean());
            }
            if (random.nextBoolean()) {
                l.end(Side.B, ++t, random.nextBoolean());
            }
            l.captureEnded(++t);
            assertTrue(told[0] > 0, "every connection that carried bytes is told something");
        }
    }

    @Test
    void summariesBeyondTheLimitAreCountedNotKept() {
        ApplicationListeners factory = new ApplicationListeners();
        StreamListener l = factory.open(1, IpAddress.of(CLIENT), 40000, IpAddress.of(SERVER), 80, e -> { });
        int n = ApplicationListeners.MAX_EXCHANGES + 5;
        byte[] request = Streams.ascii("GET / HTTP/1.1\r\n\r\n");
        byte[] response = Streams.ascii("HTTP/1.1 204 No Content\r\n\r\n");
        for (int i = 0; i < n; i++) {
            l.bytes(Side.A, 2L * i, 2L * i + 1, request, 0, request.length);
            l.bytes(Side.B, 2L * i + 1, 2L * i + 2, response, 0, response.length);
        }
        assertEquals(ApplicationListeners.MAX_EXCHANGES, factory.exchanges().size());
        assertEquals(5, factory.exchangesNotKept());
    }
}
