package synack.explain;

import synack.wire.Seq;

/**
 * One side's segments not yet acknowledged, oldest first, as Wireshark keeps them for ACK RTT and
 * for the original of a retransmission: start, next sequence number, time and frame. Primitive
 * arrays grown on demand and capped at {@link #MAX} entries (Wireshark's TCP_MAX_UNACKED_SEGMENTS):
 * when the ACKs are not seen, new segments are no longer remembered. Growing past the first
 * {@link #FREE} entries draws on a {@link Budget} shared by all connections, so thousands of
 * connections whose ACKs the capture lacks (a one-directional capture) stay within a few MiB: when
 * it is spent, a list that cannot grow is full.
 */
final class TcpUnacked {
    static final int MAX = 1000;
    /** Entries every list may have without drawing on the budget. */
    static final int FREE = 4;
    /** Entries (of capacity, 24 bytes each) all connections together may grow beyond their first {@link #FREE}. */
    static final int BUDGET_ENTRIES = 1 << 18;

    /** Capacity drawn by all lists together beyond their first {@link #FREE} entries, and its limit. */
    static final class Budget {
        private final long limit;
        private long drawn;

        Budget(long limit) {
            this.limit = limit;
        }

        long drawn() {
            return drawn;
        }
    }

    // shared empty arrays: a connection that never sends data (a port scan's) allocates none
    private static final int[] NO_INTS = new int[0];
    private static final long[] NO_LONGS = new long[0];

    private int[] seq = NO_INTS;
    private int[] next = NO_INTS;
    private long[] time = NO_LONGS;
    private long[] frame = NO_LONGS;
    private int size;
    private final Budget budget;

    TcpUnacked(Budget budget) {
        this.budget = budget;
    }

    int size() {
        return size;
    }

    /** Entries the arrays have room for (what the list costs). */
    int capacity() {
        return seq.length;
    }

    /** Remembers a segment; false when the list is full. */
    boolean add(int start, int nextSeq, long micros, long frameNumber) {
        if (size == MAX) {
            return false;
        }
        if (size == seq.length) {
            int n = Math.min(MAX, Math.max(FREE, size * 2));
            int draw = charged(n) - charged(seq.length);
            if (budget.drawn + draw > budget.limit) {
                n = Math.max(FREE, seq.length + (int) Math.max(0, budget.limit - budget.drawn));
                if (n == seq.length) {
                    return false; // the budget is spent: full
                }
                draw = charged(n) - charged(seq.length);
            }
            budget.drawn += draw;
            seq = java.util.Arrays.copyOf(seq, n);
            next = java.util.Arrays.copyOf(next, n);
            time = java.util.Arrays.copyOf(time, n);
            frame = java.util.Arrays.copyOf(frame, n);
        }
        seq[size] = start;
        next[size] = nextSeq;
        time[size] = micros;
        frame[size] = frameNumber;
        size++;
        return true;
    }

    /**
     * The oldest segment holding sequence number {@code s}, else the oldest of all (Wireshark's
     * guess for the original of a retransmission), -1 when none is remembered.
     */
    int original(int s) {
        for (int i = 0; i < size; i++) {
            if (Seq.leq(seq[i], s) && Seq.lt(s, next[i])) {
                return i;
            }
        }
        return size > 0 ? 0 : -1;
    }

    long time(int i) {
        return time[i];
    }

    long frame(int i) {
        return frame[i];
    }

    /**
     * Applies an acknowledgment: segments wholly acknowledged are forgotten, one acknowledged in
     * part keeps its unacknowledged rest. Returns the index-free answer of tshark's ack_rtt: the
     * time of the oldest segment this ACK covers exactly ({@code ack} = its next sequence number),
     * or -1; {@link #ackedFrame()} is then that segment's frame.
     */
    long ack(int ack) {
        long matchedTime = -1;
        matchedFrame = -1;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (ack == next[i]) {
                if (matchedTime < 0) {
                    matchedTime = time[i];
                    matchedFrame = frame[i];
                }
                continue;
            }
            if (Seq.lt(next[i], ack)) {
                continue;
            }
            if (Seq.gt(ack, seq[i])) {
                seq[i] = ack;
            }
            seq[kept] = seq[i];
            next[kept] = next[i];
            time[kept] = time[i];
            frame[kept] = frame[i];
            kept++;
        }
        size = kept;
        if (size == 0 && seq.length > FREE) {
            release(); // all acknowledged: the capacity goes back to the other connections
        }
        return matchedTime;
    }

    private long matchedFrame = -1;

    long ackedFrame() {
        return matchedFrame;
    }

    /** Forgets everything (the connection is over). */
    void clear() {
        size = 0;
        release();
    }

    /** Capacity beyond the first {@link #FREE} entries is what the budget is charged for. */
    private static int charged(int capacity) {
        return Math.max(0, capacity - FREE);
    }

    private void release() {
        budget.drawn -= charged(seq.length);
        seq = NO_INTS;
        next = NO_INTS;
        time = NO_LONGS;
        frame = NO_LONGS;
    }
}
