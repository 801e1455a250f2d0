package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tls.TlsTrust;

/** http-get's journey to https:// servers on the in-memory wire: TLS inside the connection, its result and its failures. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpsJourneyTest {
    static final String WWW = "198.18.2.2";
    static final String[] BOTH = {"TLSv1.3", "TLSv1.2"};

    static SimulatedNetwork https(String keystore, String name, String[] protocols, byte[] body) {
        return new SimulatedNetwork().name(name, WWW).name("www.synack.test", WWW).httpsServer(WWW, 443, keystore, protocols,
                (head, b) -> SimulatedNetwork.Reply.of("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + body.length + "\r\n\r\n", body, false));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void anHttpsPageArrivesByteExactWithItsTlsInTheResult() {
        byte[] body = new byte[120_000];
        new Random(1).nextBytes(body);
        for (String[] protocols : List.of(new String[] {"TLSv1.3"}, new String[] {"TLSv1.2"})) {
            JourneyRun run = new JourneyRun(https("www.p12", "www.synack.test", protocols, body));
            Event.Result r = run.run("https://www.synack.test/big");
            assertEquals(Verdict.OK, r.verdict(), r.summary());
            assertArrayEquals(body, run.body.toByteArray());
            assertEquals("https://www.synack.test/big", r.fields().get("url"));
            Map<String, Object> tls = map(r.fields().get("tls"));
            assertEquals(protocols[0].replace("TLSv", "TLS "), tls.get("version"));
            assertEquals("http/1.1", tls.get("alpn"));
            assertEquals(true, tls.get("verified"));
            assertEquals("www.synack.test", tls.get("sni"));
            assertEquals("DNS:www.synack.test", map(tls.get("certificate")).get("matched"));
            assertNull(tls.get("failure"));
            Map<String, Object> timing = map(r.fields().get("timing"));
            double connect = (Double) timing.get("connect_ms");
            double appconnect = (Double) timing.get("appconnect_ms");
            double ttfb = (Double) timing.get("ttfb_ms");
            assertTrue(connect < appconnect && appconnect < ttfb, timing.toString());
            assertTrue(r.summary().contains("TLS handshake"), r.summary());
            assertEquals(443, run.journey.connections().get(0).peerPort());
            assertNotNull(run.journey.timing().appConnectMicros());
            assertTrue(run.net.requests.get(0).head().contains("\r\nHost: www.synack.test\r\n"), "no :443 in Host");
        }
    }

    @Test
    void anUntrustedCertificateIsItsOwnVerdictAndNoRequestIsSent() {
        Object[][] cases = {
            {"expired.p12", "expired.synack.test", "expired"},
            {"wrong.p12", "wrong.synack.test", "wrong_name"},
            {"stranger.p12", "www.synack.test", "unknown_ca"},
        };
        for (Object[] c : cases) {
            JourneyRun run = new JourneyRun(https((String) c[0], (String) c[1], BOTH, new byte[10]));
            Event.Result r = run.run("https://" + c[1] + "/");
            assertEquals(Verdict.UNTRUSTED, r.verdict(), c[0] + ": " + r.summary());
            assertEquals(HttpJourney.Failure.TLS_UNTRUSTED, run.journey.failure());
            assertTrue(r.summary().startsWith("TLS: the server's certificate was not trusted (" + c[2] + ")"), r.summary());
            assertEquals(c[2], map(map(r.fields().get("tls")).get("failure")).get("reason"));
            assertTrue(run.net.requests.isEmpty(), "no HTTP over an untrusted connection");
        }
    }

    @Test
    void insecureFetchesFromAnUntrustedServerAndSaysSo() {
        JourneyRun run = new JourneyRun(https("expired.p12", "expired.synack.test", BOTH, "ok\n".getBytes(StandardCharsets.US_ASCII)));
        run.tlsTrust = TlsTrust.insecure();
        Event.Result r = run.run("https://expired.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ok\n", run.body.toString(StandardCharsets.US_ASCII));
        assertEquals(false, map(r.fields().get("tls")).get("verified"));
        assertEquals(true, map(r.fields().get("tls")).get("insecure"));
        assertTrue(r.summary().contains("NOT verified"), r.summary());
        assertTrue(run.events.stream().anyMatch(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.WARNING
                && n.text().startsWith("--insecure")));
    }

    @Test
    void aRedirectFromHttpToHttpsGoesOnOverTls() {
        SimulatedNetwork net = https("www.p12", "www.synack.test", BOTH, "secure\n".getBytes(StandardCharsets.US_ASCII))
                .server(WWW, 80, h -> new SimulatedNetwork.Reply(("HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.synack.test/"
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII), false));
        JourneyRun run = new JourneyRun(net);
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("secure\n", run.body.toString(StandardCharsets.US_ASCII));
        assertEquals(List.of(80, 443), run.journey.connections().stream().map(HttpJourney.Connection::peerPort).toList());
        assertNull(run.journey.connections().get(0).tls());
        assertNotNull(run.journey.connections().get(1).tls());
    }

    @Test
    void aServerThatIsNotTlsIsANegativeAnswerNotAnUntrustedOne() {
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW)
                .server(WWW, 443, h -> SimulatedNetwork.Reply.ok("plain\n", "Connection: close\r\n"));
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("https://www.synack.test/");
        // our ClientHello is no HTTP request: this server never answers, and TLS waits its 30 s
        assertEquals(Verdict.NEGATIVE, r.verdict(), r.summary());
        assertEquals(HttpJourney.Failure.TLS_FAILED, run.journey.failure());
        assertFalse(r.summary().contains("not trusted"), r.summary());
    }

    @Test
    void aRedirectToAnHttpsHostWithATrailingDotIsFollowed() {
        SimulatedNetwork net = https("www.p12", "www.synack.test", BOTH, "secure\n".getBytes(StandardCharsets.US_ASCII))
                .name("www.synack.test.", WWW)
                .server(WWW, 80, h -> new SimulatedNetwork.Reply(("HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.synack.test./"
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII), false));
        JourneyRun run = new JourneyRun(net);
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("secure\n", run.body.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void aRedirectToAnHttpsHostSniCannotCarryIsABadLocation() {
        String host = "a".repeat(64) + ".synack.test";
        SimulatedNetwork net = https("www.p12", "www.synack.test", BOTH, "secure\n".getBytes(StandardCharsets.US_ASCII))
                .server(WWW, 80, h -> new SimulatedNetwork.Reply(("HTTP/1.1 301 Moved Permanently\r\nLocation: https://" + host + "/"
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII), false));
        JourneyRun run = new JourneyRun(net);
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.NEGATIVE, r.verdict(), r.summary());
        assertEquals(HttpJourney.Failure.BAD_LOCATION, run.journey.failure(), r.summary());
    }

    @Test
    void aTlsFailureAfterTheHandshakeIsTheConnectionsErrorNotATlsFailedRun() {
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW).httpsServer(WWW, 443, "www.p12", new String[] {"TLSv1.3"},
                (head, b) -> SimulatedNetwork.Reply.ok("never\n", ""), synack.exchange.tls.TlsPair.EngineServer::requiringClientCertificate);
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("https://www.synack.test/");
        assertEquals(Verdict.NEGATIVE, r.verdict(), r.summary());
        assertNull(run.journey.failure(), "the handshake finished: not a TLS_FAILED run\n" + r.summary());
        HttpJourney.Connection c = run.journey.connections().get(0);
        assertTrue(c.tls().established(), r.summary());
        assertEquals(synack.exchange.tls.TlsFailure.Reason.AFTER_HANDSHAKE, c.tls().failure().reason());
        assertNotNull(c.httpError(), r.summary());
        assertTrue(c.httpError().startsWith("TLS: "), c.httpError());
        assertTrue(r.summary().contains("TLS: after the handshake"), r.summary());
    }
}
