package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** gzip and deflate undone as the bytes come, whatever the split; damage and cuts are errors; memory stays bounded. */
class ContentDecoderTest {
    static final byte[] TEXT = ("The story as data: typed events and outcomes, one live-command runner, the journey in the library.\n")
            .repeat(40).getBytes(StandardCharsets.UTF_8);

    static byte[] rawDeflate(byte[] b) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(b);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** A gzip member with the optional header fields the flags ask for (RFC 1952 section 2.3). */
    static byte[] gzipMember(byte[] plain, boolean extra, String name, String comment, boolean headerCrc) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int flags = (headerCrc ? 0x02 : 0) | (extra ? 0x04 : 0) | (name != null ? 0x08 : 0) | (comment != null ? 0x10 : 0);
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
        if (extra) {
            h.writeBytes(new byte[] {5, 0, 'A', 'B', 1, 2, 3});
        }
        if (name != null) {
            h.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
            h.write(0);
        }
        if (comment != null) {
            h.writeBytes(comment.getBytes(StandardCharsets.ISO_8859_1));
            h.write(0);
        }
        if (headerCrc) {
            CRC32 c = new CRC32();
            c.update(h.toByteArray());
            h.write((int) c.getValue());
            h.write((int) (c.getValue() >>> 8));
        }
        h.writeBytes(rawDeflate(plain));
        CRC32 crc = new CRC32();
        crc.update(plain);
        writeLe(h, crc.getValue());
        writeLe(h, plain.length);
        return h.toByteArray();
    }

    static void writeLe(ByteArrayOutputStream o, long v) {
        for (int i = 0; i < 4; i++) {
            o.write((int) (v >>> (8 * i)));
        }
    }

    static byte[] zlib(byte[] plain) {
        Deflater d = new Deflater();
        d.setInput(plain);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** Decodes {@code encoded} fed in pieces: cut at {@code split} (and the rest), or byte by byte when split is 1. */
    static byte[] decode(String coding, byte[] encoded, int split) throws ContentDecoder.DecodeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContentDecoder d = ContentDecoder.of(coding, out::write);
        if (split == 1) {
            for (byte b : encoded) {
                d.feed(new byte[] {b}, 0, 1);
            }
        } else {
            d.feed(encoded, 0, split);
            d.feed(encoded, split, encoded.length - split);
        }
        d.finish();
        return out.toByteArray();
    }

    @Test
    void everyCodingDecodesWhereverTheBytesAreSplit() throws Exception {
        byte[][] encodings = {gzipMember(TEXT, false, null, null, false), gzipMember(TEXT, true, "story.txt", "a comment", true),
            zlib(TEXT), rawDeflate(TEXT)};
        String[] codings = {"gzip", "x-gzip", "deflate", "deflate"};
        for (int e = 0; e < encodings.length; e++) {
            byte[] enc = encodings[e];
            for (int split = 0; split <= enc.length; split++) {
                assertArrayEquals(TEXT, decode(codings[e], enc, split), codings[e] + " #" + e + " split at " + split);
            }
            assertArrayEquals(TEXT, decode(codings[e], enc, 1), codings[e] + " #" + e + " byte by byte");
        }
    }

    @Test
    void gzipMembersOneAfterAnotherAreOneBodyAndTrailingGarbageIsIgnored() throws Exception {
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.writeBytes(gzipMember("first ".getBytes(StandardCharsets.UTF_8), false, null, null, false));
        two.writeBytes(gzipMember("second".getBytes(StandardCharsets.UTF_8), false, "n", null, false));
        assertEquals("first second", new String(decode("gzip", two.toByteArray(), 7), StandardCharsets.UTF_8));
        two.writeBytes(new byte[] {0, 0, 0, 0});
        assertEquals("first second", new String(decode("gzip", two.toByteArray(), 1), StandardCharsets.UTF_8));
    }

    @Test
    void damageAndCutsAreErrors() {
        byte[] gz = gzipMember(TEXT, false, null, null, false);
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        assertThrows(ContentDecoder.DecodeException.class, () -> decode("gzip", badCrc, 10));
        byte[] badLength = gz.clone();
        badLength[gz.length - 1] ^= 1;
        assertThrows(ContentDecoder.DecodeException.class, () -> decode("gzip", badLength, 10));
        byte[] badMagic = gz.clone();
        badMagic[1] = 0;
        assertThrows(ContentDecoder.DecodeException.class, () -> decode("gzip", badMagic, 10));
        byte[] badData = gz.clone();
        for (int i = 12; i < 30; i++) {
            badData[i] = (byte) 0xff;
        }
        assertThrows(ContentDecoder.DecodeException.class, () -> decode("gzip", badData, 10));
        for (int cut : new int[] {1, 5, 10, gz.length / 2, gz.length - 1}) {
            byte[] shortened = java.util.Arrays.copyOf(gz, cut);
            assertThrows(ContentDecoder.DecodeException.class, () -> decode("gzip", shortened, 0), "cut at " + cut);
        }
        byte[] z = zlib(TEXT);
        assertThrows(ContentDecoder.DecodeException.class, () -> decode("deflate", java.util.Arrays.copyOf(z, z.length - 5), 3));
        assertThrows(ContentDecoder.DecodeException.class, () -> ContentDecoder.of("br", (b, o, l) -> { }));
    }

    @Test
    void identityNeedsNoDecoder() throws Exception {
        assertNull(ContentDecoder.of("identity", (b, o, l) -> { }));
        assertNull(ContentDecoder.of(" IDENTITY ", (b, o, l) -> { }));
    }

    @Test
    void aBodyThatInflatesAThousandfoldGoesOutInBoundedPieces() throws Exception {
        byte[] zeros = new byte[32 << 20]; // 32 MiB of zeros: about 32 KiB gzipped
        byte[] gz = gzipMember(zeros, false, null, null, false);
        assertTrue(gz.length < 100_000, gz.length + " bytes");
        long[] total = {0};
        int[] largest = {0};
        ContentDecoder d = ContentDecoder.of("gzip", (b, o, l) -> {
            total[0] += l;
            largest[0] = Math.max(largest[0], l);
        });
        d.feed(gz, 0, gz.length);
        d.finish();
        assertEquals(zeros.length, total[0]);
        assertTrue(largest[0] <= 64 * 1024, "out in pieces of at most 64 KiB: " + largest[0]);
        assertEquals(gz.length, d.encodedBytes());
        assertEquals(zeros.length, d.decodedBytes());
    }
}
