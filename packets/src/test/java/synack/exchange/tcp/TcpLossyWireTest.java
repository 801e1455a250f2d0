package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whole connections over a seeded lossy wire: whatever is lost, both ends close and the data is whole. */
class TcpLossyWireTest {
    static final int SEEDS = 200;
    static final int SIZE = 2048;

    /** Handshake, 2 KB each way, active close; returns how many segments the wire dropped. */
    static int run(long seed, double drop, double duplicate, double reorder) {
        // A's FIN_WAIT_2 waits at most 2MSL of silence; B, sending on through the loss, can be silent for several of its
        // backed-off RTOs: A gets Linux's bound (MSL 30 s, so 60 s as tcp_fin_timeout), on virtual time
        TcpPair p = new TcpPair(TcpConnection.Config.defaults(TcpPair.PORT_A, TcpPair.PORT_B, (int) (seed * 0x9E3779B9L))
                .withMsl(30_000_000),
                TcpConnection.Config.defaults(TcpPair.PORT_B, TcpPair.PORT_A, (int) (seed * 0x85EBCA6BL)), 5_000)
                .faults(seed, drop, duplicate, reorder);
        byte[] toB = TcpPair.pattern(SIZE, seed);
        byte[] toA = TcpPair.pattern(SIZE, ~seed);
        boolean[] aSent = {false};
        boolean[] bSent = {false};
        p.app = () -> {
            if (!aSent[0] && p.a.conn.state() == TcpState.ESTABLISHED) {
                aSent[0] = true;
                p.a.conn.send(toB, p.now);
                p.a.conn.close(p.now); // the FIN follows the data
            }
            TcpState bs = p.b.conn.state();
            if (!bSent[0] && (bs == TcpState.ESTABLISHED || bs == TcpState.CLOSE_WAIT)) {
                bSent[0] = true;
                p.b.conn.send(toA, p.now);
            }
            if (bSent[0] && bs == TcpState.CLOSE_WAIT) {
                p.b.conn.close(p.now);
            }
        };
        p.open();
        p.runUntilIdle(30 * TcpPair.MINUTE);
        String where = "seed " + seed + ": " + p.a.states() + " " + p.a.conn.closedBecause() + " / " + p.b.states() + " "
                + p.b.conn.closedBecause();
        assertEquals(TcpState.CLOSED, p.a.conn.state(), where);
        assertEquals(TcpState.CLOSED, p.b.conn.state(), where);
        assertArrayEquals(toB, p.b.received.toByteArray(), where);
        assertArrayEquals(toA, p.a.received.toByteArray(), where);
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline(), where);
        assertEquals(Long.MAX_VALUE, p.b.conn.nextDeadline(), where);
        return p.dropped;
    }

    @Test
    void tenPercentLossBothWaysTwoHundredSeeds() {
        int dropped = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            dropped += run(seed, 0.10, 0, 0);
        }
        assertTrue(dropped > 200, "the wire did drop segments: " + dropped);
    }

    @Test
    void lossDuplicatesAndReorderingTogether() {
        for (long seed = 1_000; seed < 1_050; seed++) {
            run(seed, 0.05, 0.05, 0.2);
        }
    }

    @Test
    void simultaneousCloseWithDataUnderLoss() {
        for (long seed = 1; seed <= 100; seed++) {
            TcpPair p = new TcpPair(0x100 * (int) seed, 0x7777 * (int) seed);
            p.handshake();
            p.faults(seed, 0.10, 0, 0);
            byte[] toB = TcpPair.pattern(1000, seed);
            byte[] toA = TcpPair.pattern(1000, -seed);
            p.a.conn.send(toB, p.now);
            p.b.conn.send(toA, p.now);
            p.a.conn.close(p.now);
            p.b.conn.close(p.now);
            p.runUntilIdle(30 * TcpPair.MINUTE);
            String where = "seed " + seed + ": " + p.a.states() + " / " + p.b.states();
            assertEquals(TcpState.CLOSED, p.a.conn.state(), where);
            assertEquals(TcpState.CLOSED, p.b.conn.state(), where);
            assertArrayEquals(toB, p.b.received.toByteArray(), where);
            assertArrayEquals(toA, p.a.received.toByteArray(), where);
        }
    }
}
