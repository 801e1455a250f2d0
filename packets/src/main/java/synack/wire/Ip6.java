package synack.wire;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * IPv6 addresses as 16-byte arrays in network order (RFC 4291). Each method returns a fresh
 * array, so a caller may keep or change what it gets.
 */
public final class Ip6 {
    public static final int LENGTH = 16;

    private Ip6() {}

    /** The unspecified address "::" (RFC 4291 2.5.2): the source of a DAD probe before it owns one. */
    public static byte[] unspecified() {
        return new byte[LENGTH];
    }

    /** ff02::1, every node on the link. */
    public static byte[] allNodes() {
        return parse("ff02::1");
    }

    /** ff02::2, every router on the link: where router solicitations go. */
    public static byte[] allRouters() {
        return parse("ff02::2");
    }

    /**
     * Parses RFC 4291 2.2 text: eight groups of 1-4 hex digits, "::" once for one or more zero
     * groups, an IPv4 dotted quad as the last 32 bits. No zone index ("%eth0": RFC 4007, not part
     * of the address), no prefix length, no brackets.
     */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            throw bad(text, "empty");
        }
        if (text.indexOf('%') >= 0) {
            throw bad(text, "a zone index (%" + text.substring(text.indexOf('%') + 1) + ") is not part of the address: name the link with -i");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != ':' && c != '.') {
                throw bad(text, "'" + c + "' is not a hex digit, ':' or '.'");
            }
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw bad(text, "\"::\" may appear only once");
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] headGroups = groups(text, head, gap < 0);
        int[] tailGroups = groups(text, tail, true);
        int count = headGroups.length + tailGroups.length;
        if (gap < 0 && count != 8) {
            throw bad(text, count + " groups of 16 bits, not 8");
        }
        if (gap >= 0 && count > 7) {
            throw bad(text, "\"::\" stands for at least one zero group, but " + count + " groups are given");
        }
        byte[] a = new byte[LENGTH];
        for (int i = 0; i < headGroups.length; i++) {
            putGroup(a, i, headGroups[i]);
        }
        for (int i = 0; i < tailGroups.length; i++) {
            putGroup(a, 8 - tailGroups.length + i, tailGroups[i]);
        }
        return a;
    }

    /** The 16-bit groups of one side of "::"; a dotted quad is allowed only as the address's last part. */
    private static int[] groups(String text, String part, boolean endsAddress) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int[] out = new int[pieces.length + 1]; // room for a dotted quad's second group
        int n = 0;
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (p.isEmpty()) {
                throw bad(text, "a single ':' at the start or end, or an empty group");
            }
            if (p.indexOf('.') >= 0) {
                if (i != pieces.length - 1 || !endsAddress) {
                    throw bad(text, "an IPv4 dotted quad may only be the last 32 bits");
                }
                int v4;
                try {
                    v4 = Ip4.parse(p);
                } catch (IllegalArgumentException e) {
                    throw bad(text, "\"" + p + "\" is not a dotted quad");
                }
                out[n++] = v4 >>> 16;
                out[n++] = v4 & 0xffff;
                continue;
            }
            if (p.length() > 4) {
                throw bad(text, "group \"" + p + "\" has more than 4 hex digits");
            }
            for (int c = 0; c < p.length(); c++) {
                if (Character.digit(p.charAt(c), 16) < 0) {
                    throw bad(text, "\"" + p.charAt(c) + "\" is not a hex digit");
                }
            }
            out[n++] = Integer.parseInt(p, 16);
        }
        return Arrays.copyOf(out, n);
    }

    private static void putGroup(byte[] a, int index, int value) {
        a[index * 2] = (byte) (value >>> 8);
        a[index * 2 + 1] = (byte) value;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("not an IPv6 address: " + text + " (" + why + ")");
    }

    public static boolean isAddress(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as
     * "::" (the leftmost on a tie), an IPv4-mapped address (::ffff:0:0/96) with its dotted quad.
     */
    public static String toString(byte[] a) {
        requireLength(a);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[i * 2] & 0xff) << 8) | (a[i * 2 + 1] & 0xff);
        }
        boolean mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
        int groups = mapped ? 6 : 8;
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never "::" (RFC 5952 4.2.2)
        for (int i = 0; i < groups; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) { // strictly longer: the leftmost run wins a tie (4.2.3)
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < groups; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        if (mapped) {
            sb.append(sb.charAt(sb.length() - 1) == ':' ? "" : ":").append(Ip4.toString(Ip4.read(a, 12)));
        }
        return sb.toString();
    }

    public static byte[] read(byte[] buf, int offset) {
        return Arrays.copyOfRange(buf, offset, offset + LENGTH);
    }

    public static void write(byte[] address, byte[] buf, int offset) {
        requireLength(address);
        System.arraycopy(address, 0, buf, offset, LENGTH);
    }

    public static boolean isUnspecified(byte[] a) {
        requireLength(a);
        return Arrays.equals(a, new byte[LENGTH]);
    }

    /** ff00::/8 (RFC 4291 2.7). */
    public static boolean isMulticast(byte[] a) {
        requireLength(a);
        return (a[0] & 0xff) == 0xff;
    }

    /** fe80::/10 (RFC 4291 2.5.6): routers send advertisements and redirects only from these. */
    public static boolean isLinkLocal(byte[] a) {
        requireLength(a);
        return (a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80;
    }

    /** 2001:db8::/32, the documentation prefix (RFC 3849): the lab's only global addresses. */
    public static boolean isDocumentation(byte[] a) {
        requireLength(a);
        return a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && (a[3] & 0xff) == 0xb8;
    }

    /**
     * The solicited-node multicast address (RFC 4291 2.7.1): ff02::1:ff00:0/104 and the low 24
     * bits of the address. Neighbour solicitations go there, so only a few hosts wake for them.
     */
    public static byte[] solicitedNode(byte[] a) {
        requireLength(a);
        byte[] s = parse("ff02::1:ff00:0");
        s[13] = a[13];
        s[14] = a[14];
        s[15] = a[15];
        return s;
    }

    /** The Ethernet address of an IPv6 multicast group (RFC 2464 7): 33:33 and the group's last 32 bits. */
    public static MacAddress multicastMac(byte[] group) {
        requireLength(group);
        if (!isMulticast(group)) {
            throw new IllegalArgumentException(toString(group) + " is not a multicast address");
        }
        return MacAddress.of(new byte[] {0x33, 0x33, group[12], group[13], group[14], group[15]});
    }

    /** True when {@code a} lies in {@code prefix}/{@code length}. */
    public static boolean inPrefix(byte[] a, byte[] prefix, int length) {
        requireLength(a);
        requireLength(prefix);
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("prefix length " + length + " outside 0..128");
        }
        for (int bit = 0; bit < length; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    public static byte[] fromInet(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("not an IPv6 address: " + address.getHostAddress());
        }
        return address.getAddress();
    }

    public static Inet6Address toInet(byte[] a) {
        requireLength(a);
        try {
            // getByAddress would turn an IPv4-mapped address into an Inet4Address; this keeps it IPv6
            return Inet6Address.getByAddress(null, a, null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // sixteen bytes are always a valid address
        }
    }

    private static void requireLength(byte[] a) {
        if (a == null || a.length != LENGTH) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes");
        }
    }
}
