package synack.exchange.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class PermutationTest {
    @Test
    void everySizeIsABijectionWithAnInverse() {
        for (long size : new long[] {1, 2, 3, 5, 7, 64, 100, 1000, 65_535, 65_536, 65_537, 300_007}) {
            Permutation p = new Permutation(size, 12345);
            BitSet seen = new BitSet();
            for (long j = 0; j < size; j++) {
                long v = p.at(j);
                assertTrue(v >= 0 && v < size, "value in range for size " + size);
                assertFalse(seen.get((int) v), "value " + v + " twice for size " + size);
                seen.set((int) v);
                assertEquals(j, p.indexOf(v));
            }
            assertEquals(size, seen.cardinality());
        }
    }

    @Test
    void theSeedDecidesTheOrder() {
        Permutation a = new Permutation(65_536, 1);
        Permutation b = new Permutation(65_536, 1);
        Permutation c = new Permutation(65_536, 2);
        int same = 0;
        int differentFromC = 0;
        int inPlace = 0;
        for (long j = 0; j < 65_536; j++) {
            same += a.at(j) == b.at(j) ? 1 : 0;
            differentFromC += a.at(j) != c.at(j) ? 1 : 0;
            inPlace += a.at(j) == j ? 1 : 0;
        }
        assertEquals(65_536, same);
        assertTrue(differentFromC > 65_000, "another seed, another order");
        assertTrue(inPlace < 100, "a shuffle, not the identity: " + inPlace + " fixed points");
    }

    @Test
    void neighboursAreSpreadOut() {
        // consecutive positions should not probe consecutive ports (a rate-limited firewall sees a spread)
        Permutation p = new Permutation(65_536, 7);
        int adjacent = 0;
        for (long j = 1; j < 65_536; j++) {
            adjacent += Math.abs(p.at(j) - p.at(j - 1)) <= 1 ? 1 : 0;
        }
        assertTrue(adjacent < 50, adjacent + " neighbouring pairs");
        assertNotEquals(p.at(0) + 1, p.at(1));
    }
}
