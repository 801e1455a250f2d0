package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/** TlsApp against an SSLEngine server on an in-memory link: what it tells, what it carries, what it refuses. */
class TlsAppTest {
    static final String[] TLS13 = {"TLSv1.3"};
    static final String[] TLS12 = {"TLSv1.2"};
    static final String[] HTTP11 = {"http/1.1"};

    /** The server echoes whatever it got, once it has {@code n} bytes. */
    static Function<byte[], byte[]> echo(int n) {
        return got -> got.length >= n ? got : null;
    }

    record Outcome(TlsPair link, TlsApp app, TlsPair.Collect client, TlsPair.EngineServer server) {}

    static Outcome run(String keystore, String[] protocols, String host, TlsTrust trust, byte[] request,
                       Function<byte[], List<byte[]>> cut) {
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(request, request.length);
        TlsApp app = new TlsApp(client, host, 443, trust);
        TlsPair.EngineServer server = new TlsPair.EngineServer(keystore, protocols, HTTP11, echo(request.length));
        link.run(app, server, cut);
        return new Outcome(link, app, client, server);
    }

    static Outcome good(String[] protocols) {
        return run("www.p12", protocols, "www.synack.test", TlsPair.testCa(), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                TlsPair::whole);
    }

    @Test
    void aTls13HandshakeIsToldFromTheBytes() throws Exception {
        Outcome o = good(TLS13);
        assertNull(o.app().failure(), () -> String.valueOf(o.link().notes()));
        assertEquals(List.of("START", "WAIT_SH", "WAIT_EE", "WAIT_CV", "CONNECTED", "CLOSED"), o.link().states());

        Map<String, Object> ch = o.link().message("ClientHello").fields();
        assertEquals("www.synack.test", ch.get("sni"));
        assertEquals(List.of("http/1.1"), ch.get("alpn"));
        assertEquals(List.of("TLS 1.3", "TLS 1.2"), ch.get("versions"));
        assertEquals("TLS 1.2", ch.get("legacy_version"));
        // every suite SSLEngine offers is named from the registry, in its order (the SCSV last)
        SSLEngine plain = SSLContext.getDefault().createSSLEngine();
        plain.setUseClientMode(true);
        plain.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        List<String> offered = new ArrayList<>(Arrays.asList(plain.getEnabledCipherSuites()));
        @SuppressWarnings("unchecked")
        List<String> suites = (List<String>) ch.get("cipher_suites");
        List<String> named = suites.stream().filter(s -> !s.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")).toList();
        assertEquals(offered.stream().filter(named::contains).toList(), named, "in SSLEngine's order");
        assertTrue(named.stream().noneMatch(s -> s.startsWith("0x")), () -> "unnamed suites in " + named);
        assertTrue(named.containsAll(offered.stream().filter(s -> !s.contains("_RSA_WITH_") || s.contains("E_RSA")).toList())
                || named.size() >= offered.size() - 4, () -> "offered " + offered + " told " + named);
        @SuppressWarnings("unchecked")
        List<String> shares = (List<String>) ch.get("key_shares");
        assertFalse(shares.isEmpty());
        assertTrue(((List<?>) ch.get("groups")).containsAll(shares));

        Map<String, Object> sh = o.link().message("ServerHello").fields();
        assertEquals("TLS 1.3", sh.get("version"));
        assertEquals("TLS 1.2", sh.get("legacy_version"), "TLS 1.3 says 1.2 in legacy_version and 1.3 in supported_versions");
        assertEquals(o.server().engine.getSession().getCipherSuite(), sh.get("cipher_suite"));
        assertTrue(shares.contains((String) sh.get("key_share")));

        TlsSession s = o.app().session();
        assertEquals("TLS 1.3", s.version());
        assertEquals("http/1.1", s.alpn());
        assertEquals(sh.get("cipher_suite"), s.cipherSuite());
        assertTrue(s.verified());
        assertEquals("DNS:www.synack.test", s.matchedSan());
        assertEquals("CN=www.synack.test", s.chain().get(0).subject());
        assertEquals("CN=synack test CA", s.chain().get(0).issuer());
        assertEquals("2125-01-01T00:00:00Z", s.chain().get(0).notAfter());
        assertTrue(s.handshakeDoneAt() > s.handshakeStartedAt());
        // the encrypted flight is said to be so
        assertTrue(o.link().notes().stream().anyMatch(n -> n.text().contains("encrypted handshake (TLS 1.3: EncryptedExtensions")));
    }

    @Test
    void aTls12HandshakeIsToldMessageByMessage() {
        Outcome o = good(TLS12);
        assertNull(o.app().failure(), () -> String.valueOf(o.link().notes()));
        assertEquals(List.of("START", "WAIT_SH", "WAIT_CERT", "WAIT_SKE", "WAIT_SHD", "WAIT_CCS", "WAIT_SERVER_FINISHED",
                "CONNECTED", "CLOSED"), o.link().states());
        Map<String, Object> sh = o.link().message("ServerHello").fields();
        assertEquals("TLS 1.2", sh.get("version"));
        assertEquals(o.server().engine.getSession().getCipherSuite(), sh.get("cipher_suite"));
        Map<String, Object> cert = o.link().message("Certificate").fields();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> chain = (List<Map<String, Object>>) cert.get("chain");
        assertEquals("CN=www.synack.test", chain.get(0).get("subject"));
        assertEquals(List.of("DNS:www.synack.test", "DNS:*.wild.synack.test", "IP:198.18.2.2"), chain.get(0).get("san"));
        Map<String, Object> ske = o.link().message("ServerKeyExchange").fields();
        assertEquals("ECDHE", ske.get("key_exchange"));
        assertNotNull(ske.get("group"));
        assertEquals("TLS 1.2", o.app().session().version());
        assertEquals("http/1.1", o.app().session().alpn());
    }

    @Test
    void applicationDataGoesBothWaysByteExact() {
        for (String[] protocols : List.of(TLS13, TLS12)) {
            byte[] data = new byte[200_000];
            new Random(7).nextBytes(data);
            Outcome o = run("www.p12", protocols, "www.synack.test", TlsPair.testCa(), data, TlsPair::whole);
            assertNull(o.app().failure());
            assertArrayEquals(data, o.server().received.toByteArray(), "the server got our bytes");
            assertArrayEquals(data, o.client().got.toByteArray(), "we got the server's");
            assertEquals(data.length, o.app().session().plaintextOut());
            assertEquals(data.length, o.app().session().plaintextIn());
            // one send of 200 kB: its first record told, the other twelve in one line
            assertEquals(12L, o.link().tls("more_records").get(0).fields().get("more_records"), protocols[0]);
        }
    }

    @Test
    void recordsSplitAcrossSegmentsAndSegmentsHoldingManyRecords() {
        byte[] data = new byte[50_000];
        new Random(3).nextBytes(data);
        for (int size : new int[] {1, 7, 100, 1448}) {
            Outcome o = run("www.p12", TLS13, "www.synack.test", TlsPair.testCa(), data, TlsPair.pieces(size));
            assertNull(o.app().failure(), "segments of " + size);
            assertArrayEquals(data, o.client().got.toByteArray(), "segments of " + size);
        }
        // the server's whole first flight (ServerHello, CCS, the encrypted records) in one segment: several records told
        Outcome o = good(TLS13);
        long inRecords = o.link().notes().stream().filter(n -> "in".equals(n.fields().get("dir")) && n.fields().containsKey("record"))
                .count();
        assertTrue(inRecords >= 3, "records told: " + inRecords);
    }

    @Test
    void closeNotifyLeavesBeforeOurFin() {
        for (String[] protocols : List.of(TLS13, TLS12)) {
            Outcome o = good(protocols);
            List<TlsPair.Seen> seen = o.link().seen;
            int fin = -1;
            int lastSent = -1;
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i) instanceof TlsPair.Fin) {
                    fin = i;
                } else if (seen.get(i) instanceof TlsPair.Sent) {
                    lastSent = i;
                }
            }
            assertTrue(fin > lastSent && lastSent >= 0, "FIN after our last bytes");
            assertTrue(o.server().sawCloseNotify(), "the server's SSLEngine read our close_notify");
            List<TlsRecord> ours = o.link().sentRecords();
            TlsRecord last = ours.get(ours.size() - 1);
            assertEquals(protocols == TLS13 ? TlsNames.APPLICATION_DATA : TlsNames.ALERT, last.type(), "close_notify, encrypted");
            assertEquals("CLOSED", o.link().states().get(o.link().states().size() - 1));
        }
    }

    static Outcome refused(String keystore, String host, String[] protocols, TlsTrust trust) {
        return run(keystore, protocols, host, trust, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), TlsPair::whole);
    }

    /** Our alert, read back from our own bytes (plaintext in TLS 1.2: the server's Certificate comes before any CCS). */
    static TlsAlert ourAlert(Outcome o) {
        return o.link().sentRecords().stream().filter(r -> r.type() == TlsNames.ALERT && r.length() == 2)
                .map(r -> new TlsAlert(r.fragment()[0], r.fragment()[1])).findFirst()
                .orElseThrow(() -> new AssertionError("no plaintext alert sent"));
    }

    @Test
    void eachBadCertificateIsRefusedWithItsReasonAndTheAlertSslEngineSends() {
        Object[][] cases = {
            {"expired.p12", "expired.synack.test", TlsFailure.Reason.EXPIRED, "certificate_expired"},
            {"notyet.p12", "notyet.synack.test", TlsFailure.Reason.NOT_YET_VALID, "bad_certificate"},
            {"wrong.p12", "wrong.synack.test", TlsFailure.Reason.WRONG_NAME, "certificate_unknown"},
            // JDK 17 sends certificate_unknown when no path to a trusted CA is found (OpenSSL would say unknown_ca)
            {"stranger.p12", "www.synack.test", TlsFailure.Reason.UNKNOWN_CA, "certificate_unknown"},
            {"www.p12", "other.synack.test", TlsFailure.Reason.WRONG_NAME, "certificate_unknown"},
        };
        for (Object[] c : cases) {
            for (String[] protocols : List.of(TLS13, TLS12)) {
                String what = c[0] + " as " + c[1] + " over " + protocols[0];
                Outcome o = refused((String) c[0], (String) c[1], protocols, TlsPair.testCa());
                TlsFailure f = o.app().failure();
                assertNotNull(f, what);
                assertEquals(c[2], f.reason(), what + ": " + f);
                assertTrue(f.reason().untrusted(), what);
                assertFalse(o.client().established, what + ": the application never started");
                assertFalse(o.app().satisfied(), what);
                assertTrue(o.link().finSent, what + ": our FIN after the alert");
                assertFalse(o.app().session().verified(), what);
                assertEquals("CLOSED", o.link().states().get(o.link().states().size() - 1), what);
                assertNotNull(o.server().failure, what + ": the server's SSLEngine saw our alert");
                if (protocols == TLS12) {
                    assertEquals(c[3], ourAlert(o).name(), what);
                }
                assertTrue(o.link().notes().stream().anyMatch(n -> n.text().startsWith("certificate refused (" + f.reason().jsonName() + ")")
                        && "tls".equals(n.fields().get("layer"))), what);
            }
        }
    }

    @Test
    void insecureAcceptsEveryBadCertificateAndSaysSo() {
        for (String[] c : new String[][] {{"expired.p12", "expired.synack.test"}, {"wrong.p12", "wrong.synack.test"},
                {"stranger.p12", "www.synack.test"}, {"notyet.p12", "notyet.synack.test"}}) {
            Outcome o = refused(c[0], c[1], TLS13, TlsTrust.insecure());
            assertNull(o.app().failure(), c[0]);
            assertTrue(o.client().established, c[0]);
            assertFalse(o.app().session().verified(), c[0]);
            assertTrue(o.app().session().insecure(), c[0]);
            assertTrue(o.link().notes().stream().anyMatch(n -> n.kind() == synack.event.Event.Note.Kind.WARNING
                    && n.text().startsWith("--insecure")), c[0]);
        }
    }

    @Test
    void theServersAlertIsToldWithItsDescription() {
        // as nginx's ssl_reject_handshake does: a fatal unrecognized_name in answer to the ClientHello
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(new byte[1], 1);
        TlsApp app = new TlsApp(client, "www.synack.test", 8445, TlsPair.testCa());
        link.run(app, data -> new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112}, TlsPair::whole);
        TlsFailure f = app.failure();
        assertNotNull(f);
        assertEquals(TlsFailure.Reason.ALERT_RECEIVED, f.reason());
        assertEquals("unrecognized_name", f.alert().name());
        assertTrue(f.alert().fatal());
        assertFalse(f.reason().untrusted());
        Map<String, Object> told = link.tls("alert").get(0).fields();
        assertEquals("in", told.get("dir"));
        assertEquals(Map.of("level", "fatal", "description", "unrecognized_name", "code", 112), told.get("alert"));
        assertTrue(link.finSent);
        assertFalse(client.established);
    }

    @Test
    void anAlertFromAnSslEngineServer() {
        // the server speaks only h2: no protocol in common, it says no_application_protocol (RFC 7301 3.2)
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(new byte[1], 1);
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer server = new TlsPair.EngineServer("www.p12", TLS13, new String[] {"h2"}, echo(1));
        link.run(app, server, TlsPair::whole);
        assertEquals(TlsFailure.Reason.ALERT_RECEIVED, app.failure().reason());
        assertEquals("no_application_protocol", app.failure().alert().name());
    }

    @Test
    void aPeerThatIsNotTlsFailsTheConnectionCleanly() {
        for (String answer : new String[] {"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "\u0000", "SSH-2.0-OpenSSH_9.2\r\n"}) {
            TlsPair link = new TlsPair();
            TlsPair.Collect client = new TlsPair.Collect(new byte[1], 1);
            TlsApp app = new TlsApp(client, "www.synack.test", 80, TlsPair.testCa());
            link.run(app, data -> answer.getBytes(StandardCharsets.ISO_8859_1), TlsPair.pieces(5));
            assertNotNull(app.failure(), answer);
            assertEquals(TlsFailure.Reason.NOT_TLS, app.failure().reason(), answer);
            assertTrue(link.finSent, answer);
            assertFalse(client.established, answer);
            assertEquals(true, link.tls("not_tls").get(0).fields().get("not_tls"), answer);
        }
    }

    @Test
    void aServerThatClosesMidHandshake() {
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(new byte[1], 1);
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        link.run(app, new TlsPair.Server() {
            @Override
            public byte[] receive(byte[] data) {
                return new byte[0];
            }

            @Override
            public boolean closesNow() {
                return true;
            }
        }, TlsPair::whole);
        assertEquals(TlsFailure.Reason.HANDSHAKE_FAILED, app.failure().reason());
        assertTrue(link.finSent);
        app.idle(link, link.now + 1); // a late timer: nothing more, no exception
    }

    @Test
    void inABulkTransferApplicationRecordsAreCountedAndToldOnlyAsRoutine() {
        byte[] data = new byte[100_000];
        new Random(5).nextBytes(data);
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(data, data.length) {
            @Override
            public void established(synack.exchange.tcp.TcpConversation.Control c, long now) {
                c.routineData(true);
                super.established(c, now);
            }
        };
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer server = new TlsPair.EngineServer("www.p12", TLS13, HTTP11, echo(data.length));
        link.run(app, server, TlsPair.pieces(1448));
        assertArrayEquals(data, client.got.toByteArray());
        assertTrue(link.tls("plaintext").stream().allMatch(n -> n.kind() == synack.event.Event.Note.Kind.ROUTINE),
                "no application record told at the default verbosity");
        Map<String, Object> totals = link.tls("records_in").get(0).fields();
        assertEquals(totals.get("application_records_in"), (long) link.tls("plaintext").size(), "each one there for -v");
        assertTrue((Long) totals.get("application_records_in") >= 7, "100 kB is at least 7 records of 16 kB: " + totals);
        assertEquals((long) data.length, totals.get("application_bytes_in"));
        assertEquals((long) data.length, totals.get("application_bytes_out"));
    }

    @Test
    void anAddressLiteralSendsNoSniAndMatchesTheIpSan() {
        Outcome o = run("www.p12", TLS13, "198.18.2.2", TlsPair.testCa(), new byte[] {1, 2, 3}, TlsPair::whole);
        assertNull(o.app().failure());
        assertNull(o.link().message("ClientHello").fields().get("sni"));
        assertEquals("IP:198.18.2.2", o.app().session().matchedSan());
    }

    @Test
    void aHostWithATrailingDotIsSentAsSniWithoutItAndItsCertificateMatches() {
        Outcome o = run("www.p12", TLS13, "www.synack.test.", TlsPair.testCa(), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                TlsPair::whole);
        assertNull(o.app().failure(), () -> String.valueOf(o.link().notes()));
        assertEquals("www.synack.test", o.link().message("ClientHello").fields().get("sni"));
    }

    @Test
    void aNameSniCannotCarryIsRefusedWithAnIllegalArgumentNotACrashInsideTheEngine() {
        String longLabel = "a".repeat(64) + ".synack.test";
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TlsApp.serverName(longLabel));
        assertTrue(e.getMessage().contains(longLabel), e.getMessage());
        assertNull(TlsApp.serverName("198.18.2.2"));
        assertEquals("www.synack.test", TlsApp.serverName("www.synack.test.").getAsciiName());
    }

    @Test
    void aCertificateWithoutDnsNameSansIsMatchedByItsCommonNameAndToldSo() {
        Outcome o = run("nosan.p12", TLS13, "cn.synack.test", TlsPair.testCa(), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                TlsPair::whole);
        assertNull(o.app().failure(), () -> String.valueOf(o.link().notes()));
        assertEquals("CN:cn.synack.test", o.app().session().matchedSan());
        assertTrue(o.link().notes().stream().anyMatch(n -> n.text().contains("the subject's common name: the certificate has no DNS name")),
                () -> String.valueOf(o.link().notes()));
    }
}
