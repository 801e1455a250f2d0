package synack.iface;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>The bookkeeping (datagrams held, overlap, ends, deadlines, evictions) is {@link FragmentQueue}'s, shared
 * with {@link Ipv6Reassembly}; this class reads the IPv4 header, refuses what only IPv4 refuses, and builds the
 * reassembled header.
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
    private final FragmentQueue<Key, Header> queue;

    /** What a datagram keeps of fragment zero: its header, options and all. */
    private record Header(byte[] bytes) implements FragmentQueue.Head {}

    public Ipv4Reassembly(Limits limits) {
        this.limits = limits;
        this.queue = new FragmentQueue<>(limits.maxDatagrams, limits.maxFragments, limits.timeoutMicros, limits.maxHeldBytes);
    }

    public Limits limits() {
        return limits;
    }

    public int datagramsHeld() {
        return queue.datagramsHeld();
    }

    public long bytesHeld() {
        return queue.bytesHeld();
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
        FragmentQueue.Start<Key> start = queue.start(key, nowMicros);
        if (!ip.checksumValid()) {
            return new Fragment(Reason.BAD_CHECKSUM, key, piece, start.before(), expired(start.evicted()));
        }
        if (piece.length == 0 || (more && piece.length % 8 != 0)) {
            return new Fragment(Reason.BAD_LENGTH, key, piece, start.before(), expired(start.evicted()));
        }
        // the first fragment's header heads the datagram; until it comes, the shortest header is all we know
        FragmentQueue.Held<Key, Header> held = queue.hold(start, piece, packet, ihl,
                offset == 0 ? new Header(Arrays.copyOf(packet, ihl)) : null, Ipv4Packet.MIN_HEADER, limits.maxDatagramBytes,
                nowMicros);
        if (held.step() == FragmentQueue.Step.COMPLETE) {
            return new Reassembled(assemble(held.joined(), held.head().bytes().length), key, held.datagram());
        }
        return new Fragment(reason(held.step()), key, piece, held.datagram(), expired(held.evicted()));
    }

    /** Lets go of every datagram whose time is up at nowMicros (the deadline itself included), oldest first. */
    public List<Expired> expire(long nowMicros) {
        return expired(queue.expire(nowMicros));
    }

    /** When {@link #expire} next has something to do; Long.MAX_VALUE when nothing is held. */
    public long nextDeadlineMicros() {
        return queue.nextDeadlineMicros();
    }

    /**
     * The joined datagram as an IPv4 packet: fragment zero's header with MF and offset cleared (DF and the
     * reserved bit as it had them), the total length and the header checksum recomputed.
     */
    private static byte[] assemble(byte[] out, int headerLength) {
        int total = out.length;
        out[2] = (byte) (total >>> 8);
        out[3] = (byte) total;
        out[6] &= (byte) 0xc0;
        out[7] = 0;
        out[10] = 0;
        out[11] = 0;
        int sum = Checksum.compute(out, 0, headerLength);
        out[10] = (byte) (sum >>> 8);
        out[11] = (byte) sum;
        return out;
    }

    private static Reason reason(FragmentQueue.Step step) {
        return switch (step) {
            case HELD -> Reason.HELD;
            case DUPLICATE -> Reason.DUPLICATE;
            case OVERLAP_CONFLICT -> Reason.OVERLAP_CONFLICT;
            case INCONSISTENT_END -> Reason.INCONSISTENT_END;
            case TOO_LARGE -> Reason.TOO_LARGE;
            case TOO_MANY_FRAGMENTS -> Reason.TOO_MANY_FRAGMENTS;
            case COMPLETE -> throw new IllegalArgumentException("a complete datagram is Reassembled, not a Fragment");
        };
    }

    private static List<Expired> expired(List<FragmentQueue.Evicted<Key>> evicted) {
        List<Expired> out = new ArrayList<>(evicted.size());
        for (FragmentQueue.Evicted<Key> e : evicted) {
            out.add(new Expired(e.key(), switch (e.why()) {
                case TIMEOUT -> Reason.TIMEOUT;
                case TOO_MANY_DATAGRAMS -> Reason.TOO_MANY_DATAGRAMS;
                case TOO_MUCH_MEMORY -> Reason.TOO_MUCH_MEMORY;
            }, e.received()));
        }
        return out;
    }
}
