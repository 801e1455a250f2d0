package synack.wire;

import java.util.Arrays;

/**
 * Domain names compared the way RFC 4343 says: on their octets, label by label, with the ASCII
 * letters A-Z equal to a-z and no other folding (an octet above 0x7f is only equal to itself).
 * Names are in presentation form, with or without the trailing dot, dig's escapes allowed: a
 * server may answer {@code WWW.Synack.TEST.} for {@code www.synack.test}, and that is the same
 * name. Comparing the text instead would be wrong twice: case matters to String.equals, and
 * {@code a\.b.test.} ends with {@code .b.test.} but is not inside it.
 */
public final class DnsName {
    private DnsName() {}

    /** True when the two names are the same name. */
    public static boolean same(String a, String b) {
        return Arrays.equals(folded(a), folded(b));
    }

    /** True when {@code name} is {@code zone} or a name inside it (every name is inside the root). */
    public static boolean isAtOrBelow(String name, String zone) {
        byte[] n = folded(name);
        byte[] z = folded(zone);
        for (int p = 0; ; p += 1 + n[p]) {
            if (Arrays.equals(n, p, n.length, z, 0, z.length)) {
                return true;
            }
            if (n[p] == 0) {
                return false;
            }
        }
    }

    /** True when {@code name} is inside {@code zone} and not the zone itself: one label closer to it at least. */
    public static boolean isBelow(String name, String zone) {
        return isAtOrBelow(name, zone) && !same(name, zone);
    }

    /** The uncompressed wire form with A-Z folded to a-z (length octets are at most 63, below 'A', so never folded). */
    private static byte[] folded(String name) {
        byte[] wire = DnsMessage.encodeName(DnsMessage.absolute(name));
        for (int i = 0; i < wire.length; i++) {
            if (wire[i] >= 'A' && wire[i] <= 'Z') {
                wire[i] += 'a' - 'A';
            }
        }
        return wire;
    }
}
