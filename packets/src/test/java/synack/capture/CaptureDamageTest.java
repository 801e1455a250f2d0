package synack.capture;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import synack.capture.CaptureProblem.Kind;
import synack.wire.LinkType;

/** Every way a capture file can be damaged is reported, bounded and survived. */
class CaptureDamageTest {
    static final ByteOrder LE = LITTLE_ENDIAN;

    /** Where each packet record or block ends, walked independently of the reader (the tests' own little parser). */
    static List<Integer> frameEnds(byte[] file, boolean pcapng) {
        ByteBuffer b = ByteBuffer.wrap(file).order(LE);
        List<Integer> ends = new ArrayList<>();
        int at = pcapng ? 0 : 24;
        while (at < file.length) {
            int type = pcapng ? b.getInt(at) : 6;
            at += pcapng ? b.getInt(at + 4) : 16 + b.getInt(at + 8);
            if (type == 6) {
                ends.add(at);
            }
        }
        return ends;
    }

    /** The offsets where a file may end with nothing cut: after the header, after any record or block. */
    static List<Integer> boundaries(byte[] file, boolean pcapng) {
        ByteBuffer b = ByteBuffer.wrap(file).order(LE);
        List<Integer> out = new ArrayList<>();
        int at = pcapng ? 0 : 24;
        out.add(at);
        while (at < file.length) {
            at += pcapng ? b.getInt(at + 4) : 16 + b.getInt(at + 8);
            out.add(at);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lo-http.pcap", "lo-http-snap96.pcap", "lo-http.pcapng", "dumpcap-http.pcapng", "merged-eth-sll2.pcapng"})
    void truncatedAtEveryByteOffset(String fixture) throws IOException {
        byte[] whole = Fixtures.bytes(fixture);
        boolean pcapng = fixture.endsWith(".pcapng");
        List<CapturedFrame> all = Fixtures.read(whole).frames();
        List<Integer> ends = frameEnds(whole, pcapng);
        List<Integer> boundaries = boundaries(whole, pcapng);
        int header = pcapng ? 12 : 24;
        for (int n = 0; n <= whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            if (n < header) {
                assertThrows(CaptureFormatException.class, () -> Fixtures.read(cut), "cut at " + n);
                continue;
            }
            Fixtures.Read read = Fixtures.read(cut);
            int expected = 0;
            while (expected < ends.size() && ends.get(expected) <= n) {
                expected++;
            }
            assertEquals(expected, read.frames().size(), "frames of a file cut at " + n);
            for (int i = 0; i < expected; i++) {
                assertArrayEquals(all.get(i).data(), read.frames().get(i).data());
                assertEquals(all.get(i).number(), read.frames().get(i).number());
            }
            boolean clean = boundaries.contains(n);
            assertEquals(clean ? List.of() : List.of(Kind.TRUNCATED_FILE), read.kinds(), "problems of a file cut at " + n);
            assertEquals(n, read.bytesRead(), "all of the cut file consumed");
        }
    }

    /** A pipe gives a few bytes at a time and says it holds almost nothing: the same frames come out. */
    @ParameterizedTest
    @ValueSource(strings = {"lo-http.pcap", "merged-eth-sll2.pcapng"})
    void aStreamThatTricklesReadsTheSame(String fixture) throws IOException {
        byte[] whole = Fixtures.bytes(fixture);
        java.io.InputStream trickle = new ByteArrayInputStream(whole) {
            private int step;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + (step++ % 7)));
            }

            @Override
            public synchronized int available() {
                return Math.min(1, super.available());
            }
        };
        List<CapturedFrame> expected = Fixtures.read(whole).frames();
        List<CaptureProblem> problems = new ArrayList<>();
        try (CaptureReader r = CaptureReader.of(trickle, fixture, problems::add)) {
            for (CapturedFrame e : expected) {
                CapturedFrame f = r.next();
                assertEquals(e.number(), f.number());
                assertEquals(e.timeNanos(), f.timeNanos());
                assertArrayEquals(e.data(), f.data());
            }
            assertNull(r.next());
            assertEquals(whole.length, r.bytesRead());
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void notACaptureIsOneLineSayingSo() {
        String m = open("hello, this is text".getBytes(StandardCharsets.US_ASCII), "notes.txt").getMessage();
        assertEquals("notes.txt: not a pcap or pcapng capture: it begins 0x68656c6c, no capture format's magic number", m);
        assertTrue(open(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0}, "x.pcap.gz").getMessage().contains("gzip-compressed"));
        assertEquals("empty.pcap: empty, not a pcap or pcapng capture", open(new byte[0], "empty.pcap").getMessage());
        assertEquals("tiny: only 3 bytes, not a pcap or pcapng capture", open(new byte[3], "tiny").getMessage());
        assertTrue(open(Arrays.copyOf(Fixtures.bytes("lo-http.pcap"), 10), "cut.pcap").getMessage()
                .contains("pcap file header cut short: 10 of 24 bytes"));
        byte[] badOrder = Fixtures.bytes("lo-http.pcapng");
        badOrder[8] = 0x55;
        assertTrue(open(badOrder, "x.pcapng").getMessage().contains("byte-order magic"));
        for (String m2 : List.of(m)) {
            assertTrue(!m2.contains("\n"), "one line");
        }
    }

    static CaptureFormatException open(byte[] file, String name) {
        return assertThrows(CaptureFormatException.class, () -> CaptureReader.of(new ByteArrayInputStream(file), name, p -> { }));
    }

    @Test
    void aCapturedLengthOf2To31IsReportedNotAllocated() throws IOException {
        byte[] file = Build.concat(Build.pcapHeader(LE, 65535, 1), Build.pcapRecord(LE, 1, 0, 1L << 31, 1L << 31, new byte[0]));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(), read.frames());
        assertEquals(List.of(Kind.CAPTURED_LENGTH_TOO_LARGE, Kind.TRUNCATED_FILE), read.kinds());
        assertEquals(24, read.problems().get(0).fileOffset());
    }

    @Test
    void aTooLargeRecordIsSkippedAndTheNextOneKeepsItsNumber() throws IOException {
        byte[] big = new byte[300_000];
        byte[] small = Build.frame(60, 1);
        byte[] file = Build.concat(Build.pcapHeader(LE, 0, 1), Build.pcapRecord(LE, 1, 0, big.length, big.length, big),
                Build.pcapRecord(LE, 2, 5, small.length, small.length, small));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(Kind.CAPTURED_LENGTH_TOO_LARGE), read.kinds());
        assertEquals(1, read.frames().size());
        assertEquals(2, read.frames().get(0).number(), "tshark would number it 2");
        assertArrayEquals(small, read.frames().get(0).data());
        assertEquals(2_000_005_000L, read.frames().get(0).timeNanos());
    }

    @Test
    void capturedBeyondSnaplenAndOriginalBelowCapturedAreReportedAndDelivered() throws IOException {
        byte[] data = Build.frame(100, 7);
        byte[] file = Build.concat(Build.pcapHeader(LE, 64, 1), Build.pcapRecord(LE, 1, 0, 100, 100, data),
                Build.pcapRecord(LE, 1, 1, 100, 50, data));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(Kind.CAPTURED_LENGTH_BEYOND_SNAPLEN, Kind.CAPTURED_LENGTH_BEYOND_SNAPLEN, Kind.ORIGINAL_LENGTH_BELOW_CAPTURED),
                read.kinds());
        assertEquals(2, read.frames().size());
        assertEquals(100, read.frames().get(1).originalLength(), "at least what was captured");
        assertEquals(1, read.problems().get(0).afterFrame());
    }

    /** The same records in big-endian order (a capture written on a big-endian host) read the same frames. */
    @Test
    void bigEndianPcapReadsTheSame() throws IOException {
        byte[] le = Fixtures.bytes("lo-http.pcap");
        byte[] be = le.clone();
        ByteBuffer in = ByteBuffer.wrap(le).order(LE);
        ByteBuffer out = ByteBuffer.wrap(be).order(BIG_ENDIAN);
        out.putInt(0, in.getInt(0)).putShort(4, in.getShort(4)).putShort(6, in.getShort(6));
        for (int i = 8; i < 24; i += 4) {
            out.putInt(i, in.getInt(i));
        }
        for (int at = 24; at < le.length; at += 16 + in.getInt(at + 8)) {
            for (int i = 0; i < 16; i += 4) {
                out.putInt(at + i, in.getInt(at + i));
            }
        }
        assertEquals((byte) 0xa1, be[0]);
        List<CapturedFrame> a = Fixtures.read(le).frames();
        Fixtures.Read b = Fixtures.read(be);
        assertEquals(List.of(), b.problems());
        assertEquals(a.size(), b.frames().size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).timeNanos(), b.frames().get(i).timeNanos());
            assertEquals(a.get(i).originalLength(), b.frames().get(i).originalLength());
            assertArrayEquals(a.get(i).data(), b.frames().get(i).data());
        }
    }

    @Test
    void unknownPcapLinkTypeIsReportedOnceAndFramesKeepTheirNumbers() throws IOException {
        byte[] file = Build.concat(Build.pcapHeader(LE, 0, 147), Build.pcapRecord(LE, 1, 0, 20, 20, Build.frame(20, 0)),
                Build.pcapRecord(LE, 1, 0, 20, 20, Build.frame(20, 0)));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(Kind.UNSUPPORTED_LINK_TYPE), read.kinds());
        assertTrue(read.problems().get(0).detail().contains("147"));
        assertEquals(List.of(), read.links());
        assertEquals(List.of(1L, 2L), read.frames().stream().map(CapturedFrame::number).toList());
        assertNull(read.frames().get(0).link());
        DecodedFrame d = FrameDecoder.decode(read.frames().get(0));
        assertTrue(d.malformed().startsWith("link type not decoded"));
        assertNull(d.ip());
    }

    // ---- pcapng

    static byte[] ethernetSection(ByteOrder order, byte[]... blocks) {
        return Build.concat(Build.concat(Build.shb(order), Build.idb(order, 1, 0)), Build.concat(blocks));
    }

    @Test
    void impossibleBlockLengthsStopTheReaderAfterTheFramesBefore() throws IOException {
        byte[] good = Build.epb(LE, 0, 1, Build.frame(60, 1), 60);
        for (int lie : new int[] {13, 8, 0, 32 << 20, -4}) {
            byte[] bad = Build.blockWithLengths(LE, 6, new byte[40], lie, lie);
            Fixtures.Read read = Fixtures.read(ethernetSection(LE, good, bad, good));
            assertEquals(1, read.frames().size(), "length " + lie);
            assertEquals(List.of(Kind.BAD_BLOCK_LENGTH), read.kinds(), "length " + lie);
        }
    }

    @Test
    void aTrailingLengthThatDiffersIsReportedAndTheLeadingOneTrusted() throws IOException {
        byte[] good = Build.epb(LE, 0, 1, Build.frame(60, 1), 60);
        byte[] odd = Build.blockWithLengths(LE, 6, Arrays.copyOfRange(good, 8, good.length - 4), good.length, 99);
        Fixtures.Read read = Fixtures.read(ethernetSection(LE, good, odd, good));
        assertEquals(List.of(Kind.BLOCK_LENGTH_MISMATCH), read.kinds());
        assertEquals(3, read.frames().size());
    }

    @Test
    void aBlockClaimingSixteenMebibytesInAShortFileIsTruncationNotAnAllocation() throws IOException {
        byte[] bad = Build.blockWithLengths(LE, 6, new byte[40], 16 << 20, 16 << 20);
        Fixtures.Read read = Fixtures.read(ethernetSection(LE, bad));
        assertEquals(List.of(Kind.TRUNCATED_FILE), read.kinds());
    }

    @Test
    void blocksExplainDoesNotUseAreSkippedByLength() throws IOException {
        byte[] f1 = Build.epb(LE, 0, 1, Build.frame(60, 1), 60);
        byte[] f2 = Build.epb(LE, 0, 2, Build.frame(61, 2), 61);
        byte[] nrb = Build.block(LE, 4, new byte[] {1, 0, 8, 0, (byte) 198, 18, 0, 1, 'a', '.', 'b', 0, 0, 0, 0, 0});
        byte[] isb = Build.block(LE, 5, new byte[12]);
        byte[] dsb = Build.block(LE, 0x0a, new byte[20]);
        byte[] custom = Build.block(LE, 0x00000bad, new byte[] {1, 2, 3, 4, 5});
        byte[] customNoCopy = Build.block(LE, 0x40000bad, new byte[8]);
        byte[] unknown = Build.block(LE, 0x7fffffff, new byte[33]);
        Fixtures.Read read = Fixtures.read(ethernetSection(LE, f1, nrb, isb, dsb, custom, customNoCopy, unknown, f2));
        assertEquals(List.of(), read.problems());
        assertEquals(List.of(1L, 2L), read.frames().stream().map(CapturedFrame::number).toList());
        assertEquals(61, read.frames().get(1).data().length);
    }

    @Test
    void aPacketOnAnUndefinedInterfaceIsReportedAndCounted() throws IOException {
        byte[] f0 = Build.epb(LE, 0, 1, Build.frame(60, 1), 60);
        byte[] f5 = Build.epb(LE, 5, 1, Build.frame(60, 1), 60);
        Fixtures.Read read = Fixtures.read(ethernetSection(LE, f0, f5, f0));
        assertEquals(List.of(Kind.UNDEFINED_INTERFACE), read.kinds());
        assertEquals(List.of(1L, 3L), read.frames().stream().map(CapturedFrame::number).toList());
        byte[] spbFirst = Build.concat(Build.shb(LE), Build.spb(LE, 60, Build.frame(60, 0)));
        assertEquals(List.of(Kind.UNDEFINED_INTERFACE), Fixtures.read(spbFirst).kinds());
    }

    @Test
    void packetsLongerThanTheirBlockOrThanSynackReadsAreSkipped() throws IOException {
        byte[] lies = Build.epbClaiming(LE, 0, 1000, new byte[64]);
        byte[] huge = Build.epbClaiming(LE, 0, 300_000, new byte[300_000]);
        byte[] good = Build.epb(LE, 0, 1, Build.frame(60, 1), 60);
        Fixtures.Read read = Fixtures.read(ethernetSection(LE, lies, huge, good));
        assertEquals(List.of(Kind.BAD_BLOCK_BODY, Kind.CAPTURED_LENGTH_TOO_LARGE), read.kinds());
        assertEquals(List.of(3L), read.frames().stream().map(CapturedFrame::number).toList());
    }

    @Test
    void simplePacketBlockUsesInterfaceZeroAndItsSnaplen() throws IOException {
        byte[] file = Build.concat(Build.shb(LE), Build.idb(LE, 1, 60), Build.epb(LE, 0, 7_000_000, Build.frame(60, 0), 100),
                Build.spb(LE, 100, Build.frame(60, 3)));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(), read.problems());
        CapturedFrame spb = read.frames().get(1);
        assertEquals(2, spb.number());
        assertEquals(60, spb.data().length);
        assertEquals(100, spb.originalLength());
        assertEquals(0, spb.interfaceId());
        assertEquals(LinkType.ETHERNET, spb.link());
        assertEquals(7_000_000_000L, spb.timeNanos(), "no timestamp of its own: the previous frame's");
    }

    @Test
    void obsoletePacketBlockIsAFrame() throws IOException {
        byte[] file = Build.concat(Build.shb(LE), Build.idb(LE, 1, 0), Build.idb(LE, 101, 0),
                Build.packetBlock(LE, 1, 2_500_000, Build.frame(30, 0), 40));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(), read.problems());
        CapturedFrame f = read.frames().get(0);
        assertEquals(1, f.interfaceId());
        assertEquals(LinkType.RAW, f.link());
        assertEquals(40, f.originalLength());
        assertEquals(2_500_000_000L, f.timeNanos());
    }

    @Test
    void timestampResolutionsAndOffsets() throws IOException {
        byte[] millis = Build.idb(LE, 1, 0, Build.option(LE, 9, new byte[] {3}));
        byte[] binary = Build.idb(LE, 1, 0, Build.option(LE, 9, new byte[] {(byte) 0x94})); // 2^-20 s
        byte[] offset = Build.idb(LE, 1, 0, Build.option(LE, 14, ByteBuffer.allocate(8).order(LE).putLong(1000).array()));
        byte[] pico = Build.idb(LE, 1, 0, Build.option(LE, 9, new byte[] {12}));
        byte[] data = Build.frame(60, 0);
        byte[] file = Build.concat(Build.shb(LE), millis, binary, offset, pico,
                Build.epb(LE, 0, 1500, data, 60),
                Build.epb(LE, 1, (3L << 20) | (1L << 19), data, 60),
                Build.epb(LE, 2, 2_000_001, data, 60),
                Build.epb(LE, 3, 4_000_000_000_123L, data, 60));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(), read.problems());
        assertEquals(List.of(1_500_000_000L, 3_500_000_000L, 1002_000_001_000L, 4_000_000_000L),
                read.frames().stream().map(CapturedFrame::timeNanos).toList());
    }

    @Test
    void anImpossibleTimestampResolutionIsReportedAndMicrosecondsAssumed() throws IOException {
        byte[] file = Build.concat(Build.shb(LE), Build.idb(LE, 1, 0, Build.option(LE, 9, new byte[] {80})),
                Build.epb(LE, 0, 5, Build.frame(60, 0), 60));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(Kind.BAD_TIMESTAMP_RESOLUTION), read.kinds());
        assertEquals(5000, read.frames().get(0).timeNanos());
    }

    @Test
    void sectionsResetInterfacesAndMayChangeByteOrder() throws IOException {
        byte[] data = Build.frame(60, 9);
        byte[] little = Build.concat(Build.shb(LE), Build.idb(LE, 1, 0), Build.idb(LE, 113, 0), Build.epb(LE, 1, 1, data, 60));
        byte[] big = Build.concat(Build.shb(BIG_ENDIAN), Build.idb(BIG_ENDIAN, 276, 0), Build.epb(BIG_ENDIAN, 0, 2, data, 60),
                Build.epb(BIG_ENDIAN, 1, 3, data, 60));
        Fixtures.Read read = Fixtures.read(Build.concat(little, big));
        assertEquals(List.of(Kind.UNDEFINED_INTERFACE), read.kinds(), "interface 1 of the first section is gone in the second");
        assertEquals(List.of(LinkType.LINUX_SLL, LinkType.LINUX_SLL2), read.frames().stream().map(CapturedFrame::link).toList());
        assertEquals(List.of(LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2), read.links());
        assertEquals(2000, read.frames().get(1).timeNanos());
        // two real files one after the other are one file of two sections: numbers run on
        byte[] two = Build.concat(Fixtures.bytes("lo-http.pcapng"), Fixtures.bytes("merged-eth-sll2.pcapng"));
        Fixtures.Read both = Fixtures.read(two);
        assertEquals(List.of(), both.problems());
        int first = Fixtures.lines("lo-http.pcapng.tshark.tsv").size();
        int second = Fixtures.lines("merged-eth-sll2.pcapng.tshark.tsv").size();
        assertEquals(first + second, both.frames().size());
        CapturedFrame last = both.frames().get(first + second - 1);
        assertEquals(first + second, last.number());
        assertEquals(LinkType.LINUX_SLL2, last.link());
    }

    @Test
    void aLaterSectionWithABadByteOrderMagicStops() throws IOException {
        byte[] section = ethernetSection(LE, Build.epb(LE, 0, 1, Build.frame(60, 1), 60));
        byte[] broken = section.clone();
        broken[8] = 0x77;
        Fixtures.Read read = Fixtures.read(Build.concat(section, broken));
        assertEquals(1, read.frames().size());
        assertEquals(List.of(Kind.BAD_BLOCK_LENGTH), read.kinds());
    }

    @Test
    void unknownInterfaceLinkTypeIsReportedAndOthersStillDecode() throws IOException {
        byte[] file = Build.concat(Build.shb(LE), Build.idb(LE, 147, 0), Build.idb(LE, 1, 0),
                Build.epb(LE, 0, 1, Build.frame(60, 0), 60), Build.epb(LE, 1, 1, Build.frame(60, 0), 60));
        Fixtures.Read read = Fixtures.read(file);
        assertEquals(List.of(Kind.UNSUPPORTED_LINK_TYPE), read.kinds());
        assertEquals(List.of(LinkType.ETHERNET), read.links());
        assertNull(read.frames().get(0).link());
        assertEquals(LinkType.ETHERNET, read.frames().get(1).link());
    }
}
