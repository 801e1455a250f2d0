package synack.event;

import java.util.ArrayList;
import java.util.Comparator;
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
    private final List<Block<T>> held = new ArrayList<>();
    private Block<T> current;

    public TimeOrder(Consumer<T> sink) {
        this.sink = sink;
    }

    /** Starts a block at {@code key} (a frame's stamp); what follows joins it until the next block. */
    public void block(long key, T item) {
        current = new Block<>(key, new ArrayList<>(2));
        current.items().add(item);
        held.add(current);
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
        if (held.isEmpty()) {
            return;
        }
        held.sort(Comparator.comparingLong(Block::key)); // stable: blocks with equal stamps keep their order
        int n = 0;
        while (n < held.size() && held.get(n).key() <= watermark) {
            n++;
        }
        if (n == 0) {
            return;
        }
        List<Block<T>> ready = new ArrayList<>(held.subList(0, n));
        held.subList(0, n).clear();
        // by identity: contains() would call the record's equals, comparing every event held (and
        // bootstrapping each record's equals, ~40 ms in a cold JVM, at a one-liner's first release)
        for (Block<T> b : ready) {
            if (b == current) {
                current = null;
            }
        }
        for (Block<T> b : ready) {
            b.items().forEach(sink);
        }
    }

    public void releaseAll() {
        releaseUpTo(Long.MAX_VALUE);
        current = null;
    }

    /** The earliest stamp still held (Long.MAX_VALUE when nothing is): when the next release can come. */
    public long earliestHeld() {
        long min = Long.MAX_VALUE;
        for (Block<T> b : held) {
            min = Math.min(min, b.key());
        }
        return min;
    }

    public boolean isEmpty() {
        return held.isEmpty();
    }
}
