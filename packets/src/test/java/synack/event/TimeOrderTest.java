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
}
