package synack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import synack.time.VirtualClock;

class FaultyLinkTest {
    static final int N = 10_000;
    static final long SEED = 7;

    /** Frame i: 60 bytes, its sequence number in the first four, the rest a pattern. */
    static byte[] frame(int i) {
        byte[] b = new byte[60];
        for (int k = 4; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        ByteBuffer.wrap(b).putInt(i);
        return b;
    }

    static int seq(byte[] b) {
        return ByteBuffer.wrap(b).getInt();
    }

    /** A wire on virtual time; the faulty link wraps the near end. */
    static final class Wire {
        final VirtualClock clock = new VirtualClock(1_000_000);
        final MemoryLink[] ends = MemoryLink.pair(clock, 100);
        final FaultyLink faulty;

        Wire(long seed) {
            faulty = new FaultyLink(ends[0], seed);
        }

        List<byte[]> sendAllAndDrain(int n) throws IOException {
            for (int i = 0; i < n; i++) {
                faulty.send(frame(i));
            }
            return drain();
        }

        List<byte[]> drain() {
            List<byte[]> got = new ArrayList<>();
            ReceivedFrame f;
            while ((f = ends[1].receive(clock.nowMicros() + 1_000_000)) != null) {
                got.add(f.bytes());
            }
            return got;
        }
    }

    static void assertNear(double expected, int actual, double tolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= tolerance,
                what + ": " + actual + " is not within " + tolerance + " of " + expected);
    }

    @Test
    void dropsAboutTheAskedShare() throws IOException {
        Wire w = new Wire(SEED);
        w.faulty.drop(0.1);
        List<byte[]> got = w.sendAllAndDrain(N);
        // binomial(10000, 0.1): sd 30, so ±100 is over 3 sd
        assertNear(1000, w.faulty.dropped(), 100, "dropped");
        assertEquals(N - w.faulty.dropped(), got.size());
        for (int i = 1; i < got.size(); i++) {
            assertTrue(seq(got.get(i - 1)) < seq(got.get(i)), "order kept");
        }
        for (byte[] b : got) {
            assertArrayEquals(frame(seq(b)), b, "untouched");
        }
        assertEquals(0, w.faulty.duplicated() + w.faulty.corrupted() + w.faulty.reordered());
    }

    @Test
    void dropsNothingOrEverything() throws IOException {
        Wire none = new Wire(SEED);
        assertEquals(500, none.sendAllAndDrain(500).size());
        Wire all = new Wire(SEED);
        all.faulty.drop(1.0);
        assertEquals(0, all.sendAllAndDrain(500).size());
        assertEquals(500, all.faulty.dropped());
    }

    @Test
    void duplicatesArriveBackToBack() throws IOException {
        Wire w = new Wire(SEED);
        w.faulty.duplicate(0.05);
        List<byte[]> got = w.sendAllAndDrain(N);
        assertNear(500, w.faulty.duplicated(), 75, "duplicated");
        assertEquals(N + w.faulty.duplicated(), got.size());
        int pairs = 0;
        TreeSet<Integer> seen = new TreeSet<>();
        for (int i = 0; i < got.size(); i++) {
            seen.add(seq(got.get(i)));
            if (i > 0 && Arrays.equals(got.get(i - 1), got.get(i))) {
                pairs++;
            }
        }
        assertEquals(w.faulty.duplicated(), pairs);
        assertEquals(N, seen.size());
    }

    @Test
    void corruptionChangesExactlyOneByte() throws IOException {
        Wire w = new Wire(SEED);
        w.faulty.corrupt(0.02);
        List<byte[]> got = w.sendAllAndDrain(N);
        assertEquals(N, got.size());
        assertNear(200, w.faulty.corrupted(), 45, "corrupted");
        int changed = 0;
        for (int i = 0; i < N; i++) {
            byte[] sent = frame(i);
            byte[] b = got.get(i); // no drops or reordering: the i-th frame out is the i-th in
            assertEquals(sent.length, b.length);
            int differing = 0;
            for (int k = 0; k < b.length; k++) {
                if (sent[k] != b[k]) {
                    differing++;
                }
            }
            assertTrue(differing <= 1, "frame " + i + " differs in " + differing + " bytes");
            changed += differing;
        }
        assertEquals(w.faulty.corrupted(), changed);
    }

    @Test
    void corruptionLeavesTheCallersArrayAlone() throws IOException {
        Wire w = new Wire(SEED);
        w.faulty.corrupt(1.0);
        byte[] mine = frame(3);
        w.faulty.send(mine);
        assertArrayEquals(frame(3), mine);
        assertFalse(Arrays.equals(frame(3), w.drain().get(0)));
    }

    @Test
    void reorderingLetsTheNextFrameOvertake() throws IOException {
        Wire w = new Wire(SEED);
        w.faulty.reorder(0.1);
        for (int i = 0; i < N; i++) {
            w.faulty.send(frame(i));
        }
        w.faulty.reorder(0);
        w.faulty.send(frame(N)); // releases a frame still held back
        List<byte[]> got = w.drain();
        assertEquals(N + 1, got.size());
        assertNear(N * 0.1 * 0.9, w.faulty.reordered(), 120, "reordered"); // a held frame blocks the next draw
        int swaps = 0;
        TreeSet<Integer> seen = new TreeSet<>();
        for (int i = 0; i < got.size(); i++) {
            seen.add(seq(got.get(i)));
            if (i > 0 && seq(got.get(i - 1)) > seq(got.get(i))) {
                assertEquals(seq(got.get(i - 1)), seq(got.get(i)) + 1, "only a neighbour overtakes");
                swaps++;
            }
        }
        assertEquals(w.faulty.reordered(), swaps);
        assertEquals(N + 1, seen.size());
    }

    static List<byte[]> chaos(long seed) throws IOException {
        Wire w = new Wire(seed);
        w.faulty.drop(0.1).duplicate(0.1).corrupt(0.1).reorder(0.1);
        List<byte[]> got = w.sendAllAndDrain(2_000);
        got.add(new byte[] {(byte) w.faulty.dropped(), (byte) w.faulty.duplicated(), (byte) w.faulty.corrupted(),
            (byte) w.faulty.reordered()});
        return got;
    }

    static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void sameSeedSameOutcome() throws IOException {
        assertTrue(same(chaos(SEED), chaos(SEED)));
        assertFalse(same(chaos(SEED), chaos(SEED + 1)));
    }
}
