package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnpredictableTest {
    @Test
    void drawsStayInTheirBoundAndCoverIt() {
        int[] seen = new int[7];
        for (int i = 0; i < 7_000; i++) {
            int v = Unpredictable.nextInt(7);
            assertTrue(v >= 0 && v < 7, "out of [0, 7): " + v);
            seen[v]++;
        }
        for (int count : seen) {
            // 1,000 expected each: a draw that favoured or never gave a value would fall far outside this
            assertTrue(count > 800 && count < 1_200, "uneven: " + java.util.Arrays.toString(seen));
        }
        for (int i = 0; i < 1_000; i++) {
            int port = 61000 + Unpredictable.nextInt(65536 - 61000);
            assertTrue(port >= 61000 && port <= 65535, "port " + port);
            assertTrue(Unpredictable.nextInt(65536) < 65536);
        }
    }

    @Test
    void successiveDrawsDoNotRepeat() {
        Set<Long> longs = new HashSet<>();
        Set<Integer> ints = new HashSet<>();
        for (int i = 0; i < 2_000; i++) { // across several refills of the pool
            longs.add(Unpredictable.nextLong());
            ints.add(Unpredictable.nextInt());
        }
        assertEquals(2_000, longs.size());
        assertTrue(ints.size() > 1_990, "32-bit draws repeated " + (2_000 - ints.size()) + " times in 2,000");
    }

    @Test
    void asARandomItDrawsTheSameWay() {
        java.util.Random r = Unpredictable.asRandom();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 500; i++) { // ~1.9 repeats expected among 500 of 65,536
            int id = r.nextInt(65536);
            assertTrue(id >= 0 && id < 65536, "id " + id);
            ids.add(id);
        }
        assertTrue(ids.size() > 490, "500 IDs of 65,536 repeated " + (500 - ids.size()) + " times");
    }

    @Test
    void aBoundThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Unpredictable.nextInt(0));
    }
}
