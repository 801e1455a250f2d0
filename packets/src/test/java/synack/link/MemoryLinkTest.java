package synack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.time.VirtualClock;

class MemoryLinkTest {
    static final long START = 1_700_000_000_000_000L;

    @Test
    void receiveOnAnEmptyLinkMovesTheClockToTheDeadline() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 100);
        assertNull(w[0].receive(START + 2_500_000));
        assertEquals(START + 2_500_000, clock.nowMicros());
    }

    @Test
    void aDeadlineInThePastDoesNotTurnTheClockBack() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 100);
        assertNull(w[0].receive(START - 5));
        assertEquals(START, clock.nowMicros());
    }

    @Test
    void aFrameArrivesOneLatencyLaterAndTheClockStopsThere() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 100);
        w[0].send(new byte[] {1, 2, 3});
        ReceivedFrame f = w[1].receive(START + 1_000_000);
        assertNotNull(f);
        assertArrayEquals(new byte[] {1, 2, 3}, f.bytes());
        assertEquals(START + 100, f.timeMicros());
        assertEquals(START + 100, clock.nowMicros());
        assertNull(w[0].receive(START + 150), "nothing goes back to the sender");
    }

    @Test
    void aFrameDueAfterTheDeadlineWaits() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 1_000);
        w[0].send(new byte[] {7});
        assertNull(w[1].receive(START + 400));
        assertEquals(START + 400, clock.nowMicros());
        ReceivedFrame f = w[1].receive(START + 5_000);
        assertEquals(START + 1_000, f.timeMicros());
        assertEquals(START + 1_000, clock.nowMicros());
    }

    @Test
    void sendCopiesTheFrame() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 0);
        byte[] b = {1};
        w[0].send(b);
        b[0] = 9;
        assertArrayEquals(new byte[] {1}, w[1].receive(START).bytes());
    }

    @Test
    void framesArriveInTimeOrderThenSendingOrder() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 100);
        w[1].inject(new byte[] {3}, START + 300);
        w[1].inject(new byte[] {1}, START + 50);
        w[0].send(new byte[] {2}); // arrives at +100
        w[1].inject(new byte[] {4}, START + 300);
        for (int expected = 1; expected <= 4; expected++) {
            assertEquals(expected, w[1].receive(START + 1_000).bytes()[0]);
        }
        assertEquals(START + 300, clock.nowMicros());
    }

    @Test
    void aResponderAnswersOneLatencyAfterArrival() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] w = MemoryLink.pair(clock, 100);
        w[1].respondWith(f -> List.of(new byte[] {(byte) (f.bytes()[0] + 1)}, new byte[] {42}));
        w[0].send(new byte[] {10});
        ReceivedFrame a = w[0].receive(START + 1_000);
        ReceivedFrame b = w[0].receive(START + 1_000);
        assertEquals(11, a.bytes()[0]);
        assertEquals(42, b.bytes()[0]);
        assertEquals(START + 200, a.timeMicros());
        assertEquals(START + 200, b.timeMicros());
        assertNull(w[1].receive(START + 1_000), "a responding end keeps nothing for itself");
    }
}
