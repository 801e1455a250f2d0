package synack.iface;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.wire.Checksum;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MalformedFrameException;

/**
 * IPv4 fragment reassembly (RFC 791 section 3.2) as a bounded state machine: every received IPv4 packet goes
 * through {@link #offer}, which passes a whole packet on, holds a fragment, or hands back the datagram its last
 * missing fragment completed. There is no clock inside; each call says what time it is, so a capture replayed
 * from a file reassembles the same way it did live.
 *
 * <p>Fragments are keyed by (source, destination, protocol, identification), as RFC 791 says. Held pieces never
 * overlap (see {@link Reason#OVERLAP_CONFLICT}), so RFC 815's "no holes left" is simply: the last fragment has
 * arrived and the bytes held add up to its end.
 *
 * <p>Not thread-safe: one intake loop owns it.
 */
public final class Ipv4Reassembly {

    /**
     * The bounds. Times are microseconds. maxHeldBytes counts payload held plus each datagram's first header; it
     * must leave room for one datagram of maxDatagramBytes, so holding one can always go ahead by evicting others.
     */
    public record Limits(int maxDatagrams, int maxDatagramBytes, int maxFragments, long timeoutMicros,
                         long maxHeldBytes) {
        /**
         * 64 datagrams at once; 65,535 bytes, the most a total length can say; 64 fragments, enough for a
         * 65,535-byte datagram cut at 1,024 bytes or more (45 pieces at Ethernet's 1,500); 4 MiB held in all,
         * so 64 full-size datagrams fit; 30 s, Linux's ipfrag_time: RFC 791's 15 s is only its "initial timer
         * setting" and RFC 1122 recommends 60-120 s, but 30 s is what the host's own kernel does with the same
         * fragments, so the story agrees with what the user's machine did.
         */
        public static final Limits DEFAULT = new Limits(64, 65_535, 64, 30_000_000L, 4L << 20);

        public Limits {
            if (maxDatagrams < 1 || maxFragments < 2 || timeoutMicros < 1) {
                throw new IllegalArgumentException("reassembly limits must allow one datagram of two fragments for"
                        + " a moment: " + maxDatagrams + " datagrams, " + maxFragments + " fragments, "
                        + timeoutMicros + " µs");
            }
            if (maxDatagramBytes < Ipv4Packet.MIN_HEADER + 8 || maxDatagramBytes > 65_535) {
                throw new IllegalArgumentException("maxDatagramBytes " + maxDatagramBytes + " outside 28..65535");
            }
            if (maxHeldBytes < maxDatagramBytes) {
                throw new IllegalArgumentException("maxHeldBytes " + maxHeldBytes + " is less than one datagram of "
                        + maxDatagramBytes);
            }
        }
    }

    /** What identifies one datagram's fragments (RFC 791): both addresses, the protocol and the identification. */
    public record Key(int source, int destination, int protocol, int identification) {
        @Override
        public String toString() {
            return Ip4.toString(source) + " → " + Ip4.toString(destination) + " " + Ipv4Packet.protocolName(protocol)
                    + String.format(" id 0x%04x", identification);
        }
    }

    /** One fragment's place in its datagram: offset and length of its payload in bytes, and its MF flag. */
    public record Piece(int offset, int length, boolean more) {
        public int end() {
            return offset + length;
        }

        @Override
        public String toString() {
            return offset + "+" + length + (more ? " MF" : "");
        }
    }

    /**
     * What a datagram had received: distinct fragments in arrival order (duplicates are counted, not kept), their
     * payload bytes, whether fragment zero (RFC 792 sends "fragment reassembly time exceeded" only then) and the
     * last fragment came, the payload length the last fragment says (-1 until it comes), and the arrival times of
     * the first and the latest fragment seen.
     */
    public record Received(List<Piece> pieces, int duplicates, int bytes, boolean firstArrived, boolean lastArrived,
                           int expectedBytes, long firstMicros, long lastMicros) {
        /** Nothing: a fragment refused before any datagram was held for its key. */
        public static final Received NONE = new Received(List.of(), 0, 0, false, false, -1, 0, 0);

        public Received {
            pieces = List.copyOf(pieces);
        }

        public int fragments() {
            return pieces.size();
        }
    }

    /** Why a fragment was not (yet) delivered, or why a held datagram was let go. */
    public enum Reason {
        /** Kept: the datagram waits for more. */
        HELD(false),
        /** The same bytes at the same place as ones held: ignored, the datagram goes on. */
        DUPLICATE(false),
        /** Refused: no payload, or a fragment with MF set whose payload is not a multiple of 8. */
        BAD_LENGTH(false),
        /** Refused: a wrong header checksum, so its key and offset cannot be trusted (the kernel drops it too). */
        BAD_CHECKSUM(false),
        /**
         * Overlap with bytes held, other than an exact duplicate: the datagram is dropped. This is RFC 5722's rule
         * for IPv6, which Linux applies to IPv4 since 4.19: partial overlap drops even when the shared bytes agree
         * (a sender cuts a datagram one way; a second cut is a middlebox or an attack). Linux also ignores a copy
         * that lies inside held bytes without comparing them; we compare, and differing bytes drop the datagram,
         * because which copy a receiver keeps is exactly what overlap attacks play on.
         */
        OVERLAP_CONFLICT(true),
        /** A last fragment ending before bytes held or disagreeing with an earlier last one, or bytes past the end. */
        INCONSISTENT_END(true),
        /** The datagram would be longer than maxDatagramBytes (a total length cannot say more than 65,535). */
        TOO_LARGE(true),
        /** A datagram in more than maxFragments pieces. */
        TOO_MANY_FRAGMENTS(true),
        /** Evicted, oldest first, to make room for a new datagram beyond maxDatagrams. */
        TOO_MANY_DATAGRAMS(true),
        /** Evicted, oldest first, to keep the bytes held within maxHeldBytes. */
        TOO_MUCH_MEMORY(true),
        /** Not complete within timeoutMicros of its first fragment. */
        TIMEOUT(true);

        private final boolean dropsDatagram;

        Reason(boolean dropsDatagram) {
            this.dropsDatagram = dropsDatagram;
        }

        /** True when the datagram (everything held for the key) is gone, not just this one fragment. */
        public boolean dropsDatagram() {
            return dropsDatagram;
        }
    }

    /** What {@link #offer} did with a packet. */
    public sealed interface Outcome permits Whole, Reassembled, Fragment {}

    /** Not a fragment (MF clear, offset zero; DF need not be set): the very bytes offered, to use as they are. */
    public record Whole(byte[] packet) implements Outcome {}

    /**
     * This fragment completed a datagram: a new IPv4 packet with the first fragment's header (its options
     * included), MF and offset cleared, total length and header checksum recomputed, and the payloads joined.
     */
    public record Reassembled(byte[] packet, Key key, Received received) implements Outcome {}

    /**
     * A fragment that did not complete a datagram. datagram is the state after this fragment when the reason
     * keeps the datagram, or what was thrown away when {@link Reason#dropsDatagram()} (this fragment not
     * included; {@link Received#NONE} when nothing had been held). evicted lists other datagrams let go to hold
     * this one (only with HELD), or the expired datagram this key had before this fragment started a new one.
     */
    public record Fragment(Reason reason, Key key, Piece piece, Received datagram, List<Expired> evicted)
            implements Outcome {
        public Fragment {
            evicted = List.copyOf(evicted);
        }
    }

    /** A datagram let go incomplete: TIMEOUT, TOO_MANY_DATAGRAMS or TOO_MUCH_MEMORY, with what it had. */
    public record Expired(Key key, Reason reason, Received received) {}

    private final Limits limits;
    // insertion order is arrival order of each datagram's first fragment: the head is the oldest, evicted first
    private final Map<Key, Datagram> held = new LinkedHashMap<>();
    private long heldBytes;

    public Ipv4Reassembly(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    public int datagramsHeld() {
        return held.size();
    }

    public long bytesHeld() {
        return heldBytes;
    }

    /**
     * Takes one received IPv4 packet (header and payload; bytes past its total length, like Ethernet padding,
     * are ignored). Throws when the bytes are not an IPv4 packet at all, as {@link Ipv4Packet#parse} does.
     */
    public Outcome offer(byte[] packet, long nowMicros) throws MalformedFrameException {
        Ipv4Packet ip = Ipv4Packet.parse(packet);
        int flags = ip.flagsAndFragment();
        boolean more = (flags & 0x2000) != 0;
        int offset = (flags & 0x1fff) * 8;
        if (!more && offset == 0) {
            return new Whole(packet);
        }
        int ihl = Ipv4Packet.MIN_HEADER + ip.options().length;
        Key key = new Key(ip.source(), ip.destination(), ip.protocol(), ip.identification());
        Piece piece = new Piece(offset, ip.payload().length, more);
        Datagram d = held.get(key);
        List<Expired> evicted = new ArrayList<>();
        if (d != null && nowMicros >= d.deadline) {
            // past its time though expire() has not been called yet: it is gone, this fragment starts afresh
            evicted.add(remove(key, Reason.TIMEOUT));
            d = null;
        }
        Received before = d == null ? Received.NONE : d.received();

        if (!ip.checksumValid()) {
            return new Fragment(Reason.BAD_CHECKSUM, key, piece, before, evicted);
        }
        if (piece.length == 0 || (more && piece.length % 8 != 0)) {
            return new Fragment(Reason.BAD_LENGTH, key, piece, before, evicted);
        }
        // the first fragment's header heads the datagram; until it comes, the shortest header is all we know
        int header = offset == 0 ? ihl : d != null && d.first != null ? d.first.length : Ipv4Packet.MIN_HEADER;
        int end = Math.max(piece.end(), d == null ? 0 : d.expectedEnd());
        if (header + end > limits.maxDatagramBytes) {
            return drop(Reason.TOO_LARGE, key, piece, before, evicted);
        }
        if (d == null) {
            if (held.size() >= limits.maxDatagrams) {
                evicted.add(removeOldest(null, Reason.TOO_MANY_DATAGRAMS));
            }
            d = new Datagram(nowMicros, deadline(nowMicros));
            held.put(key, d);
        }
        d.lastMicros = nowMicros;

        if (inconsistentEnd(d, piece)) {
            return drop(Reason.INCONSISTENT_END, key, piece, before, evicted);
        }
        Reason overlap = overlap(d, piece, packet, ihl);
        if (overlap == Reason.DUPLICATE) {
            d.duplicates++;
            return new Fragment(Reason.DUPLICATE, key, piece, d.received(), evicted);
        }
        if (overlap != null) {
            return drop(overlap, key, piece, before, evicted);
        }
        if (d.pieces.size() >= limits.maxFragments) {
            return drop(Reason.TOO_MANY_FRAGMENTS, key, piece, before, evicted);
        }

        d.add(piece, ip.payload(), offset == 0 ? Arrays.copyOf(packet, ihl) : null);
        heldBytes += piece.length + (offset == 0 ? ihl : 0);
        if (d.complete()) {
            forget(key);
            return new Reassembled(d.assemble(), key, d.received());
        }
        while (heldBytes > limits.maxHeldBytes) {
            evicted.add(removeOldest(key, Reason.TOO_MUCH_MEMORY));
        }
        return new Fragment(Reason.HELD, key, piece, d.received(), evicted);
    }

    /** Lets go of every datagram whose time is up at nowMicros (the deadline itself included), oldest first. */
    public List<Expired> expire(long nowMicros) {
        List<Expired> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Datagram>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Datagram> e = it.next();
            if (nowMicros >= e.getValue().deadline) {
                it.remove();
                heldBytes -= e.getValue().bytes();
                out.add(new Expired(e.getKey(), Reason.TIMEOUT, e.getValue().received()));
            }
        }
        return out;
    }

    /** When {@link #expire} next has something to do; Long.MAX_VALUE when nothing is held. */
    public long nextDeadlineMicros() {
        long next = Long.MAX_VALUE;
        for (Datagram d : held.values()) {
            next = Math.min(next, d.deadline); // the caller's clock may step back, so the head is not always first
        }
        return next;
    }

    private long deadline(long nowMicros) {
        // fixed from the first fragment, never pushed back: a slow trickle must not hold memory for ever
        return nowMicros > Long.MAX_VALUE - limits.timeoutMicros ? Long.MAX_VALUE : nowMicros + limits.timeoutMicros;
    }

    private Fragment drop(Reason reason, Key key, Piece piece, Received before, List<Expired> evicted) {
        if (held.containsKey(key)) {
            remove(key, reason);
        }
        return new Fragment(reason, key, piece, before, evicted);
    }

    private Expired remove(Key key, Reason reason) {
        return new Expired(key, reason, forget(key).received());
    }

    private Datagram forget(Key key) {
        Datagram d = held.remove(key);
        heldBytes -= d.bytes();
        return d;
    }

    private Expired removeOldest(Key keep, Reason reason) {
        for (Key k : held.keySet()) {
            if (!k.equals(keep)) {
                return remove(k, reason);
            }
        }
        throw new AssertionError("nothing to evict"); // Limits guarantees one datagram always fits
    }

    /** RFC 791's end rules as Linux enforces them: one end, and nothing held or offered past it. */
    private static boolean inconsistentEnd(Datagram d, Piece p) {
        if (!p.more) {
            return p.end() < d.maxEnd || (d.lastArrived() && p.end() != d.end);
        }
        return d.lastArrived() && p.end() > d.end;
    }

    /** null for no overlap, DUPLICATE for bytes already held exactly, else OVERLAP_CONFLICT. */
    private static Reason overlap(Datagram d, Piece p, byte[] packet, int ihl) {
        int shared = 0;
        boolean same = true;
        for (int i = 0; i < d.pieces.size(); i++) {
            Piece q = d.pieces.get(i);
            int from = Math.max(p.offset, q.offset);
            int to = Math.min(p.end(), q.end());
            if (from < to) {
                shared += to - from;
                same &= Arrays.equals(packet, ihl + from - p.offset, ihl + to - p.offset,
                        d.payloads.get(i), from - q.offset, to - q.offset);
            }
        }
        if (shared == 0) {
            return null;
        }
        return shared == p.length && same ? Reason.DUPLICATE : Reason.OVERLAP_CONFLICT;
    }

    /** One datagram being reassembled: its pieces in arrival order, never overlapping. */
    private static final class Datagram {
        final long firstMicros;
        final long deadline;
        long lastMicros;
        final List<Piece> pieces = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        byte[] first; // fragment zero's header, options and all
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

        void add(Piece p, byte[] payload, byte[] header) {
            pieces.add(p);
            payloads.add(payload);
            if (header != null) {
                first = header;
            }
            covered += p.length;
            maxEnd = Math.max(maxEnd, p.end());
            if (!p.more) {
                end = p.end();
            }
        }

        boolean complete() {
            return first != null && lastArrived() && covered == end;
        }

        long bytes() {
            return covered + (first == null ? 0 : first.length);
        }

        Received received() {
            return new Received(pieces, duplicates, covered, first != null, lastArrived(), end, firstMicros,
                    lastMicros);
        }

        byte[] assemble() {
            byte[] out = Arrays.copyOf(first, first.length + end);
            for (int i = 0; i < pieces.size(); i++) {
                System.arraycopy(payloads.get(i), 0, out, first.length + pieces.get(i).offset, pieces.get(i).length);
            }
            int total = out.length;
            out[2] = (byte) (total >>> 8);
            out[3] = (byte) total;
            out[6] &= (byte) 0xc0; // keep DF (and the reserved bit) as fragment zero had them; MF and offset go
            out[7] = 0;
            out[10] = 0;
            out[11] = 0;
            int sum = Checksum.compute(out, 0, first.length);
            out[10] = (byte) (sum >>> 8);
            out[11] = (byte) sum;
            return out;
        }
    }
}
