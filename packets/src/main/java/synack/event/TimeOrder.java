package synack.event;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts things back in wire-time order before they are told or written. We read the capture
 * ring in batches, so a frame we send (stamped now) can be handed over before frames that the
 * ring took earlier; telling them as they come would print, and write to -w, time going
 * backwards. Items are held in blocks (a frame and what it caused) keyed by time, and released
 * in key order once the capture has been read up to a watermark: the ring is FIFO, so every
 * frame stamped before the newest one read, or before the moment it was found empty (less a
 * margin for frames still on their way into it), has been seen.
 */
public final class TimeOrder<T> {
    private record Block<T>(long key, List<T> items) {}

    private final Consumer<T> sink;
    /**
     * Held blocks from {@code head} on, kept in key order as they come (equal keys in arrival
     * order): a bulk transfer holds a thousand frames within the margin, and sorting them again
     * on every frame read cost more than the frames themselves.
     */
    private final List<Block<T>> held = new ArrayList<>();
    private int head;
    private Block<T> current;

    public TimeOrder(Consumer<T> sink) {
        this.sink = sink;
    }

    /** Starts a block at {@code key} (a frame's stamp); what follows joins it until the next block. */
    public void block(long key, T item) {
        current = new Block<>(key, new ArrayList<>(2));
        current.items().add(item);
        int at = held.size();
        while (at > head && held.get(at - 1).key() > key) {
            at--; // stamps mostly come in order: the place is at or near the end
        }
        held.add(at, current);
    }

    /** Adds to the current block (what a frame caused), or starts one at {@code key} when there is none. */
    public void follow(long key, T item) {
        if (current == null) {
            block(key, item);
        } else {
            current.items().add(item);
        }
    }

    /** Releases, in time order, every block stamped at or before {@code watermark}. */
    public void releaseUpTo(long watermark) {
        // a sink may add blocks while it runs (a renderer does not, but nothing forbids it): take each block off first
        while (head < held.size() && held.get(head).key() <= watermark) {
            Block<T> b = held.get(head);
            held.set(head++, null);
            if (b == current) {
                current = null;
            }
            b.items().forEach(sink);
        }
        if (head == held.size()) {
            held.clear();
            head = 0;
        } else if (head > 1024 && head > held.size() / 2) {
            held.subList(0, head).clear();
            head = 0;
        }
    }

    public void releaseAll() {
        releaseUpTo(Long.MAX_VALUE);
        current = null;
    }

    /** The earliest stamp still held (Long.MAX_VALUE when nothing is): when the next release can come. */
    public long earliestHeld() {
        return head < held.size() ? held.get(head).key() : Long.MAX_VALUE;
    }

    public boolean isEmpty() {
        return head == held.size();
    }
}
