package synack.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeOrderTest {
    @Test
    void blocksLeaveInTimeOrderOnceTheWatermarkPassesThem() {
        List<String> out = new ArrayList<>();
        TimeOrder<String> order = new TimeOrder<>(out::add);
        order.block(100, "in@100");
        order.follow(100, "its transition");
        order.block(209, "out@209");   // sent after reading only the frame of 100
        order.block(149, "in@149");    // read later, captured earlier
        order.follow(149, "caused by 149");
        order.releaseUpTo(149);
        assertEquals(List.of("in@100", "its transition", "in@149", "caused by 149"), out);
        order.releaseUpTo(300);
        assertEquals("out@209", out.get(4));
    }

    @Test
    void equalStampsKeepTheirOrderAndAFollowerWithoutABlockStartsOne() {
        List<String> out = new ArrayList<>();
        TimeOrder<String> order = new TimeOrder<>(out::add);
        order.follow(50, "header");
        order.block(60, "a");
        order.block(60, "b");
        order.releaseAll();
        assertEquals(List.of("header", "a", "b"), out);
    }

    /**
     * Thousands of stamps, mostly rising with some late ones (frames from two CPUs), released at
     * rising watermarks as a capture is read: what leaves is every item once, sorted by stamp,
     * equal stamps in the order they came, and nothing at or below a watermark is left behind.
     */
    @Test
    void manyBlocksLeaveSortedAndStableWhateverTheOrderTheyCameIn() {
        List<long[]> out = new ArrayList<>();
        TimeOrder<long[]> order = new TimeOrder<>(out::add);
        java.util.Random random = new java.util.Random(14);
        List<long[]> all = new ArrayList<>();
        long t = 1000;
        for (int i = 0; i < 5000; i++) {
            t += random.nextInt(3);
            long stamp = random.nextInt(10) == 0 ? t - random.nextInt(50) : t;
            long[] item = {stamp, i};
            all.add(item);
            order.block(stamp, item);
            if (i % 97 == 0) {
                long watermark = t - 60;
                order.releaseUpTo(watermark);
                assertEquals(true, out.stream().allMatch(x -> x[0] <= watermark));
                assertEquals(all.stream().filter(x -> x[0] <= watermark).count(), out.size(), "all at or below " + watermark);
            }
        }
        order.releaseAll();
        List<long[]> want = new ArrayList<>(all);
        want.sort(java.util.Comparator.comparingLong(x -> x[0])); // List.sort is stable
        assertEquals(want.stream().map(x -> x[1]).toList(), out.stream().map(x -> x[1]).toList());
        assertEquals(Long.MAX_VALUE, order.earliestHeld());
    }
}
