package synack.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An IPv6 extension header (RFC 8200 4), kept as parsed so a renderer can narrate it. Each
 * knows its type (the next-header value that announced it), its length on the wire and how to
 * write itself before a given next header.
 */
public sealed interface Ipv6Extension {
    int type();

    /** Bytes on the wire, this header's own fixed part included. */
    int length();

    /** The header's bytes, announcing {@code nextHeader} after it. */
    byte[] toBytes(int nextHeader);

    /** Words for a line: "hop-by-hop [router-alert]", "fragment offset=0 more id=0x1". */
    String summary();

    /** Hop-by-hop options (type 0): examined by every router on the path; must come first. */
    record HopByHop(List<Ipv6Option> options) implements Ipv6Extension {
        /** The given options followed by the padding that makes the header a multiple of 8 bytes. */
        public static HopByHop padded(List<Ipv6Option> options) {
            return new HopByHop(withPadding(options));
        }

        public int type() {
            return Ipv6Packet.HOP_BY_HOP;
        }

        public int length() {
            return optionsLength(options);
        }

        public byte[] toBytes(int nextHeader) {
            return optionsHeader(nextHeader, options);
        }

        public String summary() {
            return "hop-by-hop " + optionNames(options);
        }
    }

    /** Destination options (type 60): for the destination (or, before a routing header, each listed hop). */
    record DestinationOptions(List<Ipv6Option> options) implements Ipv6Extension {
        public static DestinationOptions padded(List<Ipv6Option> options) {
            return new DestinationOptions(withPadding(options));
        }

        public int type() {
            return Ipv6Packet.DESTINATION_OPTIONS;
        }

        public int length() {
            return optionsLength(options);
        }

        public byte[] toBytes(int nextHeader) {
            return optionsHeader(nextHeader, options);
        }

        public String summary() {
            return "destination-options " + optionNames(options);
        }
    }

    /** Routing (type 43): {@code data} is everything after segments-left (type-specific, 4 reserved bytes for type 0). */
    record Routing(int routingType, int segmentsLeft, byte[] data) implements Ipv6Extension {
        public int type() {
            return Ipv6Packet.ROUTING;
        }

        public int length() {
            return 4 + data.length;
        }

        public byte[] toBytes(int nextHeader) {
            requireMultipleOf8(length());
            byte[] b = new byte[length()];
            b[0] = (byte) nextHeader;
            b[1] = (byte) (length() / 8 - 1);
            b[2] = (byte) routingType;
            b[3] = (byte) segmentsLeft;
            System.arraycopy(data, 0, b, 4, data.length);
            return b;
        }

        public String summary() {
            return "routing type=" + routingType + " segments-left=" + segmentsLeft;
        }
    }

    /** Fragment (type 44): {@code offset} in bytes (a multiple of 8), the M flag, the datagram's id. */
    record Fragment(int offset, boolean more, long identification) implements Ipv6Extension {
        public static final int LENGTH = 8;

        public int type() {
            return Ipv6Packet.FRAGMENT;
        }

        public int length() {
            return LENGTH;
        }

        /** Offset 0 and no more: a whole datagram in one fragment (RFC 6946 "atomic fragment"). */
        public boolean isAtomic() {
            return offset == 0 && !more;
        }

        public byte[] toBytes(int nextHeader) {
            byte[] b = new byte[LENGTH];
            b[0] = (byte) nextHeader;
            int field = (offset & ~7) | (more ? 1 : 0);
            b[2] = (byte) (field >>> 8);
            b[3] = (byte) field;
            Ip4.write((int) identification, b, 4);
            return b;
        }

        public String summary() {
            return "fragment offset=" + offset + (more ? " more" : " last") + " id=0x" + Long.toHexString(identification);
        }
    }

    /** Authentication header (type 51, RFC 4302): its length counts 4-byte words, unlike the others. */
    record Authentication(long spi, long sequence, byte[] icv) implements Ipv6Extension {
        public int type() {
            return Ipv6Packet.AUTHENTICATION;
        }

        public int length() {
            return 12 + icv.length;
        }

        public byte[] toBytes(int nextHeader) {
            requireMultipleOf8(length());
            byte[] b = new byte[length()];
            b[0] = (byte) nextHeader;
            b[1] = (byte) (length() / 4 - 2);
            Ip4.write((int) spi, b, 4);
            Ip4.write((int) sequence, b, 8);
            System.arraycopy(icv, 0, b, 12, icv.length);
            return b;
        }

        public String summary() {
            return "authentication spi=0x" + Long.toHexString(spi) + " seq=" + sequence;
        }
    }

    private static List<Ipv6Option> withPadding(List<Ipv6Option> options) {
        List<Ipv6Option> all = new ArrayList<>(options);
        all.addAll(Ipv6Option.padding(optionsLength(options)));
        return List.copyOf(all);
    }

    private static int optionsLength(List<Ipv6Option> options) {
        int n = 2;
        for (Ipv6Option o : options) {
            n += o.size();
        }
        return n;
    }

    private static byte[] optionsHeader(int nextHeader, List<Ipv6Option> options) {
        int length = optionsLength(options);
        requireMultipleOf8(length);
        byte[] b = new byte[length];
        b[0] = (byte) nextHeader;
        b[1] = (byte) (length / 8 - 1);
        int at = 2;
        for (Ipv6Option o : options) {
            o.write(b, at);
            at += o.size();
        }
        return b;
    }

    /** The options a person cares about: padding is left out. */
    private static String optionNames(List<Ipv6Option> options) {
        return options.stream().filter(o -> !o.isPadding()).map(Ipv6Option::name)
                .collect(Collectors.joining(" ", "[", "]"));
    }

    private static void requireMultipleOf8(int length) {
        if (length % 8 != 0) {
            throw new IllegalArgumentException("an IPv6 extension header of " + length + " bytes is not a multiple of 8");
        }
    }
}
