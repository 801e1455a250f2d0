package synack.iface;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import synack.iface.Ipv4Reassembly.Piece;
import synack.iface.Ipv4Reassembly.Received;
import synack.wire.IpAddress;
import synack.wire.Ipv6Extension;
import synack.wire.Ipv6Packet;
import synack.wire.MalformedFrameException;

/**
 * IPv6 fragment reassembly (RFC 8200 section 4.5) with {@link Ipv4Reassembly}'s policy and shape: every received
 * IPv6 packet with a Fragment header goes through {@link #offer}, which passes a whole packet on, holds a fragment,
 * or hands back the datagram its last missing fragment completed. No clock inside: each call says what time it is.
 *
 * <p>What differs from IPv4, as RFC 8200 has it:
 * <ul>
 *   <li>the key is (source, destination, identification): RFC 8200 dropped the protocol from it;</li>
 *   <li>each fragment carries the unfragmentable part (the IPv6 header and the extension headers before the
 *       Fragment header); the reassembled datagram takes the first fragment's, its last next-header field set to
 *       the first fragment's Fragment header's next header, and its payload length recomputed;</li>
 *   <li>an atomic fragment (offset 0, M clear; RFC 6946) is a whole packet, processed at once and never mixed
 *       with fragments held under the same key;</li>
 *   <li>a first fragment that does not hold the whole header chain up to and with the upper-layer header is
 *       refused (RFC 7112 5; the upper-layer header's size as Linux counts it: TCP 20, UDP 8, ICMPv6 8, other 1);</li>
 *   <li>any overlap drops the datagram (RFC 5722), an exact duplicate excepted (RFC 8200 4.5 allows ignoring it);</li>
 *   <li>the time-out is RFC 8200's 60 s, which is also Linux's ip6frag_time.</li>
 * </ul>
 *
 * <p>The bookkeeping both families share is {@link FragmentQueue}'s; this class walks the header chain, refuses
 * what only IPv6 refuses, and builds the reassembled header.
 *
 * <p>Not thread-safe: one intake loop owns it.
 */
public final class Ipv6Reassembly {

    /**
     * The bounds, as {@link Ipv4Reassembly.Limits}' but for IPv6: maxPayloadBytes bounds the reassembled
     * datagram's payload length field (65,535 at most without a jumbogram); maxHeldBytes counts the payload held
     * plus each datagram's unfragmentable part, and leaves room for one datagram of maxPayloadBytes.
     */
    public record Limits(int maxDatagrams, int maxPayloadBytes, int maxFragments, long timeoutMicros,
                         long maxHeldBytes) {
        /** 64 datagrams, 65,535 bytes, 64 fragments, 4 MiB held, as IPv4's; 60 s (RFC 8200 4.5, Linux's ip6frag_time). */
        public static final Limits DEFAULT = new Limits(64, 65_535, 64, 60_000_000L, 4L << 20);

        public Limits {
            if (maxDatagrams < 1 || maxFragments < 2 || timeoutMicros < 1) {
                throw new IllegalArgumentException("reassembly limits must allow one datagram of two fragments for"
                        + " a moment: " + maxDatagrams + " datagrams, " + maxFragments + " fragments, "
                        + timeoutMicros + " µs");
            }
            if (maxPayloadBytes < 16 || maxPayloadBytes > 65_535) {
                throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes + " outside 16..65535");
            }
            if (maxHeldBytes < Ipv6Packet.HEADER + maxPayloadBytes) {
                throw new IllegalArgumentException("maxHeldBytes " + maxHeldBytes + " is less than one datagram of "
                        + maxPayloadBytes);
            }
        }
    }

    /** What identifies one datagram's fragments (RFC 8200 4.5): both addresses and the identification. */
    public record Key(IpAddress source, IpAddress destination, long identification) {
        @Override
        public String toString() {
            return source + " → " + destination + String.format(" id 0x%08x", identification);
        }
    }

    /** Why a fragment was not (yet) delivered, or why a held datagram was let go. */
    public enum Reason {
        /** Kept: the datagram waits for more. */
        HELD(false),
        /** The same bytes at the same place as ones held: ignored, the datagram goes on (RFC 8200 4.5). */
        DUPLICATE(false),
        /** Refused: no fragmentable bytes, or M set and a length not a multiple of 8 (RFC 8200 4.5). */
        BAD_LENGTH(false),
        /** Refused: a first fragment without the whole header chain, upper-layer header included (RFC 7112). */
        HEADER_CHAIN_INCOMPLETE(false),
        /** Any overlap with bytes held, other than an exact duplicate: the datagram is dropped (RFC 5722). */
        OVERLAP_CONFLICT(true),
        /** A last fragment ending before bytes held or disagreeing with an earlier last one, or bytes past the end. */
        INCONSISTENT_END(true),
        /** The reassembled payload length would pass maxPayloadBytes (65,535: RFC 8200 4.5 discards the fragment). */
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

    /** Not a fragment, or an atomic one (RFC 6946): the very bytes offered, to use as they are. */
    public record Whole(byte[] packet, boolean atomic) implements Outcome {}

    /**
     * This fragment completed a datagram: the first fragment's unfragmentable part, its last next header set to
     * what the Fragment header said, the payload length recomputed, and the fragmentable parts joined.
     */
    public record Reassembled(byte[] packet, Key key, Received received) implements Outcome {}

    /** A fragment that did not complete a datagram, as {@link Ipv4Reassembly.Fragment}. */
    public record Fragment(Reason reason, Key key, Piece piece, Received datagram, List<Expired> evicted)
            implements Outcome {
        public Fragment {
            evicted = List.copyOf(evicted);
        }
    }

    /** A datagram let go incomplete: TIMEOUT, TOO_MANY_DATAGRAMS or TOO_MUCH_MEMORY, with what it had. */
    public record Expired(Key key, Reason reason, Received received) {}

    private final Limits limits;
    private final FragmentQueue<Key, Unfragmentable> queue;

    /**
     * What a datagram keeps of its first fragment: the unfragmentable part, where its last next-header field is,
     * and the next header the Fragment header announced (what follows once the Fragment header is gone).
     */
    private record Unfragmentable(byte[] bytes, int lastNextHeaderAt, int nextHeader) implements FragmentQueue.Head {}

    public Ipv6Reassembly(Limits limits) {
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
     * Takes one received IPv6 packet (bytes past its payload length, like Ethernet padding, are ignored). Throws
     * when the bytes are not a well-formed IPv6 packet, as {@link Ipv6Packet#parse} does.
     */
    public Outcome offer(byte[] packet, long nowMicros) throws MalformedFrameException {
        if (packet.length < Ipv6Packet.HEADER
                || Ipv6Packet.HEADER + (((packet[4] & 0xff) << 8) | (packet[5] & 0xff)) > packet.length) {
            Ipv6Packet.parse(packet); // throws, saying which: too short, or a payload length past the end
        }
        int end = Ipv6Packet.HEADER + (((packet[4] & 0xff) << 8) | (packet[5] & 0xff));
        // a first fragment may end inside its header chain (RFC 7112's case): walked leniently, judged below
        Ipv6Packet ip = Ipv6Packet.parseQuoted(packet, 0, end);
        Ipv6Extension.Fragment header = ip.fragment();
        if (header == null || header.isAtomic()) {
            Ipv6Packet.parse(packet); // a whole packet is read as strictly as any other
            return new Whole(packet, header != null);
        }
        int unfragmentable = Ipv6Packet.HEADER;
        int lastNextHeaderAt = 6; // where the unfragmentable part's last next-header field is
        for (Ipv6Extension e : ip.extensions()) {
            if (e == header) {
                break;
            }
            lastNextHeaderAt = unfragmentable;
            unfragmentable += e.length();
        }
        int from = unfragmentable + Ipv6Extension.Fragment.LENGTH;
        Key key = new Key(IpAddress.of(ip.source()), IpAddress.of(ip.destination()), header.identification());
        Piece piece = new Piece(header.offset(), end - from, header.more());
        FragmentQueue.Start<Key> start = queue.start(key, nowMicros);
        if (piece.length() == 0 || (piece.more() && piece.length() % 8 != 0)) {
            return new Fragment(Reason.BAD_LENGTH, key, piece, start.before(), expired(start.evicted()));
        }
        if (piece.offset() == 0 && !wholeHeaderChain(ip)) {
            return new Fragment(Reason.HEADER_CHAIN_INCOMPLETE, key, piece, start.before(), expired(start.evicted()));
        }
        Unfragmentable first = piece.offset() != 0 ? null
                : new Unfragmentable(Arrays.copyOf(packet, unfragmentable), lastNextHeaderAt, packet[unfragmentable] & 0xff);
        // the payload length the reassembled datagram would have is bounded (RFC 8200 4.5's 65,535 check); until
        // the first fragment comes, this fragment's unfragmentable part stands for its
        FragmentQueue.Held<Key, Unfragmentable> held = queue.hold(start, piece, packet, from, first, unfragmentable,
                Ipv6Packet.HEADER + limits.maxPayloadBytes, nowMicros);
        if (held.step() == FragmentQueue.Step.COMPLETE) {
            return new Reassembled(assemble(held.joined(), held.head()), key, held.datagram());
        }
        return new Fragment(reason(held.step()), key, piece, held.datagram(), expired(held.evicted()));
    }

    /**
     * True for the extension headers that may come before a Fragment header (RFC 8200 4.1's order: hop-by-hop,
     * destination options, routing, and AH): a packet starting with one is offered too, in case one follows.
     */
    public static boolean mayHideFragmentHeader(int nextHeader) {
        return nextHeader == Ipv6Packet.HOP_BY_HOP || nextHeader == Ipv6Packet.DESTINATION_OPTIONS
                || nextHeader == Ipv6Packet.ROUTING || nextHeader == Ipv6Packet.AUTHENTICATION;
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
     * RFC 7112 5: the first fragment holds every extension header and the upper-layer header. The walk went on
     * past the Fragment header through the first fragment's bytes; it must have stopped at an upper layer whose
     * header is there, not inside an extension header (TRUNCATED) or at another Fragment header.
     */
    private static boolean wholeHeaderChain(Ipv6Packet ip) {
        return switch (ip.end()) {
            case FIRST_FRAGMENT -> ip.payload().length >= switch (ip.upperProtocol()) {
                case Ipv6Packet.TCP -> 20;
                case Ipv6Packet.UDP, Ipv6Packet.ICMPV6 -> 8;
                default -> 1;
            };
            case ENCRYPTED, NO_NEXT_HEADER -> true; // nothing after them is a header we could need
            default -> false;
        };
    }

    /** The joined datagram as an IPv6 packet: the payload length recomputed, the Fragment header's next header in its place. */
    private static byte[] assemble(byte[] out, Unfragmentable first) {
        int payloadLength = out.length - Ipv6Packet.HEADER;
        out[4] = (byte) (payloadLength >>> 8);
        out[5] = (byte) payloadLength;
        out[first.lastNextHeaderAt()] = (byte) first.nextHeader(); // the Fragment header is gone: what it announced follows
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
