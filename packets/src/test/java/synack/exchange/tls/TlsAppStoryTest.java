package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import synack.exchange.tcp.TcpConversation;
import org.junit.jupiter.api.Test;

/** The story TlsApp tells in the handshake's and the close's less common turns (a HelloRetryRequest, the server closing first, ...). */
class TlsAppStoryTest {
    static final String[] TLS13 = {"TLSv1.3"};
    static final String[] TLS12 = {"TLSv1.2"};
    static final String[] HTTP11 = {"http/1.1"};
    static final byte[] REQ = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The notes and transitions, one a line: what a failing assertion shows. */
    static String story(TlsPair link) {
        StringBuilder sb = new StringBuilder();
        for (TlsPair.Seen s : link.seen) {
            if (s instanceof TlsPair.Told t) {
                sb.append("NOTE ").append(t.text()).append('\n');
            } else if (s instanceof TlsPair.Moved m) {
                sb.append("MOVE ").append(m.from()).append("->").append(m.to()).append(" : ").append(m.cause()).append('\n');
            } else {
                sb.append(s).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void aHelloRetryRequestKeepsTheTls13StoryItsCcsIsTheMiddleboxesOne() {
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(REQ, REQ.length);
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer server = new TlsPair.EngineServer("www.p12", TLS13, HTTP11, got -> got.length >= REQ.length ? got : null);
        SSLParameters sp = server.engine.getSSLParameters();
        // the server takes none of the groups our first ClientHello holds a key share for: it must ask for another
        sp.setAlgorithmConstraints(new AlgorithmConstraints() {
            boolean refused(String a) {
                return a != null && (a.equalsIgnoreCase("x25519") || a.equalsIgnoreCase("XDH") || a.equalsIgnoreCase("x448")
                        || a.equalsIgnoreCase("secp256r1"));
            }

            public boolean permits(Set<CryptoPrimitive> p, String a, AlgorithmParameters q) {
                return !refused(a);
            }

            public boolean permits(Set<CryptoPrimitive> p, Key k) {
                return true;
            }

            public boolean permits(Set<CryptoPrimitive> p, String a, Key k, AlgorithmParameters q) {
                return !refused(a);
            }
        });
        server.engine.setSSLParameters(sp);
        link.run(app, server, TlsPair::whole);
        String story = story(link);
        assertNull(app.failure(), story);
        assertTrue(link.notes().stream().anyMatch(n -> "HelloRetryRequest".equals(n.fields().get("message"))), "no HRR happened\n" + story);
        assertEquals(1, link.notes().stream().filter(n -> "ServerHello".equals(n.fields().get("message"))).count(),
                "the real ServerHello after the HRR decoded\n" + story);
        assertEquals(2, link.notes().stream().filter(n -> "ClientHello".equals(n.fields().get("message"))).count(),
                "our second ClientHello decoded\n" + story);
        assertTrue(link.states().contains("WAIT_EE"), "states " + link.states());
        assertFalse(story.contains("records are encrypted from here on"), "the TLS 1.3 middlebox CCS taken for TLS 1.2's\n" + story);
        assertTrue(story.contains("sent for middleboxes"), story);
    }

    @Test
    void theServerClosingFirstIsToldAsOurAnswerToItsCloseNotifyTls12() {
        serverClosesFirst(TLS12);
    }

    @Test
    void theServerClosingFirstIsToldAsOurAnswerToItsCloseNotifyTls13() {
        serverClosesFirst(TLS13);
    }

    private static void serverClosesFirst(String[] protocols) {
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(REQ, Integer.MAX_VALUE); // closes only on the server's FIN
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer server = new TlsPair.EngineServer("www.p12", protocols, HTTP11, got -> got.length >= REQ.length
                ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII) : null);
        server.closeAfterAnswer = true;
        link.run(app, server, TlsPair::whole);
        String story = story(link);
        assertNull(app.failure(), story);
        assertTrue(story.contains("the server's close_notify"), story);
        assertFalse(story.contains("we close TLS first"), protocols[0] + ": the server's close_notify came before ours\n" + story);
        assertTrue(story.contains("our close_notify, answering the server's"), protocols[0] + ": our reply record labelled\n" + story);
    }

    @Test
    void anEncryptedFatalAlertAfterOurFinishedIsToldAsARefusedRecordAndAFailureAfterTheHandshake() {
        TlsPair link = new TlsPair();
        TlsPair.Collect client = new TlsPair.Collect(REQ, REQ.length);
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer server = new TlsPair.EngineServer("www.p12", TLS13, HTTP11, got -> got.length >= REQ.length ? got : null)
                .requiringClientCertificate();
        link.run(app, server, TlsPair::whole);
        String story = story(link);
        assertNotNull(app.failure(), story);
        assertEquals(TlsFailure.Reason.AFTER_HANDSHAKE, app.failure().reason(), story);
        assertTrue(story.contains("an encrypted record SSLEngine refused; in TLS 1.3 alerts are encrypted"), story);
        assertTrue(story.indexOf("SSLEngine refused;") < story.indexOf("TLS failed"), "the record before the failure it led to\n" + story);
        assertTrue(link.finSent, story);
    }

    @Test
    void aTls12RenegotiationsRecordsAreToldAsRenegotiationNotAsFinished() {
        TlsPair link = new TlsPair();
        byte[] answer = new byte[5_000];
        new java.util.Random(9).nextBytes(answer);
        TlsPair.Collect client = new TlsPair.Collect(REQ, answer.length);
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer[] server = new TlsPair.EngineServer[1];
        boolean[] renegotiated = new boolean[1];
        server[0] = new TlsPair.EngineServer("www.p12", TLS12, HTTP11, got -> {
            if (got.length < REQ.length || renegotiated[0]) {
                return null;
            }
            renegotiated[0] = true; // our request in: the server asks for a new handshake (HelloRequest)
            try {
                server[0].engine.beginHandshake();
            } catch (javax.net.ssl.SSLException e) {
                throw new AssertionError(e);
            }
            return new byte[0];
        });
        link.run(app, server[0], TlsPair::whole);
        String story = story(link);
        int done = story.indexOf("TLS handshake done");
        assertTrue(done > 0, story);
        String after = story.substring(done);
        assertTrue(after.contains("renegotiation: SSLEngine reads it"), after);
        assertFalse(after.contains("Finished, under the keys just agreed"), after);
        assertFalse(story.contains("post-handshake message"), "TLS 1.3's words in a TLS 1.2 story\n" + story);
    }

    @Test
    void applicationBytesSslEngineWillNotWrapAreToldNotDroppedInSilence() {
        TlsPair link = new TlsPair();
        TcpConversation.Control[] control = new TcpConversation.Control[1];
        TlsPair.Collect client = new TlsPair.Collect(REQ, Integer.MAX_VALUE) {
            @Override
            public void established(TcpConversation.Control c, long now) {
                control[0] = c;
                super.established(c, now);
            }

            @Override
            public void peerFinished(TcpConversation.Control c, long now) {
                peerFinished = true; // stays open: it sends once more below
            }
        };
        TlsApp app = new TlsApp(client, "www.synack.test", 443, TlsPair.testCa());
        TlsPair.EngineServer server = new TlsPair.EngineServer("www.p12", TLS12, HTTP11, got -> got.length >= REQ.length
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII) : null);
        server.closeAfterAnswer = true; // its close_notify, which SSLEngine answers itself: our outbound is done
        link.run(app, server, TlsPair::whole);
        assertNull(app.failure(), story(link));
        control[0].send(REQ, link.now + 1);
        TlsPair.Told told = link.seen.stream().filter(s -> s instanceof TlsPair.Told t && t.text().contains("not sent"))
                .map(s -> (TlsPair.Told) s).findFirst().orElse(null);
        assertNotNull(told, story(link));
        assertEquals(REQ.length, ((Number) told.fields().get("bytes")).intValue(), story(link));
        assertEquals("out", told.fields().get("dir"));
    }
}
