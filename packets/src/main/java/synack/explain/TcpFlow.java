package synack.explain;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.capture.DecodedFrame;
import synack.event.Event;
import synack.event.Remark;
import synack.exchange.tcp.TcpState;
import synack.wire.ChecksumStatus;
import synack.wire.IpAddress;
import synack.wire.Seq;
import synack.wire.TcpSegment;

/**
 * One TCP connection seen from the capture point, as an observer of both ends: each segment's
 * sequence analysis (Wireshark's tcp_analyze_sequence_number(), its conditions and precedence),
 * the RFC 9293 state of each end as the wire shows it, the seq/ack arithmetic of the frame's
 * remark, and each side's bytes put in order for the application layer.
 *
 * <p>A state an end's own segment proves (its SYN, its ACK of the other's FIN) is told as shown;
 * a state the other end enters when that segment arrives is told inferred. Events are collected in
 * the list {@link #segment} is given; the owner emits the frame first, then them, then calls
 * {@link #deliver} for the application layer.
 */
final class TcpFlow {
    /** The state name a mid-stream capture starts from: the handshake was not seen. */
    static final String UNKNOWN = "UNKNOWN";

    static final String WHY_SYN_SENT = "the SYN carries its initial sequence number (ISN) and takes one sequence number itself;"
            + " it now waits for the other's SYN and the ACK of its own";
    static final String WHY_SYN_RECEIVED = "it answers the SYN with its own SYN and the ACK of the other's (ack = ISN + 1)";
    static final String WHY_ESTABLISHED = "both SYNs are acknowledged: each side knows the other's ISN, so data can flow";
    static final String WHY_FIN_WAIT_1 = "it has no more data: its FIN takes one sequence number and waits for its ACK";
    static final String WHY_FIN_WAIT_2 = "its FIN is acknowledged; the other side may still send data until it sends its own FIN";
    static final String WHY_CLOSE_WAIT = "the other side has finished sending (its FIN takes one sequence number, so ack = FIN + 1);"
            + " this side may still send, then close";
    static final String WHY_LAST_ACK = "its FIN follows the other's: when its ACK arrives the connection is gone";
    static final String WHY_CLOSING = "both sides sent FIN before either saw the other's: each waits for the ACK of its own";
    static final String WHY_TIME_WAIT = "both FINs are acknowledged; it waits 2MSL so that a lost last ACK can be sent again"
            + " and old duplicates die out before the ports are reused";
    static final String WHY_CLOSED_LAST_ACK = "the ACK of its FIN ends LAST_ACK: nothing is left of the connection";
    static final String WHY_RESET = "a RST in the window drops the connection at once, without the close handshake";
    static final String WHY_REFUSED = "no socket listened on the port, so its kernel answered the SYN with a RST"
            + " (the LISTEN was assumed)";

    private static final TcpFinding[] FINDINGS = TcpFinding.values(); // values() copies its array each call
    private static final int OOO_THRESHOLD_MICROS = 3_000; // Wireshark's, before the handshake RTT is known
    private static final int FAST_RETRANSMIT_WINDOW_MICROS = 20_000;

    final int stream;
    final TcpEndpoint a;
    final TcpEndpoint b;
    final boolean midStream;
    final long firstMicros;
    long lastMicros;
    /** Null once the connection has shed its application layer (closed). */
    private StreamListener listener;
    private final TcpReassembly.Budget budget;

    // handshake timing, microseconds, -1 unknown
    private long mruSyn = -1;
    private long synAnswered = -1;
    private long synAck = -1;
    private long handshakeAck = -1;
    private long firstRtt = -1;

    private final int[] findings = new int[FINDINGS.length];
    private long lostOnWire;
    private long lostInCapture;
    private long reordered;
    private boolean offloadTold;
    private boolean superSegmentTold;
    private boolean halfCloseTold;
    private boolean boundTold;
    private boolean refused;
    private Side resetBy;
    private boolean evicted;
    private boolean dropped;

    // this segment's analysis: a bit per TcpFinding, and the numbers that go with them
    private long found;
    private int dupAckNumber;
    private long dupAckFrame;
    private int originalIndex;
    private long originalFrame;
    private long originalTime;
    private long previousFrame;
    private long previousTime;
    private int gapFrom;
    private long unseenBytes;
    private long oooSince;

    TcpFlow(int stream, IpAddress aIp, int aPort, IpAddress bIp, int bPort, boolean midStream, long firstMicros,
            StreamListener.Factory applications, synack.event.EventSink sink, TcpReassembly.Budget budget,
            TcpUnacked.Budget unackedBudget) {
        this.stream = stream;
        this.a = new TcpEndpoint(Side.A, aIp, aPort, stream, unackedBudget);
        this.b = new TcpEndpoint(Side.B, bIp, bPort, stream, unackedBudget);
        this.midStream = midStream;
        this.firstMicros = firstMicros;
        this.lastMicros = firstMicros;
        this.budget = budget;
        StreamListener l = applications == null ? null : applications.open(stream, aIp, aPort, bIp, bPort, sink);
        this.listener = l;
        if (l != null) {
            a.stream = new TcpReassembly(Side.A, l, budget);
            b.stream = new TcpReassembly(Side.B, l, budget);
        }
    }

    TcpEndpoint end(Side s) {
        return s == Side.A ? a : b;
    }

    /** The side that sent segment {@code f} (its addresses compared in place: no allocation per segment). */
    Side sideOf(DecodedFrame f) {
        return f.tcp().sourcePort() == a.port && f.sourceIs(a.ip) ? Side.A : Side.B;
    }

    /** Both ends are gone (CLOSED or TIME_WAIT after the connection), or it was reset. */
    boolean closed() {
        return resetBy != null || refused || (a.done() && b.done());
    }

    void evicted() {
        evicted = true;
    }

    // ------------------------------------------------------------------------------------------
    // one segment

    /**
     * Analyses a segment from {@code from}: returns the frame's remark; transitions and notes go
     * to {@code out}, in that order.
     */
    Remark segment(DecodedFrame f, Side from, List<Event> out) {
        TcpEndpoint x = end(from);
        TcpEndpoint y = end(from.other());
        TcpSegment t = f.tcp();
        long now = f.frame().timeMicros();
        long frame = f.frame().number();
        int seglen = Math.max(0, f.tcpDataOnWire());
        lastMicros = Math.max(lastMicros, now);
        x.frames++;
        x.wireBytes += f.frame().originalLength();
        dropped = false;

        if (t.checksum() == ChecksumStatus.WRONG && !f.truncated()) {
            // the receiving kernel drops it: nothing it says may move the story
            dropped = true;
            out.add(note(Event.Note.Kind.WARNING, TcpObservation.CHECKSUM_WRONG, frame, from, now,
                    "bad TCP checksum: the receiving kernel drops this segment, so it moves no state", null));
            return Remark.of("bad checksum: dropped by the receiver, no state moves");
        }
        if (t.checksum() == ChecksumStatus.OFFLOADED && !offloadTold) {
            offloadTold = true;
            out.add(note(Event.Note.Kind.INFO, TcpObservation.CHECKSUM_OFFLOADED, frame, from, now,
                    "checksums left to the NIC: the capture ran on the sending host, before the NIC filled them in; not corruption",
                    null));
        }
        x.dataBytes += seglen;

        int seq = t.seq();
        int ack = t.ack();
        int flags = t.flags();
        boolean syn = t.has(TcpSegment.SYN);
        boolean ackFlag = t.has(TcpSegment.ACK);

        // relative numbers count from the ISN, or from one below the first number seen (Wireshark)
        if (!x.baseSet) {
            x.baseSet = true;
            x.base = syn ? seq : seq - 1;
        }
        if (!y.baseSet && ackFlag) {
            y.baseSet = true;
            y.base = ack - 1;
        }
        // what the ACK explains is said against the other side's numbers before this segment
        Remark.Builder remark = Remark.builder();
        boolean yHadNext = y.hasNext;
        int yNext = y.nextSeq;

        if (syn) {
            synOptions(x, y, t, now, ackFlag);
        }
        if (ackFlag && !syn && mruSyn >= 0 && firstRtt < 0) {
            firstRtt = now - mruSyn;
        }
        if (ackFlag && !syn && handshakeAck < 0 && synAck >= 0 && from == Side.A && y.synSeen && Seq.geq(ack, y.isn + 1)) {
            handshakeAck = now;
        }

        int nextBefore = x.nextSeq;
        boolean hadNext = x.hasNext;
        analyze(x, y, seq, ack, flags, seglen, t.window(), now, frame);

        states(x, y, t, seglen, now, out);
        notes(x, y, t, seglen, now, frame, hadNext, nextBefore, out);
        buildRemark(remark, x, y, t, seglen, f, yHadNext, yNext);
        return remark.build();
    }

    private void synOptions(TcpEndpoint x, TcpEndpoint y, TcpSegment t, long now, boolean ackFlag) {
        if (!x.synSeen) {
            x.synSeen = true;
            x.isn = t.seq();
        }
        TcpSegment.Options o = t.options();
        x.mss = o.mss();
        x.sackPermitted = o.sackPermitted();
        x.timestamps = o.hasTimestamps();
        if (o.windowScale() >= 0) {
            x.winScale = Math.min(14, o.windowScale());
        }
        // Wireshark's verify_tcp_window_scaling: scaling holds only when both SYNs offer it
        if (x.winScale == -1) {
            x.winScale = -2;
            y.winScale = -2;
        } else if (ackFlag && y.winScale == -2) {
            x.winScale = -2;
        }
        if (!ackFlag) {
            mruSyn = now;
        } else if (synAck < 0) {
            synAck = now;
            synAnswered = mruSyn;
        }
    }

    private static long bit(TcpFinding f) {
        return 1L << f.ordinal();
    }

    private boolean has(TcpFinding f) {
        return (found & bit(f)) != 0;
    }

    private void flag(TcpFinding f) {
        found |= bit(f);
    }

    /** Wireshark's tcp_analyze_sequence_number(), condition for condition, in its order. */
    private void analyze(TcpEndpoint fwd, TcpEndpoint rev, int seq, int ack, int flags, int seglen, int window, long now, long frame) {
        found = 0;
        originalIndex = -1;
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean fin = (flags & TcpSegment.FIN) != 0;
        boolean rst = (flags & TcpSegment.RST) != 0;
        boolean ackFlag = (flags & TcpSegment.ACK) != 0;
        boolean synFinRst = syn || fin || rst;
        boolean sameAsLast = fwd.hasNext && seq == fwd.nextSeq && fwd.ackSent && ack == fwd.lastAck;

        if (seglen == 1 && fwd.hasNext && seq == fwd.nextSeq && rev.windowSeen && rev.window == 0) {
            flag(TcpFinding.ZERO_WINDOW_PROBE);
        } else {
            if (window == 0 && !synFinRst) {
                flag(TcpFinding.ZERO_WINDOW);
            }
            if (fwd.hasNext && Seq.gt(seq, fwd.nextSeq) && !rst) {
                flag(TcpFinding.LOST_SEGMENT);
                gapFrom = fwd.nextSeq;
            }
            if ((seglen == 0 || seglen == 1) && fwd.hasNext && seq == fwd.nextSeq - 1 && !synFinRst) {
                flag(TcpFinding.KEEP_ALIVE);
            }
            if (seglen == 0 && window != 0 && fwd.windowSeen && window != fwd.window && sameAsLast && !synFinRst) {
                flag(TcpFinding.WINDOW_UPDATE);
            }
            if (seglen > 0 && rev.winScale != -1 && rev.ackSent && rev.windowSeen
                    && seq + seglen == rev.lastAck + (int) rev.scaledWindow() && !synFinRst) {
                flag(TcpFinding.WINDOW_FULL);
            }
            boolean repeat = seglen == 0 && fwd.windowSeen && window == fwd.window && sameAsLast && !synFinRst;
            if (repeat && window != 0 && (rev.lastFindings & bit(TcpFinding.KEEP_ALIVE)) != 0) {
                flag(TcpFinding.KEEP_ALIVE_ACK);
            } else if (repeat && window == 0 && (rev.lastFindings & bit(TcpFinding.ZERO_WINDOW_PROBE)) != 0) {
                flag(TcpFinding.ZERO_WINDOW_PROBE_ACK);
            } else if (repeat && window != 0) {
                fwd.dupAcks = fwd.dupAcks == -1 ? 1 : fwd.dupAcks + 1;
                flag(TcpFinding.DUPLICATE_ACK);
                dupAckNumber = fwd.dupAcks;
                dupAckFrame = fwd.lastNonDupAckFrame;
            }
        }
        // finished_fwd: a new ACK number starts the duplicate count again
        if (!fwd.ackSent || ack != fwd.lastAck) {
            fwd.lastNonDupAckFrame = frame;
            fwd.dupAcks = 0;
        }

        if (rev.hasMaxSeqToBeAcked && ackFlag && Seq.gt(ack, rev.maxSeqToBeAcked)) {
            unseenBytes = Integer.toUnsignedLong(ack - rev.maxSeqToBeAcked);
            // Wireshark compares these two unsigned, not modulo 2^32
            if (Integer.compareUnsigned(rev.maxSeqToBeAcked, rev.nextSeq) > 0) {
                rev.maxSeqToBeAcked = rev.nextSeq;
                flag(TcpFinding.ACKED_UNSEEN_SEGMENT);
            } else {
                // told once per loss while the other direction sends only pure ACKs
                if (rev.dupAcks == 0) {
                    flag(TcpFinding.ACKED_UNSEEN_SEGMENT);
                }
                rev.dupAcks = -1;
            }
        }

        if ((seglen > 0 || syn || fin) && !has(TcpFinding.KEEP_ALIVE)) {
            boolean notAdvanced = fwd.hasNext && Seq.lt(seq, fwd.nextSeq);
            if (seglen > 1 && fwd.hasNext && fwd.nextSeq - 1 == seq) {
                notAdvanced = false; // new data after a zero-window probe's byte
            }
            long oooThreshold = firstRtt > 0 ? firstRtt : OOO_THRESHOLD_MICROS;
            if (seglen > 0 && rev.ackSent && Seq.leq(seq + seglen, rev.lastAck)) {
                flag(TcpFinding.SPURIOUS_RETRANSMISSION);
            } else if (notAdvanced && rev.dupAcks >= 2 && rev.lastAck == seq && now - rev.lastAckTime < FAST_RETRANSMIT_WINDOW_MICROS) {
                flag(TcpFinding.FAST_RETRANSMISSION);
                dupAckNumber = rev.dupAcks;
            } else if (notAdvanced && now - fwd.nextSeqTime < oooThreshold
                    && fwd.nextSeq != seq + seglen + (syn || fin ? 1 : 0)) {
                flag(TcpFinding.OUT_OF_ORDER);
                oooSince = now - fwd.nextSeqTime;
            } else if (notAdvanced) {
                flag(TcpFinding.RETRANSMISSION);
            }
        }
        if (has(TcpFinding.RETRANSMISSION) || has(TcpFinding.FAST_RETRANSMISSION) || has(TcpFinding.SPURIOUS_RETRANSMISSION)) {
            // the first sending of these bytes, and the latest before this one
            originalIndex = fwd.unacked.original(seq);
            if (originalIndex >= 0) {
                originalFrame = fwd.unacked.frame(originalIndex);
                originalTime = fwd.unacked.time(originalIndex);
            } else {
                originalFrame = fwd.nextSeqFrame;
                originalTime = fwd.nextSeqTime;
            }
            previousFrame = fwd.nextSeqFrame;
            previousTime = fwd.nextSeqTime;
        }

        int nextseq = seq + seglen;
        if ((seglen > 0 || syn || fin) && fwd.unacked.size() < TcpUnacked.MAX) {
            if (syn || fin) {
                nextseq++;
            }
            fwd.unacked.add(seq, nextseq, now, frame);
        }
        // a RST takes no sequence space: a blind one's number must not move what its sender has sent
        if ((!fwd.hasNext || Seq.gt(nextseq, fwd.nextSeq)) && !has(TcpFinding.ZERO_WINDOW_PROBE) && !rst) {
            fwd.hasNext = true;
            fwd.nextSeq = nextseq;
            fwd.nextSeqFrame = frame;
            fwd.nextSeqTime = now;
        }
        if ((!fwd.hasMaxSeqToBeAcked || seq == fwd.maxSeqToBeAcked) && !has(TcpFinding.ZERO_WINDOW_PROBE)) {
            fwd.hasMaxSeqToBeAcked = true;
            fwd.maxSeqToBeAcked = fwd.nextSeq;
        }
        fwd.window = window;
        fwd.windowSeen = true;
        fwd.windowFromSyn = syn;
        if (ackFlag) {
            fwd.ackSent = true;
            fwd.lastAck = ack;
        }
        fwd.lastAckTime = now;
        fwd.lastFindings = found;
        if (rst) {
            flag(TcpFinding.RESET);
        }
        if (ackFlag) {
            long sent = rev.unacked.ack(ack);
            if (sent >= 0) {
                rev.ackRtt.add(now - sent);
            }
        }
        for (TcpFinding finding : FINDINGS) {
            if (has(finding)) {
                findings[finding.ordinal()]++;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // states

    private void move(TcpEndpoint e, TcpState to, String cause, boolean inferred, String why, long now, List<Event> out) {
        if (e.state == to) {
            return;
        }
        out.add(new Event.Transition(now, e.subject(), e.side == Side.A ? Event.Endpoint.LOCAL : Event.Endpoint.PEER, e.state.name(), to.name(),
                cause, inferred || e.stateAssumed && e.state == TcpState.LISTEN, why, false));
        e.state = to;
        e.stateAssumed = false;
    }

    /** The states a capture that began after the handshake starts from, told once, assumed. */
    void assumeEstablished(long now, List<Event> out) {
        for (TcpEndpoint e : new TcpEndpoint[] {a, b}) {
            out.add(new Event.Transition(now, e.subject(), e.side == Side.A ? Event.Endpoint.LOCAL : Event.Endpoint.PEER, UNKNOWN,
                    TcpState.ESTABLISHED.name(), "capture began mid-stream", true,
                    "the handshake is not in the capture: a connection that carries segments both ways is assumed ESTABLISHED", false));
            e.state = TcpState.ESTABLISHED;
            e.stateAssumed = true;
        }
    }

    /** B before its first segment, when A's SYN opened the story: assumed to listen. */
    void assumeListening() {
        b.state = TcpState.LISTEN;
        b.stateAssumed = true;
    }

    /** The SYN,ACK came first: A's SYN was not captured, but the SYN,ACK answers it. */
    void assumeSynSent(long now, List<Event> out) {
        a.state = TcpState.SYN_SENT;
        a.stateAssumed = true;
        out.add(new Event.Transition(now, a.subject(), Event.Endpoint.LOCAL, TcpState.CLOSED.name(), TcpState.SYN_SENT.name(),
                "its SYN, not captured, is answered here", true, WHY_SYN_SENT, false));
        b.state = TcpState.LISTEN;
        b.stateAssumed = true;
    }

    private void states(TcpEndpoint x, TcpEndpoint y, TcpSegment t, int seglen, long now, List<Event> out) {
        int ack = t.ack();
        boolean syn = t.has(TcpSegment.SYN);
        boolean ackFlag = t.has(TcpSegment.ACK);
        if (t.has(TcpSegment.RST)) {
            reset(x, y, t, now, out);
            return;
        }
        if (syn && !ackFlag) {
            if (x.state == TcpState.CLOSED || x.state == TcpState.LISTEN) {
                move(x, TcpState.SYN_SENT, "sent SYN", false, WHY_SYN_SENT, now, out);
                if (y.state == TcpState.SYN_SENT && y.synSeen) {
                    // a simultaneous open (RFC 9293 figure 7): each SYN reaches a side waiting for an answer to its own
                    simultaneousOpen = true;
                    move(y, TcpState.SYN_RECEIVED, "the other's SYN arrives while it waits for an answer to its own", true,
                            WHY_SYN_RECEIVED, now, out);
                }
            }
        } else if (syn) {
            TcpState before = x.state;
            if (x.state == TcpState.LISTEN || x.state == TcpState.CLOSED || x.state == TcpState.SYN_SENT) {
                move(x, TcpState.SYN_RECEIVED, "answered the SYN with SYN,ACK", false,
                        x.stateAssumed ? WHY_SYN_RECEIVED + "; it was listening (assumed: only its answer is seen)" : WHY_SYN_RECEIVED,
                        now, out);
            }
            if (ackFlag && simultaneousOpen && (before == TcpState.SYN_RECEIVED || before == TcpState.ESTABLISHED)
                    && (y.state == TcpState.SYN_SENT || y.state == TcpState.SYN_RECEIVED) && y.synSeen && Seq.geq(ack, y.isn + 1)) {
                // a simultaneous open: x had the other's SYN before it sent this SYN,ACK, which acknowledges y's SYN;
                // y is synchronized when it arrives (RFC 9293 3.10.7.3, SYN-SENT with an acceptable ACK)
                move(y, TcpState.ESTABLISHED, "when this SYN,ACK of its SYN arrives (simultaneous open)", true, WHY_ESTABLISHED, now, out);
            }
        }
        if (ackFlag && !syn) {
            if (x.state == TcpState.SYN_SENT && y.synSeen && Seq.geq(ack, y.isn + 1)) {
                move(x, TcpState.ESTABLISHED, "acknowledged the SYN,ACK", false, WHY_ESTABLISHED, now, out);
                if (y.state == TcpState.SYN_RECEIVED) {
                    move(y, TcpState.ESTABLISHED, "when this ACK of its SYN arrives", true, WHY_ESTABLISHED, now, out);
                }
            } else if (x.state == TcpState.SYN_RECEIVED && (seglen > 0 || t.has(TcpSegment.FIN))) {
                // it sends beyond its SYN,ACK: the handshake's ACK reached it (maybe not captured)
                move(x, TcpState.ESTABLISHED, "sends after its SYN,ACK", true, WHY_ESTABLISHED, now, out);
            }
        }
        if (ackFlag && y.finSent && !y.finAcked && Seq.geq(ack, y.finSeq + 1)) {
            y.finAcked = true;
            ackOfFin(x, y, now, out);
        }
        if (t.has(TcpSegment.FIN) && !x.finSent) {
            x.finSent = true;
            x.finSeq = t.seq() + seglen + (syn ? 1 : 0);
            x.finTime = now;
            x.finAfterOthers = y.finAcked && y.finSent;
            if (x.state == TcpState.CLOSE_WAIT) {
                move(x, TcpState.LAST_ACK, "sent its FIN after the other's", false, WHY_LAST_ACK, now, out);
            } else if (x.state == TcpState.ESTABLISHED || x.state == TcpState.SYN_RECEIVED) {
                move(x, TcpState.FIN_WAIT_1, y.finSent ? "sent FIN before acknowledging the other's" : "sent FIN: it closes first",
                        false, WHY_FIN_WAIT_1, now, out);
            }
        }
    }

    /** {@code x}'s segment acknowledges {@code y}'s FIN. */
    private void ackOfFin(TcpEndpoint x, TcpEndpoint y, long now, List<Event> out) {
        switch (y.state) {
            case FIN_WAIT_1 -> {
                if (x.finSent && !x.finAcked) {
                    // x's FIN left before this ACK: it reaches y first
                    move(y, TcpState.CLOSING, "the other's FIN arrives before the ACK of its own", true, WHY_CLOSING, now, out);
                    move(y, TcpState.TIME_WAIT, "when this ACK of its FIN arrives", true, WHY_TIME_WAIT, now, out);
                } else {
                    move(y, TcpState.FIN_WAIT_2, "when this ACK of its FIN arrives", true, WHY_FIN_WAIT_2, now, out);
                }
            }
            case CLOSING -> move(y, TcpState.TIME_WAIT, "when this ACK of its FIN arrives", true, WHY_TIME_WAIT, now, out);
            case LAST_ACK -> move(y, TcpState.CLOSED, "when this ACK of its FIN arrives", true, WHY_CLOSED_LAST_ACK, now, out);
            default -> {
            }
        }
        switch (x.state) {
            case ESTABLISHED, SYN_RECEIVED -> move(x, TcpState.CLOSE_WAIT, "acknowledged the other's FIN", false, WHY_CLOSE_WAIT, now, out);
            case FIN_WAIT_1 -> move(x, TcpState.CLOSING, "acknowledged the other's FIN before its own was", false, WHY_CLOSING, now, out);
            case FIN_WAIT_2 -> move(x, TcpState.TIME_WAIT, "acknowledged the other's FIN, its own acknowledged", false, WHY_TIME_WAIT,
                    now, out);
            default -> {
            }
        }
    }

    private TcpReset meaning;

    /** Whether {@code y}'s kernel would take {@code x}'s RST (RFC 9293 3.10.7.3 and 3.10.7.4), as far as the capture shows. */
    private static boolean acceptable(TcpEndpoint x, TcpEndpoint y, TcpSegment t) {
        if (y.state == TcpState.SYN_SENT && y.synSeen) {
            // in SYN_SENT only a RST that acknowledges the SYN counts; any other is dropped
            // (a SYN with data, TCP Fast Open, is acknowledged past its ISN + 1: up to what it sent)
            return t.has(TcpSegment.ACK) && Seq.geq(t.ack(), y.isn + 1) && (!y.hasNext || Seq.leq(t.ack(), y.nextSeq));
        }
        boolean synchronized_ = y.state != TcpState.LISTEN && y.state != TcpState.CLOSED && y.state != TcpState.TIME_WAIT
                && y.state != TcpState.SYN_SENT && !x.done();
        if (!synchronized_ || !y.ackSent || y.winScale == -1 || !y.windowSeen) {
            return true; // nothing seen to judge it by (mid-stream the window's scale is unknown)
        }
        // in the receive window: RCV.NXT <= seq < RCV.NXT + RCV.WND, RCV.NXT being what y last acknowledged
        long window = Math.max(1, y.scaledWindow());
        long offset = Integer.toUnsignedLong(t.seq() - y.lastAck);
        return offset < window;
    }

    /** The last RST was dropped by its receiver: nothing ends (the streams go on). */
    private boolean resetIgnored;

    /** Both ends sent a bare SYN (a simultaneous open): only then does a SYN,ACK make its receiver ESTABLISHED on arrival. */
    private boolean simultaneousOpen;

    /** The shortest retransmission timeout a TCP uses: Linux's TCP_RTO_MIN (RFC 6298 says 1 s). */
    static final long RTO_FLOOR_MICROS = 200_000;

    private void reset(TcpEndpoint x, TcpEndpoint y, TcpSegment t, long now, List<Event> out) {
        resetIgnored = false;
        if (!acceptable(x, y, t)) {
            meaning = TcpReset.IGNORED;
            resetIgnored = true;
            return;
        }
        if (!x.synSeen && (x.state == TcpState.LISTEN || x.state == TcpState.CLOSED) && y.state == TcpState.SYN_SENT) {
            meaning = TcpReset.REFUSED;
            refused = true;
            move(x, TcpState.CLOSED, "answered the SYN with RST", false, WHY_REFUSED, now, out);
            move(y, TcpState.CLOSED, "when the RST arrives: connection refused", true,
                    "a RST that acknowledges its SYN means nobody listens there", now, out);
        } else if (x.resetSent || x.done() || resetBy != null || refused) {
            meaning = TcpReset.AFTER_CLOSE;
            if (x.state != TcpState.CLOSED && x.state != TcpState.TIME_WAIT) {
                move(x, TcpState.CLOSED, "sent RST", false, WHY_RESET, now, out);
            }
            if (y.state != TcpState.CLOSED && y.state != TcpState.TIME_WAIT) {
                move(y, TcpState.CLOSED, "when the RST arrives", true, WHY_RESET, now, out);
            }
        } else {
            boolean handshake = x.state == TcpState.SYN_SENT || x.state == TcpState.SYN_RECEIVED
                    || y.state == TcpState.SYN_SENT || y.state == TcpState.SYN_RECEIVED;
            meaning = handshake ? TcpReset.IN_HANDSHAKE : TcpReset.ABORT;
            move(x, TcpState.CLOSED, "sent RST: aborts", false, WHY_RESET, now, out);
            move(y, TcpState.CLOSED, "when the RST arrives", true, WHY_RESET, now, out);
        }
        x.resetSent = true;
        if (resetBy == null && meaning != TcpReset.AFTER_CLOSE) {
            resetBy = x.side;
        }
        release();
    }

    // ------------------------------------------------------------------------------------------
    // notes

    private void notes(TcpEndpoint x, TcpEndpoint y, TcpSegment t, int seglen, long now, long frame, boolean hadNext, int nextBefore,
                       List<Event> out) {
        Side side = x.side;
        int seq = t.seq();
        for (TcpFinding finding : FINDINGS) {
            if (!has(finding)) {
                continue;
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            String text = findingText(finding, x, y, t, seglen, now, extra);
            Event.Note.Kind kind = finding.warning() || finding == TcpFinding.RESET && (meaning == TcpReset.ABORT
                    || meaning == TcpReset.IN_HANDSHAKE) ? Event.Note.Kind.WARNING : Event.Note.Kind.INFO;
            Map<String, Object> fields = base(frame, side);
            fields.put("finding", finding.key());
            fields.putAll(extra);
            out.add(new Event.Note(now, kind, text, fields));
        }
        // what the gaps of either side turned out to be
        if (has(TcpFinding.LOST_SEGMENT) && hadNext) {
            x.gaps.open(gapFrom, seq);
        }
        if (seglen > 0 && !x.gaps.isEmpty() && !has(TcpFinding.LOST_SEGMENT)) {
            long filled = x.gaps.fill(seq, seq + seglen);
            if (filled > 0) {
                TcpGapFate fate = has(TcpFinding.OUT_OF_ORDER) ? TcpGapFate.REORDERED : TcpGapFate.LOST_ON_WIRE;
                if (fate == TcpGapFate.REORDERED) {
                    reordered += filled;
                }
                out.add(gapNote(fate, filled, frame, side, now, fate == TcpGapFate.REORDERED
                        ? filled + " missing bytes came late, unasked: reordered between " + side + " and the capture point"
                        : filled + " missing bytes sent again: they were lost between " + side + " and the capture point"));
            }
        }
        if (t.has(TcpSegment.ACK) && !y.gaps.isEmpty()) {
            long unseen = y.gaps.acknowledged(t.ack());
            if (unseen > 0) {
                lostInCapture += unseen;
                out.add(gapNote(TcpGapFate.LOST_IN_CAPTURE, unseen, frame, side, now, side + " acknowledges " + unseen
                        + " bytes of " + y.side + " the capture never held and nobody sent again: they were on the wire,"
                        + " the capture missed them"));
            }
        }
        if ((has(TcpFinding.RETRANSMISSION) || has(TcpFinding.FAST_RETRANSMISSION)) && seglen > 0) {
            long alreadyAcked = y.ackSent && Seq.gt(y.lastAck, seq) ? Integer.toUnsignedLong(y.lastAck - seq) : 0;
            lostOnWire += Math.max(0, seglen - alreadyAcked);
        }
        if (!superSegmentTold && y.mss > 0 && seglen > y.mss) {
            superSegmentTold = true;
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("length", seglen);
            extra.put("mss", y.mss);
            out.add(note(Event.Note.Kind.INFO, TcpObservation.SUPER_SEGMENT, frame, side, now, side + " sends " + seglen
                    + " bytes in one segment, more than the MSS of " + y.mss + ": the capturing host saw segments before TSO"
                    + " split them (sender) or after GRO merged them (receiver); the wire carried MSS-sized ones", extra));
        }
        if (!halfCloseTold && seglen > 0 && y.finSent && y.finAcked && !x.finSent && !t.has(TcpSegment.RST)) {
            halfCloseTold = true;
            out.add(note(Event.Note.Kind.INFO, TcpObservation.HALF_CLOSE, frame, side, now, y.side + " has closed its half (FIN"
                    + " acknowledged); " + side + " still sends data: a half-close", null));
        }
        if (x.done() && y.done()) {
            release();
        }
    }

    private String findingText(TcpFinding finding, TcpEndpoint x, TcpEndpoint y, TcpSegment t, int seglen, long now,
                               Map<String, Object> extra) {
        Side side = x.side;
        switch (finding) {
            case RETRANSMISSION -> {
                long since = now - originalTime;
                long rtt = rttReference(x);
                // RFC 6298 keeps an RTO at 1 s at least (Linux: 200 ms); sooner, and with no duplicate ACKs before it, it is a
                // tail-loss probe (RACK-TLP, RFC 8985: about two RTTs) or a retransmission the capture saw a second copy of
                boolean soon = since < RTO_FLOOR_MICROS;
                boolean probe = soon && y.dupAcks <= 0;
                extra.put("reason", !soon ? "rto" : probe ? "probe" : "after_dup_acks");
                extra.put("original_frame", originalFrame);
                extra.put("since_original_ms", millis(since));
                extra.put("previous_frame", previousFrame);
                extra.put("since_previous_ms", millis(now - previousTime));
                if (rtt >= 0) {
                    extra.put("rtt_ms", millis(rtt));
                }
                return side + " sends again what frame " + originalFrame + " sent " + millis(since) + " ms before, unacknowledged:"
                        + (probe ? " too soon for a retransmission timeout (at least 200 ms) and after no duplicate ACKs: RACK's"
                                + " loss detection from SACK or a tail-loss probe (RACK-TLP, RFC 8985)"
                                : soon ? " after " + y.dupAcks + " duplicate ACKs, later than a fast retransmit's 20 ms: a recovery"
                                + " retransmission" : " a retransmission timeout (RTO)")
                        + (rtt >= 0 ? ", the RTT seen being " + millis(rtt) + " ms" : "");
            }
            case FAST_RETRANSMISSION -> {
                extra.put("reason", "fast");
                extra.put("dup_acks", dupAckNumber);
                extra.put("original_frame", originalFrame);
                extra.put("since_original_ms", millis(now - originalTime));
                return side + " sends again at once the bytes " + dupAckNumber + " duplicate ACKs asked for: a fast retransmit";
            }
            case SPURIOUS_RETRANSMISSION -> {
                extra.put("reason", "spurious");
                extra.put("acked_up_to", Integer.toUnsignedLong(y.lastAck - x.base));
                extra.put("original_frame", originalFrame);
                extra.put("since_original_ms", millis(now - originalTime));
                return side + " sends again bytes " + y.side + " had already acknowledged: a spurious retransmission"
                        + " (the ACK was late or lost)";
            }
            case OUT_OF_ORDER -> {
                extra.put("since_highest_ms", millis(oooSince));
                return "below the highest sequence number, " + millis(oooSince) + " ms after it: out of order, not sent again";
            }
            case LOST_SEGMENT -> {
                long missing = Integer.toUnsignedLong(t.seq() - gapFrom);
                extra.put("missing_bytes", missing);
                return missing + " bytes of " + side + " before this segment are not in the capture"
                        + " (lost before the capture point, reordered, or missed by the capture: later segments tell)";
            }
            case ACKED_UNSEEN_SEGMENT -> {
                extra.put("missing_bytes", unseenBytes);
                return side + " acknowledges bytes of " + y.side + " the capture never showed";
            }
            case DUPLICATE_ACK -> {
                extra.put("dup_acks", dupAckNumber);
                extra.put("dup_ack_of_frame", dupAckFrame);
                return "duplicate ACK #" + dupAckNumber + " of frame " + dupAckFrame + ": " + side
                        + " asks again for the bytes it misses";
            }
            case ZERO_WINDOW -> {
                return side + " advertises a zero window: its receive buffer is full, " + y.side + " must stop sending";
            }
            case ZERO_WINDOW_PROBE -> {
                return side + " probes the zero window with one byte";
            }
            case ZERO_WINDOW_PROBE_ACK -> {
                return side + " answers the probe: its window is still zero";
            }
            case WINDOW_UPDATE -> {
                extra.put("window", x.scaledWindow());
                return side + " only updates its window, to " + x.scaledWindow() + " bytes";
            }
            case WINDOW_FULL -> {
                extra.put("window", y.scaledWindow());
                return "this data fills " + y.side + "'s window of " + y.scaledWindow() + " bytes to its edge";
            }
            case KEEP_ALIVE -> {
                return side + " sends a keep-alive: one below the next sequence number, to be acknowledged";
            }
            case KEEP_ALIVE_ACK -> {
                return side + " acknowledges the keep-alive: still there";
            }
            case RESET -> {
                extra.put("reset", meaning.key());
                return switch (meaning) {
                    case REFUSED -> side + " refuses the connection: nothing listens on port " + x.port;
                    case IN_HANDSHAKE -> side + " resets the connection during the handshake";
                    case ABORT -> side + " aborts the connection: data in flight is lost";
                    case AFTER_CLOSE -> side + " answers with RST a segment for a connection it has closed";
                    case IGNORED -> side + " sends a RST its receiver drops (" + (y.state == TcpState.SYN_SENT
                            ? "it does not acknowledge the SYN" : "its sequence number is outside the receive window")
                            + ", RFC 9293 3.10.7): nothing ends";
                };
            }
            case PORTS_REUSED -> {
                return "a new SYN on a 4-tuple whose connection had ended: a new connection on the same ports";
            }
            default -> throw new IllegalStateException(finding.name());
        }
    }

    /** The RTT to judge a retransmission's wait by: the handshake's, else the ACK RTT of this side's data; -1 unknown. */
    private long rttReference(TcpEndpoint x) {
        if (firstRtt > 0) {
            return firstRtt;
        }
        return x.ackRtt.avg();
    }

    private static double millis(long micros) {
        return micros / 1000.0;
    }

    private Map<String, Object> base(long frame, Side side) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", "tcp");
        f.put("stream", stream);
        f.put("frame", frame);
        f.put("side", side.name());
        return f;
    }

    Event.Note note(Event.Note.Kind kind, TcpObservation what, long frame, Side side, long now, String text,
                    Map<String, Object> extra) {
        Map<String, Object> f = base(frame, side);
        f.put("observation", what.key());
        if (extra != null) {
            f.putAll(extra);
        }
        return new Event.Note(now, kind, text, f);
    }

    private Event.Note gapNote(TcpGapFate fate, long bytes, long frame, Side side, long now, String text) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("fate", fate.key());
        extra.put("bytes", bytes);
        return note(fate == TcpGapFate.REORDERED ? Event.Note.Kind.INFO : Event.Note.Kind.WARNING, TcpObservation.GAP_SETTLED, frame,
                side, now, text, extra);
    }

    /** A PORTS_REUSED finding on the SYN that opens this stream. */
    Event.Note portsReused(long frame, long now, int previousStream) {
        findings[TcpFinding.PORTS_REUSED.ordinal()]++;
        Map<String, Object> f = base(frame, Side.A);
        f.put("finding", TcpFinding.PORTS_REUSED.key());
        f.put("previous_stream", previousStream);
        return new Event.Note(now, Event.Note.Kind.INFO, "a new SYN on the ports of stream " + previousStream
                + ", which had ended: a new connection (tshark: port numbers reused)", f);
    }

    // ------------------------------------------------------------------------------------------
    // the remark: seq/ack arithmetic

    private void buildRemark(Remark.Builder r, TcpEndpoint x, TcpEndpoint y, TcpSegment t, int seglen, DecodedFrame f,
                             boolean yHadNext, int yNext) {
        int seq = t.seq();
        boolean syn = t.has(TcpSegment.SYN);
        boolean fin = t.has(TcpSegment.FIN);
        String xs = x.side.name();
        String ys = y.side.name();
        if (syn) {
            r.words("ISN ").seq(seq, seq - x.base).words(" (the SYN counts one: next ").seq(seq + 1, seq + 1 - x.base).words(")");
            String options = options(t.options());
            if (!options.isEmpty()) {
                r.words("; " + options);
            }
        }
        if (seglen > 0 || fin && !syn) {
            r.then();
            int start = syn ? seq + 1 : seq;
            int next = start + seglen + (fin ? 1 : 0);
            r.words("seq ").seq(start, start - x.base).words(" len " + seglen + (fin ? " + FIN" : "") + " → next ")
                    .seq(next, next - x.base);
            if (fin) {
                r.words(" (the FIN counts one)");
            }
        } else if (t.has(TcpSegment.RST)) {
            r.then().words("seq ").seq(seq, seq - x.base);
        }
        if (t.has(TcpSegment.ACK)) {
            int ack = t.ack();
            r.then().words("ack ").seq(ack, ack - y.base);
            if (syn || y.synSeen && ack == y.isn + 1 && (!yHadNext || yNext == y.isn + 1)) {
                if (y.synSeen) {
                    r.words(" = " + ys + "'s ISN ").seq(y.isn, y.isn - y.base).words(" + 1 (the SYN counts one)");
                }
            } else if (y.finSent && ack == y.finSeq + 1) {
                r.words(" = " + ys + "'s FIN ").seq(y.finSeq, y.finSeq - y.base).words(" + 1 (the FIN counts one)");
            } else if (yHadNext && ack == yNext) {
                r.words(": all of " + ys + "'s data so far");
            } else if (yHadNext && Seq.lt(ack, yNext)) {
                r.words(": " + ys + " has sent up to ").seq(yNext, yNext - y.base)
                        .words(", " + Integer.toUnsignedLong(yNext - ack) + " bytes not yet acknowledged");
            } else if (yHadNext) {
                r.words(": beyond what the capture saw " + ys + " send");
            }
        }
        List<int[]> sack = t.options().sack();
        if (!sack.isEmpty() && t.has(TcpSegment.ACK)) {
            r.then().words("SACK ");
            for (int i = 0; i < sack.size(); i++) {
                int[] block = sack.get(i);
                if (i > 0) {
                    r.words(", ");
                }
                r.seq(block[0], block[0] - y.base).words("-").seq(block[1], block[1] - y.base);
            }
            r.words(": " + xs + " holds these beyond the hole at ").seq(t.ack(), t.ack() - y.base);
        }
        r.then().words("win " + t.window());
        if (syn) {
            r.words(" (a SYN's window is never scaled)");
        } else if (x.winScale == -1) {
            r.words(" (scale unknown)");
        } else if (x.winScale > 0) {
            r.words(" ×2^" + x.winScale + " = " + x.scaledWindow());
        }
        int captured = t.data().length;
        if (captured < seglen) {
            r.then().words(captured + " of " + seglen + " bytes captured");
        }
    }

    private static String options(TcpSegment.Options o) {
        StringBuilder sb = new StringBuilder();
        if (o.mss() >= 0) {
            sb.append("MSS ").append(o.mss());
        }
        if (o.windowScale() >= 0) {
            sb.append(sb.length() > 0 ? ", " : "").append("window scale ").append(o.windowScale())
                    .append(" (×").append(1L << Math.min(14, o.windowScale())).append(")");
        }
        if (o.sackPermitted()) {
            sb.append(sb.length() > 0 ? ", " : "").append("SACK permitted");
        }
        if (o.hasTimestamps()) {
            sb.append(sb.length() > 0 ? ", " : "").append("timestamps");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------
    // the application layer

    /** Feeds the application layer what this segment adds to either stream (after the frame's events were emitted). */
    void deliver(DecodedFrame f, Side from, List<Event> out) {
        if (listener == null || dropped) {
            return;
        }
        TcpEndpoint x = end(from);
        TcpEndpoint y = end(from.other());
        if (x.stream == null) {
            return; // released
        }
        TcpSegment t = f.tcp();
        long now = f.frame().timeMicros();
        int seglen = Math.max(0, f.tcpDataOnWire());
        boolean syn = t.has(TcpSegment.SYN);
        int boundBefore = x.stream.boundReached() + y.stream.boundReached();
        if (t.has(TcpSegment.RST)) {
            if (!resetIgnored) {
                x.stream.reset(now);
                y.stream.reset(now);
            }
            return;
        }
        if (syn) {
            x.stream.start(t.seq() + 1);
        }
        if (t.has(TcpSegment.ACK) && !syn) {
            y.stream.acknowledged(t.ack(), now);
        }
        if (seglen > 0) {
            x.stream.data(syn ? t.seq() + 1 : t.seq(), t.data(), seglen, now, f.frame().number());
        }
        if (t.has(TcpSegment.FIN)) {
            x.stream.fin(t.seq() + (syn ? 1 : 0) + seglen, now);
        }
        if (!boundTold && x.stream.boundReached() + y.stream.boundReached() > boundBefore) {
            boundTold = true;
            out.add(note(Event.Note.Kind.WARNING, TcpObservation.REASSEMBLY_BOUND, f.frame().number(), from, now,
                    "too much data held beyond a hole: the application layer is told the hole as missing bytes and goes on", null));
        }
    }

    /** The capture ended: held bytes go to the application layer, and it hears the connection was still open. */
    void captureEnded(long end) {
        if (listener == null || a.stream == null) {
            return;
        }
        a.stream.flush(end);
        b.stream.flush(end);
        if (!a.stream.ended() || !b.stream.ended()) {
            listener.captureEnded(end);
        }
    }

    /**
     * The connection is over (both ends closed, reset or refused): the application layer hears its
     * end and is let go with the reassembly, the unacknowledged segments and the gaps. What stays is
     * the few numbers later segments of the same ports are told by (states, next sequence numbers, ISNs).
     */
    void shed() {
        captureEnded(lastMicros);
        listener = null;
        a.stream = null;
        b.stream = null;
        release();
        a.gaps.clear();
        b.gaps.clear();
    }

    /** Done with the connection: what only live analysis needs is let go (its unacknowledged lists' budget given back). */
    void release() {
        a.unacked.clear();
        b.unacked.clear();
    }

    // ------------------------------------------------------------------------------------------
    // summary

    TcpClosePath closePath() {
        if (refused) {
            return TcpClosePath.REFUSED;
        }
        if (resetBy != null) {
            return resetBy == Side.A ? TcpClosePath.RESET_BY_A : TcpClosePath.RESET_BY_B;
        }
        if (a.finSent && b.finSent) {
            if (!a.finAfterOthers && !b.finAfterOthers) {
                return TcpClosePath.SIMULTANEOUS;
            }
            return a.finAfterOthers ? TcpClosePath.B_CLOSED_FIRST : TcpClosePath.A_CLOSED_FIRST;
        }
        if (a.finSent || b.finSent) {
            return evicted ? TcpClosePath.EVICTED : TcpClosePath.HALF_CLOSED_AT_END;
        }
        if (evicted) {
            return TcpClosePath.EVICTED;
        }
        if (!midStream && b.frames == 0) {
            return TcpClosePath.UNANSWERED;
        }
        return TcpClosePath.OPEN_AT_END;
    }

    TcpFlowSummary summary() {
        long bHalf = synAck >= 0 && synAnswered >= 0 ? synAck - synAnswered : -1;
        long aHalf = handshakeAck >= 0 && synAck >= 0 ? handshakeAck - synAck : -1;
        long rtt = aHalf >= 0 && bHalf >= 0 ? aHalf + bHalf : -1;
        Map<TcpFinding, Integer> counts = new EnumMap<>(TcpFinding.class);
        for (TcpFinding f : FINDINGS) {
            if (findings[f.ordinal()] > 0) {
                counts.put(f, findings[f.ordinal()]);
            }
        }
        return new TcpFlowSummary(stream, a.ip, a.port, b.ip, b.port, firstMicros, lastMicros, a.frames, b.frames, a.wireBytes,
                b.wireBytes, a.dataBytes, b.dataBytes, rtt, aHalf, bHalf, a.ackRtt.stats(), b.ackRtt.stats(), counts, lostOnWire,
                lostInCapture, reordered, closePath(), a.state, b.state, midStream);
    }
}
