package synack.exchange.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ShardTest {
    @Test
    void parsesCountedFromZero() {
        assertEquals(new Shard(0, 3), Shard.parse("0/3"));
        assertEquals(new Shard(2, 3), Shard.parse(" 2/3 "));
        for (String bad : new String[] {"3/3", "1/0", "-1/3", "1", "a/b", "1/3/4", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
        }
    }

    @Test
    void shardsTogetherCoverEveryPositionOnce() {
        for (long total : new long[] {1, 2, 10, 65_536, 65_537}) {
            for (int count = 1; count <= 5; count++) {
                BitSet seen = new BitSet();
                long sum = 0;
                for (int i = 0; i < count; i++) {
                    Shard s = new Shard(i, count);
                    for (long n = 0; n < s.sizeOf(total); n++) {
                        long pos = s.position(n);
                        assertEquals(false, seen.get((int) pos));
                        seen.set((int) pos);
                    }
                    sum += s.sizeOf(total);
                }
                assertEquals(total, sum);
                assertEquals(total, seen.cardinality());
            }
        }
    }
}
