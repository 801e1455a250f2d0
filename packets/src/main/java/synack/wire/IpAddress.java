package synack.wire;

/**
 * An IP address of either family as a value (equal when the bytes are): what a route, an
 * interface's address or a command's target holds once IPv6 is in the picture. IPv4 code that
 * works on the 32-bit int (ARP, the IPv4 header) takes {@link #v4()}; IPv6 code takes
 * {@link #bytes()}. The 128 bits are kept as two longs so that equality and hashing are plain
 * field compares and no array is shared.
 */
public record IpAddress(boolean ipv6, long high, long low) implements Comparable<IpAddress> {
    public IpAddress {
        if (!ipv6 && (high != 0 || (low >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address holds 32 bits");
        }
    }

    public static IpAddress of(int ipv4) {
        return new IpAddress(false, 0, ipv4 & 0xffff_ffffL);
    }

    /** An IPv6 address from its 16 bytes (copied). */
    public static IpAddress of(byte[] ipv6) {
        if (ipv6.length != Ip6.LENGTH) {
            throw new IllegalArgumentException("an IPv6 address is 16 bytes, not " + ipv6.length);
        }
        return new IpAddress(true, longAt(ipv6, 0), longAt(ipv6, 8));
    }

    /** The address read at {@code offset} of a packet (4 bytes for IPv4, 16 for IPv6). */
    public static IpAddress read(boolean ipv6, byte[] buf, int offset) {
        return ipv6 ? new IpAddress(true, longAt(buf, offset), longAt(buf, offset + 8)) : of(Ip4.read(buf, offset));
    }

    /** Dotted-quad IPv4 or RFC 4291 IPv6 text. */
    public static IpAddress parse(String text) {
        if (Ip4.isAddress(text)) {
            return of(Ip4.parse(text));
        }
        if (text.indexOf(':') >= 0) {
            return of(Ip6.parse(text));
        }
        throw new IllegalArgumentException("not an IP address: " + text);
    }

    /**
     * An address as a user or a URL writes it: an IPv4 one, or an IPv6 one bare or in brackets
     * ([2001:db8::2], RFC 3986); null when the text is no address at all (a name). An IPv6 text
     * that cannot be one (a zone index, a bad group) or an IPv4-mapped address (::ffff:0:0/96,
     * never on the wire: RFC 4291 2.5.5.2) is refused with why.
     */
    public static IpAddress literal(String text) {
        boolean bracketed = text.startsWith("[") && text.endsWith("]") && text.length() > 2;
        String t = bracketed ? text.substring(1, text.length() - 1) : text;
        if (text.startsWith("[") != text.endsWith("]")) {
            throw new IllegalArgumentException("'" + text + "': an unclosed bracket: give an IPv6 address bare or in brackets"
                    + " ([2001:db8::2])");
        }
        if (!bracketed && Ip4.isAddress(t)) {
            return of(Ip4.parse(t));
        }
        if (t.indexOf(':') < 0) {
            if (bracketed) {
                throw new IllegalArgumentException("'" + text + "': brackets hold an IPv6 address");
            }
            return null;
        }
        IpAddress a = of(Ip6.parse(t)); // says why it is not one
        if (a.high == 0 && (a.low >>> 32) == 0xffffL) {
            throw new IllegalArgumentException(t + " is an IPv4-mapped address (never on the wire, RFC 4291 2.5.5.2): give "
                    + Ip4.toString((int) a.low));
        }
        return a;
    }

    public static boolean isAddress(String text) {
        return Ip4.isAddress(text) || (text.indexOf(':') >= 0 && Ip6.isAddress(text));
    }

    /** The IPv4 address as the int the IPv4 code uses; an IPv6 address has none (a bug of the caller). */
    public int v4() {
        if (ipv6) {
            throw new IllegalStateException("not an IPv4 address: " + this);
        }
        return (int) low;
    }

    /** The address's bytes: 4 for IPv4, 16 for IPv6 (a fresh array). */
    public byte[] bytes() {
        if (!ipv6) {
            byte[] b = new byte[4];
            Ip4.write((int) low, b, 0);
            return b;
        }
        byte[] b = new byte[Ip6.LENGTH];
        putLong(b, 0, high);
        putLong(b, 8, low);
        return b;
    }

    /** Writes the address at {@code offset} (4 or 16 bytes). */
    public void write(byte[] buf, int offset) {
        if (ipv6) {
            putLong(buf, offset, high);
            putLong(buf, offset + 8, low);
        } else {
            Ip4.write((int) low, buf, offset);
        }
    }

    public boolean isLinkLocal() {
        return ipv6 ? (high >>> 54) == (0xfe80L >>> 6) : (low >>> 16) == 0xa9fe;
    }

    public boolean isMulticast() {
        return ipv6 ? (high >>> 56) == 0xff : (low >>> 28) == 0xe;
    }

    /** Whether the first {@code prefixLength} bits equal {@code other}'s (same family only). */
    public boolean samePrefix(IpAddress other, int prefixLength) {
        if (other.ipv6 != ipv6) {
            return false;
        }
        if (!ipv6) {
            int mask = Ip4.mask(prefixLength);
            return ((int) low & mask) == ((int) other.low & mask);
        }
        if (prefixLength <= 64) {
            return prefixLength == 0 || (high ^ other.high) >>> (64 - prefixLength) == 0;
        }
        return high == other.high && (low ^ other.low) >>> (128 - Math.min(prefixLength, 128)) == 0;
    }

    /**
     * Written out rather than the record's generated one: that one is an invokedynamic whose first call builds
     * its method handles (java.lang.runtime.ObjectMethods), 10-15 ms of a one-liner's start on Java 17 that no
     * start-up archive holds. The same value as the record's (its components in order, 31 * h + each).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && ipv6 == other.ipv6 && high == other.high && low == other.low;
    }

    /** The record's own formula (so hashed collections keep their order): see {@link #equals}. */
    @Override
    public int hashCode() {
        return (Boolean.hashCode(ipv6) * 31 + Long.hashCode(high)) * 31 + Long.hashCode(low);
    }

    /** "198.18.1.2" or "2001:db8::2" (RFC 5952). */
    @Override
    public String toString() {
        return ipv6 ? Ip6.toString(bytes()) : Ip4.toString((int) low);
    }

    /** With a port: "198.18.1.2:80", "[2001:db8::2]:80" (RFC 3986's brackets, as curl and ss print it). */
    public String withPort(int port) {
        return (ipv6 ? "[" + this + "]" : toString()) + ":" + port;
    }

    @Override
    public int compareTo(IpAddress o) {
        if (ipv6 != o.ipv6) {
            return ipv6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    private static long longAt(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[o + i] & 0xff);
        }
        return v;
    }

    private static void putLong(byte[] b, int o, long v) {
        for (int i = 7; i >= 0; i--) {
            b[o + i] = (byte) v;
            v >>>= 8;
        }
    }
}
