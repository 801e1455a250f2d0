package synack.explain;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.event.EventSink;
import synack.exchange.tls.CertificateSummary;
import synack.exchange.tls.Hellos;
import synack.exchange.tls.TlsAlert;
import synack.exchange.tls.TlsNames;
import synack.exchange.tls.WireReader;

/**
 * TLS told from a captured connection's two ordered byte streams, as far as it is in the clear:
 * each side's records (type, legacy version, length), the handshake messages before encryption
 * decoded from their bytes (ClientHello, ServerHello and HelloRetryRequest; in TLS 1.2 the
 * Certificate, ServerKeyExchange, ServerHelloDone), ChangeCipherSpec, alerts in the clear by
 * name. What is encrypted is said to be, and what it must (or probably) be, never read.
 * Application data is counted per side, not told record by record.
 */
public final class TlsStreamListener implements StreamListener {
    /** An encrypted record this short at the very end of a side's stream is probably an alert (2 bytes + AEAD overhead). */
    static final int ALERT_SIZED = 2 + 1 + 16 + 13;

    /** What is known of one side. */
    private final class Direction {
        final Side side;
        final TlsRecordReader records;
        final TlsHandshakeReader handshake;
        boolean encrypted; // its records are under keys (TLS 1.2: after its ChangeCipherSpec; 1.3: after ServerHello)
        boolean finished; // its Finished went (encrypted)
        boolean ended;
        int recordCount;
        long recordBytes;
        long applicationRecords;
        long applicationBytes;
        long missingBytes; // bytes of its stream the capture does not hold
        boolean applicationTold;
        long lastFrame;
        /** A short encrypted record not yet counted: if the side's stream ends after it, it was probably an alert. */
        int alertCandidateType = -1;
        int alertCandidateLength;
        long alertCandidateFrame;
        /** The handshake messages the record in hand completed. */
        final List<Message> read = new ArrayList<>();

        Direction(Side side) {
            this.side = side;
            this.records = new TlsRecordReader(new TlsRecordReader.Handler() {
                @Override
                public void record(int type, int version, int length, byte[] fragment, long missing, long timeMicros, long frame) {
                    TlsStreamListener.this.record(Direction.this, type, version, length, fragment, missing, timeMicros, frame);
                }

                @Override
                public void notTls(byte[] first, int n, long timeMicros, long frame) {
                    TlsStreamListener.this.notTls(Direction.this, first, n, timeMicros, frame);
                }

                @Override
                public void lostSync(long missing, long timeMicros, long frame) {
                    Map<String, Object> f = fields(Direction.this, frame);
                    f.put("missing_bytes", missing);
                    note(Event.Note.Kind.WARNING, timeMicros, "TLS " + arrow(Direction.this) + ": " + missing + " bytes missing from the"
                            + " capture across a record's end: where the next record begins is unknown, the side is not read further", f);
                }
            });
            this.handshake = new TlsHandshakeReader(new TlsHandshakeReader.Handler() {
                @Override
                public void message(int type, byte[] body) {
                    read.add(new Message(type, body)); // decoded after the record's own note
                }

                @Override
                public void skipped(int type, int length) {
                    Map<String, Object> f = fields(Direction.this, current);
                    f.put("malformed", TlsNames.handshakeType(type));
                    f.put("bytes", length);
                    note(Event.Note.Kind.WARNING, now, "TLS " + arrow(Direction.this) + ": a " + TlsNames.handshakeType(type) + " of "
                            + length + " bytes, longer than synack holds (" + TlsHandshakeReader.MAX_MESSAGE + "): not decoded", f);
                }
            });
        }
    }

    private record Message(int type, byte[] body) {}

    private final int stream;
    private final EventSink sink;
    private final Direction a = new Direction(Side.A);
    private final Direction b = new Direction(Side.B);
    private int version; // the version ServerHello chose (0: none yet)
    private int suite = -1;
    private boolean helloRetry;
    private String sni;
    private String alpn; // the protocol ServerHello chose (TLS 1.2; 1.3 says it in the encrypted EncryptedExtensions)
    private long clientHelloMicros = -1;
    private long doneMicros = -1;
    private boolean summarised;
    // the record being told: its time and frame, for the notes of the messages inside it
    private long now;
    private long current;

    public TlsStreamListener(int stream, EventSink sink) {
        this.stream = stream;
        this.sink = sink;
    }

    private Direction of(Side side) {
        return side == Side.A ? a : b;
    }

    @Override
    public void bytes(Side from, long timeMicros, long frameNumber, byte[] data, int offset, int length) {
        Direction d = of(from);
        d.lastFrame = frameNumber;
        d.records.feed(data, offset, length, timeMicros, frameNumber);
    }

    @Override
    public void gap(Side from, long timeMicros, long missing) {
        Direction d = of(from);
        d.missingBytes += missing;
        d.records.gap(missing, timeMicros, d.lastFrame);
    }

    @Override
    public void end(Side from, long timeMicros, boolean reset) {
        Direction d = of(from);
        d.ended = true;
        closed(d, timeMicros);
        if (reset) {
            Direction o = d == a ? b : a;
            o.ended = true;
            closed(o, timeMicros);
        }
        if (a.ended && b.ended) {
            summary(timeMicros);
        }
    }

    @Override
    public void captureEnded(long timeMicros) {
        for (Direction d : List.of(a, b)) {
            if (!d.ended) {
                settleAlertCandidate(d, false, timeMicros);
                int pending = d.records.pendingBytes();
                if (pending > 0 && !d.records.stopped()) {
                    Map<String, Object> f = fields(d, d.lastFrame);
                    f.put("bytes", pending);
                    note(Event.Note.Kind.INFO, timeMicros, "TLS " + arrow(d) + ": the capture ended inside a record (" + pending
                            + " bytes of it)", f);
                }
            }
        }
        summary(timeMicros);
    }

    /** The side closed: a short encrypted record just before is probably its close_notify; a record begun is cut. */
    private void closed(Direction d, long timeMicros) {
        settleAlertCandidate(d, true, timeMicros);
        int pending = d.records.pendingBytes();
        if (pending > 0 && !d.records.stopped()) {
            Map<String, Object> f = fields(d, d.lastFrame);
            f.put("bytes", pending);
            note(Event.Note.Kind.WARNING, timeMicros, "TLS " + arrow(d) + ": the stream closed inside a record (" + pending + " bytes of "
                    + (d.records.pendingLength() > 0 ? d.records.pendingLength() + 5 : 5) + ")", f);
        }
    }

    // ---------------------------------------------------------------- records

    private void record(Direction d, int type, int recordVersion, int length, byte[] fragment, long missing, long timeMicros, long frame) {
        now = timeMicros;
        current = frame;
        settleAlertCandidate(d, false, timeMicros);
        d.recordCount++;
        d.recordBytes += length + 5;
        if (type == TlsNames.APPLICATION_DATA) {
            applicationData(d, recordVersion, length, timeMicros, frame);
            return;
        }
        if (type == TlsNames.ALERT && d.encrypted) {
            // TLS 1.2: an alert under the keys, its level and description unreadable; decided when the side goes on or ends
            holdAlertCandidate(d, type, length, frame);
            return;
        }
        Map<String, Object> f = fields(d, frame);
        f.put("record", TlsNames.contentType(type));
        f.put("record_version", TlsNames.version(recordVersion));
        f.put("length", length);
        if (missing > 0) {
            f.put("missing_bytes", missing);
        }
        String what;
        List<Runnable> after = new ArrayList<>();
        switch (type) {
            case TlsNames.HANDSHAKE -> {
                if (d.encrypted) {
                    f.put("encrypted", true);
                    what = d.finished ? "encrypted handshake message (a renegotiation or post-handshake message: not readable)"
                            : "encrypted handshake message: its Finished, the first record under the new keys (RFC 5246 §7.4.9)";
                    after.add(() -> finished(d));
                } else if (missing > 0) {
                    d.handshake.reset();
                    what = "plaintext handshake, but " + missing + " of its bytes are not in the capture: its messages are not read";
                } else {
                    d.read.clear();
                    d.handshake.feed(fragment, 0, length);
                    List<String> names = new ArrayList<>();
                    List<Message> messages = List.copyOf(d.read);
                    for (Message m : messages) {
                        names.add(TlsNames.handshakeType(m.type()));
                        after.add(() -> handshakeMessage(d, m.type(), m.body()));
                    }
                    f.put("messages", names);
                    int held = d.handshake.pendingBytes();
                    what = String.join(", ", names) + (held > 0 ? (names.isEmpty() ? "" : ", and ") + "part of a message ("
                            + held + " bytes so far)" : "");
                }
            }
            case TlsNames.CHANGE_CIPHER_SPEC -> {
                f.put("changes_keys", version != 0 && version < TlsNames.TLS13);
                if (version == TlsNames.TLS13 || (version == 0 && helloRetry)) {
                    what = "ChangeCipherSpec: no meaning in TLS 1.3, sent for middleboxes (RFC 8446 §D.4)";
                } else if (version == 0) {
                    what = "ChangeCipherSpec before any ServerHello: no version agreed yet, nothing changes";
                } else {
                    what = "ChangeCipherSpec: " + side(d) + " records are encrypted from here on";
                    d.encrypted = true;
                }
            }
            case TlsNames.ALERT -> {
                if (length == 2 && missing == 0) {
                    TlsAlert alert = new TlsAlert(fragment[0] & 0xff, fragment[1] & 0xff);
                    f.put("alert", alert.fields());
                    what = "alert " + alert + " from " + d.side + (alert.closeNotify() ? ": it closes its side of the session"
                            : alert.fatal() ? ": the connection ends with it" : "");
                } else {
                    f.put("encrypted", true);
                    what = "an alert of " + length + " bytes, not the 2 of a plaintext one: not readable";
                }
            }
            default -> what = "heartbeat (RFC 6520)";
        }
        boolean fatal = type == TlsNames.ALERT && length == 2 && missing == 0 && (fragment[0] & 0xff) == 2;
        note(fatal || missing > 0 ? Event.Note.Kind.WARNING : Event.Note.Kind.INFO, timeMicros, "TLS " + arrow(d) + " "
                + TlsNames.contentType(type) + " record, legacy version " + TlsNames.version(recordVersion) + ", " + length
                + (length == 1 ? " byte" : " bytes") + (what.isEmpty() ? "" : ": " + what), f);
        for (Runnable r : after) {
            r.run();
        }
    }

    /** An application_data record: in TLS 1.3 the encrypted handshake first, then the application's bytes, counted. */
    private void applicationData(Direction d, int recordVersion, int length, long timeMicros, long frame) {
        if (version == TlsNames.TLS13 && doneMicros < 0) {
            Map<String, Object> f = fields(d, frame);
            f.put("record", TlsNames.contentType(TlsNames.APPLICATION_DATA));
            f.put("record_version", TlsNames.version(recordVersion));
            f.put("length", length);
            f.put("encrypted", true);
            f.put("encrypted_handshake", true);
            String what;
            if (d == b) {
                what = "encrypted handshake (TLS 1.3: EncryptedExtensions, Certificate, CertificateVerify and Finished travel under"
                        + " the handshake keys, not readable here)";
            } else {
                what = "encrypted handshake: A's Finished (TLS 1.3; after a Certificate and CertificateVerify of its own if the"
                        + " server asked for one)";
                d.encrypted = true;
            }
            note(Event.Note.Kind.INFO, timeMicros, "TLS " + arrow(d) + " application_data record, legacy version "
                    + TlsNames.version(recordVersion) + ", " + length + " bytes: " + what, f);
            if (d == a) {
                b.finished = true; // B's Finished ended its flight, before A's
                finished(d);
            }
            return;
        }
        if (length <= ALERT_SIZED && (version == TlsNames.TLS13 || version == 0)) {
            holdAlertCandidate(d, TlsNames.APPLICATION_DATA, length, frame);
            return;
        }
        countApplication(d, length, timeMicros, frame);
    }

    private void countApplication(Direction d, int length, long timeMicros, long frame) {
        d.applicationRecords++;
        d.applicationBytes += length;
        if (!d.applicationTold) {
            d.applicationTold = true;
            Map<String, Object> f = fields(d, frame);
            f.put("record", TlsNames.contentType(TlsNames.APPLICATION_DATA));
            f.put("length", length);
            f.put("encrypted", true);
            note(Event.Note.Kind.INFO, timeMicros, "TLS " + arrow(d) + ": application data begins (encrypted, " + length + " bytes in this"
                    + " first record); its records are counted, not told one by one" + (doneMicros < 0 ? " — no handshake was seen"
                    + " to end before it (the capture may have begun mid-connection)" : version == TlsNames.TLS13 && d == b
                    ? " (in TLS 1.3 the server's first ones are often NewSessionTicket messages, encrypted like the rest)" : ""), f);
        }
    }

    private void holdAlertCandidate(Direction d, int type, int length, long frame) {
        d.alertCandidateType = type;
        d.alertCandidateLength = length;
        d.alertCandidateFrame = frame;
    }

    /** The short encrypted record held back: {@code atEnd} (the side's stream ended right after it) makes it probably close_notify. */
    private void settleAlertCandidate(Direction d, boolean atEnd, long timeMicros) {
        if (d.alertCandidateType < 0) {
            return;
        }
        int type = d.alertCandidateType;
        d.alertCandidateType = -1;
        boolean alertType = type == TlsNames.ALERT;
        if (!alertType && !atEnd) {
            countApplication(d, d.alertCandidateLength, timeMicros, d.alertCandidateFrame);
            return;
        }
        Map<String, Object> f = fields(d, d.alertCandidateFrame);
        f.put("record", TlsNames.contentType(type));
        f.put("length", d.alertCandidateLength);
        f.put("encrypted", true);
        if (atEnd) {
            f.put("probably", "close_notify");
        }
        String text = "TLS " + arrow(d) + " " + TlsNames.contentType(type) + " record, " + d.alertCandidateLength + " bytes: "
                + (alertType ? "an encrypted alert" : "an encrypted record the size of an alert")
                + (atEnd ? ", the last before " + d.side + " closed: probably its close_notify (the contents cannot be read)"
                        : ": its level and description cannot be read; the connection went on, so probably a warning");
        note(Event.Note.Kind.INFO, timeMicros, text, f); // told when settled: the frame field says which record
    }

    private void notTls(Direction d, byte[] first, int n, long timeMicros, long frame) {
        Map<String, Object> f = fields(d, frame);
        f.put("not_tls", true);
        f.put("first_bytes", printable(first, n));
        note(Event.Note.Kind.WARNING, timeMicros, "TLS " + arrow(d) + ": these bytes are not a TLS record header (\"" + printable(first, n)
                + "\"): " + d.side + "'s stream is not read as TLS from here on", f);
    }

    private static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- handshake messages

    private void handshakeMessage(Direction d, int type, byte[] body) {
        try {
            switch (type) {
                case TlsNames.CLIENT_HELLO -> clientHello(d, Hellos.clientHello(body));
                case TlsNames.SERVER_HELLO -> serverHello(d, Hellos.serverHello(body));
                case TlsNames.CERTIFICATE -> certificate(d, body);
                case TlsNames.SERVER_KEY_EXCHANGE -> {
                    String name = TlsNames.cipherSuite(suite);
                    boolean ecdhe = name.contains("ECDHE") || (!name.contains("DHE") && body.length > 0 && body[0] == 3);
                    Hellos.ServerKeyExchange ske = Hellos.serverKeyExchange(body, ecdhe);
                    Map<String, Object> f = fields(d, current);
                    f.put("message", "ServerKeyExchange");
                    f.putAll(ske.fields());
                    note(Event.Note.Kind.INFO, now, ske.text(), f);
                }
                case TlsNames.SERVER_HELLO_DONE -> message(d, "ServerHelloDone", "ServerHelloDone: the server's flight is over; the"
                        + " client's key exchange, ChangeCipherSpec and Finished follow (RFC 5246 §7.4.5)");
                case TlsNames.CLIENT_KEY_EXCHANGE -> message(d, "ClientKeyExchange", "ClientKeyExchange: the client's key exchange value, "
                        + body.length + " bytes");
                case TlsNames.CERTIFICATE_REQUEST -> message(d, "CertificateRequest", "CertificateRequest: the server asks for a client"
                        + " certificate");
                case TlsNames.NEW_SESSION_TICKET -> message(d, "NewSessionTicket", "NewSessionTicket: a ticket to resume the session later,"
                        + " " + body.length + " bytes");
                default -> { }
            }
        } catch (WireReader.Malformed e) {
            Map<String, Object> f = fields(d, current);
            f.put("malformed", TlsNames.handshakeType(type));
            note(Event.Note.Kind.WARNING, now, "TLS " + arrow(d) + ": a malformed " + TlsNames.handshakeType(type) + " (" + e.getMessage()
                    + ")", f);
        }
    }

    private void message(Direction d, String name, String text) {
        Map<String, Object> f = fields(d, current);
        f.put("message", name);
        note(Event.Note.Kind.INFO, now, text, f);
    }

    private void clientHello(Direction d, Hellos.ClientHello ch) {
        if (clientHelloMicros < 0) {
            clientHelloMicros = now;
        }
        sni = ch.sni();
        Map<String, Object> f = fields(d, current);
        f.put("message", "ClientHello");
        f.putAll(ch.fields());
        String text = "ClientHello from " + d.side + " (decoded from its bytes):"
                + "\n  server name (SNI)   " + (ch.sni() == null ? "none" : ch.sni())
                + "\n  ALPN                " + (ch.alpn().isEmpty() ? "none" : String.join(", ", ch.alpn()))
                + "\n  versions offered    " + (ch.versions().isEmpty() ? TlsNames.version(ch.legacyVersion()) + " (legacy_version only)"
                        : String.join(", ", names(ch.versions(), TlsNames::version)) + " (supported_versions)")
                + "\n  cipher suites (" + ch.suites().size() + ") " + String.join(", ", names(ch.suites(), TlsNames::cipherSuite))
                + "\n  groups              " + String.join(", ", names(ch.groups(), TlsNames::group))
                + "\n  key shares          " + (ch.keyShares().isEmpty() ? "none" : String.join(", ", names(ch.keyShares(), TlsNames::group)));
        note(Event.Note.Kind.INFO, now, text, f);
    }

    private void serverHello(Direction d, Hellos.ServerHello sh) {
        Map<String, Object> f = fields(d, current);
        f.put("message", sh.helloRetry() ? "HelloRetryRequest" : "ServerHello");
        f.putAll(sh.fields());
        if (sh.helloRetry()) {
            helloRetry = true;
            note(Event.Note.Kind.INFO, now, "HelloRetryRequest from " + d.side + " (a ServerHello with the special random, RFC 8446"
                    + " §4.1.4): " + TlsNames.version(sh.version()) + ", " + TlsNames.cipherSuite(sh.suite())
                    + (sh.keyShareGroup() == null ? "" : "; it asks for a key share of " + TlsNames.group(sh.keyShareGroup()))
                    + ": a second ClientHello follows", f);
            return;
        }
        version = sh.version();
        suite = sh.suite();
        if (sh.alpn() != null) {
            alpn = sh.alpn();
        }
        note(Event.Note.Kind.INFO, now, "ServerHello from " + d.side + " (decoded from its bytes): " + TlsNames.version(version)
                + (sh.selectedVersion() != null ? " (supported_versions)" : " (legacy_version)") + ", " + TlsNames.cipherSuite(suite)
                + (sh.keyShareGroup() == null ? "" : ", key share " + TlsNames.group(sh.keyShareGroup()))
                + (sh.alpn() == null ? "" : ", ALPN " + sh.alpn()), f);
        if (version == TlsNames.TLS13) {
            d.encrypted = true; // the server's next records are under the handshake keys
            Map<String, Object> g = fields(d, current);
            g.put("encrypted", true);
            g.put("must_follow", List.of("EncryptedExtensions", "Certificate", "CertificateVerify", "Finished"));
            note(Event.Note.Kind.INFO, now, "TLS 1.3: everything after ServerHello is encrypted. B's next records must carry"
                    + " EncryptedExtensions, Certificate and CertificateVerify (unless a pre-shared key resumes the session), then"
                    + " Finished; A answers with its Finished. None of it can be read from the capture", g);
        }
    }

    private void certificate(Direction d, byte[] body) throws WireReader.Malformed {
        WireReader r = new WireReader(body);
        WireReader list = r.vector(3, "certificate_list");
        List<CertificateSummary> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (list.remaining() > 0) {
                WireReader c = list.vector(3, "certificate");
                byte[] der = c.bytes(c.remaining(), "certificate");
                certs.add(CertificateSummary.of((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der))));
            }
        } catch (CertificateException | RuntimeException e) {
            Map<String, Object> f = fields(d, current);
            f.put("malformed", "Certificate");
            note(Event.Note.Kind.WARNING, now, "TLS " + arrow(d) + ": Certificate: certificate " + (certs.size() + 1)
                    + " of the list is not X.509 DER", f);
            return;
        }
        Map<String, Object> f = fields(d, current);
        f.put("message", "Certificate");
        List<Map<String, Object>> chain = new ArrayList<>();
        StringBuilder sb = new StringBuilder("Certificate from " + d.side + " (in the clear in TLS 1.2): " + certs.size() + " certificate"
                + (certs.size() == 1 ? "" : "s"));
        for (int i = 0; i < certs.size(); i++) {
            CertificateSummary c = certs.get(i);
            chain.add(c.fields());
            sb.append("\n  ").append(i).append(i == 0 ? " (the server's)" : "").append(" subject ").append(c.subject());
            sb.append("\n      issuer  ").append(c.issuer());
            sb.append("\n      valid   ").append(c.notBefore()).append(" to ").append(c.notAfter());
            if (!c.sans().isEmpty()) {
                sb.append("\n      SAN     ").append(String.join(", ", c.sans()));
            }
        }
        f.put("chain", chain);
        note(Event.Note.Kind.INFO, now, sb.toString(), f);
    }

    /** {@code d} sent its Finished: when both have, the handshake is over. */
    private void finished(Direction d) {
        d.finished = true;
        if (a.finished && b.finished && doneMicros < 0) {
            doneMicros = now;
            Map<String, Object> f = fields(d, current);
            f.put("handshake", "done");
            f.put("version", TlsNames.version(version));
            f.put("cipher_suite", TlsNames.cipherSuite(suite));
            f.put("sni", sni);
            f.put("alpn", alpn);
            if (clientHelloMicros >= 0) {
                f.put("handshake_ms", Durations.msValue(doneMicros - clientHelloMicros));
            }
            note(Event.Note.Kind.INFO, now, "TLS handshake over (both Finished seen, encrypted): " + TlsNames.version(version) + ", "
                    + TlsNames.cipherSuite(suite) + (clientHelloMicros >= 0 ? ", " + Durations.ms(doneMicros - clientHelloMicros)
                    + " from ClientHello" : ""), f);
        }
    }

    // ---------------------------------------------------------------- the close

    /** Once, when both sides are over or the capture is: each side's records and application bytes. */
    private void summary(long timeMicros) {
        if (summarised) {
            return;
        }
        summarised = true;
        Map<String, Object> f = fields(null, Math.max(a.lastFrame, b.lastFrame));
        f.put("handshake", doneMicros >= 0 ? "done" : "incomplete");
        f.put("version", version == 0 ? null : TlsNames.version(version));
        f.put("cipher_suite", suite < 0 ? null : TlsNames.cipherSuite(suite));
        f.put("sni", sni);
        f.put("records_a", a.recordCount);
        f.put("records_b", b.recordCount);
        f.put("application_records_a", a.applicationRecords);
        f.put("application_records_b", b.applicationRecords);
        f.put("application_bytes_a", a.applicationBytes);
        f.put("application_bytes_b", b.applicationBytes);
        if (a.missingBytes + b.missingBytes > 0) {
            f.put("missing_a", a.missingBytes);
            f.put("missing_b", b.missingBytes);
        }
        note(Event.Note.Kind.INFO, timeMicros, "TLS totals: A sent " + a.recordCount + " records (" + a.applicationRecords
                + " of application data, " + a.applicationBytes + " bytes), B " + b.recordCount + " (" + b.applicationRecords
                + ", " + b.applicationBytes + " bytes)" + (a.missingBytes + b.missingBytes > 0 ? "; " + (a.missingBytes + b.missingBytes)
                + " bytes are not in the capture" : "") + (doneMicros >= 0 ? "" : "; the handshake was not seen to end"), f);
    }

    // ---------------------------------------------------------------- words and fields

    private static String arrow(Direction d) {
        return d.side == Side.A ? "A→B" : "B→A";
    }

    private static String side(Direction d) {
        return d.side + "'s";
    }

    private static List<String> names(List<Integer> codes, java.util.function.IntFunction<String> name) {
        List<String> out = new ArrayList<>();
        for (int c : codes) {
            out.add(name.apply(c));
        }
        return out;
    }

    /** The fields every note of this layer carries ({@code d} null: the connection as a whole). */
    private Map<String, Object> fields(Direction d, long frame) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", "tls");
        f.put("stream", stream);
        if (d != null) {
            f.put("side", d.side.name());
        }
        if (frame > 0) { // 0: no frame of its own (told at a close, or at the capture's end)
            f.put("frame", frame);
        }
        return f;
    }

    private void note(Event.Note.Kind kind, long timeMicros, String text, Map<String, Object> fields) {
        sink.accept(new Event.Note(timeMicros, kind, text, fields));
    }
}
