package synack.explain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Running totals of every TCP connection of a capture, added as each one's summary is final: what
 * the CI checks judge, so that they need no list of every connection (a port scan has millions).
 * A few connections are kept as examples for the checks' details, the first ones met.
 */
public final class TcpTotals {
    /** Connections named in a check's detail; the others are only counted. */
    public static final int EXAMPLES = 20;

    /** A connection the detail names: its stream, and its count or how it ended. */
    public record Example(int stream, int retransmissions, TcpClosePath closePath) {}

    private long connections;
    private long retransmissions;
    private long retransmitting;
    private final List<Example> retransmittingExamples = new ArrayList<>();
    private long resets;
    private final List<Example> resetExamples = new ArrayList<>();
    private long handshakes;
    private long slowestHandshakeMicros = -1;
    private long evicted;

    /** One connection's final summary. */
    void add(TcpFlowSummary s) {
        connections++;
        int r = s.retransmissions();
        if (r > 0) {
            retransmissions += r;
            retransmitting++;
            if (retransmittingExamples.size() < EXAMPLES) {
                retransmittingExamples.add(new Example(s.stream(), r, s.closePath()));
            }
        }
        TcpClosePath close = s.closePath();
        if (close == TcpClosePath.RESET_BY_A || close == TcpClosePath.RESET_BY_B || close == TcpClosePath.REFUSED) {
            resets++;
            if (resetExamples.size() < EXAMPLES) {
                resetExamples.add(new Example(s.stream(), r, close));
            }
        }
        if (s.handshakeRttMicros() >= 0) {
            handshakes++;
            slowestHandshakeMicros = Math.max(slowestHandshakeMicros, s.handshakeRttMicros());
        }
        if (close == TcpClosePath.EVICTED) {
            evicted++;
        }
    }

    /** Connections summed up. */
    public long connections() {
        return connections;
    }

    /** Retransmitted segments of all connections (RTO, fast and spurious, as tshark counts them). */
    public long retransmissions() {
        return retransmissions;
    }

    /** Connections with at least one retransmission. */
    public long retransmittingConnections() {
        return retransmitting;
    }

    /** The first {@link #EXAMPLES} of them. */
    public List<Example> retransmittingExamples() {
        return Collections.unmodifiableList(retransmittingExamples);
    }

    /** Connections reset (by either side) or refused. */
    public long resets() {
        return resets;
    }

    /** The first {@link #EXAMPLES} of them. */
    public List<Example> resetExamples() {
        return Collections.unmodifiableList(resetExamples);
    }

    /** Connections whose three-way handshake the capture showed whole. */
    public long handshakes() {
        return handshakes;
    }

    /** The slowest of those handshakes, -1 when none. */
    public long slowestHandshakeMicros() {
        return slowestHandshakeMicros;
    }

    /** Connections forgotten while open, beyond the bound of connections followed at once. */
    public long evicted() {
        return evicted;
    }
}
