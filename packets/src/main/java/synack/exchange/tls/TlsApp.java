package synack.exchange.tls;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.tcp.TcpApp;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;

/**
 * TLS over our own TCP: the JDK's SSLEngine does the cryptography, we carry its bytes and tell
 * what they are. Wraps an application ({@link synack.exchange.http.HttpApp}): once the handshake
 * is done it is started with a {@link TcpConversation.Control} whose send() encrypts and whose
 * close() sends close_notify before our FIN. Every record is read from the raw bytes both ways
 * (type, version, length; the plaintext handshake messages decoded), so the story is the wire's;
 * what only SSLEngine can see (TLS 1.3's encrypted handshake) is told as what it reports.
 */
public final class TlsApp implements TcpApp {
    /** How long the server may take to answer a handshake flight. */
    static final long HANDSHAKE_IDLE_MICROS = 30_000_000;
    static final String SUBJECT = "tls client";
    static final String ALPN = "http/1.1";

    private enum Dir {
        IN("in", "←"), OUT("out", "→");

        final String json;
        final String arrow;

        Dir(String json, String arrow) {
            this.json = json;
            this.arrow = arrow;
        }
    }

    private final TcpApp inner;
    private final String host;
    private final TlsTrust trust;
    private final SSLEngine engine;
    private final TlsVerifier verifier;
    private final Wrapped wrapped = new Wrapped();
    private final RecordStream inRecords = new RecordStream();
    private final RecordStream outRecords = new RecordStream();
    private final HandshakeReader inHandshake = new HandshakeReader();
    private final HandshakeReader outHandshake = new HandshakeReader();
    private TcpConversation.Control outer;
    private ByteBuffer appIn;
    private final java.io.ByteArrayOutputStream decrypted = new java.io.ByteArrayOutputStream();
    private ByteBuffer netOut;
    private TlsState state = TlsState.START;
    private int version; // from the ServerHello's bytes; 0 until then
    private int suite = -1;
    private boolean inEncrypted; // the server's ChangeCipherSpec came (TLS 1.2): its records are encrypted from there on
    private boolean outEncrypted;
    private List<CertificateSummary> chain = List.of();
    private String matchedSan;
    private boolean verified;
    private TlsAlert peerAlert;
    private TlsFailure failure;
    private long handshakeStartedAt = -1;
    private long handshakeDoneAt = -1;
    private boolean innerEstablished;
    private boolean closeNotifySent;
    private boolean peerCloseNotify;
    private boolean totalsTold;
    private long now;
    private long recordsIn;
    private long recordsOut;
    private long appRecordsIn;
    private long appRecordsOut;
    private long plaintextIn;
    private long plaintextOut;
    private long quietRecords; // application data records not told one by one (bulk transfer)
    private long sendRecords; // the records of the application's send() in progress
    private TlsRecord untold; // an application data record handed to SSLEngine, told once it says what it held
    private boolean refusing; // telling the record SSLEngine refused

    /**
     * @param host the URL's host: sent as SNI (unless an address literal) and matched against the
     *             certificate's SANs
     */
    public TlsApp(TcpApp inner, String host, int port, TlsTrust trust) {
        this.inner = inner;
        this.host = host;
        this.trust = trust;
        this.verifier = new TlsVerifier(trust, host, this::verification);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // a context of its own: no session is resumed from another connection, so every handshake is whole and checked
            ctx.init(null, new TrustManager[] {verifier}, null);
            engine = ctx.createSSLEngine(peerName(host), port);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS: " + e, e);
        }
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        p.setApplicationProtocols(new String[] {ALPN});
        SNIHostName sni = serverName(host);
        p.setServerNames(sni == null ? List.of() : List.of(sni));
        p.setEndpointIdentificationAlgorithm(null); // the host name is checked by us (TlsVerifier), with a typed outcome
        engine.setSSLParameters(p);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** The name SSLEngine is given for the peer: one trailing dot stripped (a DNS root, not part of the name, as curl does). */
    static String peerName(String host) {
        return host.endsWith(".") && host.length() > 1 ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * The SNI a host is sent as: null for an address literal (RFC 6066 3: no literals), else the
     * name without its trailing dot.
     *
     * @throws IllegalArgumentException when no SNI host_name can carry it (a label over 63 octets,
     *                                  a character outside LDH): the caller says whose name it was
     */
    public static SNIHostName serverName(String host) {
        if (HostNames.isAddress(host)) {
            return null;
        }
        try {
            return new SNIHostName(peerName(host));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + host + "' cannot be sent as a TLS server name (SNI wants LDH labels of 1-63 octets)");
        }
    }

    // ---------------------------------------------------------------- TcpApp

    @Override
    public void established(TcpConversation.Control c, long t) {
        outer = c;
        now = t;
        handshakeStartedAt = t;
        c.section("TLS handshake with " + host, t);
        if (trust.isInsecure()) {
            c.note(Event.Note.Kind.WARNING, "--insecure: the server's certificate chain and name will NOT be checked;"
                    + " anyone on the path could be answering", Map.of("layer", "tls", "insecure", true), t);
        } else {
            c.note(Event.Note.Kind.INFO, "trusting " + trust.describe(), Map.of("layer", "tls", "trust", trust.source().name()
                    .toLowerCase(java.util.Locale.ROOT)), t);
        }
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            handshakeError(e);
            return;
        }
        drive();
        if (failure == null) {
            c.idleIn(HANDSHAKE_IDLE_MICROS, t);
        }
    }

    @Override
    public void received(TcpConversation.Control c, byte[] data, long t) {
        now = t;
        if (failure != null) {
            c.note(data.length + " bytes after the TLS failure: ignored", t);
            return;
        }
        RecordStream.Chunk chunk = inRecords.feed(data);
        for (TlsRecord r : chunk.records()) {
            if (failure != null) {
                return;
            }
            recordsIn++;
            inbound(r);
        }
        if (chunk.garbage().length > 0 && failure == null) {
            notTls(chunk.garbage());
        }
        if (failure == null && !innerEstablished) {
            c.idleIn(HANDSHAKE_IDLE_MICROS, t);
        }
    }

    @Override
    public void peerFinished(TcpConversation.Control c, long t) {
        now = t;
        if (innerEstablished) {
            if (!peerCloseNotify) {
                note("the server closed TCP without a close_notify first: what came before it is all we have"
                        + " (RFC 8446 6.1: a truncation looks just like this)", Map.of("close_notify", false));
            }
            inner.peerFinished(wrapped, t);
            return;
        }
        if (failure == null) {
            fail(new TlsFailure(TlsFailure.Reason.HANDSHAKE_FAILED, "the server closed the connection during the TLS handshake"
                    + (peerAlert != null ? " after the alert " + peerAlert : ""), peerAlert));
        }
        c.note("the server closed first: we answer with our own FIN (passive close)", t);
        c.close(t);
    }

    @Override
    public void idle(TcpConversation.Control c, long t) {
        now = t;
        if (innerEstablished) {
            inner.idle(wrapped, t);
            return;
        }
        if (failure == null) {
            fail(new TlsFailure(TlsFailure.Reason.HANDSHAKE_FAILED, "no answer to the TLS handshake within "
                    + Durations.human(HANDSHAKE_IDLE_MICROS), null));
        }
        c.close(t);
    }

    @Override
    public boolean satisfied() {
        return failure == null && innerEstablished && inner.satisfied();
    }

    @Override
    public void describe(Map<String, Object> fields, List<String> lines) {
        fields.put("tls", session().fields());
        if (failure != null) {
            lines.add("TLS: " + failure.detail());
        }
        inner.describe(fields, lines);
    }

    // ---------------------------------------------------------------- what the journey reads

    /** What was negotiated, the chain, the failure; handshakeDoneAt is -1 until the handshake finished. */
    public TlsSession session() {
        String protocol = handshakeDoneAt >= 0 ? engine.getSession().getProtocol() : version != 0 ? TlsNames.version(version) : null;
        String cipher = handshakeDoneAt >= 0 ? engine.getSession().getCipherSuite() : suite >= 0 ? TlsNames.cipherSuite(suite) : null;
        String alpn = handshakeDoneAt >= 0 ? engine.getApplicationProtocol() : null;
        return new TlsSession(host, protocol == null ? null : protocol.replace("TLSv", "TLS "), cipher,
                alpn == null || alpn.isEmpty() ? null : alpn, chain, matchedSan, verified, trust.isInsecure(), failure,
                handshakeStartedAt, handshakeDoneAt, recordsIn, recordsOut, plaintextIn, plaintextOut);
    }

    /** When the handshake finished (our stamp; curl's appconnect), or -1. */
    public long handshakeDoneAt() {
        return handshakeDoneAt;
    }

    public TlsFailure failure() {
        return failure;
    }

    public TlsState state() {
        return state;
    }

    // ---------------------------------------------------------------- driving SSLEngine

    /** Runs what the handshake asks next: its tasks inline, its flights out. */
    private void drive() {
        for (int guard = 0; guard < 64 && failure == null; guard++) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                if (!wrap(ByteBuffer.allocate(0))) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** One wrap: what it made goes out on TCP; false when it made nothing. */
    private boolean wrap(ByteBuffer src) {
        while (true) {
            SSLEngineResult r;
            try {
                r = engine.wrap(src, netOut);
            } catch (SSLException e) {
                handshakeError(e);
                return false;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                continue;
            }
            netOut.flip();
            byte[] bytes = new byte[netOut.remaining()];
            netOut.get(bytes);
            netOut.clear();
            if (bytes.length > 0) {
                sendOut(bytes, r.bytesConsumed());
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                handshakeFinished();
            } else if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            return bytes.length > 0 || r.bytesConsumed() > 0;
        }
    }

    /**
     * One whole record from the server: told from its bytes, then handed to SSLEngine; an
     * application data record is told once SSLEngine has said what it held, before the
     * application is handed its plaintext.
     */
    private void inbound(TlsRecord record) {
        boolean appData = record.type() == TlsNames.APPLICATION_DATA && handshakeDoneAt >= 0;
        if (!appData) {
            tellRecord(Dir.IN, record);
        }
        boolean wasInboundDone = engine.isInboundDone();
        untold = appData ? record : null;
        unwrap(ByteBuffer.wrap(record.wire()));
        untold = null;
        if (failure != null) {
            return;
        }
        boolean closed = !wasInboundDone && engine.isInboundDone();
        byte[] plain = decrypted.toByteArray();
        decrypted.reset();
        if (appData) {
            if (closed) {
                tellRecord(Dir.IN, record);
            } else if (plain.length == 0 && version == TlsNames.TLS13) {
                tellRecord(Dir.IN, record, "no application data in it: a post-handshake message (NewSessionTicket/KeyUpdate),"
                        + " taken by SSLEngine", Map.of("post_handshake", true));
            } else if (plain.length == 0) {
                tellRecord(Dir.IN, record, "no application data in it (an empty record), taken by SSLEngine", Map.of());
            } else {
                appRecordsIn++;
                if (outer.routine()) {
                    quietRecords++;
                }
                tellRecord(Dir.IN, record, plain.length + " bytes of application data decrypted", Map.of("plaintext", plain.length),
                        outer.routine());
            }
        }
        if (plain.length > 0) {
            plaintextIn += plain.length;
            if (innerEstablished && !closeNotifySent) {
                inner.received(wrapped, plain, now);
            } else if (!innerEstablished) {
                note(plain.length + " bytes of application data before the handshake finished: ignored", Map.of());
            }
        }
        if (closed && failure == null) {
            peerClosed();
        }
        if (failure == null) {
            drive();
        }
    }

    private void unwrap(ByteBuffer src) {
        int guard = 0;
        while (src.hasRemaining() && failure == null && guard++ < 64) {
            SSLEngineResult r;
            try {
                r = engine.unwrap(src, appIn);
            } catch (SSLException e) {
                handshakeError(e);
                return;
            }
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    continue;
                }
                case BUFFER_UNDERFLOW -> {
                    // cannot happen with a whole record; said rather than looped on
                    note("SSLEngine wanted more bytes than a whole record holds: " + src.remaining() + " left unread", Map.of());
                    return;
                }
                default -> { }
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                handshakeFinished();
            }
            deliver();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
            drive();
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && engine.getHandshakeStatus()
                    != SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                return;
            }
        }
    }

    /** Plaintext SSLEngine decrypted: kept until the record it came in is told. */
    private void deliver() {
        appIn.flip();
        if (appIn.hasRemaining()) {
            byte[] plain = new byte[appIn.remaining()];
            appIn.get(plain);
            decrypted.writeBytes(plain);
        }
        appIn.clear();
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    /** Ciphertext SSLEngine made: told record by record from its bytes, then sent. */
    private void sendOut(byte[] bytes, int plaintextConsumed) {
        RecordStream.Chunk chunk = outRecords.feed(bytes);
        boolean appData = handshakeDoneAt >= 0 && plaintextConsumed > 0;
        for (TlsRecord r : chunk.records()) {
            recordsOut++;
            if (appData && r.type() == TlsNames.APPLICATION_DATA) {
                appRecordsOut++;
                if (outer.routine() || sendRecords++ > 0) {
                    // the routine of a transfer, or a large send's records after its first: counted, told with -v
                    quietRecords++;
                    tellRecord(Dir.OUT, r, null, Map.of(), true);
                    continue;
                }
            }
            tellRecord(Dir.OUT, r);
        }
        if (appData) {
            plaintextOut += plaintextConsumed;
        }
        outer.send(bytes, now);
    }

    // ---------------------------------------------------------------- the handshake's milestones

    private void handshakeFinished() {
        if (handshakeDoneAt >= 0) {
            return;
        }
        handshakeDoneAt = now;
        move(TlsState.CONNECTED, version == TlsNames.TLS13 ? "CertificateVerify and Finished checked by SSLEngine, our Finished sent"
                : "the server's Finished checked by SSLEngine", version == TlsNames.TLS13,
                "RFC 8446 4.4.4 / RFC 5246 7.4.9: Finished proves both sides saw the same handshake and hold the same keys");
        String protocol = engine.getSession().getProtocol();
        String cipher = engine.getSession().getCipherSuite();
        String alpn = engine.getApplicationProtocol();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("handshake", "done");
        f.put("version", protocol.replace("TLSv", "TLS "));
        f.put("cipher", cipher);
        f.put("alpn", alpn == null || alpn.isEmpty() ? null : alpn);
        f.put("verified", verified);
        f.put("handshake_ms", Durations.msValue(now - handshakeStartedAt));
        note("TLS handshake done in " + Durations.ms(now - handshakeStartedAt) + ": SSLEngine reports "
                + protocol.replace("TLSv", "TLS ") + ", " + cipher + ", ALPN " + (alpn == null || alpn.isEmpty()
                        ? "none (the server chose no protocol: HTTP/1.1 all the same)" : alpn)
                + ", " + (trust.isInsecure() ? "certificate NOT verified (--insecure)"
                        : "certificate verified" + (matchedSan == null ? "" : " (" + matchedSan + " matched " + host + ")")), f);
        innerEstablished = true;
        inner.established(wrapped, now);
    }

    /** The verifier was handed the server's chain (inside SSLEngine's processing of the Certificate message). */
    private void verification(TlsVerifier.Outcome o) {
        List<CertificateSummary> summaries = new ArrayList<>();
        for (X509Certificate c : o.chain()) {
            summaries.add(CertificateSummary.of(c));
        }
        chain = List.copyOf(summaries);
        matchedSan = o.matchedSan();
        verified = o.failure() == null && !o.insecure();
        if (version == TlsNames.TLS13) {
            move(TlsState.WAIT_CV, "EncryptedExtensions and Certificate, decrypted by SSLEngine", true,
                    "RFC 8446 A.1: after EncryptedExtensions the server's Certificate (no CertificateRequest: we offer no client certificate)");
            note(chainText("the server's Certificate, as SSLEngine decrypted it", chain), chainFields(chain));
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("verified", verified);
        f.put("matched", matchedSan);
        f.put("insecure", o.insecure());
        if (o.failure() != null) {
            f.put("failure", o.failure().fields());
        }
        String text;
        if (o.insecure()) {
            text = "certificate NOT checked (--insecure): " + (matchedSan == null ? "no SAN names " + host + ", accepted anyway"
                    : matchedSan + " would match " + host);
        } else if (o.failure() == null) {
            text = "certificate trusted: the chain leads to " + trust.describe() + "; " + matchedSan + " matches " + host
                    + (matchedSan.startsWith(HostNames.COMMON_NAME) ? " (the subject's common name: the certificate has no DNS name"
                            + " in its subjectAltName, so it is looked at, as curl does; RFC 6125 6.4.4)" : "");
        } else {
            text = "certificate refused (" + o.failure().reason().jsonName() + "): " + o.failure().detail();
        }
        // -k is told loudly (a warning, shown even with -q); a refusal is the result's own line, here a step of the story
        outer.note(o.insecure() ? Event.Note.Kind.WARNING : Event.Note.Kind.INFO, text, tls(f), now);
    }

    private void peerClosed() {
        peerCloseNotify = true;
        note("the server's close_notify: it will send no more (SSLEngine's inbound is done)", Map.of("close_notify", "in"));
    }

    /** SSLEngine refused the handshake (or a record): the reason from what we know as types, its alert out, then FIN. */
    private void handshakeError(SSLException e) {
        if (failure != null) {
            return;
        }
        if (untold != null) {
            // the record it threw on is told all the same, before the failure it led to
            TlsRecord r = untold;
            untold = null;
            refusing = true;
            tellRecord(Dir.IN, r, "an encrypted record SSLEngine refused; in TLS 1.3 alerts are encrypted", Map.of());
            refusing = false;
        }
        TlsVerifier.Outcome v = verifier.outcome();
        TlsFailure f;
        if (handshakeDoneAt >= 0) {
            f = new TlsFailure(TlsFailure.Reason.AFTER_HANDSHAKE, "after the handshake, SSLEngine refused a record from the server"
                    + (version == TlsNames.TLS13 ? " (in TLS 1.3 a fatal alert is encrypted: a server that requires a client"
                            + " certificate ends this way)" : "") + ": " + e.getMessage(), peerAlert != null && peerAlert.fatal() ? peerAlert : null);
        } else if (v != null && v.failure() != null) {
            f = v.failure();
        } else if (peerAlert != null && peerAlert.fatal()) {
            f = new TlsFailure(TlsFailure.Reason.ALERT_RECEIVED, "the server sent the alert " + peerAlert, peerAlert);
        } else if (inRecords.broken()) {
            f = new TlsFailure(TlsFailure.Reason.NOT_TLS, "the server does not speak TLS on this port", null);
        } else {
            f = new TlsFailure(TlsFailure.Reason.HANDSHAKE_FAILED, "SSLEngine: " + e.getMessage(), null);
        }
        failure = f;
        // SSLEngine has queued its alert: send it before our FIN
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            try {
                SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), netOut);
                netOut.flip();
                byte[] bytes = new byte[netOut.remaining()];
                netOut.get(bytes);
                netOut.clear();
                if (bytes.length == 0) {
                    break;
                }
                sendOut(bytes, 0);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            } catch (SSLException | RuntimeException again) {
                break;
            }
        }
        told(f);
        outer.close(now);
    }

    /** A failure found by us (not by SSLEngine): the engine is closed without a word on the wire. */
    private void fail(TlsFailure f) {
        failure = f;
        engine.closeOutbound();
        told(f);
    }

    private void told(TlsFailure f) {
        move(TlsState.CLOSED, f.reason().jsonName(), false, null);
        Map<String, Object> fields = new LinkedHashMap<>(f.fields());
        outer.note(Event.Note.Kind.INFO, "TLS failed (" + f.reason().jsonName() + "): " + f.detail(), tls(fields), now);
        tellTotals();
    }

    /** Bytes that are not TLS records: said, then handed to SSLEngine as they are, to fail as it fails. */
    private void notTls(byte[] garbage) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(32, garbage.length); i++) {
            int ch = garbage[i] & 0xff;
            shown.append(ch >= 0x20 && ch < 0x7f ? String.valueOf((char) ch) : ch == '\r' ? "\\r" : ch == '\n' ? "\\n" : ".");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dir", "in");
        f.put("not_tls", true);
        f.put("bytes", garbage.length);
        f.put("first_bytes", shown.toString());
        note(Dir.IN.arrow + " " + garbage.length + " bytes that are not a TLS record (type " + (garbage[0] & 0xff)
                + " is no content type" + (garbage.length > 1 ? ", version major " + (garbage[1] & 0xff) : "") + "): \""
                + shown + (garbage.length > 32 ? "…" : "") + "\"", f);
        unwrap(ByteBuffer.wrap(garbage));
        if (failure == null) {
            // SSLEngine said nothing of them (not seen as a record yet): the connection cannot go on all the same
            failure = new TlsFailure(TlsFailure.Reason.NOT_TLS, "the server does not speak TLS on this port", null);
            engine.closeOutbound();
            told(failure);
            outer.close(now);
        }
    }

    private void tellTotals() {
        if (totalsTold || recordsIn + recordsOut == 0) {
            return;
        }
        totalsTold = true;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("records_in", recordsIn);
        f.put("records_out", recordsOut);
        f.put("application_records_in", appRecordsIn);
        f.put("application_records_out", appRecordsOut);
        f.put("application_bytes_in", plaintextIn);
        f.put("application_bytes_out", plaintextOut);
        note("TLS records: " + recordsIn + " in, " + recordsOut + " out; application data " + appRecordsIn + " record"
                + (appRecordsIn == 1 ? "" : "s") + " ("
                + plaintextIn + " bytes) in, " + appRecordsOut + " (" + plaintextOut + " bytes) out"
                + (quietRecords > 0 ? "; " + quietRecords + " of them, the routine of the transfer, told only with -v" : ""), f);
    }

    // ---------------------------------------------------------------- telling records

    private void tellRecord(Dir dir, TlsRecord r) {
        tellRecord(dir, r, null, Map.of(), false);
    }

    private void tellRecord(Dir dir, TlsRecord r, String engineSays, Map<String, Object> extra) {
        tellRecord(dir, r, engineSays, extra, false);
    }

    /** One record: its header from the bytes, and what is in it (decoded when it is plaintext). */
    /** @param routine the routine of a transfer: told only with -v (always in JSON) */
    private void tellRecord(Dir dir, TlsRecord r, String engineSays, Map<String, Object> extra, boolean routine) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dir", dir.json);
        f.put("record", TlsNames.contentType(r.type()));
        f.put("record_version", TlsNames.version(r.version()));
        f.put("length", r.length());
        boolean encrypted = dir == Dir.IN ? inEncrypted : outEncrypted;
        String what;
        List<Runnable> after = new ArrayList<>();
        switch (r.type()) {
            case TlsNames.HANDSHAKE -> {
                if (encrypted) {
                    f.put("encrypted", true);
                    what = handshakeDoneAt >= 0 ? "encrypted handshake message (renegotiation: SSLEngine reads it)"
                            : "encrypted handshake message (Finished, under the keys just agreed)";
                } else {
                    List<HandshakeReader.Message> msgs = (dir == Dir.IN ? inHandshake : outHandshake).feed(r.fragment());
                    List<String> names = new ArrayList<>();
                    for (HandshakeReader.Message m : msgs) {
                        names.add(m.name());
                        after.add(() -> handshakeMessage(dir, m));
                    }
                    int held = (dir == Dir.IN ? inHandshake : outHandshake).pendingBytes();
                    f.put("messages", names);
                    what = (names.isEmpty() ? "" : String.join(", ", names))
                            + (held > 0 ? (names.isEmpty() ? "" : ", and ") + "part of a message (" + held + " bytes so far)" : "");
                }
            }
            case TlsNames.CHANGE_CIPHER_SPEC -> {
                if (version >= TlsNames.TLS13) {
                    what = "ChangeCipherSpec: no meaning in TLS 1.3, sent for middleboxes (RFC 8446 D.4)";
                } else if (version == 0) {
                    what = "ChangeCipherSpec before any ServerHello: no version agreed yet, nothing changes";
                } else { // only below TLS 1.3 does it switch its sender's records to the new keys
                    what = "ChangeCipherSpec: " + (dir == Dir.IN ? "the server's" : "our") + " records are encrypted from here on";
                    after.add(() -> {
                        if (dir == Dir.IN) {
                            inEncrypted = true;
                            if (state == TlsState.WAIT_CCS) {
                                move(TlsState.WAIT_SERVER_FINISHED, "the server's ChangeCipherSpec", false, null);
                            }
                        } else {
                            outEncrypted = true;
                        }
                    });
                }
            }
            case TlsNames.ALERT -> {
                if (!encrypted && r.length() == 2) {
                    TlsAlert a = new TlsAlert(r.fragment()[0] & 0xff, r.fragment()[1] & 0xff);
                    f.put("alert", a.fields());
                    what = "alert " + a + (dir == Dir.IN ? " from the server" : " from us");
                    if (dir == Dir.IN) {
                        peerAlert = a;
                        if (a.closeNotify()) {
                            peerCloseNotify = true;
                        }
                    }
                } else {
                    f.put("encrypted", true);
                    what = "encrypted alert" + (dir == Dir.OUT && failure == null && peerCloseNotify
                            ? ": our close_notify, answering the server's" + (closeNotifySent ? "" : " (SSLEngine's own reply)")
                            : dir == Dir.OUT && closeNotifySent && failure == null ? ": our close_notify" : "");
                    if (dir == Dir.OUT && failure == null && (peerCloseNotify || closeNotifySent)) {
                        f.put("close_notify", "out"); // ours, whether first or the answer
                    }
                }
            }
            case TlsNames.APPLICATION_DATA -> {
                f.put("encrypted", true);
                if (refusing) {
                    what = engineSays;
                } else if (handshakeDoneAt < 0 && version == TlsNames.TLS13 && failure == null) {
                    what = dir == Dir.IN
                            ? "encrypted handshake (TLS 1.3: EncryptedExtensions, Certificate, CertificateVerify, Finished travel"
                                    + " under the handshake keys; only SSLEngine reads them)"
                            : "encrypted handshake (TLS 1.3: our Finished)";
                } else if (failure != null && dir == Dir.OUT) {
                    what = "encrypted alert (TLS 1.3 encrypts alerts after ServerHello): SSLEngine's answer to the failure";
                } else if (dir == Dir.OUT && (closeNotifySent || peerCloseNotify)) {
                    what = peerCloseNotify ? "our close_notify, answering the server's (an alert, encrypted in TLS 1.3)"
                            : "our close_notify (an alert, encrypted in TLS 1.3)";
                    f.put("close_notify", "out"); // ours, whether first or the answer
                } else if (dir == Dir.IN && engine.isInboundDone()) {
                    what = "the server's close_notify (an alert, encrypted in TLS 1.3)";
                } else {
                    what = engineSays != null ? engineSays : "application data (encrypted)";
                }
            }
            default -> what = "";
        }
        f.putAll(extra);
        String text = "TLS " + dir.arrow + " " + TlsNames.contentType(r.type()) + " record, legacy version " + TlsNames.version(r.version())
                + ", " + r.length() + (r.length() == 1 ? " byte" : " bytes") + (what.isEmpty() ? "" : ": " + what);
        outer.note(routine ? Event.Note.Kind.ROUTINE : Event.Note.Kind.INFO, text, tls(f), now);
        for (Runnable a : after) {
            a.run();
        }
    }

    /** A plaintext handshake message decoded from its bytes, and the state it moves us to. */
    private void handshakeMessage(Dir dir, HandshakeReader.Message m) {
        try {
            switch (m.type()) {
                case TlsNames.CLIENT_HELLO -> {
                    if (dir == Dir.OUT) {
                        Hellos.ClientHello ch = Hellos.clientHello(m.body());
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("message", "ClientHello");
                        f.putAll(ch.fields());
                        note(ch.text(), f);
                        move(TlsState.WAIT_SH, state == TlsState.WAIT_SH ? "second ClientHello sent, with the key share asked for"
                                : "ClientHello sent", false, "RFC 8446 A.1: START -> WAIT_SH on sending ClientHello");
                    }
                }
                case TlsNames.SERVER_HELLO -> {
                    Hellos.ServerHello sh = Hellos.serverHello(m.body());
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("message", sh.helloRetry() ? "HelloRetryRequest" : "ServerHello");
                    f.putAll(sh.fields());
                    note(sh.text(), f);
                    if (sh.helloRetry()) {
                        version = sh.version(); // its supported_versions: TLS 1.3 from here (the CCS that follows is the middleboxes')
                        move(TlsState.WAIT_SH, "HelloRetryRequest: the server wants another key share", false, null);
                        return;
                    }
                    version = sh.version();
                    suite = sh.suite();
                    if (version == TlsNames.TLS13) {
                        move(TlsState.WAIT_EE, "ServerHello: TLS 1.3, the handshake keys are derived; the rest is encrypted", false,
                                "RFC 8446 A.1: WAIT_SH -> WAIT_EE on ServerHello (K_recv = handshake)");
                    } else {
                        move(TlsState.WAIT_CERT, "ServerHello: " + TlsNames.version(version), false,
                                "RFC 5246 7.3: a full handshake; the server's Certificate comes next");
                    }
                }
                case TlsNames.CERTIFICATE -> {
                    List<CertificateSummary> certs = certificates(m.body());
                    note(chainText("Certificate (decoded from the server's bytes, plaintext in TLS 1.2)", certs), chainFields(certs));
                    String name = TlsNames.cipherSuite(suite);
                    move(name.contains("_ECDHE_") || name.contains("_DHE_") ? TlsState.WAIT_SKE : TlsState.WAIT_SHD,
                            "Certificate: " + certs.size() + " certificate" + (certs.size() == 1 ? "" : "s"), false, null);
                }
                case TlsNames.SERVER_KEY_EXCHANGE -> {
                    Hellos.ServerKeyExchange ske = Hellos.serverKeyExchange(m.body(), TlsNames.cipherSuite(suite).contains("_ECDHE_"));
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("message", "ServerKeyExchange");
                    f.putAll(ske.fields());
                    note(ske.text(), f);
                    move(TlsState.WAIT_SHD, "ServerKeyExchange", false, null);
                }
                case TlsNames.CERTIFICATE_REQUEST -> note("CertificateRequest: the server asks for a client certificate; we have none"
                        + " to give (an empty Certificate answers it)", Map.of("message", "CertificateRequest"));
                case TlsNames.SERVER_HELLO_DONE -> move(TlsState.WAIT_CCS, "ServerHelloDone", false,
                        "RFC 5246 7.4.5: the server's flight is over; our ClientKeyExchange, ChangeCipherSpec and Finished follow");
                case TlsNames.CLIENT_KEY_EXCHANGE -> note("ClientKeyExchange: our " + (TlsNames.cipherSuite(suite).contains("_ECDHE_")
                        ? "ECDHE public value" : "key exchange value") + ", " + m.body().length + " bytes",
                        Map.of("message", "ClientKeyExchange"));
                default -> { }
            }
        } catch (WireReader.Malformed e) {
            note("malformed " + m.name() + ": " + e.getMessage(), Map.of("malformed", m.name()));
        }
    }

    private static List<CertificateSummary> certificates(byte[] body) throws WireReader.Malformed {
        WireReader r = new WireReader(body);
        WireReader list = r.vector(3, "certificate_list");
        List<CertificateSummary> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (list.remaining() > 0) {
                WireReader c = list.vector(3, "certificate");
                byte[] der = c.bytes(c.remaining(), "certificate");
                out.add(CertificateSummary.of((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der))));
            }
        } catch (CertificateException e) {
            throw new WireReader.Malformed("certificate " + (out.size() + 1) + " is not X.509 DER");
        }
        return out;
    }

    private String chainText(String title, List<CertificateSummary> certs) {
        StringBuilder sb = new StringBuilder(title + ": " + certs.size() + " certificate" + (certs.size() == 1 ? "" : "s"));
        for (int i = 0; i < certs.size(); i++) {
            CertificateSummary c = certs.get(i);
            sb.append("\n  ").append(i).append(i == 0 ? " (the server's)" : "").append(" subject ").append(c.subject());
            sb.append("\n      issuer  ").append(c.issuer());
            sb.append("\n      valid   ").append(c.notBefore()).append(" to ").append(c.notAfter());
            if (!c.sans().isEmpty()) {
                sb.append("\n      SAN     ").append(String.join(", ", c.sans()));
            }
            if (i == 0) {
                String m = certs == chain ? matchedSan : null;
                sb.append("\n      name    ").append(certs == chain ? (m == null ? "no SAN names " + host : m + " matches " + host)
                        : "checked against " + host + " below");
            }
        }
        return sb.toString();
    }

    private Map<String, Object> chainFields(List<CertificateSummary> certs) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("message", "Certificate");
        List<Map<String, Object>> list = new ArrayList<>();
        for (CertificateSummary c : certs) {
            list.add(c.fields());
        }
        f.put("chain", list);
        return f;
    }

    private void move(TlsState to, String cause, boolean inferred, String why) {
        if (to == state && to != TlsState.WAIT_SH) {
            return;
        }
        TlsState from = state;
        state = to;
        outer.transition(SUBJECT, from.name(), to.name(), cause, inferred, why, now);
    }

    private void note(String text, Map<String, Object> fields) {
        outer.note(Event.Note.Kind.INFO, text, tls(fields), now);
    }

    private static Map<String, Object> tls(Map<String, Object> fields) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", "tls");
        f.putAll(fields);
        return f;
    }

    // ---------------------------------------------------------------- what the application is handed

    /** The application's Control: send() encrypts, close() says close_notify before our FIN, the rest is TCP's. */
    private final class Wrapped implements TcpConversation.Control {
        @Override
        public void send(byte[] data, long t) {
            now = t;
            if (closeNotifySent || failure != null) {
                notSent(data.length, data.length, closeNotifySent ? "our close_notify is sent" : "TLS failed");
                return;
            }
            ByteBuffer src = ByteBuffer.wrap(data);
            sendRecords = 0;
            long before = recordsOut;
            while (src.hasRemaining() && failure == null) {
                if (!wrap(src)) {
                    break;
                }
            }
            if (src.hasRemaining()) {
                notSent(src.remaining(), data.length, failure != null ? "TLS failed" : engine.isOutboundDone()
                        ? "SSLEngine's outbound is closed (it answered the server's close_notify)" : "SSLEngine made no record of them");
            }
            long more = recordsOut - before - 1;
            if (more > 0 && !outer.routine()) {
                TlsApp.this.note("… and " + more + " more application_data record" + (more == 1 ? "" : "s") + " for the rest of these "
                        + data.length + " bytes (up to 16 KiB of plaintext each)", Map.of("dir", "out", "more_records", more));
            }
        }

        /** Application bytes that will not leave: said, never dropped in silence. */
        private void notSent(int left, int of, String why) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("dir", "out");
            f.put("bytes", left);
            outer.note(Event.Note.Kind.WARNING, left + " of the application's " + of + " bytes not sent: " + why, tls(f), now);
        }

        @Override
        public void close(long t) {
            now = t;
            if (!closeNotifySent && failure == null) {
                closeNotifySent = true;
                boolean answered = engine.isOutboundDone(); // SSLEngine answered the server's close_notify itself (TLS 1.2)
                engine.closeOutbound();
                outer.routineData(false); // the close_notify's segment is no routine: it is told with the FIN after it
                if (peerCloseNotify) {
                    TlsApp.this.note(answered ? "the server's close_notify was answered with ours (SSLEngine's reply); then our FIN"
                            : "answering the server's close_notify with ours, then our FIN", Map.of("close_notify", "out"));
                } else {
                    TlsApp.this.note("we close TLS first: close_notify, then our FIN", Map.of("close_notify", "out"));
                }
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    if (!wrap(ByteBuffer.allocate(0))) {
                        break;
                    }
                }
                outer.close(t); // the FIN right behind it; the story's telling after
                move(TlsState.CLOSED, "close_notify sent", false, "RFC 8446 6.1: close_notify before closing the write side");
                tellTotals();
                return;
            }
            tellTotals();
            outer.close(t);
        }

        @Override
        public void abort(long t, String why) {
            tellTotals();
            outer.abort(t, why);
        }

        @Override
        public void idleIn(long micros, long t) {
            outer.idleIn(micros, t);
        }

        @Override
        public void note(String text, long t) {
            outer.note(text, t);
        }

        @Override
        public void note(Event.Note.Kind kind, String text, Map<String, Object> fields, long t) {
            outer.note(kind, text, fields, t);
        }

        @Override
        public void section(String title, long t) {
            outer.section(title, t);
        }

        @Override
        public void transition(String subject, String from, String to, String cause, boolean inferred, String why, long t) {
            outer.transition(subject, from, to, cause, inferred, why, t);
        }

        @Override
        public void routineData(boolean on) {
            outer.routineData(on);
        }

        @Override
        public boolean routine() {
            return outer.routine();
        }

        @Override
        public TcpConnection connection() {
            return outer.connection();
        }
    }
}
