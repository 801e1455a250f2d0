package synack.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.wire.Dissector;
import synack.wire.Layer;

/**
 * 100,000 damaged captures (seeded, so every run is the same) through CaptureReader, FrameDecoder
 * and Dissector: nothing escapes but CaptureFormatException from opening, every read ends, and
 * the frame numbers only go up. Mutations: bit flips, byte overwrites, truncations, and length
 * fields (pcap record lengths, pcapng block and packet lengths) set to lies.
 */
class CaptureFuzzTest {
    static final int RUNS = 100_000;

    @Test
    void damagedCapturesNeverCrashNorHang() throws IOException {
        // small fixtures keep 10^5 runs quick; between them every format, link type and block kind
        List<byte[]> seeds = List.of(Fixtures.bytes("lo-http-snap96.pcap"), Fixtures.bytes("any-http-sll.pcap"),
                Fixtures.bytes("any-http-sll2.pcap"), Fixtures.bytes("null-udp.pcap"), Fixtures.bytes("vlan-udp.pcap"),
                Fixtures.bytes("raw-udp.pcap"), Fixtures.bytes("lo-http-nanos.pcap"), Fixtures.bytes("ipv4-udp.pcapng"),
                Fixtures.bytes("dumpcap-http.pcapng"), Fixtures.bytes("loop-udp.pcap"));
        Random random = new Random(16);
        int opened = 0;
        long frames = 0;
        long problems = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] file = mutate(seeds.get(random.nextInt(seeds.size())), random);
            long[] counted = new long[1];
            CaptureReader reader;
            try {
                reader = CaptureReader.of(new ByteArrayInputStream(file), "fuzz", p -> {
                    assertNotNull(p.kind());
                    counted[0]++;
                });
            } catch (CaptureFormatException e) {
                continue;
            }
            opened++;
            long last = 0;
            CapturedFrame f;
            int guard = 0;
            while ((f = reader.next()) != null) {
                assertTrue(f.number() > last, "numbers go up");
                assertTrue(f.data().length <= FrameSource.MAX_FRAME);
                last = f.number();
                DecodedFrame d = FrameDecoder.decode(f);
                assertNotNull(d);
                List<Layer> layers = Dissector.dissect(f.link(), f.data(), f.originalLength());
                assertNotNull(Dissector.summary(layers));
                frames++;
                assertTrue(++guard <= file.length, "a frame takes at least one byte of the file");
            }
            assertTrue(reader.bytesRead() <= file.length);
            problems += counted[0];
        }
        assertTrue(opened > RUNS / 2, "most mutations keep the magic, so the readers are what is tested: " + opened);
        assertTrue(frames > RUNS, "frames were read: " + frames);
        assertTrue(problems > RUNS / 4, "damage was found: " + problems);
    }

    static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n && b.length >= 8; i++) {
            switch (random.nextInt(6)) {
                case 0 -> { // a bit flip past the magic
                    int at = 4 + random.nextInt(b.length - 4);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256); // any byte, the magic too
                case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // the file cut
                case 3 -> lengthLie(b, random);
                case 4 -> { // a run of garbage
                    int at = random.nextInt(b.length);
                    for (int j = at; j < Math.min(b.length, at + 1 + random.nextInt(64)); j++) {
                        b[j] = (byte) random.nextInt(256);
                    }
                }
                default -> { // the file header's snaplen or link type, or the IDB's, rewritten
                    if (b.length >= 24) {
                        b[16 + random.nextInt(8)] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return b;
    }

    /** A 32-bit length field (of a pcap record or a pcapng block/packet) given a lying value. */
    static void lengthLie(byte[] b, Random random) {
        if (b.length < 32) {
            return;
        }
        boolean pcapng = b[0] == 0x0a;
        int at;
        if (pcapng) {
            at = 4 + 4 * random.nextInt((b.length - 8) / 4); // any aligned word: some are block or packet lengths
        } else {
            at = recordLengthField(b, random.nextInt(12));
        }
        int[] lies = {0, 1, 3, 11, 12, 13, 0x7fffffff, -1, 1 << 24, (1 << 24) + 4, 262145, 65536, random.nextInt()};
        if (at + 4 <= b.length) {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, lies[random.nextInt(lies.length)]);
        }
    }

    /** The incl_len or orig_len field of the k-th record of a little-endian pcap (the last one if fewer). */
    static int recordLengthField(byte[] b, int k) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        int field = 24 + 8;
        for (int i = 0; i <= k && at + 16 <= b.length; i++) {
            field = at + 8 + 4 * (k % 2);
            long caplen = Integer.toUnsignedLong(buf.getInt(at + 8));
            if (caplen > b.length) {
                break;
            }
            at += 16 + (int) caplen;
        }
        return field;
    }

    @Test
    void theFuzzRunIsTheSameEveryTime() {
        Random a = new Random(16);
        Random b = new Random(16);
        byte[] seed = Fixtures.bytes("vlan-udp.pcap");
        for (int i = 0; i < 100; i++) {
            assertEquals(Arrays.toString(mutate(seed, a)), Arrays.toString(mutate(seed, b)));
        }
    }
}
