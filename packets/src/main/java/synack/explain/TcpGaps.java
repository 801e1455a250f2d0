package synack.explain;

import synack.wire.Seq;

/**
 * The holes in one side's sequence space the capture showed (a segment beyond the next expected
 * one), kept until later segments settle them: filled (by a retransmission or a late segment), or
 * acknowledged by the receiver without ever being seen. At most {@link #MAX} at once; past that the
 * oldest is forgotten, its fate untold.
 */
final class TcpGaps {
    static final int MAX = 16;

    // allocated at the first gap: most connections never have one
    private int[] start;
    private int[] end;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void open(int from, int to) {
        if (start == null) {
            start = new int[MAX];
            end = new int[MAX];
        }
        if (size == MAX) {
            remove(0);
        }
        start[size] = from;
        end[size] = to;
        size++;
    }

    /** Bytes of [from, to) that were missing; they are filled now (a gap may shrink or split). */
    long fill(int from, int to) {
        long filled = 0;
        for (int i = 0; i < size; i++) {
            int s = Seq.gt(from, start[i]) ? from : start[i];
            int e = Seq.lt(to, end[i]) ? to : end[i];
            if (!Seq.lt(s, e)) {
                continue;
            }
            filled += Integer.toUnsignedLong(e - s);
            boolean keepLeft = Seq.lt(start[i], s);
            boolean keepRight = Seq.lt(e, end[i]);
            if (keepLeft && keepRight) {
                int rightEnd = end[i];
                end[i] = s;
                if (size < MAX) {
                    start[size] = e;
                    end[size] = rightEnd;
                    size++;
                }
            } else if (keepLeft) {
                end[i] = s;
            } else if (keepRight) {
                start[i] = e;
            } else {
                remove(i);
                i--;
            }
        }
        return filled;
    }

    /** Bytes of the gaps below {@code ack}: the receiver has them though the capture never did; they are settled now. */
    long acknowledged(int ack) {
        long acked = 0;
        for (int i = 0; i < size; i++) {
            if (!Seq.lt(start[i], ack)) {
                continue;
            }
            int e = Seq.lt(ack, end[i]) ? ack : end[i];
            acked += Integer.toUnsignedLong(e - start[i]);
            if (e == end[i]) {
                remove(i);
                i--;
            } else {
                start[i] = e;
            }
        }
        return acked;
    }

    /** Forgets every gap and its arrays (the connection is over). */
    void clear() {
        start = null;
        end = null;
        size = 0;
    }

    private void remove(int i) {
        System.arraycopy(start, i + 1, start, i, size - i - 1);
        System.arraycopy(end, i + 1, end, i, size - i - 1);
        size--;
    }
}
