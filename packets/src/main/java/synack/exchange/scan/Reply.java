package synack.exchange.scan;

import synack.wire.MalformedFrameException;

/**
 * What came back for a probe, read straight from the frame's bytes at their offsets (the sweep
 * may read tens of thousands a second): a TCP SYN,ACK or RST to our port, or an ICMP
 * unreachable quoting a SYN from our port. {@code ack} is the number the reply claims to answer:
 * the TCP ack, or the quoted SYN's seq + 1, so one check against the cookie serves both.
 */
public record Reply(Kind kind, int host, int port, int ack, int ttl, int icmpType, int icmpCode, int from) {
    public enum Kind { SYN_ACK, RST, ICMP_UNREACHABLE, OTHER_TCP }

    private static final int ETH = 14;

    /**
     * The reply in {@code frame} to a probe from {@code ourIp}:{@code ourPort}, null for anything
     * else (not IPv4, not to us, another port — also when cut short by the capture's snaplen).
     * Throws for lengths that do not fit. Checksums are not looked at here: the interface's intake
     * verified them (a sum left to offload accepted, damage dropped) before the sweep saw the frame;
     * and the cookie, not the checksum, is what proves a reply answers our probe.
     */
    public static Reply parse(byte[] f, int ourIp, int ourPort) throws MalformedFrameException {
        if (f.length < ETH + 20 || (f[12] & 0xff) != 0x08 || f[13] != 0x00) {
            return null;
        }
        int ihl = (f[ETH] & 0x0f) * 4;
        int total = u16(f, ETH + 2);
        if (i32(f, ETH + 16) != ourIp) {
            return null;
        }
        if ((f[ETH] & 0xf0) != 0x40 || ihl < 20 || total < ihl || ETH + ihl + 4 > f.length) {
            throw new MalformedFrameException("IPv4 header: version/length fields do not fit the frame");
        }
        int protocol = f[ETH + 9] & 0xff;
        if (ETH + total > f.length) {
            // longer than what was captured: ours only if it is TCP to our port (a reply never is that long)
            if (protocol == 6 && u16(f, ETH + ihl + 2) == ourPort) {
                throw new MalformedFrameException("IPv4 total length " + total + " is more than the frame holds");
            }
            return null;
        }
        if ((u16(f, ETH + 6) & 0x3fff) != 0) {
            return null; // a fragment: a scan reply never needs one
        }
        int source = i32(f, ETH + 12);
        int ttl = f[ETH + 8] & 0xff;
        int l4 = ETH + ihl;
        int l4Length = total - ihl;
        if (protocol == 6) {
            if (l4Length < 20) {
                throw new MalformedFrameException("TCP segment shorter than its 20-byte header");
            }
            if (u16(f, l4 + 2) != ourPort) {
                return null;
            }
            int flags = f[l4 + 13] & 0x3f;
            Kind kind = (flags & 0x12) == 0x12 ? Kind.SYN_ACK : (flags & 0x04) != 0 ? Kind.RST : Kind.OTHER_TCP;
            return new Reply(kind, source, u16(f, l4), i32(f, l4 + 8), ttl, -1, -1, source);
        }
        if (protocol == 1) {
            // type, code, checksum, unused (8) + the quoted IPv4 header + at least 8 bytes of TCP
            if (l4Length < 8 || (f[l4] & 0xff) != 3) {
                return null;
            }
            int q = l4 + 8;
            if (l4Length < 8 + 20 || (f[q] & 0xf0) != 0x40) {
                return null;
            }
            int qihl = (f[q] & 0x0f) * 4;
            int qt = q + qihl;
            if (qihl < 20 || (f[q + 9] & 0xff) != 6 || qt + 8 > l4 + l4Length || i32(f, q + 12) != ourIp
                    || u16(f, qt) != ourPort) {
                return null;
            }
            return new Reply(Kind.ICMP_UNREACHABLE, i32(f, q + 16), u16(f, qt + 2), i32(f, qt + 4) + 1, ttl,
                    3, f[l4 + 1] & 0xff, source);
        }
        return null;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int i32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
