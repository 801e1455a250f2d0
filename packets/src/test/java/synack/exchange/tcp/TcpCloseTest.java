package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.TcpSegment;

class TcpCloseTest {
    static final long TWO_MSL = 2 * 500_000;
    /** FIN_WAIT_2's bound on silence: a peer's three resends of a lost FIN (200 + 400 + 800 ms, Linux), longer than 2MSL here. */
    static final long FIN_WAIT_2_SILENCE = 1_500_000;

    @Test
    void activeCloseGoesThroughFinWait2AndTimeWaitForExactly2Msl() {
        int issA = 0x1000_0000;
        int issB = 0x2000_0000;
        TcpPair p = new TcpPair(issA, issB);
        p.handshake();
        p.b.closeOnFin = true;
        long t = p.now;
        p.a.conn.close(t);
        assertEquals(TcpState.FIN_WAIT_1, p.a.conn.state());
        p.runUntilIdle(TcpPair.MINUTE);

        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"),
                p.a.states());
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"),
                p.b.states());
        assertEquals(TWO_MSL, p.a.timeOf(TcpState.CLOSED) - p.a.timeOf(TcpState.TIME_WAIT), "TIME_WAIT lasts 2MSL");
        assertEquals(t + 20_000, p.a.timeOf(TcpState.TIME_WAIT));
        assertEquals(t + 30_000, p.b.timeOf(TcpState.CLOSED));
        assertEquals(TcpOutcome.TIME_WAIT_OVER, p.a.conn.outcome());
        assertEquals(TcpOutcome.PASSIVE_CLOSE, p.b.conn.outcome());

        // seq/ack arithmetic: each FIN takes one sequence number
        List<TcpPair.Sent> finsA = p.a.sentWith(TcpSegment.FIN);
        List<TcpPair.Sent> finsB = p.b.sentWith(TcpSegment.FIN);
        assertEquals(1, finsA.size());
        assertEquals(1, finsB.size());
        assertEquals(issA + 1, finsA.get(0).segment().seq());
        assertEquals(TcpSegment.FIN | TcpSegment.ACK, finsA.get(0).segment().flags());
        assertEquals(issB + 1, finsB.get(0).segment().seq());
        TcpSegment finalAck = p.a.lastSent().segment();
        assertEquals(TcpSegment.ACK, finalAck.flags());
        assertEquals(issA + 2, finalAck.seq());
        assertEquals(issB + 2, finalAck.ack());
        assertEquals(issA + 2, p.a.conn.sndUna());
        assertEquals(issB + 2, p.b.conn.sndUna());
        assertTrue(p.a.notes.stream().anyMatch(n -> n.kind() == synack.event.Event.Note.Kind.INFO && n.text().contains("2MSL = 1000 ms")),
                p.a.notes.toString());
    }

    @Test
    void finWait2WaitsABoundedSilenceWhileThePeerStillSends() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.a.conn.close(p.now);
        p.runUntil(() -> p.a.conn.state() == TcpState.FIN_WAIT_2 && p.inFlight() == 0, TcpPair.MINUTE);
        assertEquals(TcpState.CLOSE_WAIT, p.b.conn.state());
        assertEquals(p.a.timeOf(TcpState.FIN_WAIT_2) + FIN_WAIT_2_SILENCE, p.a.conn.nextDeadline(), "FIN_WAIT_2 is bounded");
        p.advance(FIN_WAIT_2_SILENCE / 2);
        // half-close: the peer may still send, and we still take it
        byte[] data = TcpPair.pattern(2000, 3);
        p.b.conn.send(data, p.now);
        p.runUntil(() -> p.a.received.size() == data.length && p.inFlight() == 0, TcpPair.MINUTE);
        assertArrayEquals(data, p.a.received.toByteArray());
        assertEquals(TcpState.FIN_WAIT_2, p.a.conn.state());
        p.b.conn.close(p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(TcpState.CLOSED, p.a.conn.state());
        assertEquals(TcpOutcome.TIME_WAIT_OVER, p.a.conn.outcome());
        assertEquals(TcpState.CLOSED, p.b.conn.state());
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"),
                p.b.states());
    }

    @Test
    void aPeerThatNeverClosesEndsFinWait2AfterItsBoundedSilence() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.a.conn.close(p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(TcpState.CLOSE_WAIT, p.b.conn.state(), "the peer never closes");
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSED"), p.a.states());
        assertEquals(FIN_WAIT_2_SILENCE, p.a.timeOf(TcpState.CLOSED) - p.a.timeOf(TcpState.FIN_WAIT_2));
        assertEquals(TcpOutcome.PEER_NEVER_CLOSED, p.a.conn.outcome());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
        assertTrue(p.a.notes.stream().anyMatch(n -> n.kind() == synack.event.Event.Note.Kind.WARNING
                && n.text().contains("it never closed")), p.a.notes.toString());
        assertTrue(p.a.transitions.stream().anyMatch(t -> t.cause().equals("FIN_WAIT_2 timer expired")));
    }

    @Test
    void finArrivingWithTheAckOfOursGoesStraightToTimeWait() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.a.conn.close(p.now);
        p.clearWire();
        p.dropRule = (from, seg) -> true; // nothing more reaches the peer
        assertEquals(TcpState.FIN_WAIT_1, p.a.conn.state());
        int finSeq = p.a.conn.sndNxt() - 1;

        // the peer's FIN,ACK acknowledging our FIN, built by hand
        TcpSegment finAck = p.a.segment(p.a.conn.rcvNxt(), finSeq + 1, TcpSegment.FIN | TcpSegment.ACK, new byte[0]);
        int sentBefore = p.a.sent.size();
        p.a.feed(finAck);

        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"), p.a.states());
        assertEquals(sentBefore + 1, p.a.sent.size(), "exactly one segment: the ACK of their FIN");
        TcpSegment ack = p.a.lastSent().segment();
        assertEquals(TcpSegment.ACK, ack.flags());
        assertEquals(finAck.seq() + 1, ack.ack());
        assertEquals(finSeq + 1, ack.seq());
        List<String> peer = p.a.peerStates();
        assertEquals(List.of("ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"), peer.subList(peer.size() - 4, peer.size()));
        long entered = p.now;
        assertEquals(entered + TWO_MSL, p.a.conn.nextDeadline());

        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(TcpState.CLOSED, p.a.conn.state());
        assertEquals(entered + TWO_MSL, p.a.timeOf(TcpState.CLOSED));
    }

    @Test
    void lostAckOfOurFinMakesThePeersFinCarryItAndWeSkipFinWait2() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.b.closeOnFin = true;
        // the passive side's bare ACK of our FIN is lost; its FIN,ACK that follows acknowledges ours too
        p.dropOnce((from, seg) -> from == p.b && !seg.has(TcpSegment.FIN));
        p.a.conn.close(p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT", "CLOSED"), p.a.states());
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"),
                p.b.states());
        assertEquals(1, p.a.sentWith(TcpSegment.FIN).size(), "no retransmission was needed");
    }

    @Test
    void simultaneousCloseGoesThroughClosingOnBothSides() {
        int issA = 0x1000_0000;
        int issB = 0x2000_0000;
        TcpPair p = new TcpPair(issA, issB);
        p.handshake();
        long t = p.now;
        p.a.conn.close(t);
        p.b.conn.close(t);
        p.runUntilIdle(TcpPair.MINUTE);

        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT", "CLOSED"),
                p.a.states());
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT",
                "CLOSED"), p.b.states());
        for (TcpPair.End e : List.of(p.a, p.b)) {
            assertEquals(t + 10_000, e.timeOf(TcpState.CLOSING), e.name);
            assertEquals(t + 20_000, e.timeOf(TcpState.TIME_WAIT), e.name);
            assertEquals(t + 20_000 + TWO_MSL, e.timeOf(TcpState.CLOSED), e.name);
            assertEquals(1, e.sentWith(TcpSegment.FIN).size(), e.name);
            assertEquals(TcpOutcome.TIME_WAIT_OVER, e.conn.outcome());
        }
        assertEquals(issA + 2, p.a.conn.sndNxt());
        assertEquals(issB + 2, p.a.conn.rcvNxt());
        assertEquals(issB + 2, p.b.conn.sndNxt());
        assertEquals(issA + 2, p.b.conn.rcvNxt());
    }

    @Test
    void lostFinIsRetransmittedAfterOneRto() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.b.closeOnFin = true;
        p.dropOnce((from, seg) -> from == p.a && seg.has(TcpSegment.FIN));
        long rto = p.a.conn.rtoMicros();
        assertEquals(200_000, rto, "RTT 20 ms: 3 x 20 ms, raised to the 200 ms minimum");
        long t = p.now;
        p.a.conn.close(t);
        p.runUntilIdle(TcpPair.MINUTE);

        List<TcpPair.Sent> fins = p.a.sentWith(TcpSegment.FIN);
        assertEquals(2, fins.size());
        assertEquals(fins.get(0).segment().seq(), fins.get(1).segment().seq(), "the same FIN again");
        assertEquals(t, fins.get(0).at());
        assertEquals(t + rto, fins.get(1).at());
        assertTrue(fins.get(1).annotation().contains("retransmission 1"), fins.get(1).annotation());
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"),
                p.a.states());
        assertEquals(TcpState.CLOSED, p.b.conn.state());
        assertEquals(t + rto + 20_000, p.a.timeOf(TcpState.TIME_WAIT));
    }

    @Test
    void peerFinRetransmittedDuringTimeWaitGetsTheFinalAckAgainAndRestarts2Msl() {
        int issB = 0x2000_0000;
        TcpPair p = new TcpPair(0x1000_0000, issB);
        p.handshake();
        p.b.closeOnFin = true;
        p.dropOnce((from, seg) -> from == p.a && p.a.conn.state() == TcpState.TIME_WAIT);
        p.a.conn.close(p.now);
        p.runUntilIdle(TcpPair.MINUTE);

        List<TcpPair.Sent> finsB = p.b.sentWith(TcpSegment.FIN);
        assertEquals(2, finsB.size(), "the peer retransmits its FIN once");
        long rtoB = finsB.get(1).at() - finsB.get(0).at();
        assertEquals(200_000, rtoB);
        long secondFinArrives = finsB.get(1).at() + 10_000;

        long timeWaitAt = p.a.timeOf(TcpState.TIME_WAIT);
        assertEquals(finsB.get(0).at() + 10_000, timeWaitAt);
        List<TcpPair.Sent> finalAcks = p.a.sent.stream().filter(s -> s.at() >= timeWaitAt).toList();
        assertEquals(2, finalAcks.size(), "the final ACK, then the same again");
        for (TcpPair.Sent s : finalAcks) {
            assertEquals(TcpSegment.ACK, s.segment().flags());
            assertEquals(issB + 2, s.segment().ack());
        }
        assertEquals(secondFinArrives, finalAcks.get(1).at());
        assertTrue(p.a.arrivals.stream().anyMatch(c -> c.fin() == TcpArrival.Fin.REPEATED), p.a.arrivals.toString());

        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"),
                p.a.states(), "one TIME_WAIT, restarted, not re-entered");
        assertEquals(secondFinArrives + TWO_MSL, p.a.timeOf(TcpState.CLOSED), "2MSL counted from the second FIN");
        assertEquals(secondFinArrives + 10_000, p.b.timeOf(TcpState.CLOSED));
        assertEquals(TcpOutcome.PASSIVE_CLOSE, p.b.conn.outcome());
    }

    @Test
    void aRstInTimeWaitIsIgnoredAndTheCloseStaysComplete() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.b.closeOnFin = true;
        p.a.conn.close(p.now);
        p.runUntil(() -> p.a.conn.state() == TcpState.TIME_WAIT, TcpPair.MINUTE);
        long timeWaitAt = p.a.timeOf(TcpState.TIME_WAIT);
        // what the peer's kernel answers to an old duplicate once its side is gone: a RST at exactly rcv.nxt
        TcpArrival a = p.a.feed(p.a.segment(p.a.conn.rcvNxt(), 0, TcpSegment.RST, new byte[0]));
        assertEquals(TcpArrival.Kind.IGNORED, a.kind(), a.text());
        assertTrue(a.text().contains("RFC 1337"), a.text());
        assertEquals(TcpState.TIME_WAIT, p.a.conn.state());
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(TcpOutcome.TIME_WAIT_OVER, p.a.conn.outcome(), "the exchange had completed");
        assertEquals(timeWaitAt + TWO_MSL, p.a.timeOf(TcpState.CLOSED), "2MSL waited out");
    }

    @Test
    void abortSendsRstWithAckAndThePeerDropsTheConnection() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.a.conn.send(new byte[100], p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        int sndNxt = p.a.conn.sndNxt();
        int rcvNxt = p.a.conn.rcvNxt();
        p.a.conn.abort(p.now, "test");
        assertEquals(TcpState.CLOSED, p.a.conn.state());
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"), p.a.states());
        assertEquals(TcpOutcome.ABORTED, p.a.conn.outcome());
        assertEquals("aborted: test", p.a.conn.closedBecause(), "the words of the result");
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
        TcpSegment rst = p.a.lastSent().segment();
        assertEquals(TcpSegment.RST | TcpSegment.ACK, rst.flags());
        assertEquals(sndNxt, rst.seq());
        assertEquals(rcvNxt, rst.ack());
        assertEquals(0, rst.data().length);

        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSED"), p.b.states());
        assertEquals(TcpOutcome.RESET_BY_PEER, p.b.conn.outcome());
    }

    @Test
    void abortWithUnackedDataStopsRetransmissions() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.dropRule = (from, seg) -> from == p.a && seg.data().length > 0;
        p.a.conn.send(new byte[500], p.now);
        assertTrue(p.a.conn.hasUnsentOrUnacked());
        int rcvNxtB = p.b.conn.rcvNxt();
        p.a.conn.abort(p.now, "test");
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
        assertFalse(p.a.conn.hasUnsentOrUnacked());
        TcpSegment rst = p.a.lastSent().segment();
        assertEquals(rcvNxtB + 500, rst.seq(), "RST at snd.nxt, past the lost data");
        int sentB = p.b.sent.size();
        p.runUntilIdle(TcpPair.MINUTE);
        // RFC 5961: in the window but not at rcv.nxt, so the peer answers with a challenge ACK and stays
        assertEquals(TcpState.ESTABLISHED, p.b.conn.state());
        assertEquals(sentB + 1, p.b.sent.size());
        assertEquals(rcvNxtB, p.b.lastSent().segment().ack());
        assertEquals(TcpArrival.Kind.CHALLENGED, p.b.lastArrival().kind(), p.b.arrivals.toString());
        assertEquals(1, p.a.sent.stream().filter(s -> s.segment().data().length > 0).count(), "never retransmitted");
    }

    @Test
    void aFinAheadOfMissingDataIsHeldAndTakenWhenTheGapFills() {
        TcpPair p = TcpDataTest.pair(0x3000_0000, 0x4000_0000, 100);
        p.handshake();
        p.dropRule = (from, seg) -> true; // what the test provokes stays off the wire
        int base = p.b.conn.rcvNxt();
        int ack = p.b.conn.sndNxt();
        byte[] data = TcpPair.pattern(200, 4);
        // the second half arrives first, with the FIN: both wait for the first half
        TcpArrival held = p.b.feed(p.b.segment(base + 100, ack, TcpSegment.ACK | TcpSegment.FIN,
                java.util.Arrays.copyOfRange(data, 100, 200)));
        assertEquals(TcpArrival.Kind.OUT_OF_ORDER, held.kind());
        assertEquals(TcpArrival.Fin.HELD, held.fin());
        assertEquals(TcpState.ESTABLISHED, p.b.conn.state());
        assertEquals(base, p.b.conn.rcvNxt());

        TcpArrival filled = p.b.feed(p.b.segment(base, ack, TcpSegment.ACK, java.util.Arrays.copyOfRange(data, 0, 100)));
        assertEquals(TcpArrival.Kind.IN_ORDER, filled.kind());
        assertEquals(TcpArrival.Fin.ACCEPTED, filled.fin(), "the held FIN is taken with the gap filled");
        assertArrayEquals(data, p.b.received.toByteArray());
        assertEquals(base + 201, p.b.conn.rcvNxt(), "200 bytes and the FIN");
        assertEquals(TcpState.CLOSE_WAIT, p.b.conn.state());
        assertEquals(base + 201, p.b.lastSent().segment().ack(), "one ACK for the data and the FIN");
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2"), p.b.peerStates());
    }

    @Test
    void aBareFinAheadOfMissingDataInFinWait2EndsInTimeWaitWhenTheGapFills() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.a.conn.close(p.now);
        p.runUntil(() -> p.a.conn.state() == TcpState.FIN_WAIT_2 && p.inFlight() == 0, TcpPair.MINUTE);
        assertEquals(TcpState.FIN_WAIT_2, p.a.conn.state());
        p.dropRule = (from, seg) -> true;
        int base = p.a.conn.rcvNxt();
        int ack = p.a.conn.sndNxt();
        // the peer's last 50 bytes are late; its FIN after them is not
        TcpArrival fin = p.a.feed(p.a.segment(base + 50, ack, TcpSegment.ACK | TcpSegment.FIN, new byte[0]));
        assertEquals(TcpArrival.Fin.HELD, fin.fin());
        assertEquals(TcpState.FIN_WAIT_2, p.a.conn.state());
        p.a.feed(p.a.segment(base, ack, TcpSegment.ACK, new byte[50]));
        assertEquals(50, p.a.conn.receivedBytes());
        assertEquals(base + 51, p.a.conn.rcvNxt());
        assertEquals(TcpState.TIME_WAIT, p.a.conn.state());
        assertEquals(base + 51, p.a.lastSent().segment().ack());
    }

    @Test
    void aHeldFinIsNotTakenBeforeTheWholeGapFills() {
        TcpPair p = TcpDataTest.pair(0x3000_0000, 0x4000_0000, 100);
        p.handshake();
        p.dropRule = (from, seg) -> true;
        int base = p.b.conn.rcvNxt();
        int ack = p.b.conn.sndNxt();
        p.b.feed(p.b.segment(base + 200, ack, TcpSegment.ACK | TcpSegment.FIN, new byte[0]));
        p.b.feed(p.b.segment(base, ack, TcpSegment.ACK, new byte[100])); // 100..200 still missing
        assertEquals(TcpState.ESTABLISHED, p.b.conn.state());
        assertEquals(base + 100, p.b.conn.rcvNxt());
        assertEquals(base + 100, p.b.lastSent().segment().ack());
        p.b.feed(p.b.segment(base + 100, ack, TcpSegment.ACK, new byte[100]));
        assertEquals(TcpState.CLOSE_WAIT, p.b.conn.state());
        assertEquals(base + 201, p.b.conn.rcvNxt());
    }

    @Test
    void aLostFinResentAfterTheShortMslIsStillTaken() {
        // --msl 100ms (the lab tests' short MSL): 2MSL = 200 ms of silence, shorter than the peer's RTO (>= 200 ms),
        // so a peer whose FIN was lost was given up on before it could resend it
        TcpConnection.Config d = TcpConnection.Config.defaults(TcpPair.PORT_A, TcpPair.PORT_B, 0x1000_0000);
        TcpConnection.Config shortMsl = new TcpConnection.Config(d.localPort(), d.remotePort(), d.iss(), d.mss(), d.windowScale(),
                d.sackPermitted(), d.timestamps(), d.receiveWindow(), 100_000, d.initialRtoMicros(), d.minRtoMicros(), d.maxRtoMicros(),
                d.maxRetries());
        TcpPair p = new TcpPair(shortMsl, TcpConnection.Config.defaults(TcpPair.PORT_B, TcpPair.PORT_A, 0x2000_0000), 10_000);
        p.dropOnce((from, seg) -> from == p.b && seg.has(TcpSegment.FIN));
        p.handshake();
        p.a.conn.close(p.now);
        p.runUntil(() -> p.a.conn.state() == TcpState.FIN_WAIT_2 && p.inFlight() == 0, TcpPair.MINUTE);
        p.b.conn.close(p.now); // the application closes after the kernel acknowledged our FIN, as nginx's does
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(1, p.dropped, "the peer's first FIN was lost");
        assertEquals(TcpOutcome.TIME_WAIT_OVER, p.a.conn.outcome(), p.a.notes.toString());
        assertEquals(TcpState.CLOSED, p.b.conn.state());
    }
}
