package synack.explain;

/**
 * Round-trip samples of one kind (ACK RTT, as tshark's tcp.analysis.ack_rtt: from a segment to the
 * first ACK that covers it exactly, as seen at the capture point), kept as count, min, sum and max
 * so memory does not grow with the samples.
 */
final class TcpRtt {
    private long count;
    private long min = Long.MAX_VALUE;
    private long max;
    private long sum;

    void add(long micros) {
        count++;
        min = Math.min(min, micros);
        max = Math.max(max, micros);
        sum += micros;
    }

    long count() {
        return count;
    }

    /** The mean so far, -1 without samples. */
    long avg() {
        return count == 0 ? -1 : sum / count;
    }

    TcpRttStats stats() {
        return count == 0 ? TcpRttStats.NONE : new TcpRttStats(count, min, sum / count, max);
    }
}
