package synack.exchange.scan;

import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * The sweep's SYN over IPv6, patched into a prepared frame as {@link SynTemplate} does over IPv4:
 * Ethernet (14) + IPv6 (40) + TCP with an MSS option (24) = 78 bytes. Only the next hop's MAC,
 * the destination address, the destination port and the sequence number change from probe to
 * probe; the TCP checksum (over the RFC 8200 8.1 pseudo-header: both addresses, the length and
 * next header 6) starts from a precomputed sum of the fixed words. IPv6 has no header checksum.
 */
public final class SynTemplate6 {
    public static final int LENGTH = 78;
    /** 1500 - 40 (IPv6) - 20 (TCP), as the kernel's own SYNs over a 1500-byte link. */
    public static final int MSS = 1440;
    public static final int HOP_LIMIT = 64;
    private static final int IP = 14;
    private static final int TCP = IP + 40;

    private final byte[] template = new byte[LENGTH];
    private final int tcpFixedSum;

    public SynTemplate6(MacAddress ourMac, IpAddress ourAddress, int sourcePort) {
        if (!ourAddress.ipv6()) {
            throw new IllegalArgumentException("an IPv6 SYN needs an IPv6 source, not " + ourAddress);
        }
        byte[] t = template;
        ourMac.write(t, 6);
        t[12] = (byte) 0x86; // IPv6
        t[13] = (byte) 0xdd;
        t[IP] = 0x60; // version 6, traffic class and flow label 0
        t[IP + 5] = 24; // payload length: the TCP segment
        t[IP + 6] = 6; // next header: TCP
        t[IP + 7] = (byte) HOP_LIMIT;
        ourAddress.write(t, IP + 8);
        put16(t, TCP, sourcePort);
        t[TCP + 12] = 0x60; // data offset 6 words
        t[TCP + 13] = 0x02; // SYN
        put16(t, TCP + 14, SynTemplate.WINDOW);
        t[TCP + 20] = 2; // MSS option, length 4
        t[TCP + 21] = 4;
        put16(t, TCP + 22, MSS);
        tcpFixedSum = wordSum(ourAddress.high()) + wordSum(ourAddress.low()) + 24 + 6 // pseudo header: source, length, next header
                + sourcePort + 0x6002 + SynTemplate.WINDOW + 0x0204 + MSS;
    }

    /** Writes the SYN to the host whose 128 bits are {@code high}:{@code low}, port {@code port}, sequence number {@code seq}. */
    public void write(byte[] out, MacAddress nextHop, long high, long low, int port, int seq) {
        System.arraycopy(template, 0, out, 0, LENGTH);
        nextHop.write(out, 0);
        put64(out, IP + 24, high);
        put64(out, IP + 32, low);
        put16(out, TCP + 2, port);
        put32(out, TCP + 4, seq);
        int sum = tcpFixedSum + wordSum(high) + wordSum(low) + port + (seq >>> 16) + (seq & 0xffff);
        put16(out, TCP + 16, ~fold(sum));
    }

    /** The sum of the four 16-bit words of {@code v} (at most 4 × 0xffff: no overflow when added up). */
    private static int wordSum(long v) {
        return (int) ((v >>> 48) + ((v >>> 32) & 0xffff) + ((v >>> 16) & 0xffff) + (v & 0xffff));
    }

    private static int fold(int sum) {
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return sum;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    private static void put64(byte[] b, int at, long v) {
        put32(b, at, (int) (v >>> 32));
        put32(b, at + 4, (int) v);
    }
}
