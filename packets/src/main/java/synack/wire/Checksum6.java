package synack.wire;

/**
 * Transport checksums over IPv6 (RFC 8200 8.1): TCP, UDP and ICMPv6 all sum a pseudo-header of
 * the source and destination addresses, the upper-layer packet length (32 bits) and the next
 * header value of the upper layer. ICMPv6 uses it too, unlike ICMPv4. The sums fit
 * {@link Checksum#sum(byte[], int, int, int)} and {@link ChecksumStatus#of} as the IPv4 ones do.
 */
public final class Checksum6 {
    private Checksum6() {}

    /** The pseudo-header sum, folded to 16 bits. */
    public static int pseudoHeaderSum(byte[] source, byte[] destination, int nextHeader, int upperLength) {
        int sum = Checksum.sum(source, 0, Ip6.LENGTH, 0);
        sum = Checksum.sum(destination, 0, Ip6.LENGTH, sum);
        return fold((long) sum + (upperLength >>> 16) + (upperLength & 0xffff) + nextHeader);
    }

    /** As above, the addresses read in place from the IPv6 header at {@code ipOffset} of {@code packet}. */
    public static int pseudoHeaderSum(byte[] packet, int ipOffset, int nextHeader, int upperLength) {
        int sum = Checksum.sum(packet, ipOffset + 8, 2 * Ip6.LENGTH, 0);
        return fold((long) sum + (upperLength >>> 16) + (upperLength & 0xffff) + nextHeader);
    }

    /**
     * Verifies the checksum of the upper-layer packet of {@code length} bytes at {@code offset}
     * whose checksum field is at {@code offset + fieldOffset}. A UDP checksum of zero is WRONG:
     * over IPv6 it is mandatory (RFC 8200 8.1), and the kernel drops such a datagram.
     */
    public static ChecksumStatus status(byte[] b, int offset, int length, int fieldOffset, byte[] source,
                                        byte[] destination, int nextHeader) {
        int field = ((b[offset + fieldOffset] & 0xff) << 8) | (b[offset + fieldOffset + 1] & 0xff);
        if (nextHeader == Ipv6Packet.UDP && field == 0) {
            return ChecksumStatus.WRONG;
        }
        return ChecksumStatus.of(b, offset, length, pseudoHeaderSum(source, destination, nextHeader, length), field);
    }

    /** Where each upper layer keeps its checksum, counted from its first byte. */
    public static int fieldOffset(int nextHeader) {
        return switch (nextHeader) {
            case Ipv6Packet.TCP -> 16;
            case Ipv6Packet.UDP -> 6;
            case Ipv6Packet.ICMPV6 -> 2;
            default -> throw new IllegalArgumentException("no checksum known for next header " + nextHeader);
        };
    }

    /**
     * Writes the checksum of the whole array {@code upper} (a TCP segment, UDP datagram or ICMPv6
     * message) into its field. A UDP sum of zero is sent as 0xffff: zero would mean "none".
     */
    public static void fill(byte[] upper, byte[] source, byte[] destination, int nextHeader) {
        int at = fieldOffset(nextHeader);
        upper[at] = 0;
        upper[at + 1] = 0;
        int sum = ~Checksum.sum(upper, 0, upper.length, pseudoHeaderSum(source, destination, nextHeader, upper.length)) & 0xffff;
        if (sum == 0 && nextHeader == Ipv6Packet.UDP) {
            sum = 0xffff;
        }
        upper[at] = (byte) (sum >>> 8);
        upper[at + 1] = (byte) sum;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }
}
