package synack.exchange.scan;

import synack.wire.MacAddress;

/**
 * The sweep's SYN, built by patching a prepared frame rather than assembling layers: Ethernet
 * (14) + IPv4 (20) + TCP with an MSS option (24) = 58 bytes. Only the next hop's MAC, the
 * destination address, the IP id, the destination port and the sequence number change from
 * probe to probe, so both checksums start from a precomputed sum of the fixed words (RFC 1071
 * sums are order-free) and add only those.
 */
public final class SynTemplate {
    public static final int LENGTH = 58;
    public static final int WINDOW = 64240;
    public static final int MSS = 1460;
    public static final int TTL = 64;

    private final byte[] template = new byte[LENGTH];
    private final int ipFixedSum;
    private final int tcpFixedSum;

    public SynTemplate(MacAddress ourMac, int ourIp, int sourcePort) {
        byte[] t = template;
        ourMac.write(t, 6);
        t[12] = 0x08; // IPv4
        t[14] = 0x45; // version 4, 20-byte header
        t[17] = 44; // total length 20 + 24
        t[20] = 0x40; // don't fragment, as the kernel's own SYNs and synack's other frames
        t[22] = (byte) TTL;
        t[23] = 6; // TCP
        put32(t, 26, ourIp);
        put16(t, 34, sourcePort);
        t[46] = 0x60; // data offset 6 words
        t[47] = 0x02; // SYN
        put16(t, 48, WINDOW);
        t[54] = 2; // MSS option, length 4
        t[55] = 4;
        put16(t, 56, MSS);
        ipFixedSum = 0x4500 + 44 + 0x4000 + ((TTL << 8) | 6) + (ourIp >>> 16) + (ourIp & 0xffff);
        tcpFixedSum = (ourIp >>> 16) + (ourIp & 0xffff) + 6 + 24 // pseudo header: source, protocol, TCP length
                + sourcePort + 0x6002 + WINDOW + 0x0204 + MSS;
    }

    /** Writes the SYN to {@code host}:{@code port} with sequence number {@code seq} into {@code out}. */
    public void write(byte[] out, MacAddress nextHop, int host, int port, int seq, int ipId) {
        System.arraycopy(template, 0, out, 0, LENGTH);
        nextHop.write(out, 0);
        put16(out, 18, ipId);
        put32(out, 30, host);
        put16(out, 36, port);
        put32(out, 38, seq);
        int hostSum = (host >>> 16) + (host & 0xffff);
        put16(out, 24, ~fold(ipFixedSum + (ipId & 0xffff) + hostSum));
        put16(out, 50, ~fold(tcpFixedSum + hostSum + port + (seq >>> 16) + (seq & 0xffff)));
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
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
