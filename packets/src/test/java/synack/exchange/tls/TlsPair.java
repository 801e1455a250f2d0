package synack.exchange.tls;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import synack.event.Event;
import synack.exchange.tcp.TcpApp;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;

/**
 * An in-memory link for TlsApp: a fake TCP {@link TcpConversation.Control} on our side (it
 * records what we send, the notes and transitions, our FIN), an SSLEngine in server mode on the
 * other, and a cutter deciding how the server's bytes are split into "segments".
 */
public final class TlsPair implements TcpConversation.Control {
    static final long START = 1_700_000_000_000_000L;

    /** What the link saw, in order: our bytes, a FIN, an RST, a note, a transition. */
    sealed interface Seen permits Sent, Fin, Rst, Told, Moved {}

    record Sent(byte[] bytes) implements Seen {}

    record Fin() implements Seen {}

    record Rst() implements Seen {}

    record Told(Event.Note.Kind kind, String text, Map<String, Object> fields) implements Seen {}

    record Moved(String subject, String from, String to, String cause) implements Seen {}

    /** What the server does: its engine, or raw bytes of its own (not TLS, an alert by hand). */
    interface Server {
        /** Our bytes arrive; returns the server's answer bytes (may be empty). */
        byte[] receive(byte[] data);

        /** Our FIN arrived: returns what the server says last (may be empty). */
        default byte[] fin() {
            return new byte[0];
        }

        /** Whether the server closes its side now (its FIN). */
        default boolean closesNow() {
            return false;
        }
    }

    final List<Seen> seen = new ArrayList<>();
    final Deque<byte[]> toServer = new ArrayDeque<>();
    boolean finSent;
    boolean rstSent;
    boolean routine;
    boolean peerFinTold;
    long now = START;

    // ---------------------------------------------------------------- the fake TCP Control

    @Override
    public void send(byte[] data, long t) {
        if (finSent || rstSent) {
            throw new AssertionError("data after our FIN/RST");
        }
        seen.add(new Sent(data.clone()));
        toServer.add(data.clone());
    }

    @Override
    public void close(long t) {
        if (!finSent) {
            finSent = true;
            seen.add(new Fin());
        }
    }

    @Override
    public void abort(long t, String why) {
        rstSent = true;
        seen.add(new Rst());
    }

    @Override
    public void idleIn(long micros, long t) {}

    @Override
    public void note(String text, long t) {
        seen.add(new Told(Event.Note.Kind.INFO, text, Map.of()));
    }

    @Override
    public void note(Event.Note.Kind kind, String text, Map<String, Object> fields, long t) {
        seen.add(new Told(kind, text, fields));
    }

    @Override
    public void section(String title, long t) {
        seen.add(new Told(Event.Note.Kind.SECTION, title, Map.of()));
    }

    @Override
    public void transition(String subject, String from, String to, String cause, boolean inferred, String why, long t) {
        seen.add(new Moved(subject, from, to, cause));
    }

    @Override
    public void routineData(boolean on) {
        routine = on;
    }

    @Override
    public boolean routine() {
        return routine;
    }

    @Override
    public TcpConnection connection() {
        throw new UnsupportedOperationException("no TCP here");
    }

    // ---------------------------------------------------------------- running it

    /**
     * Runs the app against the server until nothing moves: established, then our bytes to the
     * server and its answers back, cut into segments by {@code cut}.
     */
    void run(TcpApp app, Server server, Function<byte[], List<byte[]>> cut) {
        app.established(this, now);
        for (int round = 0; round < 10_000; round++) {
            boolean moved = false;
            while (!toServer.isEmpty()) {
                moved = true;
                byte[] answer = server.receive(toServer.poll());
                deliver(app, answer, cut);
            }
            if (finSent && !peerFinTold) {
                byte[] last = server.fin();
                deliver(app, last, cut);
            }
            if (server.closesNow() && !peerFinTold && !finSent) {
                peerFinTold = true;
                now += 10;
                app.peerFinished(this, now);
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the exchange did not settle");
    }

    private void deliver(TcpApp app, byte[] answer, Function<byte[], List<byte[]>> cut) {
        if (answer.length == 0 || finSent || rstSent) {
            return;
        }
        for (byte[] segment : cut.apply(answer)) {
            now += 10;
            if (finSent || rstSent) {
                return; // we closed: TcpConversation hands the app nothing more
            }
            app.received(this, segment, now);
        }
    }

    static List<byte[]> whole(byte[] b) {
        return List.of(b);
    }

    /** Segments of {@code size} bytes at most. */
    static Function<byte[], List<byte[]>> pieces(int size) {
        return b -> {
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < b.length; i += size) {
                out.add(Arrays.copyOfRange(b, i, Math.min(b.length, i + size)));
            }
            return out;
        };
    }

    // ---------------------------------------------------------------- what was seen

    List<Told> notes() {
        return seen.stream().filter(s -> s instanceof Told).map(s -> (Told) s).toList();
    }

    List<Told> tls(String key) {
        return notes().stream().filter(n -> "tls".equals(n.fields().get("layer")) && n.fields().containsKey(key)).toList();
    }

    Told message(String name) {
        return notes().stream().filter(n -> name.equals(n.fields().get("message"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " told in " + notes()));
    }

    List<String> states() {
        List<String> out = new ArrayList<>();
        for (Seen s : seen) {
            if (s instanceof Moved m) {
                if (out.isEmpty()) {
                    out.add(m.from());
                }
                out.add(m.to());
            }
        }
        return out;
    }

    byte[] sentBytes() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Seen s : seen) {
            if (s instanceof Sent x) {
                o.writeBytes(x.bytes());
            }
        }
        return o.toByteArray();
    }

    /** The records we sent, read back from our bytes. */
    List<TlsRecord> sentRecords() {
        return new RecordStream().feed(sentBytes()).records();
    }

    // ---------------------------------------------------------------- the server side

    public static Path resource(String name) {
        try {
            return Path.of(TlsPair.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    public static TlsTrust testCa() {
        try {
            return TlsTrust.caFile(resource("ca.pem"));
        } catch (TlsTrust.TrustStoreException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * An SSLEngine server presenting {@code keystore}'s chain, speaking {@code protocols}, answering with {@code handler}
     * (null: the plaintext is kept for {@link #takePlaintext}, and the owner answers with {@link #wrapOut}).
     */
    public static final class EngineServer implements Server {
        final SSLEngine engine;

        /** A server that refuses a client without a certificate (TLS 1.3: its alert comes encrypted, after our Finished). */
        public EngineServer requiringClientCertificate() {
            engine.setNeedClientAuth(true);
            return this;
        }

        /** Everything the server decrypted, in order. */
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        final Function<byte[], byte[]> handler;
        SSLException failure;
        boolean closeAfterAnswer;
        private boolean closed;
        private ByteBuffer netIn = ByteBuffer.allocate(1 << 16);
        private ByteBuffer appIn = ByteBuffer.allocate(1 << 16);

        public EngineServer(String keystore, String[] protocols, String[] alpn, Function<byte[], byte[]> handler) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = TlsPair.class.getResourceAsStream("/tls/" + keystore)) {
                    ks.load(in, "changeit".toCharArray());
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, "changeit".toCharArray());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), null, null);
                engine = ctx.createSSLEngine();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            engine.setUseClientMode(false);
            engine.setEnabledProtocols(protocols);
            javax.net.ssl.SSLParameters p = engine.getSSLParameters();
            p.setApplicationProtocols(alpn);
            engine.setSSLParameters(p);
            this.handler = handler;
        }

        /** The plaintext decrypted since the last call (with no handler). */
        public byte[] takePlaintext() {
            byte[] b = pending.toByteArray();
            pending.reset();
            return b;
        }

        /** Our answer, encrypted. */
        public byte[] wrapOut(byte[] plain) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer src = ByteBuffer.wrap(plain);
            try {
                while (src.hasRemaining()) {
                    wrap(src, out);
                }
            } catch (SSLException e) {
                failure = e;
            }
            return out.toByteArray();
        }

        /** Our close_notify. */
        public byte[] closeOut() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine.closeOutbound();
            try {
                while (!engine.isOutboundDone()) {
                    wrap(ByteBuffer.allocate(0), out);
                }
            } catch (SSLException e) {
                failure = e;
            }
            closed = true;
            return out.toByteArray();
        }

        /** Whether the handshake failed, or a record was refused (an alert from the client, say). */
        public boolean failed() {
            return failure != null;
        }

        @Override
        public byte[] receive(byte[] data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (failure != null || closed) {
                return out.toByteArray();
            }
            if (netIn.remaining() < data.length) {
                ByteBuffer b = ByteBuffer.allocate(netIn.capacity() * 2 + data.length);
                netIn.flip();
                b.put(netIn);
                netIn = b;
            }
            netIn.put(data);
            netIn.flip();
            try {
                pump(out);
            } catch (SSLException e) {
                failure = e;
                flush(out);
            }
            netIn.compact();
            return out.toByteArray();
        }

        private void pump(ByteArrayOutputStream out) throws SSLException {
            for (int guard = 0; guard < 10_000; guard++) {
                SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    Runnable r;
                    while ((r = engine.getDelegatedTask()) != null) {
                        r.run();
                    }
                    continue;
                }
                if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    wrap(ByteBuffer.allocate(0), out);
                    if (engine.isOutboundDone()) {
                        return;
                    }
                    continue;
                }
                if (!netIn.hasRemaining()) {
                    return;
                }
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return;
                }
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    ByteBuffer b = ByteBuffer.allocate(appIn.capacity() * 2);
                    appIn.flip();
                    b.put(appIn);
                    appIn = b;
                    continue;
                }
                appIn.flip();
                if (appIn.hasRemaining()) {
                    byte[] plain = new byte[appIn.remaining()];
                    appIn.get(plain);
                    received.writeBytes(plain);
                    pending.writeBytes(plain);
                    byte[] answer = handler == null ? null : handler.apply(pending.toByteArray());
                    if (answer != null) {
                        pending.reset();
                        ByteBuffer src = ByteBuffer.wrap(answer);
                        while (src.hasRemaining()) {
                            wrap(src, out);
                        }
                        if (closeAfterAnswer) {
                            engine.closeOutbound();
                            while (!engine.isOutboundDone()) {
                                wrap(ByteBuffer.allocate(0), out);
                            }
                            closed = true;
                        }
                    }
                }
                appIn.clear();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return;
                }
            }
        }

        private void wrap(ByteBuffer src, ByteArrayOutputStream out) throws SSLException {
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(src, net);
            net.flip();
            byte[] b = new byte[net.remaining()];
            net.get(b);
            out.writeBytes(b);
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable t;
                while ((t = engine.getDelegatedTask()) != null) {
                    t.run();
                }
            }
        }

        /** After a failure: the alert SSLEngine queued. */
        private void flush(ByteArrayOutputStream out) {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                try {
                    wrap(ByteBuffer.allocate(0), out);
                } catch (SSLException | RuntimeException e) {
                    return;
                }
            }
        }

        @Override
        public boolean closesNow() {
            return closed;
        }

        public boolean sawCloseNotify() {
            return engine.isInboundDone();
        }
    }

    /** A client app that sends {@code request} once TLS is up, collects the answer, and closes when {@code expect} bytes are in. */
    static class Collect implements TcpApp {
        final byte[] request;
        final int expect;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean established;
        boolean peerFinished;

        Collect(byte[] request, int expect) {
            this.request = request;
            this.expect = expect;
        }

        @Override
        public void established(TcpConversation.Control c, long now) {
            established = true;
            c.send(request, now);
        }

        @Override
        public void received(TcpConversation.Control c, byte[] data, long now) {
            got.writeBytes(data);
            if (got.size() >= expect) {
                c.close(now);
            }
        }

        @Override
        public void peerFinished(TcpConversation.Control c, long now) {
            peerFinished = true;
            c.close(now);
        }
    }
}
