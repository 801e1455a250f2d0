package synack.iface;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.iface.Ipv4Reassembly.Piece;
import synack.iface.Ipv4Reassembly.Received;

/**
 * The bookkeeping IPv4 and IPv6 reassembly share (RFC 791 3.2, RFC 8200 4.5, with RFC 5722's overlap
 * rule for both): the datagrams held per key, oldest first, each with its pieces (never overlapping),
 * its deadline fixed from the first fragment, the bytes held in all, and the evictions that keep
 * them bounded. {@link Ipv4Reassembly} and {@link Ipv6Reassembly} parse their own headers, refuse what
 * only their family refuses, and build the datagram from what is held here; the outcome types they
 * show are their own, mapped from this queue's.
 *
 * <p>Not thread-safe: one intake loop owns it.
 *
 * @param <K> what identifies one datagram's fragments
 * @param <H> what a datagram keeps of its first fragment (its header, for IPv4; the unfragmentable part
 *            and where its last next-header field is, for IPv6)
 */
final class FragmentQueue<K, H extends FragmentQueue.Head> {

    /** What a datagram keeps of its first fragment: bytes that head the reassembled datagram. */
    interface Head {
        byte[] bytes();
    }

    /** What one held fragment did to its datagram (the family's Reason, for the steps both families share). */
    enum Step {
        HELD, DUPLICATE, OVERLAP_CONFLICT, INCONSISTENT_END, TOO_LARGE, TOO_MANY_FRAGMENTS, COMPLETE
    }

    /** Why a datagram was let go incomplete without a fragment of its own dropping it. */
    enum Eviction {
        TIMEOUT, TOO_MANY_DATAGRAMS, TOO_MUCH_MEMORY
    }

    /** A datagram let go incomplete, with what it had. */
    record Evicted<K>(K key, Eviction why, Received received) {}

    /**
     * The start of one fragment's offer: a datagram past its deadline under the fragment's key is let go
     * (the fragment starts afresh), and what the key held before the fragment is known.
     */
    record Start<K>(K key, Received before, List<Evicted<K>> evicted) {}

    /**
     * What {@link #hold} did: the step; the datagram after the fragment when it is kept (or complete), before it
     * when the step dropped it; the datagrams let go; and, when complete, the first fragment's head and the
     * fragments' payloads joined after it (the family fixes the header's fields).
     */
    record Held<K, H>(Step step, Received datagram, List<Evicted<K>> evicted, H head, byte[] joined) {}

    private final int maxDatagrams;
    private final int maxFragments;
    private final long timeoutMicros;
    private final long maxHeldBytes;
    // insertion order is arrival order of each datagram's first fragment: the head is the oldest, evicted first
    private final Map<K, Datagram<H>> held = new LinkedHashMap<>();
    private long heldBytes;

    FragmentQueue(int maxDatagrams, int maxFragments, long timeoutMicros, long maxHeldBytes) {
        this.maxDatagrams = maxDatagrams;
        this.maxFragments = maxFragments;
        this.timeoutMicros = timeoutMicros;
        this.maxHeldBytes = maxHeldBytes;
    }

    int datagramsHeld() {
        return held.size();
    }

    long bytesHeld() {
        return heldBytes;
    }

    /** Before anything is judged: the key's datagram, gone if its time is up though expire() has not run. */
    Start<K> start(K key, long nowMicros) {
        List<Evicted<K>> evicted = new ArrayList<>();
        Datagram<H> d = held.get(key);
        if (d != null && nowMicros >= d.deadline) {
            evicted.add(remove(key, Eviction.TIMEOUT));
            d = null;
        }
        return new Start<>(key, d == null ? Received.NONE : d.received(), evicted);
    }

    /**
     * Holds one fragment that its family's own checks let through.
     *
     * @param payloadFrom      where the fragment's payload (piece.length() bytes) begins in packet
     * @param head             the fragment's head when it is the first fragment (offset 0), else null
     * @param assumedHead      the head's length while the first fragment has not come (for the size check)
     * @param maxHeadAndBytes  the most a head and the payload joined may be (beyond: TOO_LARGE)
     */
    Held<K, H> hold(Start<K> start, Piece piece, byte[] packet, int payloadFrom, H head, int assumedHead,
                    int maxHeadAndBytes, long nowMicros) {
        K key = start.key();
        List<Evicted<K>> evicted = start.evicted();
        Received before = start.before();
        Datagram<H> d = held.get(key);
        int headLength = head != null ? head.bytes().length : d != null && d.head != null ? d.head.bytes().length : assumedHead;
        int end = Math.max(piece.end(), d == null ? 0 : d.expectedEnd());
        if ((long) headLength + end > maxHeadAndBytes) {
            return drop(Step.TOO_LARGE, key, before, evicted);
        }
        if (d == null) {
            if (held.size() >= maxDatagrams) {
                evicted.add(removeOldest(null, Eviction.TOO_MANY_DATAGRAMS));
            }
            d = new Datagram<>(nowMicros, deadline(nowMicros));
            held.put(key, d);
        }
        d.lastMicros = nowMicros;

        if (inconsistentEnd(d, piece)) {
            return drop(Step.INCONSISTENT_END, key, before, evicted);
        }
        Step overlap = overlap(d, piece, packet, payloadFrom);
        if (overlap == Step.DUPLICATE) {
            d.duplicates++;
            return new Held<>(Step.DUPLICATE, d.received(), evicted, null, null);
        }
        if (overlap != null) {
            return drop(overlap, key, before, evicted);
        }
        if (d.pieces.size() >= maxFragments) {
            return drop(Step.TOO_MANY_FRAGMENTS, key, before, evicted);
        }

        d.add(piece, Arrays.copyOfRange(packet, payloadFrom, payloadFrom + piece.length()), head);
        heldBytes += piece.length() + (head == null ? 0 : head.bytes().length);
        if (d.complete()) {
            forget(key);
            return new Held<>(Step.COMPLETE, d.received(), evicted, d.head, d.join());
        }
        while (heldBytes > maxHeldBytes) {
            evicted.add(removeOldest(key, Eviction.TOO_MUCH_MEMORY));
        }
        return new Held<>(Step.HELD, d.received(), evicted, null, null);
    }

    /** Lets go of every datagram whose time is up at nowMicros (the deadline itself included), oldest first. */
    List<Evicted<K>> expire(long nowMicros) {
        List<Evicted<K>> out = new ArrayList<>();
        for (Iterator<Map.Entry<K, Datagram<H>>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<K, Datagram<H>> e = it.next();
            if (nowMicros >= e.getValue().deadline) {
                it.remove();
                heldBytes -= e.getValue().bytes();
                out.add(new Evicted<>(e.getKey(), Eviction.TIMEOUT, e.getValue().received()));
            }
        }
        return out;
    }

    /** When {@link #expire} next has something to do; Long.MAX_VALUE when nothing is held. */
    long nextDeadlineMicros() {
        long next = Long.MAX_VALUE;
        for (Datagram<H> d : held.values()) {
            next = Math.min(next, d.deadline); // the caller's clock may step back, so the head is not always first
        }
        return next;
    }

    private long deadline(long nowMicros) {
        // fixed from the first fragment, never pushed back: a slow trickle must not hold memory for ever
        return nowMicros > Long.MAX_VALUE - timeoutMicros ? Long.MAX_VALUE : nowMicros + timeoutMicros;
    }

    /** A step that drops the datagram: everything held for the key goes, and what it had before is told. */
    private Held<K, H> drop(Step step, K key, Received before, List<Evicted<K>> evicted) {
        if (held.containsKey(key)) {
            forget(key);
        }
        return new Held<>(step, before, evicted, null, null);
    }

    private Evicted<K> remove(K key, Eviction why) {
        return new Evicted<>(key, why, forget(key).received());
    }

    private Datagram<H> forget(K key) {
        Datagram<H> d = held.remove(key);
        heldBytes -= d.bytes();
        return d;
    }

    private Evicted<K> removeOldest(K keep, Eviction why) {
        for (K k : held.keySet()) {
            if (!k.equals(keep)) {
                return remove(k, why);
            }
        }
        throw new AssertionError("nothing to evict"); // the families' Limits guarantee one datagram always fits
    }

    /** RFC 791's end rules as Linux enforces them (and RFC 8200's): one end, and nothing held or offered past it. */
    private static boolean inconsistentEnd(Datagram<?> d, Piece p) {
        if (!p.more()) {
            return p.end() < d.maxEnd || (d.lastArrived() && p.end() != d.end);
        }
        return d.lastArrived() && p.end() > d.end;
    }

    /**
     * null for no overlap, DUPLICATE for bytes already held exactly (ignored, as Linux's IPFRAG_DUP and RFC 8200
     * 4.5 allow), else OVERLAP_CONFLICT: RFC 5722's rule, which Linux applies to IPv4 too since 4.19. A copy
     * inside held bytes is compared, and differing bytes drop the datagram: which copy a receiver keeps is
     * exactly what overlap attacks play on.
     */
    private static Step overlap(Datagram<?> d, Piece p, byte[] packet, int from) {
        int shared = 0;
        boolean same = true;
        for (int i = 0; i < d.pieces.size(); i++) {
            Piece q = d.pieces.get(i);
            int lo = Math.max(p.offset(), q.offset());
            int hi = Math.min(p.end(), q.end());
            if (lo < hi) {
                shared += hi - lo;
                same &= Arrays.equals(packet, from + lo - p.offset(), from + hi - p.offset(),
                        d.payloads.get(i), lo - q.offset(), hi - q.offset());
            }
        }
        if (shared == 0) {
            return null;
        }
        return shared == p.length() && same ? Step.DUPLICATE : Step.OVERLAP_CONFLICT;
    }

    /** One datagram being reassembled: its pieces in arrival order, never overlapping. */
    private static final class Datagram<H extends Head> {
        final long firstMicros;
        final long deadline;
        long lastMicros;
        final List<Piece> pieces = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        H head; // what the first fragment brought, once it has come
        int covered;
        int maxEnd;
        int end = -1; // the last fragment's end, once it has come
        int duplicates;

        Datagram(long firstMicros, long deadline) {
            this.firstMicros = firstMicros;
            this.deadline = deadline;
            this.lastMicros = firstMicros;
        }

        boolean lastArrived() {
            return end >= 0;
        }

        int expectedEnd() {
            return Math.max(end, maxEnd);
        }

        void add(Piece p, byte[] payload, H first) {
            pieces.add(p);
            payloads.add(payload);
            if (first != null) {
                head = first;
            }
            covered += p.length();
            maxEnd = Math.max(maxEnd, p.end());
            if (!p.more()) {
                end = p.end();
            }
        }

        boolean complete() {
            return head != null && lastArrived() && covered == end;
        }

        long bytes() {
            return covered + (head == null ? 0 : head.bytes().length);
        }

        Received received() {
            return new Received(pieces, duplicates, covered, head != null, lastArrived(), end, firstMicros, lastMicros);
        }

        /** The head's bytes and every piece's payload at its place after them. */
        byte[] join() {
            byte[] first = head.bytes();
            byte[] out = Arrays.copyOf(first, first.length + end);
            for (int i = 0; i < pieces.size(); i++) {
                System.arraycopy(payloads.get(i), 0, out, first.length + pieces.get(i).offset(), pieces.get(i).length());
            }
            return out;
        }
    }
}
