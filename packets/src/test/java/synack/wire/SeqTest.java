package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeqTest {
    @Test
    void comparesAcrossTheWrap() {
        int before = 0xFFFF_FFF0;
        int after = 0x0000_0010;
        assertTrue(Seq.lt(before, after));
        assertTrue(Seq.leq(before, after));
        assertTrue(Seq.gt(after, before));
        assertTrue(Seq.geq(after, before));
        assertFalse(Seq.gt(before, after));
        assertFalse(Seq.lt(after, before));
        assertTrue(Seq.lt(-1, 0), "2^32 - 1 comes just before 0");
        assertTrue(Seq.gt(0, -1));
        assertTrue(Seq.lt(Integer.MAX_VALUE, Integer.MIN_VALUE), "2^31 - 1 comes just before 2^31");
    }

    @Test
    void equalIsNeitherBeforeNorAfter() {
        for (int x : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 12345}) {
            assertFalse(Seq.lt(x, x));
            assertFalse(Seq.gt(x, x));
            assertTrue(Seq.leq(x, x));
            assertTrue(Seq.geq(x, x));
        }
    }

    @Test
    void anythingLessThanHalfTheSpaceAheadIsAfter() {
        Random r = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            int a = r.nextInt();
            int d = 1 + r.nextInt(Integer.MAX_VALUE); // 1 .. 2^31 - 1
            int b = a + d;
            assertTrue(Seq.lt(a, b), a + " + " + d);
            assertTrue(Seq.gt(b, a), a + " + " + d);
            assertFalse(Seq.geq(a, b));
            assertFalse(Seq.leq(b, a));
        }
    }

    @Test
    void windowMembershipAcrossTheWrap() {
        int lo = 0xFFFF_FFF0;
        int hi = lo + 0x40; // 0x30
        assertTrue(Seq.inWindow(lo, lo, hi), "lo is inside");
        assertTrue(Seq.inWindow(-1, lo, hi));
        assertTrue(Seq.inWindow(0, lo, hi));
        assertTrue(Seq.inWindow(0x2F, lo, hi));
        assertFalse(Seq.inWindow(0x30, lo, hi), "hi is outside");
        assertFalse(Seq.inWindow(lo - 1, lo, hi));
        assertFalse(Seq.inWindow(0x7000_0000, lo, hi));
        assertFalse(Seq.inWindow(5, 5, 5), "an empty window holds nothing");
    }

    @Test
    void printsUnsigned() {
        assertEquals("4294967295", Seq.str(-1));
        assertEquals("4294967280", Seq.str(0xFFFF_FFF0));
        assertEquals("2147483648", Seq.str(Integer.MIN_VALUE));
        assertEquals("0", Seq.str(0));
    }
}
