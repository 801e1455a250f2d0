package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The window's arithmetic alone: slow start, one back-off per window, the RTO's bounds. */
class DnsWindowTest {
    @Test
    void slowStartAddsOnePerAnswerThenHalvesOnceForLossesOfOneWindow() {
        DnsWindow w = new DnsWindow(100, 2_000_000);
        assertEquals(16, w.allowed());
        long first = w.sent();
        for (int i = 0; i < 16; i++) {
            w.answered(1_000); // a steady RTT: nothing queued
        }
        assertEquals(32, w.allowed(), "slow start: one more per answer");
        long later = w.sent();
        w.lost(first);
        assertEquals(16, w.allowed(), "halved");
        w.lost(first);
        w.lost(later);
        assertEquals(16, w.allowed(), "losses of tries sent before the back-off are the same event");
        w.answered(1_000);
        long after = w.sent();
        w.lost(after);
        assertEquals(8, w.allowed(), "a try sent after the back-off that is lost halves again");
        assertEquals(2, w.backoffs());
        assertEquals(4, w.losses());
        w.answered(1_000);
        w.lost(w.sent());
        assertEquals(4, w.allowed(), "8, and one answer in congestion avoidance, halved");
        w.lost(w.sent());
        w.lost(w.sent());
        assertEquals(4, w.allowed(), "silence since the last back-off: not halved again");
        w = new DnsWindow(100, 2_000_000);
        for (int i = 0; i < 8; i++) {
            w.answered(1_000);
        }
        w.lost(w.sent());
        assertEquals(12, w.allowed());
        for (int i = 0; i < 11; i++) {
            w.answered(1_000);
        }
        assertEquals(12, w.allowed(), "past the threshold: one more per window of answers");
        w.answered(1_000);
        assertEquals(13, w.allowed());
    }

    @Test
    void neverAboveTheCapNorBelowOne() {
        DnsWindow w = new DnsWindow(5, 2_000_000);
        for (int i = 0; i < 100; i++) {
            w.answered(500);
        }
        assertEquals(5, w.allowed());
        for (int i = 0; i < 20; i++) {
            w.lost(w.sent());
            w.answered(500);
        }
        assertEquals(1, w.lowest());
        assertEquals(5, w.highest());
        assertThrows(IllegalArgumentException.class, () -> new DnsWindow(0, 1));
    }

    @Test
    void aLengtheningQueueStopsTheGrowthAndShrinksTheWindow() {
        DnsWindow w = new DnsWindow(1000, 2_000_000);
        for (int i = 0; i < 200; i++) {
            w.answered(100); // base RTT 0.1 ms: grows to 216
        }
        int grown = w.allowed();
        for (int i = 0; i < 400; i++) {
            w.answered(1_000); // ten times the base: most of the window waits in the server's queue
        }
        assertEquals(216, grown);
        assertEquals(true, w.allowed() < grown, "shrinks while the queue is long: " + w.allowed());
    }

    @Test
    void theRtoFollowsTheRttWithinItsBoundsAndDoublesPerTry() {
        DnsWindow w = new DnsWindow(10, 2_000_000);
        assertEquals(1_000_000, w.waitMicros(1), "before any answer: RFC 6298's 1 s");
        assertEquals(2_000_000, w.waitMicros(2), "doubled, at most the timeout");
        w.answered(1_000);
        assertEquals(50_000, w.waitMicros(1), "a 1 ms RTT: the 50 ms floor");
        assertEquals(100_000, w.waitMicros(2));
        DnsWindow slow = new DnsWindow(10, 300_000);
        slow.answered(200_000);
        assertEquals(300_000, slow.waitMicros(1), "200 ms + 4 × 100 ms, at most the timeout");
    }

    @Test
    void aLossFoundSpuriousUndoesItsBackOffAndLengthensTheRto() {
        DnsWindow w = new DnsWindow(100, 2_000_000);
        for (int i = 0; i < 16; i++) {
            w.answered(1_000);
        }
        assertEquals(32, w.allowed());
        int backoff = w.lost(w.sent());
        assertEquals(1, backoff, "the first back-off");
        assertEquals(16, w.allowed());
        assertEquals(1, w.lost(w.sent() - 1), "the same window's other loss: part of the same back-off, none of its own");
        assertEquals(16, w.allowed());
        w.spurious(backoff, 200_000); // its answer came after all, 200 ms after the try
        assertEquals(16, w.allowed(), "the other loss may be real: the back-off stands");
        assertEquals(0, w.undone());
        w.spurious(backoff, -1); // the other one's answer came late too
        assertEquals(32, w.allowed(), "every loss of that window was late: the window as before the back-off");
        assertEquals(1, w.undone());
        assertEquals(1, w.backoffs(), "it did back off, and is told so");
        assertEquals(16, w.lowest());
        assertEquals(true, w.waitMicros(1) > 200_000, "the RTO covers the late answer: " + w.waitMicros(1));
        w.spurious(backoff, -1);
        assertEquals(1, w.undone(), "undone once");
        assertEquals(32, w.allowed());
        w.answered(1_000);
        int second = w.lost(w.sent());
        assertEquals(2, second, "a loss after the undone back-off is news again");
        w.answered(1_000);
        int third = w.lost(w.sent());
        assertEquals(3, third);
        int before = w.allowed();
        w.spurious(second, -1);
        assertEquals(before, w.allowed(), "a back-off followed by another is not undone");
        assertEquals(1, w.undone());
    }

    @Test
    void aLateAnswerWithoutABackOffOnlyTimesTheRtt() {
        DnsWindow w = new DnsWindow(100, 2_000_000);
        w.answered(1_000);
        assertEquals(50_000, w.waitMicros(1));
        w.spurious(0, 100_000);
        assertEquals(0, w.undone());
        assertEquals(true, w.waitMicros(1) > 100_000, "the late sample counts: " + w.waitMicros(1));
    }

    @Test
    void answersThatWaitedForUsDoNotGrowTheWindow() {
        DnsWindow w = new DnsWindow(500, 2_000_000);
        for (int i = 0; i < 1000; i++) {
            w.answered(20, true); // a fast server, and a client behind with its answers: the window is not the limit
        }
        assertEquals(16, w.allowed(), "not grown");
        assertEquals(1000, w.readLate());
        w.answered(20, false);
        assertEquals(17, w.allowed(), "grows again once we keep up");
        for (int i = 0; i < 400; i++) {
            w.answered(20, false);
        }
        int grown = w.allowed();
        for (int i = 0; i < 400; i++) {
            w.answered(2_000, true); // read late, and the server's queue long: it still shrinks
        }
        assertEquals(true, w.allowed() < grown, "shrinks: " + w.allowed() + " < " + grown);
    }
}
