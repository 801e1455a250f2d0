package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** DnsMessage.parse on hostile bytes: it returns or throws MalformedFrameException, nothing else, and quickly. */
class DnsFuzzTest {
    static final int MESSAGES = 120_000;

    static byte[][] seeds() {
        return new byte[][] {
            DnsMessageTest.hex(DnsMessageTest.A_REPLY),
            DnsMessageTest.hex(DnsMessageTest.ZOO),
            DnsMessage.query(0x4242, "www.synack.test", DnsType.AAAA, true, 1232).toBytes(),
            DnsMessageTest.pointerChain(100),
        };
    }

    static byte[] mutate(Random r, byte[][] seeds) {
        int kind = r.nextInt(6);
        if (kind == 0) { // noise of any length, sometimes dressed with a plausible header
            byte[] b = new byte[r.nextInt(601)];
            r.nextBytes(b);
            if (b.length >= 12 && r.nextBoolean()) {
                for (int i = 4; i < 12; i += 2) {
                    b[i] = 0;
                    b[i + 1] = (byte) r.nextInt(4);
                }
            }
            return b;
        }
        byte[] b = seeds[r.nextInt(seeds.length)].clone();
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            switch (kind) {
                case 1 -> { // flip a few bytes
                    for (int i = 0, n = 1 + r.nextInt(4); i < n && b.length > 0; i++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                    }
                }
                case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // cut anywhere
                case 3 -> { // a compression pointer to anywhere, written over or slipped in
                    int at = r.nextInt(b.length + 1);
                    byte[] pointer = {(byte) (0xc0 | r.nextInt(r.nextBoolean() ? 1 : 64)), (byte) r.nextInt(256)};
                    if (r.nextBoolean() && at + 2 <= b.length) {
                        System.arraycopy(pointer, 0, b, at, 2);
                    } else {
                        byte[] longer = new byte[b.length + 2];
                        System.arraycopy(b, 0, longer, 0, at);
                        System.arraycopy(pointer, 0, longer, at, 2);
                        System.arraycopy(b, at, longer, at + 2, b.length - at);
                        b = longer;
                    }
                }
                case 4 -> { // inflate a header count
                    if (b.length >= 12) {
                        int at = 4 + 2 * r.nextInt(4);
                        int count = r.nextBoolean() ? 1 + r.nextInt(20) : r.nextInt(0x10000);
                        b[at] = (byte) (count >>> 8);
                        b[at + 1] = (byte) count;
                    }
                }
                default -> { // all of the above at once
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                        int at = r.nextInt(b.length);
                        b[at] = (byte) 0xc0;
                        if (at + 1 < b.length) {
                            b[at + 1] = (byte) r.nextInt(256);
                        }
                    }
                    if (b.length >= 12 && r.nextBoolean()) {
                        b[5 + 2 * r.nextInt(4)] += (byte) (1 + r.nextInt(3));
                    }
                    if (r.nextBoolean()) {
                        b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                    }
                }
            }
        }
        return b;
    }

    @Test
    void parseOnlyEverReturnsOrThrowsMalformed() {
        Map<String, Integer> outcomes = new TreeMap<>();
        long started = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random r = new Random(20240917L);
            byte[][] seeds = seeds();
            for (int i = 0; i < MESSAGES; i++) {
                byte[] message = mutate(r, seeds);
                try {
                    DnsMessage m = DnsMessage.parse(message);
                    // whatever parses can be narrated, and written out again to the same message
                    assertNotNull(m.describe().summary());
                    assertEquals(m, DnsMessage.parse(m.toBytes()), () -> HexFormat.of().formatHex(message));
                    outcomes.merge("parsed", 1, Integer::sum);
                } catch (MalformedFrameException e) {
                    assertNotNull(e.getMessage());
                    // the kind of problem: its message up to the first number
                    outcomes.merge(e.getMessage().replaceAll("[0-9].*", "").trim(), 1, Integer::sum);
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    fail("message " + i + " (" + HexFormat.of().formatHex(message) + ") threw " + e, e);
                }
            }
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("DnsFuzzTest: %d messages in %.2f s: %s%n", MESSAGES, seconds, outcomes);
        assertTrue(seconds < 20, "took " + seconds + " s");
        // the mutations reach both sides and the defences that matter
        assertTrue(outcomes.getOrDefault("parsed", 0) > 5_000, outcomes.toString());
        for (String kind : new String[] {"compression pointer at offset", "header counts", "record at offset",
                "DNS message of"}) {
            assertTrue(outcomes.getOrDefault(kind, 0) > 500, kind + ": " + outcomes);
        }
    }
}
