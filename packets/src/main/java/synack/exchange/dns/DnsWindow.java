package synack.exchange.dns;

/**
 * How many bulk queries may be outstanding, and how long a try waits before it is asked again: a
 * congestion window as TCP's (slow start, then one more per window of answers; halved on a loss,
 * once per window) and RFC 6298's RTT estimate for the retransmission timeout. A server that is
 * only slow shows it before it drops anything: its queue makes the RTT grow, so the window also
 * stops growing (and shrinks) while the queries it holds queued, window × (1 − min RTT / smoothed
 * RTT) as TCP Vegas estimates it, exceed {@link #QUEUE_TARGET}. Pure arithmetic on the times it
 * is given: no clock, no I/O.
 */
public final class DnsWindow {
    /** Queries we let wait in the server's queue (its socket, its worker): enough to keep it busy, far below a socket buffer's ~200. */
    static final double QUEUE_TARGET = 32;
    /** The window a run starts with (RFC 6928's initial window for TCP is 10 segments). */
    static final int INITIAL = 16;
    /** The shortest wait before a try is asked again: unbound's floor for a server's timeout. */
    static final long MIN_RTO_MICROS = 50_000;
    /** The wait before any answer has been timed (RFC 6298 says 1 s), at most the caller's maximum. */
    static final long FIRST_RTO_MICROS = 1_000_000;

    private final int cap;
    private final long maxRtoMicros;
    private double window;
    private double ssthresh;
    private long srtt = -1;
    private long rttvar;
    private long minRtt = Long.MAX_VALUE;
    private long sent;
    private long recoverAfter = -1;
    private int answeredSinceGrowth;
    private boolean answeredSinceBackoff;
    private int lowest;
    private int highest;
    private int losses;
    private int backoffs;
    private long appLimited;
    private int undoFor;
    /** Losses of the last back-off's window not yet shown late: it is undone only when none is left (as Linux's undo_retrans). */
    private int undoPending;
    private int undone;
    private double undoWindow;
    private double undoSsthresh;
    private long undoRecoverAfter;

    /** @param cap never more outstanding than this; @param maxRtoMicros no try waits longer (the user's --timeout) */
    public DnsWindow(int cap, long maxRtoMicros) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap " + cap + " < 1");
        }
        this.cap = cap;
        this.maxRtoMicros = maxRtoMicros;
        this.window = Math.min(INITIAL, cap);
        this.ssthresh = cap;
        this.answeredSinceBackoff = true; // a first loss is news
        this.lowest = allowed();
        this.highest = allowed();
    }

    /** Queries that may be outstanding now: at least one, never above the cap. */
    public int allowed() {
        return (int) Math.max(1, Math.min(cap, Math.floor(window)));
    }

    /** A try leaves: its sequence number, which says later whether its loss is news (sent after the last back-off). */
    public long sent() {
        return sent++;
    }

    /**
     * An answer came. {@code rttMicros} is its RTT when unambiguous (to a first try: Karn's rule), else negative.
     */
    public void answered(long rttMicros) {
        answered(rttMicros, false);
    }

    /**
     * As {@link #answered(long)}; {@code readLate}: the answer waited for us (we were still busy with earlier ones when
     * it came). Then the window does not grow: it is not what limits the pace, and the queries a larger one would
     * add wait in our own queue of answers, or, when the server stalls for a moment, in its socket buffer (a few
     * hundred small datagrams, past which it drops them), as RFC 7661 keeps an unused congestion window from growing.
     */
    public void answered(long rttMicros, boolean readLate) {
        if (rttMicros >= 0) {
            sample(rttMicros);
        }
        double queued = srtt > 0 ? window * (1 - (double) minRtt / srtt) : 0;
        answeredSinceBackoff = true;
        if (queued > 2 * QUEUE_TARGET) {
            window = Math.max(1, window - 1 / window); // one less per window of answers: the server's queue grows
        } else if (readLate) {
            appLimited++;
        } else if (queued <= QUEUE_TARGET) {
            if (window < ssthresh) {
                window += 1; // slow start: doubles every round trip
            } else if (++answeredSinceGrowth >= (int) window) {
                window += 1; // congestion avoidance: one more per window of answers
                answeredSinceGrowth = 0;
            }
        }
        window = Math.min(window, cap);
        note();
    }

    /**
     * A try went unanswered for its RTO: the path or the server lost it (or it is very late). Returns the number of
     * the back-off it caused or belongs to (1, 2, ...: a later loss of the same window is part of the same event), or
     * 0 when none: what {@link #spurious} is told if it was late.
     */
    public int lost(long sequence) {
        losses++;
        // one back-off per window: the other losses of this window are the same event. And only when an answer came
        // since the last one: halving again for a server gone silent would not make it answer, only slow the run
        if (sequence > recoverAfter && answeredSinceBackoff) {
            undoWindow = window;
            undoSsthresh = ssthresh;
            undoRecoverAfter = recoverAfter;
            answeredSinceBackoff = false;
            ssthresh = Math.max(1, Math.floor(window / 2));
            window = ssthresh;
            recoverAfter = sent - 1;
            backoffs++;
            undoFor = backoffs;
            undoPending = 1;
            note();
            return backoffs;
        }
        if (undoFor > 0 && undoFor == backoffs && sequence <= recoverAfter) {
            undoPending++; // the same window's: the back-off stands unless this one too turns out late
            return backoffs;
        }
        return 0;
    }

    /**
     * A try taken for lost was answered after all (its answer came before the retry left, or the retry's answer came
     * as a second one): the server was late, not losing. {@code lateRttMicros}, when not negative, is how long that
     * first try's answer took, a sample the RTO has to cover (Karn's rule kept it out, RFC 4015 lets it in). When the
     * back-off its loss caused ({@code backoff}, from {@link #lost}) is still the last one and every loss of that
     * window has now been shown late, it is undone: the window and threshold as they were (RFC 4015's response), so
     * that late answers cost a query each, not half the window; one real loss among them keeps the back-off.
     */
    public void spurious(int backoff, long lateRttMicros) {
        if (lateRttMicros >= 0) {
            sample(lateRttMicros);
        }
        if (backoff > 0 && backoff == undoFor && --undoPending <= 0) {
            window = Math.min(cap, Math.max(window, undoWindow));
            ssthresh = Math.max(ssthresh, undoSsthresh);
            recoverAfter = undoRecoverAfter; // a real loss of that window backs off after all
            answeredSinceBackoff = true;
            undoFor = 0;
            undone++;
            note();
        }
    }

    /** Answers that did not grow the window because they had waited for us. */
    public long readLate() {
        return appLimited;
    }

    /** Back-offs undone because the loss that caused them was an answer late (see {@link #spurious}). */
    public int undone() {
        return undone;
    }

    private void sample(long r) {
        r = Math.max(1, r);
        minRtt = Math.min(minRtt, r);
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
    }

    private void note() {
        lowest = Math.min(lowest, allowed());
        highest = Math.max(highest, allowed());
    }

    /** How long try {@code tries} (1 = the first) waits: the RTO, doubled for each earlier try, within [50 ms, the maximum]. */
    public long waitMicros(int tries) {
        long rto = srtt < 0 ? FIRST_RTO_MICROS : srtt + Math.max(1_000, 4 * rttvar);
        rto = Math.max(MIN_RTO_MICROS, rto) << Math.min(20, tries - 1);
        return Math.min(maxRtoMicros, rto);
    }

    public int cap() {
        return cap;
    }

    public int lowest() {
        return lowest;
    }

    public int highest() {
        return highest;
    }

    public int losses() {
        return losses;
    }

    public int backoffs() {
        return backoffs;
    }

    /** The smoothed RTT, or -1 before any answer was timed. */
    public long srttMicros() {
        return srtt;
    }

    /** The shortest RTT seen, or -1 before any answer was timed. */
    public long minRttMicros() {
        return minRtt == Long.MAX_VALUE ? -1 : minRtt;
    }
}
