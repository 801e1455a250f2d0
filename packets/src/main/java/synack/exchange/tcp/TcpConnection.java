package synack.exchange.tcp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import synack.event.Event;
import synack.event.Remark;
import synack.exchange.tcp.AckArithmetic.Reason;
import synack.exchange.tcp.TcpArrival.Fin;
import synack.exchange.tcp.TcpArrival.Kind;
import synack.wire.Seq;
import synack.wire.TcpSegment;

/**
 * One TCP connection as the RFC 9293 state machine, pure: segments and time in, segments,
 * timers and events out through a {@link TcpListener}. No I/O, no clock, no randomness (the
 * ISN comes in the config). Our states are measured; the peer's are inferred from what the
 * wire shows and reported as such.
 */
public final class TcpConnection {
    /** Everything chosen before the first segment. Times in microseconds. */
    public record Config(int localPort, int remotePort, int iss, int mss, int windowScale, boolean sackPermitted,
                         boolean timestamps, int receiveWindow, long mslMicros, long initialRtoMicros,
                         long minRtoMicros, long maxRtoMicros, int maxRetries) {
        public static Config defaults(int localPort, int remotePort, int iss) {
            return new Config(localPort, remotePort, iss, 1460, 7, true, true, 64240, 500_000, 1_000_000, 200_000,
                    60_000_000, 5);
        }

        public Config withMsl(long micros) {
            return new Config(localPort, remotePort, iss, mss, windowScale, sackPermitted, timestamps, receiveWindow,
                    micros, initialRtoMicros, minRtoMicros, maxRtoMicros, maxRetries);
        }

        public Config withRetries(int retries) {
            return new Config(localPort, remotePort, iss, mss, windowScale, sackPermitted, timestamps, receiveWindow,
                    mslMicros, initialRtoMicros, minRtoMicros, maxRtoMicros, retries);
        }

        /** The receive buffer we advertise (scaled by our window scale once both sides agreed to scaling). */
        public Config withReceiveWindow(int bytes) {
            return new Config(localPort, remotePort, iss, mss, windowScale, sackPermitted, timestamps, bytes, mslMicros,
                    initialRtoMicros, minRtoMicros, maxRtoMicros, maxRetries);
        }

        /** The MSS we advertise and never exceed: the route's MTU less 40 bytes of IPv4 and TCP headers. */
        public Config withMss(int bytes) {
            return new Config(localPort, remotePort, iss, bytes, windowScale, sackPermitted, timestamps, receiveWindow,
                    mslMicros, initialRtoMicros, minRtoMicros, maxRtoMicros, maxRetries);
        }

        public Config withInitialRto(long micros) {
            return new Config(localPort, remotePort, iss, mss, windowScale, sackPermitted, timestamps, receiveWindow,
                    mslMicros, micros, minRtoMicros, maxRtoMicros, maxRetries);
        }
    }

    /** A segment sent and not yet acknowledged, kept for retransmission. */
    private static final class InFlight {
        final int seq;
        final int flags;
        final byte[] data;
        long sentAt;
        boolean retransmitted;

        InFlight(int seq, int flags, byte[] data, long sentAt) {
            this.seq = seq;
            this.flags = flags;
            this.data = data;
            this.sentAt = sentAt;
        }

        int end() {
            return seq + data.length + ((flags & TcpSegment.SYN) != 0 ? 1 : 0) + ((flags & TcpSegment.FIN) != 0 ? 1 : 0);
        }
    }

    static final String WHY_SYN_SENT = "the SYN carries our initial sequence number (ISN) and takes one sequence number itself;"
            + " now we wait for the peer's SYN and its ACK of ours";
    static final String WHY_ESTABLISHED = "both SYNs are acknowledged: each side knows the other's ISN, so data can flow"
            + " (three segments are the fewest that let both sides confirm both ISNs)";
    static final String WHY_FIN_WAIT_1 = "we have no more data: our FIN takes one sequence number and waits for its ACK";
    static final String WHY_FIN_WAIT_2 = "our FIN is acknowledged; the peer may still send data until it sends its own FIN";
    static final String WHY_TIME_WAIT = "both FINs are acknowledged; we wait 2MSL so that a lost last ACK can be sent again"
            + " and old duplicates of this connection die out before its ports are reused";
    static final String WHY_CLOSE_WAIT = "the peer has finished sending (its FIN takes one sequence number, so ack = seq + 1);"
            + " we may still send, then close ourselves";
    static final String WHY_LAST_ACK = "our FIN is out after the peer's: when its ACK arrives the connection is gone";
    static final String WHY_CLOSING = "both sides sent FIN at the same time: each waits for the ACK of its own FIN";

    private final Config config;
    private final TcpListener out;
    /** RFC 9293 3.8.6.3 / RFC 1122: acknowledge at least every second full segment, the rest after this delay (0: ACK every segment). */
    private long delayedAckMicros;
    private int segmentsUnacked;
    private long delayedAckAt = Long.MAX_VALUE;

    private TcpState state = TcpState.CLOSED;
    private TcpState peerState = TcpState.LISTEN;

    private int sndUna;
    private int sndNxt;
    private int sndWnd;
    /** SND.WL1, SND.WL2: the seq and ack of the segment that last set SND.WND, so an older one cannot set it again. */
    private int sndWl1;
    private int sndWl2;
    private int irs;
    private int rcvNxt;
    /** RCV.WND: the window we last advertised, scaled; what arriving segments must fall within. */
    private int rcvWnd;
    private int peerMss = 536;
    private int pathMtuMss = Integer.MAX_VALUE; // lowered by ICMP fragmentation needed (RFC 1191)
    private long lastTsMillis;
    private int sndShift;
    private int rcvShift;
    private boolean timestampsOn;
    private long tsRecent;
    private boolean sackOn;
    private int finSeq;
    private boolean finSent;
    private boolean closeRequested;

    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private final ByteArrayOutputStream sendBuffer = new ByteArrayOutputStream();
    private final TreeMap<Integer, byte[]> outOfOrder = new TreeMap<>((a, b) -> Integer.compare(a - b, 0));
    private final RetransmissionTimer rto;
    private final PersistTimer persist;
    private long retransmitAt = Long.MAX_VALUE;
    private int retries;
    private long timeWaitUntil = Long.MAX_VALUE;
    /** FIN_WAIT_2 is bounded (Linux: tcp_fin_timeout): a peer that never sends its FIN must not keep us forever. */
    private long finWait2Until = Long.MAX_VALUE;
    /**
     * A peer whose FIN was lost sends it again after its retransmission timeout: at least 200 ms on
     * Linux, doubled each time, so three tries take 200 + 400 + 800 ms. FIN_WAIT_2 waits at least
     * that long in silence (a short --msl alone gave up on a peer's resent FIN under 10% loss).
     */
    private static final long PEER_FIN_RESENDS_MICROS = 1_500_000;
    private long received;
    private TcpOutcome outcome = TcpOutcome.OPEN;
    private String abortReason = "";
    private long lastRttMicros = -1;
    private long establishedAt = -1;
    private int lastOutOfOrder;
    /** A FIN that came ahead of missing data: where it sits, taken once RCV.NXT reaches it (RFC 9293 3.10.7.4). */
    private boolean finHeld;
    private int heldFinAt;
    private boolean synTimedOut;
    private TcpSegment.Options sentSynOptions; // a retransmitted SYN repeats exactly what the first offered (RFC 7323)

    public TcpConnection(Config config, TcpListener out) {
        this.config = config;
        this.out = out;
        this.rto = new RetransmissionTimer(config.initialRtoMicros(), config.minRtoMicros(), config.maxRtoMicros());
        this.persist = new PersistTimer(config.maxRtoMicros());
    }

    // ------------------------------------------------------------------ user calls (RFC 9293 3.10.1-3.10.6)

    /** Active OPEN: send SYN, CLOSED → SYN_SENT. */
    public void connect(long now) {
        require(TcpState.CLOSED, "connect");
        sndUna = config.iss();
        sndNxt = config.iss();
        TcpSegment.Options o = new TcpSegment.Options(config.mss(), config.windowScale(), config.sackPermitted(),
                config.timestamps() ? tsValue(now) : -1, config.timestamps() ? 0 : -1, java.util.List.of());
        transmit(TcpSegment.SYN, new byte[0], o, now, Remark.builder().words("ISN ").seq(config.iss(), 0).build());
        move(TcpState.SYN_SENT, "SYN sent", WHY_SYN_SENT);
    }

    /** Passive OPEN: CLOSED → LISTEN. */
    public void listen() {
        require(TcpState.CLOSED, "listen");
        move(TcpState.LISTEN, "passive open", "waiting for a SYN from any peer");
    }

    /** SEND: queue data; it leaves as the window allows. */
    public void send(byte[] data, long now) {
        if (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT) {
            throw new IllegalStateException("cannot send in " + state);
        }
        sendBuffer.writeBytes(data);
        pump(now);
    }

    /** CLOSE: send FIN once the queued data is out. */
    public void close(long now) {
        switch (state) {
            case LISTEN, SYN_SENT -> {
                stopTimers();
                outcome = TcpOutcome.CLOSED_BEFORE_HANDSHAKE;
                move(TcpState.CLOSED, "close", "nothing was synchronized, so nothing to tell the peer");
            }
            case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                closeRequested = true;
                pump(now);
            }
            default -> { }
        }
    }

    /** ABORT: send RST (if the peer knows us) and forget the connection. */
    public void abort(long now, String why) {
        abort(now, why, TcpOutcome.ABORTED);
    }

    /** ABORT because the user stopped us (Ctrl-C): the same RST, told as an interruption. */
    public void interrupt(long now) {
        abort(now, "interrupted", TcpOutcome.INTERRUPTED);
    }

    private void abort(long now, String why, TcpOutcome because) {
        // RFC 9293 sends no RST from SYN_SENT; we do (seq = ISN + 1, no ACK) so that a server whose
        // SYN,ACK is already on its way does not keep a half-open connection after our Ctrl-C
        if (state.synchronizedState() || state == TcpState.SYN_SENT) {
            boolean withAck = state != TcpState.SYN_SENT;
            emit(TcpSegment.of(config.localPort(), config.remotePort(), sndNxt, withAck ? rcvNxt : 0,
                    TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), 0, TcpSegment.Options.NONE, new byte[0]), now,
                    Remark.of("abort: " + why));
            if (state.synchronizedState()) {
                peer(TcpState.CLOSED, "our RST", true, "a RST in the window makes the peer drop the connection at once");
            }
        }
        stopTimers();
        outcome = because;
        abortReason = why;
        if (state != TcpState.CLOSED) {
            move(TcpState.CLOSED, "RST sent", "an abort skips the close handshake; the peer learns from the RST");
        }
    }

    // ------------------------------------------------------------------ timers

    public long nextDeadline() {
        return Math.min(Math.min(Math.min(Math.min(retransmitAt, timeWaitUntil), delayedAckAt), persist.due()), finWait2Until);
    }

    /** Delayed ACKs for bulk receiving (http-get): fewer frames to send, as every modern receiver does. */
    public void delayAcks(long micros) {
        this.delayedAckMicros = micros;
    }

    /** How long FIN_WAIT_2 waits in silence for the peer's FIN: 2MSL, or the peer's resends of a lost FIN. */
    long finWait2Silence() {
        return Math.max(2 * config.mslMicros(), PEER_FIN_RESENDS_MICROS);
    }

    public void onTimer(long now) {
        if (now >= delayedAckAt) {
            emit(ackSegment(now), now, Remark.builder().words("delayed ACK: ack = ").seq(rcvNxt, rcvNxt - irs).build());
        }
        if (now >= finWait2Until) {
            stopTimers();
            outcome = TcpOutcome.PEER_NEVER_CLOSED;
            out.note(Event.Note.Kind.WARNING, "the peer acknowledged our FIN and then sent nothing for " + (finWait2Silence() / 1000)
                    + " ms, and never its own FIN: it never closed");
            move(TcpState.CLOSED, "FIN_WAIT_2 timer expired", "we stop waiting for the peer's FIN and forget the connection,"
                    + " as Linux does after tcp_fin_timeout; anything the peer sends now meets no connection");
            return;
        }
        if (now >= timeWaitUntil) {
            timeWaitUntil = Long.MAX_VALUE;
            outcome = TcpOutcome.TIME_WAIT_OVER;
            move(TcpState.CLOSED, "2MSL timer expired", "no lost ACK or old duplicate can still arrive; the ports may be reused");
            return;
        }
        if (now >= retransmitAt && !inFlight.isEmpty()) {
            if (retries >= config.maxRetries()) {
                out.note(Event.Note.Kind.WARNING, "no acknowledgment after " + retries + " retransmissions: giving up");
                retransmitAt = Long.MAX_VALUE;
                abort(now, "retransmission limit reached");
                outcome = TcpOutcome.TIMED_OUT;
                return;
            }
            retries++;
            rto.backOff();
            synTimedOut |= state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
            InFlight oldest = inFlight.peekFirst();
            oldest.retransmitted = true;
            oldest.sentAt = emit(segmentFor(oldest.seq, oldest.flags, oldest.data, now), now,
                    Remark.of("retransmission " + retries + " of " + config.maxRetries() + ", RTO now " + rto.rto() / 1000
                            + " ms (doubled)"));
            retransmitAt = now + rto.rto();
        }
        if (now >= persist.due()) {
            probeZeroWindow(now);
        }
    }

    /** The persist timer expired: probe the zero window, or give up after as many unanswered probes as retransmissions. */
    private void probeZeroWindow(long now) {
        if (persist.unanswered() >= config.maxRetries()) {
            out.note(Event.Note.Kind.WARNING, "zero window: no answer to " + persist.unanswered() + " probes: giving up");
            persist.stop();
            abort(now, "zero window probes unanswered");
            outcome = TcpOutcome.TIMED_OUT;
            return;
        }
        int n = persist.probed(now);
        // the Linux probe: an empty segment one below SND.UNA, old news the peer must answer with an ACK and its window
        int seq = sndUna - 1;
        emit(segmentFor(seq, TcpSegment.ACK, new byte[0], now), now, Remark.builder().words("zero window: probe " + n + ", seq ")
                .seq(seq, seq - config.iss()).words(" (one below snd.una: the peer answers with its window); next in "
                        + persist.intervalMicros() / 1000 + " ms").build());
    }

    // ------------------------------------------------------------------ segment arrival (RFC 9293 3.10.7)

    /** Processes one arriving segment; returns what it was, with a remark on it for the narration. */
    public TcpArrival onSegment(TcpSegment seg, long now) {
        // checksums were verified by the interface's intake: damaged segments never reach here
        return switch (state) {
            case CLOSED -> TcpArrival.of(Kind.IGNORED, "ignored: no connection (CLOSED)");
            case LISTEN -> inListen(seg, now);
            case SYN_SENT -> inSynSent(seg, now);
            default -> inSynchronized(seg, now);
        };
    }

    private TcpArrival inListen(TcpSegment seg, long now) {
        if (seg.has(TcpSegment.RST)) {
            return TcpArrival.of(Kind.IGNORED, "ignored: RST in LISTEN");
        }
        if (seg.has(TcpSegment.ACK)) {
            emit(TcpSegment.of(config.localPort(), config.remotePort(), seg.ack(), 0, TcpSegment.RST, 0,
                    TcpSegment.Options.NONE, new byte[0]), now, Remark.of("reset: an ACK to a listener acknowledges nothing"));
            return TcpArrival.of(Kind.UNACCEPTABLE, "unacceptable: ACK in LISTEN");
        }
        if (!seg.has(TcpSegment.SYN)) {
            return TcpArrival.of(Kind.IGNORED, "ignored: no SYN");
        }
        peerState = TcpState.SYN_SENT;
        irs = seg.seq();
        rcvNxt = irs + 1;
        learnOptions(seg);
        sndUna = config.iss();
        sndNxt = config.iss();
        TcpSegment.Options o = new TcpSegment.Options(config.mss(), seg.options().windowScale() >= 0 ? config.windowScale() : -1,
                sackOn, timestampsOn ? tsValue(now) : -1, timestampsOn ? tsRecent : -1, java.util.List.of());
        Remark note = Remark.builder().words("their ISN ").seq(irs, 0).build();
        transmit(TcpSegment.SYN | TcpSegment.ACK, new byte[0], o, now, theirs(irs, 1, Reason.THEIR_SYN).remark());
        move(TcpState.SYN_RECEIVED, "SYN received, SYN,ACK sent", "we answer the SYN with our own SYN and its ACK");
        return TcpArrival.of(Kind.SYN, note);
    }

    private TcpArrival inSynSent(TcpSegment seg, long now) {
        boolean ackOk = false;
        if (seg.has(TcpSegment.ACK)) {
            if (Seq.leq(seg.ack(), config.iss()) || Seq.gt(seg.ack(), sndNxt)) {
                if (!seg.has(TcpSegment.RST)) {
                    emit(TcpSegment.of(config.localPort(), config.remotePort(), seg.ack(), 0, TcpSegment.RST, 0,
                            TcpSegment.Options.NONE, new byte[0]), now, Remark.of("reset: that ACK is not for our SYN"));
                }
                return TcpArrival.of(Kind.UNACCEPTABLE, Remark.builder().words("unacceptable: ack ").seq(seg.ack(), seg.ack() - config.iss())
                        .words(" is not ISN + 1 = ").seq(config.iss() + 1, 1).words(" (dropped)").build());
            }
            ackOk = true;
        }
        if (seg.has(TcpSegment.RST)) {
            if (!ackOk) {
                return TcpArrival.of(Kind.IGNORED, "ignored: RST without an acceptable ACK");
            }
            stopTimers();
            outcome = TcpOutcome.REFUSED;
            peer(TcpState.CLOSED, "RST answered our SYN", true, "no socket listens on the port, so the kernel resets the SYN");
            move(TcpState.CLOSED, "RST received: connection refused", "a RST that acknowledges our SYN means nobody listens there");
            return TcpArrival.of(Kind.RESET, Remark.builder().words("connection refused: ").add(ours(config.iss(), 1, Reason.OUR_SYN).bare())
                    .build());
        }
        if (!seg.has(TcpSegment.SYN)) {
            return TcpArrival.of(Kind.IGNORED, "ignored: neither SYN nor RST");
        }
        irs = seg.seq();
        rcvNxt = irs + 1;
        learnOptions(seg);
        Remark note;
        if (ackOk) {
            note = ours(config.iss(), 1, Reason.OUR_SYN).remark();
            acknowledge(seg.ack(), now);
            updateSendWindow(seg.window(), seg); // a SYN's window is never scaled
            // a listener under SYN flood (or tcp_syncookies = 2) answers with a SYN cookie and keeps no
            // socket until our ACK; Linux hides the cookie in the ISN behind a secret hash, and the TSval
            // bits it also uses are masked by a per-connection offset: nothing on the wire tells them apart
            peer(TcpState.SYN_RECEIVED, "it answered our SYN with SYN,ACK; or a SYN cookie, and no state at all", true,
                    "a SYN,ACK usually means a SYN_RECEIVED socket; with a SYN cookie (RFC 4987) the server keeps none until"
                            + " our ACK, and the wire cannot tell which: the cookie is in its ISN, behind a secret hash");
            if (synTimedOut) {
                rto.afterSynTimeout();
            }
            move(TcpState.ESTABLISHED, "SYN,ACK received, ACK sent", WHY_ESTABLISHED);
            establishedAt = emit(ackSegment(now), now, theirs(irs, 1, Reason.THEIR_SYN).remark());
            peer(TcpState.ESTABLISHED, "our ACK completes its handshake", true, "the ACK of its SYN moves it to ESTABLISHED on arrival");
            pump(now);
        } else {
            note = Remark.of("simultaneous open: SYN without ACK");
            move(TcpState.SYN_RECEIVED, "SYN received (simultaneous open)", "both sides sent SYN; each now acknowledges the other's");
            emit(segmentFor(config.iss(), TcpSegment.SYN | TcpSegment.ACK, new byte[0], now), now,
                    theirs(irs, 1, Reason.THEIR_SYN).bare());
        }
        return TcpArrival.of(Kind.SYN, note);
    }

    private TcpArrival inSynchronized(TcpSegment seg, long now) {
        int len = seg.sequenceLength();
        int window = rcvWnd;
        // RFC 9293 3.10.7.4's four cases; with a zero window only an empty segment at RCV.NXT is acceptable
        boolean acceptable = len == 0
                ? seg.seq() == rcvNxt || window > 0 && Seq.inWindow(seg.seq(), rcvNxt, rcvNxt + window)
                : window > 0 && (Seq.inWindow(seg.seq(), rcvNxt, rcvNxt + window)
                        || Seq.inWindow(seg.seq() + len - 1, rcvNxt, rcvNxt + window));
        if (!acceptable) {
            if (seg.has(TcpSegment.RST)) {
                return TcpArrival.of(Kind.IGNORED, Remark.builder().words("ignored: RST outside the window (seq ")
                        .seq(seg.seq(), seg.seq() - irs).words(", expected ").seq(rcvNxt, rcvNxt - irs).words(")").build());
            }
            if (state == TcpState.TIME_WAIT && seg.has(TcpSegment.FIN)) {
                // the peer's FIN again: our last ACK was lost; send it again and restart 2MSL
                emit(ackSegment(now), now, Remark.of("the final ACK again: their FIN was retransmitted, so our ACK was lost"));
                timeWaitUntil = now + 2 * config.mslMicros();
                return new TcpArrival(Kind.UNACCEPTABLE, Fin.REPEATED, Remark.builder().words("retransmitted FIN (seq ")
                        .seq(seg.seq(), seg.seq() - irs).words("): 2MSL restarted").build());
            }
            emit(ackSegment(now), now, Remark.builder().words("ACK telling the peer what we expect: seq ")
                    .seq(rcvNxt, rcvNxt - irs).build());
            if (len > 0 && Seq.leq(seg.seq() + len, rcvNxt)) {
                // wholly before RCV.NXT: a copy of what we took already (a duplicate on the wire, or a retransmission)
                return TcpArrival.of(Kind.DUPLICATE, Remark.builder().words("duplicate: seq ").seq(seg.seq(), seg.seq() - irs)
                        .words(" (" + len + " sequence numbers) was received and acknowledged already (dropped)").build());
            }
            return TcpArrival.of(Kind.UNACCEPTABLE, Remark.builder().words("unacceptable: seq ").seq(seg.seq(), seg.seq() - irs)
                    .words(" outside the window ").seq(rcvNxt, rcvNxt - irs).words("+" + window + " (dropped)").build());
        }
        if (state == TcpState.FIN_WAIT_2 && finWait2Until != Long.MAX_VALUE) {
            finWait2Until = now + finWait2Silence(); // the bound is on silence: a peer still sending (half-close) is alive
        }
        if (seg.has(TcpSegment.RST) && state == TcpState.TIME_WAIT) {
            // RFC 1337 (TIME-WAIT assassination): both FINs were acknowledged, so the exchange is
            // complete; a RST now (an old duplicate drew it) must not cut 2MSL short or undo that
            out.note(Event.Note.Kind.INFO, "a RST in TIME_WAIT: the exchange had already completed; ignored, as RFC 1337 advises"
                    + " (Linux with tcp_rfc1337 = 0 would end TIME_WAIT here), and we wait out 2MSL");
            return TcpArrival.of(Kind.IGNORED, "ignored: RST in TIME_WAIT (RFC 1337: both FINs were acknowledged)");
        }
        if (seg.has(TcpSegment.RST)) {
            if (seg.seq() != rcvNxt) {
                emit(ackSegment(now), now, Remark.of("challenge ACK (RFC 5961): the RST's seq is in the window but not exact"));
                return TcpArrival.of(Kind.CHALLENGED, Remark.builder().words("RST not at rcv.nxt ").seq(rcvNxt, rcvNxt - irs)
                        .words(": answered with a challenge ACK").build());
            }
            stopTimers();
            outcome = TcpOutcome.RESET_BY_PEER;
            peer(TcpState.CLOSED, "it sent RST", false, "the peer aborted the connection");
            move(TcpState.CLOSED, "RST received", "a RST at exactly rcv.nxt aborts the connection at once");
            return TcpArrival.of(Kind.RESET, "connection reset by peer");
        }
        if (seg.has(TcpSegment.SYN)) {
            emit(ackSegment(now), now, Remark.of("challenge ACK (RFC 5961): a SYN in a synchronized connection"));
            return TcpArrival.of(Kind.CHALLENGED, "unexpected SYN in " + state + ": answered with a challenge ACK");
        }
        if (!seg.has(TcpSegment.ACK)) {
            return TcpArrival.of(Kind.IGNORED, "ignored: no ACK flag");
        }
        if (seg.options().hasTimestamps() && Seq.leq(seg.seq(), rcvNxt)) {
            tsRecent = seg.options().tsValue();
        }
        Remark.Builder note = Remark.builder();
        // ---- the ACK field
        if (state == TcpState.SYN_RECEIVED) {
            if (Seq.lt(sndUna, seg.ack()) && Seq.leq(seg.ack(), sndNxt)) {
                acknowledge(seg.ack(), now);
                updateSendWindow(seg.window() << sndShift, seg);
                establishedAt = now;
                peer(TcpState.ESTABLISHED, "its ACK of our SYN", false, "");
                move(TcpState.ESTABLISHED, "ACK of our SYN received", WHY_ESTABLISHED);
            } else {
                emit(TcpSegment.of(config.localPort(), config.remotePort(), seg.ack(), 0, TcpSegment.RST, 0,
                        TcpSegment.Options.NONE, new byte[0]), now, Remark.of("reset: that ACK is not for our SYN"));
                return TcpArrival.of(Kind.UNACCEPTABLE, "unacceptable ACK in SYN_RECEIVED");
            }
        } else if (Seq.gt(seg.ack(), sndNxt)) {
            emit(ackSegment(now), now, Remark.of("ACK: the peer acknowledged data we never sent"));
            return TcpArrival.of(Kind.UNACCEPTABLE, Remark.builder().words("unacceptable: ack ").seq(seg.ack(), seg.ack() - config.iss())
                    .words(" beyond snd.nxt ").seq(sndNxt, sndNxt - config.iss()).words(" (dropped)").build());
        } else if (Seq.gt(seg.ack(), sndUna)) {
            int before = sndUna;
            boolean finAcked = finSent && Seq.gt(seg.ack(), finSeq);
            acknowledge(seg.ack(), now);
            note.add(ours(before, seg.ack() - before, finAcked ? Reason.OUR_FIN : Reason.OUR_DATA).remark());
            if (finAcked) {
                switch (state) {
                    case FIN_WAIT_1 -> {
                        if (!finInOrder(seg)) {
                            peer(TcpState.CLOSE_WAIT, "it acknowledged our FIN", true, WHY_CLOSE_WAIT);
                            move(TcpState.FIN_WAIT_2, "ACK of our FIN received", WHY_FIN_WAIT_2);
                            finWait2Until = now + finWait2Silence();
                            out.note(Event.Note.Kind.INFO, "FIN_WAIT_2 lasts at most " + (finWait2Silence() / 1000)
                                    + " ms of silence here, 2MSL or the time a peer takes to resend a lost FIN three times,"
                                    + " whichever is longer (Linux: tcp_fin_timeout, 60 s): if the peer never sends its FIN,"
                                    + " we stop waiting then");
                        }
                        // with its FIN in the same segment we go straight to TIME_WAIT below
                    }
                    case CLOSING -> {
                        peer(TcpState.TIME_WAIT, "our ACK of its FIN reached it", true, WHY_TIME_WAIT);
                        enterTimeWait(now, "ACK of our FIN received");
                    }
                    case LAST_ACK -> {
                        peer(TcpState.TIME_WAIT, "it acknowledged our FIN after sending its own", true, WHY_TIME_WAIT);
                        outcome = TcpOutcome.PASSIVE_CLOSE;
                        move(TcpState.CLOSED, "ACK of our FIN received", "the peer had closed first; with our FIN acknowledged nothing is left");
                        return TcpArrival.of(Kind.ACK, note.build());
                    }
                    default -> { }
                }
            }
        }
        // RFC 9293 3.10.7.4: the window moves only with an acceptable ACK from a segment no older than
        // the one that set it last, so a segment reordered on the way cannot shrink or grow it
        persist.answered(); // any acceptable ACK: the peer is there, whatever its window says
        boolean windowNews = Seq.lt(sndWl1, seg.seq()) || sndWl1 == seg.seq() && Seq.leq(sndWl2, seg.ack());
        if ((state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT_1
                || state == TcpState.FIN_WAIT_2) && Seq.leq(sndUna, seg.ack()) && windowNews) {
            updateSendWindow(seg.window() << sndShift, seg);
        }
        // ---- the data
        Kind kind = Kind.ACK;
        boolean needAck = false;
        boolean gapBefore = !outOfOrder.isEmpty() || finHeld; // a segment that fills a gap is acknowledged at once (RFC 5681 4.2)
        boolean takesData = state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2;
        if (seg.data().length > 0 && takesData) {
            needAck = true;
            if (seg.seq() == rcvNxt) {
                deliver(seg.data());
                drainOutOfOrder();
                kind = Kind.IN_ORDER;
                note.then().words("data " + seg.data().length + " bytes in order");
            } else if (Seq.gt(seg.seq(), rcvNxt)) {
                byte[] held = outOfOrder.get(seg.seq());
                lastOutOfOrder = seg.seq();
                if (held != null && held.length >= seg.data().length) {
                    kind = Kind.DUPLICATE; // a copy of data already held: nothing new is kept
                    note.then().words("duplicate of data already held out of order (expected seq ").seq(rcvNxt, rcvNxt - irs)
                            .words(")");
                } else {
                    outOfOrder.put(seg.seq(), seg.data());
                    kind = Kind.OUT_OF_ORDER;
                    note.then().words("out of order: expected seq ").seq(rcvNxt, rcvNxt - irs).words(", held for reassembly");
                }
            } else {
                int skip = rcvNxt - seg.seq();
                if (skip < seg.data().length) {
                    deliver(Arrays.copyOfRange(seg.data(), skip, seg.data().length));
                    drainOutOfOrder();
                    kind = Kind.PARTLY_DUPLICATE;
                    note.then().words("partly duplicate: " + skip + " bytes already had");
                } else {
                    kind = Kind.DUPLICATE;
                    note.then().words("duplicate data (already acknowledged)");
                }
            }
        }
        // ---- the FIN
        Fin fin = Fin.NONE;
        if (seg.has(TcpSegment.FIN)) {
            int finAt = seg.seq() + seg.data().length;
            if (finAt == rcvNxt) {
                takeFin(finAt, now);
                needAck = false; // taking the FIN sent the ACK
                fin = Fin.ACCEPTED;
                note.then().words("FIN: the peer has no more data");
            } else if (Seq.gt(finAt, rcvNxt) && takesData) {
                // kept with the data held out of order, as Linux keeps it in its out-of-order queue
                finHeld = true;
                heldFinAt = finAt;
                fin = Fin.HELD;
                note.then().words("FIN out of order: held until the data before it arrives");
                needAck = true;
            }
        }
        if (fin != Fin.ACCEPTED && finHeld && heldFinAt == rcvNxt) {
            // this segment filled the gap before a FIN that came early
            finHeld = false;
            takeFin(heldFinAt, now);
            needAck = false;
            fin = Fin.ACCEPTED;
            note.then().words("the FIN held at seq ").seq(heldFinAt, heldFinAt - irs).words(" is in order now: the peer has no more data");
        }
        if (needAck) {
            boolean inOrderData = kind == Kind.IN_ORDER && !seg.has(TcpSegment.FIN) && outOfOrder.isEmpty() && !gapBefore;
            if (delayedAckMicros > 0 && inOrderData && ++segmentsUnacked < 2) {
                if (delayedAckAt == Long.MAX_VALUE) {
                    delayedAckAt = now + delayedAckMicros;
                }
            } else {
                TcpSegment ack = ackSegment(now);
                emit(ack, now, Seq.gt(seg.seq(), rcvNxt) ? duplicateAckNote(ack)
                        : theirs(seg.seq(), rcvNxt - seg.seq(), Reason.THEIR_DATA).bare());
            }
        }
        pump(now);
        return new TcpArrival(kind, fin, note.build());
    }

    /** The peer's FIN at {@code finAt} = RCV.NXT: it takes one sequence number; we acknowledge it and move on. */
    private void takeFin(int finAt, long now) {
        rcvNxt = rcvNxt + 1;
        Remark ackNote = theirs(finAt, 1, Reason.THEIR_FIN).remark();
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> {
                peer(TcpState.FIN_WAIT_1, "it sent FIN: it closes first", true, "the side that closes first goes to FIN_WAIT_1");
                move(TcpState.CLOSE_WAIT, "FIN received", WHY_CLOSE_WAIT);
                emit(ackSegment(now), now, ackNote);
                peer(TcpState.FIN_WAIT_2, "our ACK of its FIN", true, WHY_FIN_WAIT_2);
                if (closeRequested) {
                    pump(now);
                }
            }
            case FIN_WAIT_1 -> {
                if (finSent && Seq.gt(sndUna, finSeq)) {
                    peer(TcpState.CLOSE_WAIT, "its FIN came with the ACK of ours", true, WHY_CLOSE_WAIT);
                    peer(TcpState.LAST_ACK, "it sent its FIN at once", true, WHY_LAST_ACK);
                    move(TcpState.TIME_WAIT, "FIN,ACK received: our FIN acknowledged and theirs in one segment", WHY_TIME_WAIT);
                    startTimeWait(now);
                    emit(ackSegment(now), now, ackNote);
                    peer(TcpState.CLOSED, "our final ACK", true, "the ACK of its FIN ends its LAST_ACK");
                    return;
                }
                peer(TcpState.CLOSING, "its FIN crossed ours", true, WHY_CLOSING);
                move(TcpState.CLOSING, "FIN received before the ACK of ours", WHY_CLOSING);
                emit(ackSegment(now), now, ackNote);
            }
            case FIN_WAIT_2 -> {
                if (peerState == TcpState.CLOSE_WAIT) {
                    peer(TcpState.LAST_ACK, "it sent its FIN", true, WHY_LAST_ACK);
                } else {
                    peer(TcpState.CLOSE_WAIT, "its FIN came with the ACK of ours", true, WHY_CLOSE_WAIT);
                    peer(TcpState.LAST_ACK, "it sent its FIN at once", true, WHY_LAST_ACK);
                }
                enterTimeWait(now, "FIN received, ACK sent");
                emit(ackSegment(now), now, ackNote);
                peer(TcpState.CLOSED, "our final ACK", true, "the ACK of its FIN ends its LAST_ACK");
            }
            default -> emit(ackSegment(now), now, ackNote);
        }
    }

    private void updateSendWindow(int window, TcpSegment seg) {
        sndWnd = window;
        sndWl1 = seg.seq();
        sndWl2 = seg.ack();
    }

    /** An out-of-order arrival is answered with the same ack again: say what is missing, and what SACK says we hold. */
    private Remark duplicateAckNote(TcpSegment ack) {
        Remark.Builder b = Remark.builder().words("duplicate ACK: ack = ").seq(rcvNxt, rcvNxt - irs)
                .words(" again, the bytes from ").seq(rcvNxt, rcvNxt - irs).words(" are missing");
        if (!ack.options().sack().isEmpty()) {
            b.words("; SACK: we hold");
            for (int[] block : ack.options().sack()) {
                b.words(" ").seq(block[0], block[0] - irs).words("-").seq(block[1], block[1] - irs)
                        .words(" (" + (block[1] - block[0]) + " bytes)");
            }
        }
        return b.build();
    }

    /** ack = one of our sequence numbers + n. */
    private AckArithmetic ours(int base, long n, Reason reason) {
        return new AckArithmetic(base, base - config.iss(), n, reason);
    }

    /** ack = one of the peer's sequence numbers + n. */
    private AckArithmetic theirs(int base, long n, Reason reason) {
        return new AckArithmetic(base, base - irs, n, reason);
    }

    private boolean finInOrder(TcpSegment seg) {
        return seg.has(TcpSegment.FIN) && seg.seq() + seg.data().length == rcvNxt;
    }

    private void enterTimeWait(long now, String cause) {
        move(TcpState.TIME_WAIT, cause, WHY_TIME_WAIT);
        startTimeWait(now);
    }

    private void startTimeWait(long now) {
        finWait2Until = Long.MAX_VALUE;
        timeWaitUntil = now + 2 * config.mslMicros();
        out.note(Event.Note.Kind.INFO, "TIME_WAIT lasts 2MSL = " + (2 * config.mslMicros() / 1000) + " ms here"
                + (config.mslMicros() < 30_000_000 ? " (shortened; RFC 9293 suggests MSL = 2 min, Linux waits 60 s; --msl sets it)" : ""));
    }

    // ------------------------------------------------------------------ sending

    /** Sends what the buffer and window allow, then a FIN if a close was asked and the buffer is empty. */
    private void pump(long now) {
        if (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT) {
            return;
        }
        byte[] pending = sendBuffer.toByteArray();
        int offset = 0;
        int inFlightBytes = sndNxt - sndUna;
        while (offset < pending.length) {
            int room = Math.max(0, sndWnd - inFlightBytes);
            int size = Math.min(Math.min(sendMss(), room), pending.length - offset);
            if (size <= 0) {
                break;
            }
            byte[] chunk = Arrays.copyOfRange(pending, offset, offset + size);
            transmit(TcpSegment.ACK | TcpSegment.PSH, chunk, null, now, Remark.builder().words("data " + size + " bytes, seq ")
                    .seq(sndNxt, sndNxt - config.iss()).words(" → next seq ").seq(sndNxt + size, sndNxt + size - config.iss()).build());
            offset += size;
            inFlightBytes += size;
        }
        sendBuffer.reset();
        sendBuffer.writeBytes(Arrays.copyOfRange(pending, offset, pending.length));
        watchZeroWindow(now);
        if (closeRequested && sendBuffer.size() == 0 && !finSent) {
            finSeq = sndNxt;
            finSent = true;
            transmit(TcpSegment.FIN | TcpSegment.ACK, new byte[0], null, now, Remark.builder().words("FIN at seq ")
                    .seq(finSeq, finSeq - config.iss()).words(": it takes one sequence number").build());
            if (state == TcpState.ESTABLISHED) {
                move(TcpState.FIN_WAIT_1, "close: FIN sent", WHY_FIN_WAIT_1);
            } else {
                move(TcpState.LAST_ACK, "close: FIN sent", WHY_LAST_ACK);
            }
        }
    }

    /** Data waits, nothing is in flight to draw an ACK, and the peer's window is zero: only a probe can learn it opened. */
    private void watchZeroWindow(long now) {
        boolean stalled = sendBuffer.size() > 0 && inFlight.isEmpty() && sndWnd == 0;
        if (stalled && !persist.running()) {
            persist.start(now, rto.rto());
            out.note(Event.Note.Kind.INFO, "zero window: the peer has no room for our " + sendBuffer.size() + " queued bytes;"
                    + " we probe it in " + persist.intervalMicros() / 1000 + " ms (persist timer, RFC 9293 3.8.6.1)");
        } else if (!stalled && persist.running()) {
            if (persist.probes() > 0 && sndWnd > 0) {
                out.note(Event.Note.Kind.INFO, "zero window over: the peer has room for " + sndWnd + " bytes again");
            }
            persist.stop();
        }
    }

    /** Sends a segment that takes sequence space and keeps it for retransmission. */
    private void transmit(int flags, byte[] data, TcpSegment.Options synOptions, long now, Remark annotation) {
        TcpSegment seg = synOptions != null
                ? TcpSegment.of(config.localPort(), config.remotePort(), sndNxt, (flags & TcpSegment.ACK) != 0 ? rcvNxt : 0,
                        flags, Math.min(65535, config.receiveWindow()), synOptions, data)
                : segmentFor(sndNxt, flags, data, now);
        if (synOptions != null) {
            sentSynOptions = synOptions;
        }
        long sentAt = emit(seg, now, annotation);
        InFlight f = new InFlight(sndNxt, flags, data, sentAt);
        inFlight.addLast(f);
        sndNxt = f.end();
        if (retransmitAt == Long.MAX_VALUE) {
            retransmitAt = now + rto.rto();
        }
    }

    private TcpSegment segmentFor(int seq, int flags, byte[] data, long now) {
        boolean syn = (flags & TcpSegment.SYN) != 0;
        TcpSegment.Options o = syn && sentSynOptions != null
                ? (sentSynOptions.hasTimestamps() ? sentSynOptions.withTimestamps(tsValue(now), tsRecent) : sentSynOptions)
                : syn ? new TcpSegment.Options(config.mss(), config.windowScale(), config.sackPermitted(),
                        config.timestamps() ? tsValue(now) : -1, config.timestamps() ? tsRecent : -1, java.util.List.of())
                : timestampsOn ? TcpSegment.Options.NONE.withTimestamps(tsValue(now), tsRecent) : TcpSegment.Options.NONE;
        int window = syn ? Math.min(65535, config.receiveWindow()) : Math.min(65535, config.receiveWindow() >> rcvShift);
        int ack = (flags & TcpSegment.ACK) != 0 || state.synchronizedState() ? rcvNxt : 0;
        int f = state.synchronizedState() || state == TcpState.SYN_SENT && (flags & TcpSegment.SYN) == 0 ? flags | TcpSegment.ACK : flags;
        return TcpSegment.of(config.localPort(), config.remotePort(), seq, ack, f, window, o, data);
    }

    private TcpSegment ackSegment(long now) {
        TcpSegment ack = segmentFor(sndNxt, TcpSegment.ACK, new byte[0], now);
        if (!sackOn || outOfOrder.isEmpty()) {
            return ack;
        }
        // SACK blocks (RFC 2018): tell the sender exactly which data beyond the gap we hold, so it
        // resends only what is missing instead of waiting for its retransmission timer
        return TcpSegment.of(ack.sourcePort(), ack.destinationPort(), ack.seq(), ack.ack(), ack.flags(), ack.window(),
                ack.options().withSack(sackBlocks(timestampsOn ? 3 : 4)), ack.data());
    }

    /** Contiguous ranges held out of order, the one holding the latest arrival first (RFC 2018 section 4). */
    private java.util.List<int[]> sackBlocks(int max) {
        java.util.List<int[]> ranges = new java.util.ArrayList<>();
        int[] current = null;
        for (Map.Entry<Integer, byte[]> e : outOfOrder.entrySet()) {
            int start = e.getKey();
            int end = start + e.getValue().length;
            if (current != null && Seq.leq(start, current[1])) {
                if (Seq.gt(end, current[1])) {
                    current[1] = end;
                }
            } else {
                current = new int[] {start, end};
                ranges.add(current);
            }
        }
        int[] latest = null;
        for (int[] r : ranges) {
            if (Seq.leq(r[0], lastOutOfOrder) && Seq.lt(lastOutOfOrder, r[1])) {
                latest = r;
            }
        }
        java.util.List<int[]> blocks = new java.util.ArrayList<>();
        if (latest != null) {
            blocks.add(latest);
        }
        for (int i = ranges.size() - 1; i >= 0 && blocks.size() < max; i--) {
            if (ranges.get(i) != latest) {
                blocks.add(ranges.get(i));
            }
        }
        return blocks.size() > max ? blocks.subList(0, max) : blocks;
    }

    private long emit(TcpSegment seg, long now, Remark annotation) {
        if (seg.has(TcpSegment.ACK) && !seg.has(TcpSegment.RST)) {
            rcvWnd = seg.has(TcpSegment.SYN) ? seg.window() : seg.window() << rcvShift; // a SYN's window is never scaled
        }
        if (seg.has(TcpSegment.ACK)) {
            segmentsUnacked = 0; // any segment we send carries the ACK of everything received so far
            delayedAckAt = Long.MAX_VALUE;
        }
        return out.send(seg, annotation);
    }

    private void acknowledge(int ack, long now) {
        sndUna = ack;
        boolean sampled = false;
        while (!inFlight.isEmpty() && Seq.leq(inFlight.peekFirst().end(), ack)) {
            InFlight f = inFlight.removeFirst();
            if (!f.retransmitted && !sampled) {
                lastRttMicros = now - f.sentAt;
                rto.sample(lastRttMicros);
                sampled = true;
            }
        }
        retries = 0;
        retransmitAt = inFlight.isEmpty() ? Long.MAX_VALUE : now + rto.rto();
    }

    private void deliver(byte[] data) {
        rcvNxt += data.length;
        received += data.length;
        out.delivered(data);
    }

    private void drainOutOfOrder() {
        while (!outOfOrder.isEmpty()) {
            Map.Entry<Integer, byte[]> first = outOfOrder.firstEntry();
            int seq = first.getKey();
            byte[] data = first.getValue();
            if (Seq.gt(seq, rcvNxt)) {
                return;
            }
            outOfOrder.pollFirstEntry();
            int skip = rcvNxt - seq;
            if (skip < data.length) {
                deliver(Arrays.copyOfRange(data, skip, data.length));
            }
        }
    }

    private void learnOptions(TcpSegment seg) {
        TcpSegment.Options o = seg.options();
        if (o.mss() > 0) {
            peerMss = Math.min(o.mss(), config.mss());
        }
        if (o.windowScale() >= 0 && config.windowScale() >= 0) {
            sndShift = Math.min(14, o.windowScale());
            rcvShift = config.windowScale();
        }
        timestampsOn = config.timestamps() && o.hasTimestamps();
        if (timestampsOn) {
            tsRecent = o.tsValue();
        }
        sackOn = config.sackPermitted() && o.sackPermitted();
    }

    /**
     * Our timestamp clock in ms. Never backwards (RFC 7323 5.4): we act on frames at their capture
     * time and on timers at the clock's, which can be later, and a smaller TSval would be
     * dropped by the peer's PAWS check (it answers with a duplicate ACK).
     */
    private long tsValue(long now) {
        lastTsMillis = Math.max(lastTsMillis, now / 1000);
        return lastTsMillis & 0xffffffffL;
    }

    /**
     * Data bytes per segment: the MSS both sides allow (and the path, once an ICMP said it is
     * smaller), less the options every data segment carries — the MSS counts neither IP nor
     * TCP headers, options included (RFC 9293 3.7.1), so a segment with timestamps carries 12 fewer.
     */
    int sendMss() {
        return Math.max(1, Math.min(peerMss, pathMtuMss) - (timestampsOn ? 12 : 0));
    }

    // ------------------------------------------------------------------ ICMP errors (RFC 1122 4.2.3.9, RFC 5461, RFC 1191)

    /** What an ICMP error about this connection did: told, and maybe the end of it. */
    public Remark onIcmpUnreachable(int code, int nextHopMtu, int quotedSeq, String meaning, long now) {
        // RFC 5927: only an error quoting a sequence number we sent and not yet acknowledged is believed
        boolean inFlightSeq = Seq.inWindow(quotedSeq, sndUna, sndNxt) || quotedSeq == sndUna;
        if (state == TcpState.CLOSED || !inFlightSeq) {
            return Remark.builder().words("ignored: it quotes seq ").seq(quotedSeq, quotedSeq - config.iss())
                    .words(", not one we have in flight").build();
        }
        if (code == 4) {
            return pathMtu(nextHopMtu, now);
        }
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            // RFC 5461 (as Linux does): an unreachable while connecting ends the attempt at once
            stopTimers();
            outcome = code == 2 || code == 3 ? TcpOutcome.REFUSED : TcpOutcome.UNREACHABLE;
            move(TcpState.CLOSED, "ICMP " + meaning + " received",
                    "the network says our " + (state == TcpState.SYN_SENT ? "SYN" : "SYN,ACK")
                            + " cannot be delivered: retrying would only wait for the same answer (RFC 5461)");
            return Remark.of("connection " + (code == 3 ? "refused" : "failed") + ": " + meaning + " — no more SYNs");
        }
        return Remark.of("a soft error in " + state + ": RFC 1122 4.2.3.9 says not to abort an established connection on it;"
                + " retransmission goes on");
    }

    /**
     * An ICMPv6 Packet Too Big quoting one of our segments (RFC 8201): the path takes at most
     * {@code mtu} bytes; never below IPv6's minimum link MTU of 1280 (RFC 8200 5), whatever the
     * message says, so a forged small MTU cannot shrink our segments.
     */
    public Remark onPacketTooBig(long mtu, int quotedSeq, long now) {
        boolean inFlightSeq = Seq.inWindow(quotedSeq, sndUna, sndNxt) || quotedSeq == sndUna;
        if (state == TcpState.CLOSED || !inFlightSeq) {
            return Remark.builder().words("ignored: it quotes seq ").seq(quotedSeq, quotedSeq - config.iss())
                    .words(", not one we have in flight").build();
        }
        int pmtu = (int) Math.min(Math.max(mtu, 1280), 65_535);
        return pathMtu(pmtu, pmtu - 60, "packet too big", now);
    }

    /** RFC 1191: the path takes packets of at most {@code mtu} bytes; resend what was too big, in smaller segments. */
    private Remark pathMtu(int mtu, long now) {
        // an old router that sends no MTU: the Internet's minimum datagram; and never below Linux's
        // min_pmtu (552), so a forged "mtu 68" cannot shrink us to 16-byte segments
        return pathMtu(mtu, Math.max(552, mtu >= 68 ? mtu : 576) - 40, "fragmentation needed", now);
    }

    /** The path MTU lowered to {@code mtu} (an MSS of {@code newMss}), as {@code why} (the ICMP message) said. */
    private Remark pathMtu(int mtu, int newMss, String why, long now) {
        if (newMss >= Math.min(peerMss, pathMtuMss)) {
            return Remark.of(pathMtuMss <= newMss
                    ? why + " (mtu " + mtu + ") for a segment sent before we lowered the path MTU: already sent again in pieces"
                    : why + ", next hop MTU " + mtu + ": our segments already fit");
        }
        pathMtuMss = newMss;
        int size = sendMss();
        Deque<InFlight> resend = new ArrayDeque<>();
        java.util.List<InFlight> pieces = new java.util.ArrayList<>();
        for (InFlight f : inFlight) {
            if (f.data.length <= size || (f.flags & TcpSegment.SYN) != 0) {
                resend.addLast(f); // it fit: not what the router dropped
                continue;
            }
            for (int off = 0; off < f.data.length; off += size) {
                int end = Math.min(f.data.length, off + size);
                boolean last = end == f.data.length;
                InFlight piece = new InFlight(f.seq + off, last ? f.flags : f.flags & ~TcpSegment.FIN,
                        Arrays.copyOfRange(f.data, off, end), now);
                piece.retransmitted = true; // Karn: no RTT sample from it
                resend.addLast(piece);
                pieces.add(piece);
            }
        }
        inFlight.clear();
        inFlight.addAll(resend);
        for (InFlight f : pieces) {
            f.sentAt = emit(segmentFor(f.seq, f.flags, f.data, now), now, Remark.builder().words("resent within the path MTU: "
                    + f.data.length + " bytes, seq ").seq(f.seq, f.seq - config.iss()).build());
        }
        retransmitAt = now + rto.rto();
        return Remark.of(why + ": the path takes " + mtu + " bytes, so segments now carry at most " + size
                + " data bytes (" + newMss + " MSS less options); what was too big is sent again in pieces");
    }

    private void move(TcpState to, String cause, String why) {
        TcpState from = state;
        state = to;
        out.transition(false, from, to, cause, false, why);
    }

    /** What the wire implies of the peer's state (or shows, when {@code inferred} is false). */
    private void peer(TcpState to, String cause, boolean inferred, String why) {
        if (peerState == to) {
            return;
        }
        TcpState from = peerState;
        peerState = to;
        out.transition(true, from, to, cause, inferred, why);
    }

    /** The connection is over: nothing is left to send again, wait out or acknowledge. */
    private void stopTimers() {
        inFlight.clear();
        retransmitAt = Long.MAX_VALUE;
        timeWaitUntil = Long.MAX_VALUE;
        finWait2Until = Long.MAX_VALUE;
        delayedAckAt = Long.MAX_VALUE;
        persist.stop();
    }

    private void require(TcpState s, String what) {
        if (state != s) {
            throw new IllegalStateException(what + " in " + state);
        }
    }

    // ------------------------------------------------------------------ what the owner may read

    public TcpState state() {
        return state;
    }

    /** The peer's state as the wire implies it (it starts as LISTEN, assumed). */
    public TcpState peerState() {
        return peerState;
    }

    public int iss() {
        return config.iss();
    }

    public int irs() {
        return irs;
    }

    public int sndNxt() {
        return sndNxt;
    }

    public int sndUna() {
        return sndUna;
    }

    public int rcvNxt() {
        return rcvNxt;
    }

    /** SND.WND: how many bytes beyond SND.UNA the peer's window lets us have in flight. */
    public int sendWindow() {
        return sndWnd;
    }

    public long receivedBytes() {
        return received;
    }

    /** When our side reached ESTABLISHED: the ACK of their SYN left (active open), or their ACK arrived. */
    public long establishedAt() {
        return establishedAt;
    }

    public long lastRttMicros() {
        return lastRttMicros;
    }

    public long rtoMicros() {
        return rto.rto();
    }

    public TcpOutcome outcome() {
        return outcome;
    }

    /** The outcome in the words results use ("aborted: why" for an abort); decide from {@link #outcome()}, not from these. */
    public String closedBecause() {
        return outcome == TcpOutcome.ABORTED ? "aborted: " + abortReason : outcome.text();
    }

    public boolean hasUnsentOrUnacked() {
        return sendBuffer.size() > 0 || !inFlight.isEmpty();
    }

    public Config config() {
        return config;
    }
}
