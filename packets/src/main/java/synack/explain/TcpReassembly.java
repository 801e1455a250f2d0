package synack.explain;

import java.util.TreeMap;
import synack.wire.Seq;

/**
 * One side's byte stream put back in order for the application layer: each byte delivered once
 * (retransmitted bytes are not repeated, overlaps trimmed), out-of-order data held until the hole
 * before it fills. Holding is bounded ({@link #MAX_HELD_PER_SIDE} bytes and {@link #MAX_CHUNKS_PER_SIDE}
 * chunks, and a {@link Budget} shared by all connections; each chunk is charged its captured bytes
 * plus {@link #CHUNK_COST}, what the objects holding it cost, so a flood of empty or one-byte
 * segments is bounded too): past the bound, or when the other side acknowledges bytes nobody repeats, the
 * hole is told as {@link StreamListener#gap} and the stream goes on. Bytes the snapshot length cut
 * off a frame are a gap too: only captured bytes can be delivered.
 */
final class TcpReassembly {
    static final int MAX_HELD_PER_SIDE = 1 << 20;
    /** Chunks held by one side at most: each is a map entry and a record besides its bytes. */
    static final int MAX_CHUNKS_PER_SIDE = 4096;
    /** What a held chunk costs beyond its captured bytes (map entry, record, array header), charged to the bounds. */
    static final int CHUNK_COST = 96;

    /** Bytes held out of order by all connections together, and their limit. */
    static final class Budget {
        private final long limit;
        private long held;

        Budget(long limit) {
            this.limit = limit;
        }

        long held() {
            return held;
        }
    }

    /** Data beyond a hole: the captured bytes, and how long it was on the wire (more when the capture cut it). */
    private record Chunk(int seq, byte[] data, int wireLength, long time, long frame) {
        int end() {
            return seq + wireLength;
        }
    }

    private final Side side;
    private final StreamListener listener;
    private final Budget budget;
    private boolean started;
    private int next;
    private boolean ended;
    /**
     * Held chunks by sequence number. Every held chunk lies less than 2^31 ahead of {@code next}, so
     * the mod 2^32 order of {@link Seq} is a consistent order among them.
     */
    private TreeMap<Integer, Chunk> held;
    private int heldBytes;
    private boolean finHeld;
    private int finSeq;
    private int boundReached;

    TcpReassembly(Side side, StreamListener listener, Budget budget) {
        this.side = side;
        this.listener = listener;
        this.budget = budget;
    }

    /** The stream starts after the SYN: its first byte is {@code isn + 1}. */
    void start(int firstByte) {
        if (!started) {
            started = true;
            next = firstByte;
        }
    }

    boolean ended() {
        return ended;
    }

    /** How many times the bound made it give up waiting for a hole. */
    int boundReached() {
        return boundReached;
    }

    /** {@code wireLength} bytes at {@code seq}, of which {@code data} is what the capture holds. */
    void data(int seq, byte[] data, int wireLength, long time, long frame) {
        if (ended || wireLength <= 0) {
            return;
        }
        if (!started) {
            start(seq);
        }
        int end = seq + wireLength;
        if (Seq.leq(end, next)) {
            return; // all of it delivered already
        }
        if (Seq.leq(seq, next)) {
            deliver(seq, data, wireLength, time, frame);
            drain(time);
            return;
        }
        int cost = cost(data, wireLength);
        while (!fits(cost) && held != null && !held.isEmpty()) {
            boundReached++;
            skipToFirstHeld(time);
            if (ended) {
                return;
            }
            if (Seq.leq(seq, next)) {
                data(seq, data, wireLength, time, frame);
                return;
            }
        }
        if (!fits(cost)) {
            boundReached++;
            listener.gap(side, time, Integer.toUnsignedLong(seq - next));
            next = seq;
            deliver(seq, data, wireLength, time, frame);
            drain(time);
            return;
        }
        hold(new Chunk(seq, data, wireLength, time, frame), cost);
    }

    /** The FIN at {@code seq}: the stream ends there, once everything before it is delivered. */
    void fin(int seq, long time) {
        if (ended) {
            return;
        }
        if (!started) {
            start(seq);
        }
        if (Seq.leq(seq, next)) {
            end(time, false);
        } else {
            finHeld = true;
            finSeq = seq;
        }
    }

    /**
     * The other side acknowledged up to {@code ack}: bytes before it that were never captured
     * (and nobody repeated) are a gap now; the stream goes on after them.
     */
    void acknowledged(int ack, long time) {
        if (!started || ended) {
            return;
        }
        int target = finHeld && Seq.gt(ack, finSeq) ? finSeq : ack;
        while (Seq.lt(next, target)) {
            if (held != null && !held.isEmpty() && Seq.lt(held.firstKey(), target)) {
                skipToFirstHeld(time);
            } else {
                listener.gap(side, time, Integer.toUnsignedLong(target - next));
                next = target;
                drain(time);
            }
            if (ended) {
                return;
            }
        }
    }

    /** A RST: what is held is delivered (with its holes), then the stream ends, reset. */
    void reset(long time) {
        if (ended) {
            return;
        }
        flush(time);
        if (!ended) {
            end(time, true);
        }
    }

    /** The capture ended: what is held is delivered with its holes; the stream stays open. */
    void flush(long time) {
        while (!ended && held != null && !held.isEmpty()) {
            skipToFirstHeld(time);
        }
        if (!ended && finHeld) {
            listener.gap(side, time, Integer.toUnsignedLong(finSeq - next));
            next = finSeq;
            end(time, false);
        }
    }

    /** What holding a chunk is charged: its captured bytes and the objects around them. */
    private static int cost(byte[] data, int wireLength) {
        return Math.min(data.length, wireLength) + CHUNK_COST;
    }

    /** Chunks held now (beyond a hole). */
    int heldChunks() {
        return held == null ? 0 : held.size();
    }

    private boolean fits(int cost) {
        return heldChunks() < MAX_CHUNKS_PER_SIDE && heldBytes + cost <= MAX_HELD_PER_SIDE
                && budget.held + cost <= budget.limit;
    }

    /** Holds a chunk; of two at the same sequence number the one reaching further is kept. */
    private void hold(Chunk c, int cost) {
        if (held == null) {
            held = new TreeMap<>((x, y) -> x.equals(y) ? 0 : Seq.lt(x, y) ? -1 : 1);
        }
        Chunk same = held.get(c.seq());
        if (same != null) {
            if (Seq.leq(c.end(), same.end())) {
                return;
            }
            release(same);
        }
        held.put(c.seq(), c);
        heldBytes += cost;
        budget.held += cost;
    }

    private void release(Chunk c) {
        int cost = cost(c.data(), c.wireLength());
        heldBytes -= cost;
        budget.held -= cost;
    }

    /** Gives up on the hole before the first held chunk: told as a gap, then delivery goes on. */
    private void skipToFirstHeld(long time) {
        Chunk first = held.firstEntry().getValue();
        if (Seq.gt(first.seq(), next)) {
            listener.gap(side, time, Integer.toUnsignedLong(first.seq() - next));
            next = first.seq();
        }
        drain(time);
    }

    /** Delivers held chunks that the stream has reached, and the FIN if it is next. */
    private void drain(long time) {
        while (held != null && !held.isEmpty()) {
            Chunk c = held.firstEntry().getValue();
            if (Seq.gt(c.seq(), next)) {
                break;
            }
            held.pollFirstEntry();
            release(c);
            if (Seq.gt(c.end(), next)) {
                deliver(c.seq(), c.data(), c.wireLength(), c.time(), c.frame());
            }
        }
        if (held != null && held.isEmpty()) {
            held = null;
        }
        if (finHeld && Seq.leq(finSeq, next)) {
            end(time, false);
        }
    }

    /** Delivers the part of a segment at or after {@code next}: captured bytes, then a gap for what the capture cut. */
    private void deliver(int seq, byte[] data, int wireLength, long time, long frame) {
        int skip = next - seq;
        int captured = Math.min(data.length, wireLength);
        if (skip < captured) {
            listener.bytes(side, time, frame, data, skip, captured - skip);
        }
        int cutFrom = Math.max(skip, captured);
        if (cutFrom < wireLength) {
            listener.gap(side, time, wireLength - cutFrom);
        }
        next = seq + wireLength;
    }

    private void end(long time, boolean reset) {
        ended = true;
        if (held != null) {
            for (Chunk c : held.values()) {
                release(c);
            }
            held = null;
            heldBytes = 0;
        }
        listener.end(side, time, reset);
    }
}
