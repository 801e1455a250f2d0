package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Remark;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.exchange.http.HttpApp;
import synack.exchange.http.HttpRequest;
import synack.exchange.http.HttpUrl;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpListener;
import synack.exchange.tcp.TcpState;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * HTTP over TLS over our TCP over an in-memory wire, with a TCP server (our TcpConnection in
 * LISTEN) whose bytes an SSLEngine server reads: the layers together, as http-get runs them.
 */
class TlsOverTcpTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress HOP = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int SERVER_IP = Ip4.parse("198.18.2.2");
    static final long START = 1_700_000_000_000_000L;

    /** TCP on port 443, TLS inside: the server side of the wire. */
    static final class HttpsServer {
        final TlsPair.EngineServer tls;
        private TcpConnection conn;
        private final List<byte[]> out = new ArrayList<>();
        private MacAddress client;
        private int ipId;

        HttpsServer(String[] protocols, byte[] body, boolean close) {
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + (close ? "\r\nConnection: close" : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            response.writeBytes(head);
            response.writeBytes(body);
            tls = new TlsPair.EngineServer("www.p12", protocols, new String[] {"http/1.1"},
                    got -> new String(got, StandardCharsets.ISO_8859_1).contains("\r\n\r\n") ? response.toByteArray() : null);
            tls.closeAfterAnswer = close;
        }

        List<byte[]> answer(ReceivedFrame frame) {
            Frames.Tcp t;
            try {
                t = Frames.parseTcp(frame.bytes());
            } catch (MalformedFrameException e) {
                return List.of();
            }
            if (t == null || t.ip().destination() != SERVER_IP) {
                return List.of();
            }
            client = t.eth().source();
            out.clear();
            long now = frame.timeMicros();
            if (conn == null) {
                conn = new TcpConnection(TcpConnection.Config.defaults(443, t.segment().sourcePort(), 0x2000_0000), new TcpListener() {
                    @Override
                    public long send(TcpSegment segment, Remark remark) {
                        out.add(Frames.tcp(HOP, client, SERVER_IP, US_IP, ipId++, segment));
                        return 0;
                    }

                    @Override
                    public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {}

                    @Override
                    public void note(Event.Note.Kind kind, String text) {}

                    @Override
                    public void delivered(byte[] data) {
                        byte[] answer = tls.receive(data);
                        if (answer.length > 0) {
                            conn.send(answer, now);
                        }
                    }
                });
                conn.listen();
            }
            conn.onSegment(t.segment(), now);
            if (tls.closesNow() && conn.state() == TcpState.ESTABLISHED) {
                conn.close(now);
            }
            if (conn.state() == TcpState.CLOSE_WAIT) {
                conn.close(now);
            }
            return new ArrayList<>(out);
        }
    }

    record Run(List<Event> events, TlsApp tls, HttpApp http, ByteArrayOutputStream body, HttpsServer server) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<Event.Note> tlsNotes() {
            return events.stream().filter(e -> e instanceof Event.Note n && "tls".equals(n.fields().get("layer")))
                    .map(e -> (Event.Note) e).toList();
        }
    }

    static Run run(String[] protocols, byte[] body, boolean serverCloses) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 1_000);
        HttpsServer server = new HttpsServer(protocols, body, serverCloses);
        wire[1].respondWith(server::answer);
        HttpUrl url = HttpUrl.parse("https://www.synack.test/big", true);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        HttpApp http = new HttpApp(List.of(HttpRequest.get(url, false, false, true, List.of())), false, got);
        TlsApp tls = new TlsApp(http, url.host(), url.port(), TlsPair.testCa());
        TcpConversation conv = new TcpConversation(new TcpConversation.Path(US, US_IP, HOP, SERVER_IP, true),
                TcpConnection.Config.defaults(41822, 443, 0x1000_0000).withMsl(100_000), tls, "http-get", 1);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(conv, () -> clock.nowMicros() > START + 60_000_000);
        return new Run(events, tls, http, got, server);
    }

    @Test
    void aPageOverTlsArrivesByteExactAndTheConnectionClosesCleanly() {
        byte[] body = new byte[300_000];
        new Random(11).nextBytes(body);
        for (String[] protocols : List.of(TlsAppTest.TLS13, TlsAppTest.TLS12)) {
            Run r = run(protocols, body, false);
            assertEquals(Verdict.OK, r.result().verdict(), () -> protocols[0] + ": " + r.result());
            assertArrayEquals(body, r.body().toByteArray(), protocols[0]);
            assertEquals(200, r.http().responses().get(0).status());
            assertTrue(r.server().tls.sawCloseNotify(), "our close_notify reached the server");
            assertTrue(r.tls().handshakeDoneAt() > 0);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> tlsResult = (java.util.Map<String, Object>) r.result().fields().get("tls");
            assertEquals(protocols == TlsAppTest.TLS13 ? "TLS 1.3" : "TLS 1.2", tlsResult.get("version"));
            assertEquals(true, tlsResult.get("verified"));
            // the body's records are the routine of the transfer: each a ROUTINE note (text with -v only), and counted
            long told = r.tlsNotes().stream().filter(n -> n.fields().containsKey("plaintext") && n.kind() != Event.Note.Kind.ROUTINE).count();
            long routine = r.tlsNotes().stream().filter(n -> n.fields().containsKey("plaintext") && n.kind() == Event.Note.Kind.ROUTINE).count();
            assertTrue(told <= 1, "application records told at the default verbosity: " + told);
            assertTrue(routine >= body.length / 16_384 - 1, "every other body record is there for -v: " + routine);
            assertTrue((Long) tlsResult.get("records_in") >= body.length / 16_384);
            // the handshake's notes come after the TCP handshake and before the HTTP request
            int connected = indexOf(r.events(), e -> e instanceof Event.Transition t && t.to().equals("CONNECTED"));
            int request = indexOf(r.events(), e -> e instanceof Event.Note n && n.text().startsWith("HTTP request"));
            int established = indexOf(r.events(), e -> e instanceof Event.Transition t && t.to().equals("ESTABLISHED"));
            assertTrue(established < connected && connected < request, established + " " + connected + " " + request);
        }
    }

    @Test
    void aServerThatClosesSaysCloseNotifyAndWeAnswer() {
        byte[] body = "hello over TLS\n".getBytes(StandardCharsets.US_ASCII);
        for (String[] protocols : List.of(TlsAppTest.TLS13, TlsAppTest.TLS12)) {
            Run r = run(protocols, body, true);
            assertEquals(Verdict.OK, r.result().verdict(), () -> protocols[0] + ": " + r.result());
            assertArrayEquals(body, r.body().toByteArray());
            assertTrue(r.tlsNotes().stream().anyMatch(n -> "in".equals(n.fields().get("close_notify"))), "the server's close_notify told");
            assertFalse(r.tlsNotes().stream().anyMatch(n -> Boolean.FALSE.equals(n.fields().get("close_notify"))), "no truncation");
        }
    }

    static int indexOf(List<Event> events, java.util.function.Predicate<Event> p) {
        for (int i = 0; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
