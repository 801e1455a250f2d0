package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpApp;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tls.TlsApp;
import synack.exchange.tls.TlsTrust;

/**
 * Every TLS note and transition http-get can tell, from a real TlsApp against an SSLEngine server
 * (the test certificates of packets/src/test/resources/tls), through JsonRenderer and checked
 * against docs/events.schema.json; and the result's tls object, in success and in failure.
 */
class TlsEventSchemaTest {
    static Path tls(String name) {
        return EventSchema.file().getParent().getParent().resolve("packets/src/test/resources/tls/" + name);
    }

    /** A fake TCP under TlsApp: what it sends goes to the server, the server's answers come back whole. */
    static final class Link implements TcpConversation.Control {
        final List<Event> events = new ArrayList<>();
        final Deque<byte[]> toServer = new ArrayDeque<>();
        boolean closed;
        boolean routine;
        long now = 1_700_000_000_000_000L;

        @Override public void send(byte[] data, long t) {
            toServer.add(data);
        }

        @Override public void close(long t) {
            closed = true;
        }

        @Override public void abort(long t, String why) {
            closed = true;
        }

        @Override public void idleIn(long micros, long t) {}

        @Override public void note(String text, long t) {
            events.add(new Event.Note(t, Event.Note.Kind.INFO, text, Map.of()));
        }

        @Override public void note(Event.Note.Kind kind, String text, Map<String, Object> fields, long t) {
            events.add(new Event.Note(t, kind, text, fields));
        }

        @Override public void section(String title, long t) {
            events.add(new Event.Note(t, Event.Note.Kind.SECTION, title, Map.of()));
        }

        @Override public void transition(String subject, String from, String to, String cause, boolean inferred, String why, long t) {
            events.add(new Event.Transition(t, subject, Event.Endpoint.LOCAL, from, to, cause, inferred, why, false));
        }

        @Override public void routineData(boolean on) {
            routine = on;
        }

        @Override public boolean routine() {
            return routine;
        }

        @Override public TcpConnection connection() {
            throw new UnsupportedOperationException();
        }

        void run(TcpApp app, UnaryOperator<byte[]> server) {
            app.established(this, now);
            for (int i = 0; i < 1000 && !toServer.isEmpty(); i++) {
                byte[] answer = server.apply(toServer.poll());
                if (answer.length > 0 && !closed) {
                    now += 100;
                    app.received(this, answer, now);
                }
            }
        }
    }

    /** An SSLEngine server with {@code keystore}'s certificate, answering any request with a short page. */
    static UnaryOperator<byte[]> server(String keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls(keystore))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLEngine e = ctx.createSSLEngine();
        e.setUseClientMode(false);
        javax.net.ssl.SSLParameters p = e.getSSLParameters();
        p.setApplicationProtocols(new String[] {"http/1.1"});
        e.setSSLParameters(p);
        ByteBuffer[] in = {ByteBuffer.allocate(1 << 17)};
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        return data -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in[0].put(data).flip();
            try {
                for (int guard = 0; guard < 200; guard++) {
                    SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
                    if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        Runnable r;
                        while ((r = e.getDelegatedTask()) != null) {
                            r.run();
                        }
                    } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        wrap(e, ByteBuffer.allocate(0), out);
                    } else if (in[0].hasRemaining()) {
                        SSLEngineResult r = e.unwrap(in[0], app);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            break;
                        }
                        if (app.position() > 0) {
                            app.clear();
                            wrap(e, ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII)), out);
                            e.closeOutbound();
                        }
                    } else {
                        break;
                    }
                }
            } catch (SSLException ex) {
                try {
                    wrap(e, ByteBuffer.allocate(0), out); // its alert
                } catch (SSLException ignored) {
                    // none to send
                }
            }
            in[0].compact();
            return out.toByteArray();
        };
    }

    static void wrap(SSLEngine e, ByteBuffer src, ByteArrayOutputStream out) throws SSLException {
        ByteBuffer net = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(src, net);
        net.flip();
        byte[] b = new byte[net.remaining()];
        net.get(b);
        out.writeBytes(b);
    }

    /** The inner application: one request, then close. */
    static final class Get implements TcpApp {
        @Override public void established(TcpConversation.Control c, long now) {
            c.send("GET / HTTP/1.1\r\nHost: www.synack.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII), now);
        }

        @Override public void received(TcpConversation.Control c, byte[] data, long now) {
            c.close(now);
        }
    }

    static String line(Event e) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new JsonRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), "http-get", 1_700_000_000_000_000L).accept(e);
        return b.toString(StandardCharsets.UTF_8).trim();
    }

    static List<Event> story(String keystore, String host, TlsTrust trust, UnaryOperator<byte[]> server, Map<String, Object> result)
            throws Exception {
        Link link = new Link();
        TlsApp app = new TlsApp(new Get(), host, 443, trust);
        link.run(app, server != null ? server : server(keystore));
        result.putAll(app.session().fields());
        return link.events;
    }

    @Test
    void everyTlsNoteAndTransitionIsValid() throws Exception {
        TlsTrust ca = TlsTrust.caFile(tls("ca.pem"));
        List<Event> all = new ArrayList<>();
        Map<String, Object> good = new LinkedHashMap<>();
        all.addAll(story("www.p12", "www.synack.test", ca, null, good));
        all.addAll(story("expired.p12", "expired.synack.test", ca, null, new LinkedHashMap<>()));
        all.addAll(story("wrong.p12", "wrong.synack.test", TlsTrust.insecure(), null, new LinkedHashMap<>()));
        Map<String, Object> alerted = new LinkedHashMap<>();
        all.addAll(story(null, "www.synack.test", ca, data -> new byte[] {0x15, 3, 3, 0, 2, 2, 112}, alerted));
        all.addAll(story(null, "www.synack.test", ca, data -> "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                new LinkedHashMap<>()));
        long tlsNotes = all.stream().filter(e -> e instanceof Event.Note n && "tls".equals(n.fields().get("layer"))).count();
        assertTrue(tlsNotes > 30, "TLS notes told: " + tlsNotes);
        for (Event e : all) {
            EventSchema.assertValid(line(e));
        }
        assertTrue(all.stream().anyMatch(e -> e instanceof Event.Note n && "ClientHello".equals(n.fields().get("message"))));
        // and the schema can fail them: a misspelled key, a wrong type, a layer that is not TLS's
        String record = all.stream().filter(e -> e instanceof Event.Note n && n.fields().containsKey("record_version")).map(e -> line(e))
                .findFirst().orElseThrow();
        for (String bad : List.of(record.replace("\"record_version\"", "\"recordversion\""), record.replace("\"layer\":\"tls\"",
                "\"layer\":\"ssl\""), record.replaceFirst("\"length\":\\d+", "\"length\":\"5\""))) {
            assertTrue(!EventSchema.problems(bad).isEmpty(), "the schema should reject:\n  " + bad);
        }

        // the results: a page over TLS, an untrusted certificate (exit 5), a server's alert (exit 1)
        Map<String, Object> timing = new LinkedHashMap<>(Map.of("namelookup_ms", 0.5, "ttfb_ms", 3.0, "total_ms", 3.5, "mb_per_s", 0.0));
        timing.put("connect_ms", 1.0);
        timing.put("appconnect_ms", 2.0);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("url", "https://www.synack.test/");
        response.put("status", 200);
        response.put("reason", "OK");
        response.put("bytes", 3L);
        response.put("sha256", "a".repeat(64));
        response.put("content_type", null);
        response.put("framing", "length");
        response.put("ttfb_ms", 1.0);
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("status", 200);
        ok.put("reason", "OK");
        ok.put("url", "https://www.synack.test/");
        ok.put("bytes", 3L);
        ok.put("sha256", "a".repeat(64));
        ok.put("timing", timing);
        ok.put("responses", List.of(response));
        ok.put("tls", good);
        ok.put("tcp", "TIME_WAIT over");
        ok.put("ok", true);
        EventSchema.assertValid(line(new Event.Result(0, Verdict.OK, List.of(), null, ok)));
        Map<String, Object> untrusted = new LinkedHashMap<>();
        untrusted.put("ok", false);
        untrusted.put("tls", fields(ca));
        untrusted.put("error", "TLS: the server's certificate was not trusted (unknown_ca): ...");
        String line = line(new Event.Result(0, Verdict.UNTRUSTED, List.of(), null, untrusted));
        EventSchema.assertValid(line);
        assertTrue(line.contains("\"exit\":5"), line);
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("ok", false);
        alert.put("tls", alerted);
        alert.put("error", "TLS: the server sent the alert fatal unrecognized_name (112)");
        EventSchema.assertValid(line(new Event.Result(0, Verdict.NEGATIVE, List.of(), null, alert)));
        assertEquals("alert_received", ((Map<?, ?>) alerted.get("failure")).get("reason"));
    }

    static Map<String, Object> fields(TlsTrust ca) throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        story("stranger.p12", "www.synack.test", ca, null, f);
        return f;
    }
}
