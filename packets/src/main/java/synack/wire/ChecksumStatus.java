package synack.wire;

/**
 * What a transport checksum says about a received segment. {@code OFFLOADED} is the sender's
 * kernel leaving the sum to a NIC (CHECKSUM_PARTIAL): the field holds only the pseudo-header
 * sum, our capture sees the frame before any NIC fills it in, and the receiving kernel trusts
 * it. Seen on veths, loopback, VMs and GRO/TSO super-frames; it is not corruption.
 * {@code UNVERIFIABLE}: the capture does not hold the whole segment (the snapshot length cut it, or
 * it is the first fragment of a datagram), so its sum cannot be checked either way.
 */
public enum ChecksumStatus {
    VALID, OFFLOADED, WRONG, UNVERIFIABLE;

    /**
     * Verifies a TCP or UDP checksum in place (no copy): {@code pseudo} is the pseudo-header
     * sum, {@code field} the checksum field as received. A field that holds the pseudo-header sum
     * is the offload's mark and is told so without summing the segment: a bulk transfer's 64 KB
     * super-frames all carry it, and summing each only to find it wrong took ~30 ms of a 100 MiB
     * http-get. A segment whose real sum verifies and happens to equal its pseudo-header sum (1 in
     * 65,536) is told as left to offload too: its field holds exactly what an offloaded one holds.
     */
    public static ChecksumStatus of(byte[] b, int offset, int length, int pseudo, int field) {
        // Linux sets th->check = ~csum_tcpudp_magic(saddr, daddr, len, proto, 0): the folded
        // pseudo-header sum, uncomplemented. One's-complement has two zeros: 0x0000 = 0xffff.
        if (field % 0xffff == pseudo % 0xffff) {
            return OFFLOADED;
        }
        return (~Checksum.sum(b, offset, length, pseudo) & 0xffff) == 0 ? VALID : WRONG;
    }

    /** The IPv4 pseudo-header sum (RFC 793/768): addresses, protocol, transport length. */
    public static int pseudoHeaderSum(int sourceIp, int destinationIp, int protocol, int length) {
        long s = (sourceIp >>> 16) + (sourceIp & 0xffff) + (destinationIp >>> 16) + (destinationIp & 0xffff)
                + protocol + length;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** How a frame line says it: nothing when valid. */
    public String remark() {
        return switch (this) {
            case VALID -> "";
            case OFFLOADED -> " (checksum left to offload)";
            case WRONG -> " (bad checksum)";
            case UNVERIFIABLE -> " (checksum not verifiable: segment not whole in the capture)";
        };
    }
}
