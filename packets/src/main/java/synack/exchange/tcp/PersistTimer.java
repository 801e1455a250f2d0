package synack.exchange.tcp;

/**
 * The persist timer of RFC 9293 3.8.6.1 (RFC 1122 4.2.2.17): while the peer's window is zero and
 * data waits, probe it one RTO after the window closed, then at doubling intervals, so that a lost
 * window update cannot stall the connection for ever. A peer that answers may keep its window
 * closed as long as it likes; only probes in a row without an answer count toward giving up.
 */
final class PersistTimer {
    private final long maxIntervalMicros;
    private long interval;
    private long due = Long.MAX_VALUE;
    private int probes;
    private int unanswered;

    PersistTimer(long maxIntervalMicros) {
        this.maxIntervalMicros = maxIntervalMicros;
    }

    boolean running() {
        return due != Long.MAX_VALUE;
    }

    /** The window closed with data waiting: the first probe one RTO from now. */
    void start(long now, long rtoMicros) {
        interval = Math.min(maxIntervalMicros, rtoMicros);
        due = now + interval;
        probes = 0;
        unanswered = 0;
    }

    void stop() {
        due = Long.MAX_VALUE;
    }

    long due() {
        return due;
    }

    /** A probe leaves now; the next waits twice as long (at most the largest RTO). Returns the probe's number. */
    int probed(long now) {
        probes++;
        unanswered++;
        interval = Math.min(maxIntervalMicros, interval * 2);
        due = now + interval;
        return probes;
    }

    /** The peer answered (with any acceptable ACK): it is there, whatever its window says. */
    void answered() {
        unanswered = 0;
    }

    int probes() {
        return probes;
    }

    int unanswered() {
        return unanswered;
    }

    /** How long until the next probe. */
    long intervalMicros() {
        return interval;
    }
}
