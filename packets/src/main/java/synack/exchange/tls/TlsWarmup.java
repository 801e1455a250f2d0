package synack.exchange.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
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
 * Whole TLS 1.3 and 1.2 handshakes in memory, once per JVM, before the first real one: TlsApp
 * against an SSLEngine server with a throwaway self-signed key made here. Otherwise the JVM's
 * class loading and first compilation of SSLEngine (key shares, HKDF, AES-GCM, ECDSA) and of our
 * decoders sit inside the handshake we time, and appconnect reads tens of milliseconds that are
 * ours, not the network's (TcpWarmup does the same for TCP). Nothing here touches the wire.
 */
public final class TlsWarmup {
    private static volatile boolean done;
    private static int completed;

    private static Thread background;

    private TlsWarmup() {}

    /** Starts the warm-up on a thread of its own (the capture opens meanwhile); {@link #await} joins it. */
    public static synchronized void start() {
        if (!done && background == null) {
            background = new Thread(TlsWarmup::run, "tls-warm-up");
            background.setDaemon(true);
            background.start();
        }
    }

    /** Waits for a started warm-up to end (2 s at most: past that the real handshake goes on regardless). */
    public static void await() {
        Thread t;
        synchronized (TlsWarmup.class) {
            t = background;
        }
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static synchronized void run() {
        if (done) {
            return;
        }
        done = true;
        try {
            SSLContext server = serverContext();
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                if (handshake(server, protocol)) {
                    completed++;
                }
            }
        } catch (GeneralSecurityException | SSLException | RuntimeException e) {
            // a warm-up that cannot run costs only time: the real handshake is not touched by it
        }
    }

    /** How many of the warm-up's handshakes went all the way: connected, a request answered, closed (2 when it ran). */
    static synchronized int completed() {
        return completed;
    }

    /** One handshake, a request and its answer, our close_notify; true when all of it happened. */
    private static boolean handshake(SSLContext serverContext, String protocol) throws SSLException {
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setEnabledProtocols(new String[] {protocol});
        Quiet link = new Quiet();
        TcpApp inner = new TcpApp() {
            @Override
            public void established(TcpConversation.Control c, long now) {
                c.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), now);
            }

            @Override
            public void received(TcpConversation.Control c, byte[] data, long now) {
                c.close(now);
            }
        };
        TlsApp app = new TlsApp(inner, "warm-up.invalid", 443, TlsTrust.insecure());
        app.established(link, 1);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        ByteBuffer plain = ByteBuffer.allocate(1 << 16);
        for (int round = 0; round < 64 && !link.toServer.isEmpty() && !link.closed; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (!link.toServer.isEmpty()) {
                in.put(link.toServer.poll());
            }
            in.flip();
            for (int guard = 0; guard < 64; guard++) {
                SSLEngineResult.HandshakeStatus hs = server.getHandshakeStatus();
                if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    Runnable t;
                    while ((t = server.getDelegatedTask()) != null) {
                        t.run();
                    }
                } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    wrap(server, ByteBuffer.allocate(0), out);
                } else if (in.hasRemaining()) {
                    SSLEngineResult r = server.unwrap(in, plain);
                    if (r.getStatus() != SSLEngineResult.Status.OK) {
                        break;
                    }
                    if (plain.position() > 0) {
                        plain.clear();
                        wrap(server, ByteBuffer.wrap("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), out);
                    }
                } else {
                    break;
                }
            }
            in.compact();
            if (out.size() > 0) {
                app.received(link, out.toByteArray(), 2);
            }
        }
        return app.handshakeDoneAt() >= 0 && app.failure() == null && link.closed;
    }

    private static void wrap(SSLEngine e, ByteBuffer src, ByteArrayOutputStream out) throws SSLException {
        ByteBuffer net = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(src, net);
        net.flip();
        byte[] b = new byte[net.remaining()];
        net.get(b);
        out.writeBytes(b);
    }

    /** A server context with a fresh P-256 key and a self-signed certificate for it. */
    private static SSLContext serverContext() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        Certificate cert = selfSigned(pair);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        char[] pw = "warm-up".toCharArray();
        ks.setKeyEntry("warm-up", pair.getPrivate(), pw, new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** An X.509 v1 certificate, DER by hand (the JDK has no public builder): CN=warm-up.invalid, 2025 to 2049. */
    private static Certificate selfSigned(KeyPair pair) throws GeneralSecurityException {
        byte[] ecdsaSha256 = der(0x30, der(0x06, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02}));
        byte[] name = der(0x30, der(0x31, der(0x30, cat(der(0x06, new byte[] {0x55, 0x04, 0x03}),
                der(0x0c, "warm-up.invalid".getBytes(StandardCharsets.US_ASCII))))));
        byte[] validity = der(0x30, cat(der(0x17, "250101000000Z".getBytes(StandardCharsets.US_ASCII)),
                der(0x17, "491231235959Z".getBytes(StandardCharsets.US_ASCII))));
        byte[] tbs = der(0x30, cat(der(0x02, new byte[] {1}), ecdsaSha256, name, validity, name, pair.getPublic().getEncoded()));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bits = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bits, 1, sig.length);
        byte[] cert = der(0x30, cat(tbs, ecdsaSha256, der(0x03, bits)));
        return CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(cert));
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(tag);
        int n = content.length;
        if (n < 0x80) {
            o.write(n);
        } else if (n < 0x100) {
            o.write(0x81);
            o.write(n);
        } else {
            o.write(0x82);
            o.write(n >> 8);
            o.write(n);
        }
        o.writeBytes(content);
        return o.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** The warm-up's TCP: bytes to the server, nothing told. */
    private static final class Quiet implements TcpConversation.Control {
        final Deque<byte[]> toServer = new ArrayDeque<>();
        boolean closed;

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

        @Override public void note(String text, long t) {}

        @Override public void note(Event.Note.Kind kind, String text, Map<String, Object> fields, long t) {}

        @Override public void section(String title, long t) {}

        @Override public void transition(String subject, String from, String to, String cause, boolean inferred, String why, long t) {}

        @Override public void routineData(boolean on) {}

        @Override public boolean routine() {
            return false;
        }

        @Override public TcpConnection connection() {
            throw new UnsupportedOperationException("no TCP in a warm-up");
        }
    }
}
