package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TcpSegmentTest {
    static final int SRC = Ip4.parse("10.0.0.1");
    static final int DST = Ip4.parse("10.0.0.2");
    static final TcpSegment.Options SYN_OPTIONS = new TcpSegment.Options(1460, 7, true, 0xFEDC_BA98L, 0x0123_4567L, List.of());

    static TcpSegment synWithData() {
        return TcpSegment.of(40_000, 80, 0xFFFF_FFF0, 0x8000_0001, TcpSegment.SYN | TcpSegment.ACK, 64_240, SYN_OPTIONS,
                new byte[] {1, 2, 3, 4, 5});
    }

    @Test
    void roundTripsWithAllOptions() throws MalformedFrameException {
        TcpSegment s = synWithData();
        byte[] b = s.toBytes(SRC, DST);
        // 20 + mss 4 + sackOK 2 + ts 10 + nop,wscale 4 = 40: data offset 10 words
        assertEquals(40 + 5, b.length);
        assertEquals(0xA0, b[12] & 0xff);
        TcpSegment p = TcpSegment.parse(b, SRC, DST);
        assertTrue(p.checksumValid());
        assertEquals(40_000, p.sourcePort());
        assertEquals(80, p.destinationPort());
        assertEquals(0xFFFF_FFF0, p.seq());
        assertEquals(0x8000_0001, p.ack());
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, p.flags());
        assertEquals(64_240, p.window());
        assertEquals(SYN_OPTIONS, p.options());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, p.data());
        assertEquals(6, p.sequenceLength(), "5 bytes + SYN");
        assertArrayEquals(b, p.toBytes(SRC, DST), "parse then build gives the same bytes");
    }

    @Test
    void roundTripsEachOptionCombination() throws MalformedFrameException {
        for (int mask = 0; mask < 16; mask++) {
            TcpSegment.Options o = new TcpSegment.Options((mask & 1) != 0 ? 536 : -1, (mask & 2) != 0 ? 14 : -1,
                    (mask & 4) != 0, (mask & 8) != 0 ? 0xFFFF_FFFFL : -1, (mask & 8) != 0 ? 0 : -1, List.of());
            TcpSegment s = TcpSegment.of(1, 65_535, 7, 0, TcpSegment.ACK, 0, o, new byte[0]);
            byte[] b = s.toBytes(SRC, DST);
            assertEquals(0, (b.length - 20) % 4, "options padded to 32 bits");
            TcpSegment p = TcpSegment.parse(b, SRC, DST);
            assertTrue(p.checksumValid(), "mask " + mask);
            assertEquals(o, p.options(), "mask " + mask);
            assertEquals(65_535, p.destinationPort());
        }
    }

    @Test
    void noOptionsMakeATwentyByteHeader() throws MalformedFrameException {
        TcpSegment s = TcpSegment.of(1234, 80, 1, 2, TcpSegment.RST | TcpSegment.ACK, 0, TcpSegment.Options.NONE, new byte[0]);
        byte[] b = s.toBytes(SRC, DST);
        assertEquals(20, b.length);
        assertEquals(0x50, b[12] & 0xff);
        TcpSegment p = TcpSegment.parse(b, SRC, DST);
        assertTrue(p.checksumValid());
        assertEquals(TcpSegment.Options.NONE, p.options());
        assertEquals(0, p.sequenceLength());
    }

    @Test
    void checksumCoversThePseudoHeader() throws MalformedFrameException {
        byte[] b = synWithData().toBytes(SRC, DST);
        assertEquals(0, Checksum.compute(pseudo(b, SRC, DST), 0, 12 + b.length), "sums to zero with the checksum in");
        assertFalse(TcpSegment.parse(b, SRC, Ip4.parse("10.0.0.3")).checksumValid(), "another destination");
        assertTrue(TcpSegment.parse(b, DST, SRC).checksumValid(), "the sum does not depend on the order of the addresses");
    }

    @Test
    void anyCorruptedByteMakesTheChecksumInvalid() throws MalformedFrameException {
        byte[] good = synWithData().toBytes(SRC, DST);
        for (int i = 0; i < good.length; i++) {
            if (i == 12) {
                continue; // the data offset: changing it reframes the segment (covered by the malformed tests)
            }
            byte[] b = good.clone();
            b[i] ^= 0x01;
            TcpSegment p;
            try {
                p = TcpSegment.parse(b, SRC, DST);
            } catch (MalformedFrameException e) {
                continue; // a corrupted option length may be refused outright, which is also fine
            }
            assertFalse(p.checksumValid(), "byte " + i);
        }
    }

    @Test
    void optionLengthRunningPastTheHeaderIsRejected() {
        // 24-byte header: MSS option claims 8 bytes where only 4 remain
        byte[] b = header(6);
        b[20] = 2;
        b[21] = 8;
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> TcpSegment.parse(b, SRC, DST));
        assertTrue(e.getMessage().contains("runs past the header"), e.getMessage());
    }

    @Test
    void optionLengthBelowTwoIsRejected() {
        for (int len : new int[] {0, 1}) {
            byte[] b = header(6);
            b[20] = 8;
            b[21] = (byte) len;
            assertThrows(MalformedFrameException.class, () -> TcpSegment.parse(b, SRC, DST), "len " + len);
        }
    }

    @Test
    void optionWithoutALengthByteIsRejected() {
        byte[] b = header(6);
        b[20] = 1;
        b[21] = 1;
        b[22] = 1;
        b[23] = 3; // wscale, cut off after its kind byte
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> TcpSegment.parse(b, SRC, DST));
        assertTrue(e.getMessage().contains("no length byte"), e.getMessage());
    }

    @Test
    void sackBlocksRoundTrip() throws MalformedFrameException {
        TcpSegment seg = TcpSegment.of(1, 2, 100, 200, TcpSegment.ACK, 10,
                TcpSegment.Options.NONE.withTimestamps(5, 6).withSack(List.of(new int[] {300, 400}, new int[] {-10, 20})), new byte[0]);
        TcpSegment back = TcpSegment.parse(seg.toBytes(SRC, DST), SRC, DST);
        assertEquals(2, back.options().sack().size());
        assertEquals(300, back.options().sack().get(0)[0]);
        assertEquals(400, back.options().sack().get(0)[1]);
        assertEquals(-10, back.options().sack().get(1)[0]);
        assertEquals(5, back.options().tsValue());
        assertTrue(back.checksumValid());
    }

    @Test
    void optionsStopAtEndOfListAndSkipUnknownKinds() throws MalformedFrameException {
        byte[] b = header(8);
        b[20] = 30; // unknown kind, length 4
        b[21] = 4;
        b[24] = 5; // SACK block kind, length 2 (odd but legal to skip)
        b[25] = 2;
        b[26] = 0; // end of option list: the rest is not read
        b[27] = 2;
        TcpSegment.Options o = TcpSegment.parse(b, SRC, DST).options();
        assertEquals(List.of("opt30"), o.other());
        assertTrue(o.sack().isEmpty(), "a SACK option with no blocks holds none");
        assertEquals(-1, o.mss());
        assertEquals("<opt30>", o.toString());
    }

    @Test
    void tooShortOrBadDataOffsetIsRejected() {
        assertThrows(MalformedFrameException.class, () -> TcpSegment.parse(new byte[19], SRC, DST));
        byte[] small = header(5);
        small[12] = 0x40; // 16 bytes: less than the fixed header
        assertThrows(MalformedFrameException.class, () -> TcpSegment.parse(small, SRC, DST));
        byte[] big = header(5);
        big[12] = (byte) 0xF0; // 60 bytes claimed in a 20-byte segment
        assertThrows(MalformedFrameException.class, () -> TcpSegment.parse(big, SRC, DST));
    }

    @Test
    void flagsAndSummary() {
        assertEquals("SYN,ACK", TcpSegment.flagNames(TcpSegment.SYN | TcpSegment.ACK));
        assertEquals("SYN,FIN", TcpSegment.flagNames(TcpSegment.SYN | TcpSegment.FIN));
        assertEquals("none", TcpSegment.flagNames(0));
        TcpSegment s = synWithData();
        assertTrue(s.has(TcpSegment.SYN) && s.has(TcpSegment.ACK) && !s.has(TcpSegment.FIN));
        String summary = s.summary(0xFFFF_FFF0L, 0x8000_0000L);
        assertTrue(summary.startsWith("SYN,ACK  seq=0 ack=1 win=64240"), summary);
        assertTrue(summary.endsWith("len=5"), summary);
        assertEquals(2, TcpSegment.of(1, 2, 0, 0, TcpSegment.SYN | TcpSegment.FIN, 0, TcpSegment.Options.NONE, new byte[0])
                .sequenceLength());
    }

    /** A header of {@code words} 32-bit words, zeroed options, no data. */
    static byte[] header(int words) {
        byte[] b = new byte[words * 4];
        b[1] = 1;
        b[3] = 2;
        b[12] = (byte) (words << 4);
        b[13] = TcpSegment.ACK;
        return b;
    }

    static byte[] pseudo(byte[] segment, int src, int dst) {
        byte[] p = new byte[12 + segment.length];
        Ip4.write(src, p, 0);
        Ip4.write(dst, p, 4);
        p[9] = 6;
        p[10] = (byte) (segment.length >>> 8);
        p[11] = (byte) segment.length;
        System.arraycopy(segment, 0, p, 12, segment.length);
        return p;
    }
}
