package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 6298 arithmetic: alpha = 1/8, beta = 1/4, K = 4, G = 1 ms; clamped to [min, max]. */
class RetransmissionTimerTest {
    static final long MS = 1_000;

    @Test
    void startsAtTheInitialRtoWithoutAnSrtt() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 200 * MS, 60_000 * MS);
        assertEquals(1_000 * MS, t.rto());
        assertEquals(-1, t.srtt());
    }

    @Test
    void firstSampleSetsSrttToRAndRttvarToHalfOfIt() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 0, 60_000 * MS);
        t.sample(100 * MS);
        assertEquals(100 * MS, t.srtt());
        assertEquals(300 * MS, t.rto(), "R + 4 R/2");
    }

    @Test
    void laterSamplesUpdateRttvarWithTheOldSrttThenSrtt() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 0, 60_000 * MS);
        t.sample(100 * MS);
        t.sample(200 * MS);
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
        assertEquals(112_500, t.srtt());
        assertEquals(112_500 + 4 * 62_500, t.rto());
    }

    @Test
    void rtoIsNeverBelowTheMinimum() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 200 * MS, 60_000 * MS);
        t.sample(1 * MS);
        assertEquals(200 * MS, t.rto());
        t.sample(20 * MS);
        assertEquals(200 * MS, t.rto());
    }

    @Test
    void steadySamplesConvergeToSrttPlusGranularity() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 0, 60_000 * MS);
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            t.sample(10 * MS);
            assertTrue(t.rto() <= previous);
            previous = t.rto();
        }
        assertEquals(10 * MS, t.srtt());
        assertEquals(11 * MS, t.rto(), "SRTT + max(G, 4 RTTVAR) with RTTVAR ~ 0");
    }

    @Test
    void towardMaxOfMinRtoAndSrttPlusFourRttvar() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 30 * MS, 60_000 * MS);
        for (int i = 0; i < 100; i++) {
            t.sample(i % 2 == 0 ? 10 * MS : 14 * MS);
        }
        // SRTT oscillates near 12 ms and RTTVAR near 2 ms: SRTT + 4 RTTVAR ~ 20 ms, so the minimum rules
        assertEquals(30 * MS, t.rto());
        RetransmissionTimer u = new RetransmissionTimer(1_000 * MS, 1 * MS, 60_000 * MS);
        for (int i = 0; i < 100; i++) {
            u.sample(i % 2 == 0 ? 10 * MS : 14 * MS);
        }
        assertTrue(u.rto() > 15 * MS && u.rto() < 25 * MS, "rto " + u.rto());
    }

    @Test
    void backOffDoublesUpToTheMaximum() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 200 * MS, 60_000 * MS);
        long[] expected = {2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (long e : expected) {
            t.backOff();
            assertEquals(e * MS, t.rto());
        }
        t.sample(100 * MS);
        assertEquals(300 * MS, t.rto(), "a new sample replaces the backed-off value");
    }

    @Test
    void aLargeSampleIsClampedToTheMaximum() {
        RetransmissionTimer t = new RetransmissionTimer(1_000 * MS, 200 * MS, 60_000 * MS);
        t.sample(30_000 * MS);
        assertEquals(60_000 * MS, t.rto());
    }

    @Test
    void afterASynTimeoutDataStartsWithThreeSeconds() {
        RetransmissionTimer t = new RetransmissionTimer(1_000_000, 200_000, 60_000_000);
        t.backOff(); // the SYN timed out once: 2 s
        t.afterSynTimeout();
        org.junit.jupiter.api.Assertions.assertEquals(3_000_000, t.rto());
        RetransmissionTimer sampled = new RetransmissionTimer(1_000_000, 200_000, 60_000_000);
        sampled.sample(10_000);
        sampled.afterSynTimeout();
        org.junit.jupiter.api.Assertions.assertTrue(sampled.rto() < 3_000_000, "a measured RTT wins");
    }
}
