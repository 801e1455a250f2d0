package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.TcpSegment;

class TcpRetransmissionTest {
    static final long S = 1_000_000;

    @Test
    void unansweredSynBacksOffOneTwoFourSecondsThenGivesUp() {
        TcpPair p = new TcpPair();
        p.dropRule = (from, seg) -> from == p.a;
        p.open();
        List<Long> rtos = new ArrayList<>();
        rtos.add(p.a.conn.rtoMicros());
        p.app = () -> rtos.add(p.a.conn.rtoMicros());
        p.runUntilIdle(10 * TcpPair.MINUTE);

        List<TcpPair.Sent> syns = p.a.sentWith(TcpSegment.SYN);
        assertEquals(6, syns.size(), "the SYN and maxRetries = 5 retransmissions");
        long t0 = TcpPair.T0;
        List<Long> at = syns.stream().map(TcpPair.Sent::at).toList();
        assertEquals(List.of(t0, t0 + S, t0 + 3 * S, t0 + 7 * S, t0 + 15 * S, t0 + 31 * S), at,
                "intervals 1 s, 2 s, 4 s, 8 s, 16 s: the RTO doubles each time");
        for (TcpPair.Sent s : syns) {
            assertEquals(TcpSegment.SYN, s.segment().flags());
            assertEquals(p.a.conn.iss(), s.segment().seq());
            assertEquals(1460, s.segment().options().mss(), "a retransmitted SYN keeps its options");
        }
        assertEquals(List.of(1 * S, 2 * S, 4 * S, 8 * S, 16 * S, 32 * S, 32 * S), rtos);

        assertEquals(TcpState.CLOSED, p.a.conn.state());
        assertEquals(List.of("CLOSED", "SYN_SENT", "CLOSED"), p.a.states());
        assertEquals(t0 + 63 * S, p.a.timeOf(TcpState.CLOSED), "gives up one RTO (32 s) after the last SYN");
        assertEquals(TcpOutcome.TIMED_OUT, p.a.conn.outcome());
        assertTrue(p.a.notes.stream().anyMatch(n -> n.kind() == synack.event.Event.Note.Kind.WARNING && n.text().contains("giving up")
                && n.text().contains("5 retransmissions")), p.a.notes.toString());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
        assertEquals(TcpState.LISTEN, p.b.conn.state());
    }

    @Test
    void retryLimitAndInitialRtoComeFromTheConfig() {
        TcpConnection.Config a = TcpConnection.Config.defaults(TcpPair.PORT_A, TcpPair.PORT_B, 1).withRetries(2)
                .withInitialRto(300_000);
        TcpPair p = new TcpPair(a, TcpConnection.Config.defaults(TcpPair.PORT_B, TcpPair.PORT_A, 2), 10_000);
        p.dropRule = (from, seg) -> true;
        p.open();
        p.runUntilIdle(TcpPair.MINUTE);
        List<Long> at = p.a.sentWith(TcpSegment.SYN).stream().map(TcpPair.Sent::at).toList();
        long t0 = TcpPair.T0;
        assertEquals(List.of(t0, t0 + 300_000, t0 + 900_000), at);
        assertEquals(t0 + 2_100_000, p.a.timeOf(TcpState.CLOSED));
        assertEquals(TcpOutcome.TIMED_OUT, p.a.conn.outcome());
    }

    @Test
    void droppedSynIsRetransmittedAfterOneSecondAndGivesNoRttSample() {
        TcpPair p = new TcpPair();
        p.dropOnce((from, seg) -> from == p.a && seg.has(TcpSegment.SYN));
        p.handshake();
        List<TcpPair.Sent> syns = p.a.sentWith(TcpSegment.SYN);
        assertEquals(2, syns.size());
        assertEquals(TcpPair.T0 + S, syns.get(1).at());
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED"), p.a.states());
        assertEquals(TcpPair.T0 + S + 20_000, p.a.timeOf(TcpState.ESTABLISHED));
        // Karn: the SYN,ACK may answer either SYN, so no sample; the backed-off RTO stays
        assertEquals(-1, p.a.conn.lastRttMicros());
        assertTrue(p.a.conn.rtoMicros() >= 2 * S, "RTO " + p.a.conn.rtoMicros());
        // the passive side's SYN,ACK went once and was acknowledged: a clean sample there
        assertEquals(20_000, p.b.conn.lastRttMicros());
    }

    @Test
    void droppedSynAckIsRetransmittedByTheListener() {
        TcpPair p = new TcpPair();
        p.dropOnce((from, seg) -> from == p.b && seg.has(TcpSegment.SYN));
        p.handshake();
        List<TcpPair.Sent> synAcks = p.b.sentWith(TcpSegment.SYN);
        assertEquals(2, synAcks.size());
        assertEquals(synAcks.get(0).at() + S, synAcks.get(1).at());
        for (TcpPair.Sent s : synAcks) {
            assertEquals(TcpSegment.SYN | TcpSegment.ACK, s.segment().flags());
            assertEquals(p.b.conn.iss(), s.segment().seq());
            assertEquals(p.a.conn.iss() + 1, s.segment().ack());
        }
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED"), p.b.states());
        assertEquals(-1, p.b.conn.lastRttMicros(), "Karn: no sample from the retransmitted SYN,ACK");
    }

    @Test
    void cleanRoundTripsBringTheRtoDownTowardSrttPlusFourRttvar() {
        long minRto = 10_000;
        TcpPair p = new TcpPair(TcpPair.config(TcpPair.PORT_A, TcpPair.PORT_B, 1, 1460, minRto),
                TcpPair.config(TcpPair.PORT_B, TcpPair.PORT_A, 2, 1460, minRto), 10_000);
        assertEquals(S, p.a.conn.rtoMicros(), "initial RTO 1 s");
        p.handshake();
        // first sample R = 20 ms: SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2 = 60 ms
        assertEquals(20_000, p.a.conn.lastRttMicros());
        assertEquals(60_000, p.a.conn.rtoMicros());
        double rttvar = 10_000;
        long previous = p.a.conn.rtoMicros();
        for (int i = 0; i < 20; i++) {
            p.a.conn.send(new byte[10], p.now);
            p.runUntilIdle(TcpPair.MINUTE);
            assertEquals(20_000, p.a.conn.lastRttMicros());
            rttvar = 0.75 * rttvar; // |SRTT - R| = 0 each time
            long expected = Math.max(minRto, (long) (20_000 + Math.max(1_000, 4 * rttvar)));
            assertEquals(expected, p.a.conn.rtoMicros(), "after sample " + (i + 2));
            assertTrue(p.a.conn.rtoMicros() <= previous);
            previous = p.a.conn.rtoMicros();
        }
        assertEquals(21_000, p.a.conn.rtoMicros(), "SRTT + clock granularity once RTTVAR has decayed");
    }

    @Test
    void retransmittedDataGivesNoSampleButTheNextCleanOneDoes() {
        TcpPair p = new TcpPair();
        p.handshake();
        assertEquals(200_000, p.a.conn.rtoMicros());
        p.dropOnce((from, seg) -> from == p.a && seg.data().length > 0);
        long t = p.now;
        p.a.conn.send(new byte[50], t);
        p.runUntilIdle(TcpPair.MINUTE);
        List<TcpPair.Sent> data = p.a.sent.stream().filter(s -> s.segment().data().length > 0).toList();
        assertEquals(2, data.size());
        assertEquals(t + 200_000, data.get(1).at());
        assertEquals(data.get(0).segment().seq(), data.get(1).segment().seq());
        assertEquals(50, p.b.conn.receivedBytes());
        // Karn: the ACK could be for either copy; no sample, so the doubled RTO stays
        assertEquals(400_000, p.a.conn.rtoMicros());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());

        p.a.conn.send(new byte[50], p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(200_000, p.a.conn.rtoMicros(), "a clean sample recomputes the RTO");
        assertEquals(20_000, p.a.conn.lastRttMicros());
    }

    @Test
    void onlyTheOldestUnackedSegmentIsRetransmittedAndAnAckResetsTheRetryCount() {
        // MSS 112 less 12 bytes of timestamps: 100 data bytes per segment
        TcpPair p = new TcpPair(TcpPair.config(TcpPair.PORT_A, TcpPair.PORT_B, 1, 112, 200_000),
                TcpPair.config(TcpPair.PORT_B, TcpPair.PORT_A, 2, 112, 200_000), 10_000);
        p.handshake();
        // lose the first two of three data segments once each
        int[] lost = {0};
        p.dropRule = (from, seg) -> from == p.a && seg.data().length > 0 && lost[0]++ < 2;
        byte[] data = TcpPair.pattern(300, 9);
        p.a.conn.send(data, p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(300, p.b.conn.receivedBytes());
        List<Integer> seqs = p.a.sent.stream().filter(s -> s.segment().data().length > 0)
                .map(s -> s.segment().seq() - 1 - p.a.conn.iss()).toList();
        assertEquals(List.of(0, 100, 200, 0, 100), seqs, "two RTOs, each resending the oldest segment");
        assertTrue(p.a.sent.stream().noneMatch(s -> s.annotation().contains("retransmission 2")),
                "the ACK between them reset the count");
    }
}
