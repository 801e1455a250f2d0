package synack.exchange.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from round-trip samples (never from
 * retransmitted segments, Karn's rule), RTO = SRTT + max(G, 4 RTTVAR), doubled on each timeout.
 */
public final class RetransmissionTimer {
    private static final long CLOCK_GRANULARITY = 1_000; // 1 ms
    private final long minRto;
    private final long maxRto;
    private long rto;
    private double srtt = -1;
    private double rttvar;

    public RetransmissionTimer(long initialRtoMicros, long minRtoMicros, long maxRtoMicros) {
        this.rto = initialRtoMicros;
        this.minRto = minRtoMicros;
        this.maxRto = maxRtoMicros;
    }

    public void sample(long rttMicros) {
        if (srtt < 0) {
            srtt = rttMicros;
            rttvar = rttMicros / 2.0;
        } else {
            rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - rttMicros);
            srtt = 0.875 * srtt + 0.125 * rttMicros;
        }
        rto = clamp((long) (srtt + Math.max(CLOCK_GRANULARITY, 4 * rttvar)));
    }

    /** RFC 6298 5.7: after a SYN timed out, data starts with an RTO of at least 3 s (unless a sample came since). */
    public void afterSynTimeout() {
        if (srtt < 0 && rto < 3_000_000) {
            rto = clamp(3_000_000);
        }
    }

    public void backOff() {
        rto = clamp(rto * 2);
    }

    private long clamp(long value) {
        return Math.max(minRto, Math.min(maxRto, value));
    }

    public long rto() {
        return rto;
    }

    public long srtt() {
        return srtt < 0 ? -1 : (long) srtt;
    }
}
