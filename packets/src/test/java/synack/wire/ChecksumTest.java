package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    /**
     * RFC 1071 section 3's example: the words 0001 f203 f4f5 f6f7 sum (one's complement) to
     * 0x2ddf0, folded 0xddf0 + 0x2 = 0xddf2; the checksum is its complement, 0x220d.
     */
    @Test
    void rfc1071Example() {
        byte[] b = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertEquals(0xddf2, Checksum.sum(b, 0, b.length, 0));
        assertEquals(0x220d, Checksum.compute(b, 0, b.length));
    }

    /**
     * A classic IPv4 header (UDP 192.168.0.1 → 192.168.0.199, total length 0x73, DF, TTL 64).
     * By hand, checksum field zeroed: 4500+0073+0000+4000+4011+0000+c0a8+0001+c0a8+00c7 = 0x2479c,
     * folded 0x479c + 0x2 = 0x479e, complement 0xb861.
     */
    @Test
    void knownIpv4Header() throws MalformedFrameException {
        byte[] h = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xb861, Checksum.compute(h, 0, 20));
        h[10] = (byte) 0xb8;
        h[11] = 0x61;
        // a header carrying its correct checksum sums to 0xffff, so computes to 0
        assertEquals(0xffff, Checksum.sum(h, 0, 20, 0));
        assertEquals(0, Checksum.compute(h, 0, 20));
        // and Ipv4Packet (given a 0x73-byte packet) agrees
        byte[] packet = java.util.Arrays.copyOf(h, 0x73);
        assertEquals(true, Ipv4Packet.parse(packet).checksumValid());
        assertEquals(0xb861, Ipv4Packet.parse(packet).headerChecksum());
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        byte[] b = {0x01, 0x02, 0x03};
        assertEquals(0x0402, Checksum.sum(b, 0, 3, 0));
        assertEquals(0xfbfd, Checksum.compute(b, 0, 3));
    }

    @Test
    void offsetAndInitialAreHonoured() {
        byte[] b = HexFormat.of().parseHex("ffff0001f203f4f5f6f7ffff");
        assertEquals(0x220d, Checksum.compute(b, 2, 8));
        // a pseudo-header sum carried in as the initial value
        assertEquals(Checksum.sum(b, 2, 8, 0x1234), Checksum.sum(HexFormat.of().parseHex("12340001f203f4f5f6f7"), 0, 10, 0));
    }

    @Test
    void carriesFoldMoreThanOnce() {
        byte[] b = new byte[4096];
        java.util.Arrays.fill(b, (byte) 0xff);
        assertEquals(0xffff, Checksum.sum(b, 0, b.length, 0));
        assertEquals(0, Checksum.compute(b, 0, b.length));
    }

    /**
     * The word-at-a-time loop against the plain definition (16-bit words, byte by byte) on random
     * bytes at every alignment and length up to a 64 KiB TSO frame, with random initial sums.
     */
    @Test
    void agreesWithTheDefinitionAtEveryOffsetAndLength() {
        java.util.Random random = new java.util.Random(1071);
        byte[] b = new byte[65_600];
        random.nextBytes(b);
        int[] lengths = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 20, 24, 31, 40, 1460, 1461, 65_160, 65_535};
        for (int offset = 0; offset < 9; offset++) {
            for (int length : lengths) {
                int initial = random.nextInt(0x30000);
                assertEquals(byPairs(b, offset, length, initial), Checksum.sum(b, offset, length, initial),
                        "offset " + offset + " length " + length);
            }
        }
        java.util.Arrays.fill(b, (byte) 0xff); // the largest sums: every carry taken
        assertEquals(byPairs(b, 3, 65_535, 0xffff), Checksum.sum(b, 3, 65_535, 0xffff));
    }

    private static int byPairs(byte[] b, int offset, int length, int initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            sum += ((b[offset + i] & 0xff) << 8) | (i + 1 < length ? b[offset + i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
