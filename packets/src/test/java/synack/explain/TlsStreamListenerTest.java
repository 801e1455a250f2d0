package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.explain.ApplicationListenersTest.Streams;

class TlsStreamListenerTest {
    private final List<Event> events = new ArrayList<>();
    private final TlsStreamListener tls = new TlsStreamListener(9, events::add);

    private Map<String, Object> message(String name) {
        List<Map<String, Object>> m = Streams.with(events, "message", name);
        assertEquals(1, m.size(), name);
        return m.get(0);
    }

    private Map<String, Object> totals() {
        List<Map<String, Object>> t = Streams.with(events, "records_a", null);
        assertEquals(1, t.size(), "the totals are told once");
        return t.get(0);
    }

    /** The records of one side, read from the fixture by their headers alone (an independent count). */
    private static Map<Integer, Integer> recordTypes(byte[] stream) {
        Map<Integer, Integer> types = new HashMap<>();
        for (int at = 0; at + 5 <= stream.length; at += 5 + (((stream[at + 3] & 0xff) << 8) | (stream[at + 4] & 0xff))) {
            types.merge(stream[at] & 0xff, 1, Integer::sum);
        }
        return types;
    }

    @Test
    void tls13FromOpensslHellosDecodedAndTheRestSaidEncrypted() {
        List<Streams.Run> runs = Streams.load("tls13.stream");
        Streams.replay(runs, tls);
        Map<String, Object> ch = message("ClientHello");
        assertEquals("www.synack.test", ch.get("sni"));
        assertEquals(List.of("h2", "http/1.1"), ch.get("alpn"));
        assertEquals(List.of("TLS 1.3"), ch.get("versions"));
        assertEquals("A", ch.get("side"));
        Map<String, Object> sh = message("ServerHello");
        assertEquals("TLS 1.3", sh.get("version"));
        assertEquals("B", sh.get("side"));
        assertEquals(List.of("EncryptedExtensions", "Certificate", "CertificateVerify", "Finished"),
                Streams.with(events, "must_follow", null).get(0).get("must_follow"));
        assertTrue(Streams.with(events, "message", "Certificate").isEmpty(), "TLS 1.3's Certificate is encrypted: never 'decoded'");
        List<Map<String, Object>> done = Streams.with(events, "handshake", "done").stream().filter(f -> f.containsKey("handshake_ms")).toList();
        assertEquals(1, done.size());
        assertEquals(sh.get("cipher_suite"), done.get(0).get("cipher_suite"));
        // both sides closed after an alert-sized encrypted record: probably close_notify, and said so
        List<Map<String, Object>> closes = Streams.with(events, "probably", "close_notify");
        assertEquals(List.of("A", "B"), closes.stream().map(f -> f.get("side")).sorted().toList());
        Map<String, Object> t = totals();
        assertEquals(recordTypes(Streams.side(runs, Side.A)).values().stream().mapToInt(Integer::intValue).sum(), t.get("records_a"));
        assertEquals(recordTypes(Streams.side(runs, Side.B)).values().stream().mapToInt(Integer::intValue).sum(), t.get("records_b"));
        assertTrue((long) t.get("application_bytes_b") > (long) t.get("application_bytes_a"), "the server's page is larger than the GET");
        assertTrue(Streams.kind(events, Event.Note.Kind.WARNING).isEmpty());
    }

    @Test
    void tls12FromOpensslTheCertificateAndKeyExchangeInTheClear() {
        List<Streams.Run> runs = Streams.load("tls12.stream");
        Streams.replay(runs, tls);
        assertEquals("TLS 1.2", message("ServerHello").get("version"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> chain = (List<Map<String, Object>>) message("Certificate").get("chain");
        assertEquals("CN=www.synack.test", chain.get(0).get("subject"));
        assertEquals("CN=synack test CA", chain.get(0).get("issuer"));
        assertTrue(((List<?>) chain.get(0).get("san")).contains("DNS:www.synack.test"));
        assertEquals("ECDHE", message("ServerKeyExchange").get("key_exchange"));
        message("ServerHelloDone");
        message("ClientKeyExchange");
        List<Map<String, Object>> ccs = Streams.with(events, "record", "change_cipher_spec");
        assertEquals(List.of("A", "B"), ccs.stream().map(f -> f.get("side")).toList());
        assertTrue(ccs.stream().allMatch(f -> Boolean.TRUE.equals(f.get("changes_keys"))), "in TLS 1.2 the CCS switches keys");
        // each side's Finished is the encrypted handshake record after its CCS
        List<Map<String, Object>> finished = Streams.with(events, "record", "handshake").stream()
                .filter(f -> Boolean.TRUE.equals(f.get("encrypted"))).toList();
        assertEquals(List.of("A", "B"), finished.stream().map(f -> f.get("side")).toList());
        assertEquals(1, Streams.with(events, "handshake_ms", null).size());
        // the alerts after the data are encrypted records: their close_notify is only probable
        List<Map<String, Object>> closes = Streams.with(events, "probably", "close_notify");
        assertEquals(2, closes.size());
        assertTrue(closes.stream().allMatch(f -> "alert".equals(f.get("record"))));
        assertEquals(recordTypes(Streams.side(runs, Side.B)).get(23).longValue(), totals().get("application_records_b"));
    }

    @Test
    void aHelloRetryRequestAndTheSecondClientHello() {
        Streams.replay(Streams.load("tls13-hrr.stream"), tls);
        Map<String, Object> hrr = message("HelloRetryRequest");
        assertEquals(true, hrr.get("hello_retry_request"));
        assertEquals("secp256r1", hrr.get("key_share"));
        List<Map<String, Object>> hellos = Streams.with(events, "message", "ClientHello");
        assertEquals(2, hellos.size());
        assertEquals(List.of("x25519"), hellos.get(0).get("key_shares"));
        assertEquals(List.of("secp256r1"), hellos.get(1).get("key_shares"), "the share the server asked for");
        assertEquals("secp256r1", message("ServerHello").get("key_share"));
        assertTrue(Streams.with(events, "record", "change_cipher_spec").stream().noneMatch(f -> Boolean.TRUE.equals(f.get("changes_keys"))),
                "TLS 1.3's CCS is for middleboxes");
    }

    @Test
    void aPlaintextAlertIsToldByName() {
        Streams.replay(Streams.load("tls-version-alert.stream"), tls);
        List<Map<String, Object>> alerts = Streams.with(events, "alert", null);
        assertEquals(1, alerts.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> alert = (Map<String, Object>) alerts.get(0).get("alert");
        assertEquals("protocol_version", alert.get("description"));
        assertEquals("fatal", alert.get("level"));
        assertEquals("B", alerts.get(0).get("side"));
        assertTrue(Streams.kind(events, Event.Note.Kind.WARNING).stream().anyMatch(n -> n.fields().containsKey("alert")));
        assertEquals("incomplete", totals().get("handshake"));
    }

    @Test
    void theServersFlightSplitAtEveryByteBoundaryReadsTheSame() {
        List<Streams.Run> runs = Streams.load("tls12.stream");
        byte[] client = Streams.side(runs, Side.A);
        byte[] server = Streams.side(runs, Side.B);
        List<Map<String, Object>> whole = told(client, server, server.length);
        for (int split = 1; split < server.length; split += 1) {
            assertEquals(whole, told(client, server, split), "split at " + split);
        }
    }

    /** What is told (fields without the frame numbers) when all of B's bytes come in two pieces cut at {@code split}, after A's. */
    private static List<Map<String, Object>> told(byte[] client, byte[] server, int split) {
        List<Event> ev = new ArrayList<>();
        TlsStreamListener l = new TlsStreamListener(1, ev::add);
        l.bytes(Side.A, 1, 1, client, 0, client.length);
        l.bytes(Side.B, 2, 2, server, 0, split);
        if (split < server.length) {
            l.bytes(Side.B, 2, 3, server, split, server.length - split);
        }
        l.end(Side.A, 4, false);
        l.end(Side.B, 4, false);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Event.Note n : Streams.notes(ev)) {
            Map<String, Object> f = new HashMap<>(n.fields());
            f.remove("frame");
            out.add(f);
        }
        return out;
    }

    @Test
    void bytesThatAreNotRecordsStopTheSide() {
        List<Streams.Run> runs = Streams.load("tls13.stream");
        tls.bytes(Side.A, 1, 1, runs.get(0).bytes(), 0, runs.get(0).bytes().length);
        byte[] http = Streams.ascii("HTTP/1.1 400 Bad Request\r\n\r\n");
        tls.bytes(Side.B, 2, 2, http, 0, http.length);
        tls.bytes(Side.B, 3, 3, http, 0, http.length);
        List<Map<String, Object>> not = Streams.with(events, "not_tls", true);
        assertEquals(1, not.size());
        assertEquals("HTTP/", not.get(0).get("first_bytes"));
        assertEquals("B", not.get(0).get("side"));
    }

    @Test
    void missingBytesInsideARecordAreAbsorbedAcrossItsEndTheSideStops() {
        byte[] record = {0x17, 0x03, 0x03, 0x01, 0x00}; // 256 bytes of application data follow
        tls.bytes(Side.B, 1, 1, record, 0, record.length);
        tls.gap(Side.B, 2, 200);
        tls.bytes(Side.B, 3, 3, new byte[56], 0, 56);
        assertTrue(Streams.with(events, "missing_bytes", null).isEmpty(), "inside the record: the record layer keeps its place");
        tls.bytes(Side.B, 4, 4, record, 0, record.length);
        tls.gap(Side.B, 5, 1000);
        assertEquals(1, Streams.with(events, "missing_bytes", 1000L).size(), "across the record's end: said, and the side stops");
        tls.bytes(Side.B, 6, 6, record, 0, record.length);
        tls.end(Side.A, 7, false);
        tls.end(Side.B, 8, false);
        assertEquals(1L, totals().get("application_records_b"), "only the record read whole counts; none after the loss");
        assertEquals(1200L, totals().get("missing_b"));
    }

    @Test
    void aHandshakeMessageClaimingMegabytesIsSkippedNotHeld() {
        TlsStreamListener l = new TlsStreamListener(1, events::add);
        int claimed = 16 * 1024 * 1024 - 1;
        byte[] fragment = new byte[16 * 1024];
        fragment[0] = 11; // Certificate
        fragment[1] = (byte) (claimed >> 16);
        fragment[2] = (byte) (claimed >> 8);
        fragment[3] = (byte) claimed;
        byte[] header = {0x16, 0x03, 0x03, (byte) (fragment.length >> 8), (byte) fragment.length};
        for (int i = 0; i < claimed / fragment.length + 2; i++) {
            l.bytes(Side.B, i, i, header, 0, header.length);
            l.bytes(Side.B, i, i, fragment, 0, fragment.length);
            fragment[0] = 0;
            fragment[1] = fragment[2] = fragment[3] = 0;
        }
        assertEquals(1, Streams.with(events, "malformed", "Certificate").size());
    }

    @Test
    void arbitraryBytesNeverCrashTheReader() {
        java.util.Random random = new java.util.Random(16);
        List<Streams.Run> runs = Streams.load("tls12.stream");
        for (int round = 0; round < 1000; round++) {
            TlsStreamListener l = new TlsStreamListener(1, e -> { });
            for (Streams.Run r : runs) {
                byte[] b = r.bytes().clone();
                if (random.nextInt(3) == 0) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                int at = 0;
                while (at < b.length) {
                    int n = Math.min(b.length - at, 1 + random.nextInt(400));
                    l.bytes(r.side(), 1, 1, b, at, n);
                    if (random.nextInt(50) == 0) {
                        l.gap(r.side(), 1, 1 + random.nextInt(64));
                    }
                    at += n;
                }
            }
            l.end(Side.A, 2, random.nextBoolean());
            l.captureEnded(3);
        }
        assertFalse(runs.isEmpty());
    }
}
