package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/** What an arriving segment must pass before it changes anything (RFC 9293 3.10.7, RFC 5961). */
class TcpAcceptanceTest {
    static final List<String> ESTABLISHED_A = List.of("CLOSED", "SYN_SENT", "ESTABLISHED");

    static TcpPair established() {
        TcpPair p = new TcpPair(0x1000_0000, 0x2000_0000);
        p.handshake();
        p.dropRule = (from, seg) -> true; // what the test provokes stays off the wire
        return p;
    }

    /** a in SYN_SENT, its SYN lost. */
    static TcpPair synSent() {
        TcpPair p = new TcpPair(0x1000_0000, 0x2000_0000);
        p.dropRule = (from, seg) -> true;
        p.a.conn.connect(p.now);
        return p;
    }

    static void assertOnlyAck(TcpPair.End e, int sentBefore) {
        assertEquals(sentBefore + 1, e.sent.size(), "exactly one segment in answer");
        TcpSegment ack = e.lastSent().segment();
        assertEquals(TcpSegment.ACK, ack.flags());
        assertEquals(e.conn.sndNxt(), ack.seq());
        assertEquals(e.conn.rcvNxt(), ack.ack());
        assertEquals(0, ack.data().length);
    }

    @Test
    void synAckWithTheWrongAckIsResetAndWeStayInSynSent() {
        TcpPair p = synSent();
        int iss = p.a.conn.iss();
        for (int badAck : new int[] {iss + 5, iss, iss - 1000}) {
            int before = p.a.sent.size();
            TcpArrival c = p.a.feed(p.a.segment(0x5000, badAck, TcpSegment.SYN | TcpSegment.ACK, new byte[0]));
            assertEquals(TcpArrival.Kind.UNACCEPTABLE, c.kind(), c.text());
            assertEquals(before + 1, p.a.sent.size());
            TcpSegment rst = p.a.lastSent().segment();
            assertEquals(TcpSegment.RST, rst.flags(), "a bare RST");
            assertEquals(badAck, rst.seq(), "RST seq = their ack");
            assertEquals(TcpState.SYN_SENT, p.a.conn.state());
        }
        assertEquals(List.of("CLOSED", "SYN_SENT"), p.a.states());
        assertTrue(p.a.conn.nextDeadline() < Long.MAX_VALUE, "our SYN is still waiting for its answer");
    }

    @Test
    void rstWithAWrongAckInSynSentIsIgnoredSilently() {
        TcpPair p = synSent();
        int before = p.a.sent.size();
        p.a.feed(p.a.segment(0, p.a.conn.iss() + 7, TcpSegment.RST | TcpSegment.ACK, new byte[0]));
        assertEquals(before, p.a.sent.size(), "never answer a RST with a RST");
        assertEquals(TcpState.SYN_SENT, p.a.conn.state());
        TcpArrival c = p.a.feed(p.a.segment(0, 0, TcpSegment.RST, new byte[0]));
        assertEquals(TcpArrival.Kind.IGNORED, c.kind(), c.text());
        assertEquals(TcpState.SYN_SENT, p.a.conn.state());
    }

    @Test
    void rstAcknowledgingOurSynMeansRefused() {
        TcpPair p = synSent();
        int before = p.a.sent.size();
        TcpArrival c = p.a.feed(p.a.segment(0, p.a.conn.iss() + 1, TcpSegment.RST | TcpSegment.ACK, new byte[0]));
        assertEquals(TcpArrival.Kind.RESET, c.kind(), c.text());
        assertEquals(List.of("CLOSED", "SYN_SENT", "CLOSED"), p.a.states());
        assertEquals(TcpOutcome.REFUSED, p.a.conn.outcome());
        assertEquals(before, p.a.sent.size());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline(), "no more SYNs");
        assertEquals(TcpState.CLOSED, p.a.conn.peerState());
    }

    @Test
    void refusedThroughTheWireFromAClosedPort() {
        TcpPair p = new TcpPair();
        // nobody listens on b: stand in for the kernel, which answers a SYN with RST,ACK ack = ISN + 1
        p.a.conn.connect(p.now);
        p.step(p.now + TcpPair.MINUTE); // the SYN reaches b, which ignores it (CLOSED)
        assertEquals(TcpArrival.Kind.IGNORED, p.b.arrivals.get(0).kind(), p.b.arrivals.toString());
        TcpSegment syn = p.a.sent.get(0).segment();
        p.a.feed(p.a.segment(0, syn.seq() + 1, TcpSegment.RST | TcpSegment.ACK, new byte[0]));
        assertEquals(TcpOutcome.REFUSED, p.a.conn.outcome());
    }

    @Test
    void segmentOutsideTheWindowIsDroppedWithAnAck() {
        TcpPair p = established();
        int rcvNxt = p.a.conn.rcvNxt();
        int ack = p.a.conn.sndNxt();
        for (int seq : new int[] {rcvNxt + 100_000, rcvNxt - 1000, rcvNxt + 64_240}) {
            int before = p.a.sent.size();
            TcpArrival c = p.a.feed(p.a.segment(seq, ack, TcpSegment.ACK | TcpSegment.PSH, new byte[10]));
            // below rcv.nxt it is old data (a duplicate); beyond the window, unacceptable: both dropped, both acknowledged
            assertEquals(seq == rcvNxt - 1000 ? TcpArrival.Kind.DUPLICATE : TcpArrival.Kind.UNACCEPTABLE, c.kind(), c.text());
            assertOnlyAck(p.a, before);
            assertEquals(rcvNxt, p.a.conn.rcvNxt());
            assertEquals(0, p.a.conn.receivedBytes());
            assertEquals(TcpState.ESTABLISHED, p.a.conn.state());
        }
        assertEquals(ESTABLISHED_A, p.a.states());
    }

    @Test
    void ackOfDataNeverSentIsAnsweredAndIgnored() {
        TcpPair p = established();
        int before = p.a.sent.size();
        TcpArrival c = p.a.feed(p.a.segment(p.a.conn.rcvNxt(), p.a.conn.sndNxt() + 10, TcpSegment.ACK, new byte[0]));
        assertEquals(TcpArrival.Kind.UNACCEPTABLE, c.kind(), c.text());
        assertOnlyAck(p.a, before);
        assertEquals(p.a.conn.sndNxt(), p.a.conn.sndUna());
    }

    @Test
    void rstInTheWindowButNotAtRcvNxtGetsAChallengeAck() {
        TcpPair p = established();
        for (int off : new int[] {1, 10, 64_000}) {
            int before = p.a.sent.size();
            TcpArrival c = p.a.feed(p.a.segment(p.a.conn.rcvNxt() + off, 0, TcpSegment.RST, new byte[0]));
            assertEquals(TcpArrival.Kind.CHALLENGED, c.kind(), c.text());
            assertOnlyAck(p.a, before);
            assertEquals(TcpState.ESTABLISHED, p.a.conn.state());
        }
        assertEquals(ESTABLISHED_A, p.a.states());
    }

    @Test
    void rstOutsideTheWindowIsIgnoredWithoutAnswer() {
        TcpPair p = established();
        int before = p.a.sent.size();
        TcpArrival c = p.a.feed(p.a.segment(p.a.conn.rcvNxt() - 1, 0, TcpSegment.RST, new byte[0]));
        assertEquals(TcpArrival.Kind.IGNORED, c.kind(), c.text());
        assertEquals(before, p.a.sent.size());
        assertEquals(TcpState.ESTABLISHED, p.a.conn.state());
    }

    @Test
    void rstExactlyAtRcvNxtCloses() {
        TcpPair p = established();
        p.a.conn.send(new byte[10], p.now); // unacknowledged, so a retransmission timer runs
        assertTrue(p.a.conn.nextDeadline() < Long.MAX_VALUE);
        int before = p.a.sent.size();
        TcpArrival c = p.a.feed(p.a.segment(p.a.conn.rcvNxt(), 0, TcpSegment.RST, new byte[0]));
        assertEquals(TcpArrival.Kind.RESET, c.kind(), c.text());
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"), p.a.states());
        assertEquals(TcpOutcome.RESET_BY_PEER, p.a.conn.outcome());
        assertEquals(before, p.a.sent.size());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline(), "nothing left to retransmit");
    }

    @Test
    void rstAtRcvNxtDoesNotEndTimeWait() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.b.closeOnFin = true;
        p.a.conn.close(p.now);
        p.runUntil(() -> p.a.conn.state() == TcpState.TIME_WAIT, TcpPair.MINUTE);
        p.dropRule = (from, seg) -> true;
        p.runUntilIdle(100_000);
        assertEquals(TcpState.TIME_WAIT, p.a.conn.state());
        long deadline = p.a.conn.nextDeadline();
        TcpArrival c = p.a.feed(p.a.segment(p.a.conn.rcvNxt(), 0, TcpSegment.RST, new byte[0]));
        // RFC 1337: no TIME-WAIT assassination; the 2MSL wait goes on as it was
        assertEquals(TcpArrival.Kind.IGNORED, c.kind(), c.text());
        assertEquals(TcpState.TIME_WAIT, p.a.conn.state());
        assertEquals(deadline, p.a.conn.nextDeadline());
    }

    @Test
    void synInEstablishedGetsAChallengeAck() {
        TcpPair p = established();
        for (int seq : new int[] {p.a.conn.rcvNxt(), p.a.conn.rcvNxt() + 500}) {
            int before = p.a.sent.size();
            TcpArrival c = p.a.feed(TcpSegment.of(TcpPair.PORT_B, TcpPair.PORT_A, seq, 0, TcpSegment.SYN, 8192,
                    new TcpSegment.Options(1460, 7, true, 1, 0, List.of()), new byte[0]));
            assertEquals(TcpArrival.Kind.CHALLENGED, c.kind(), c.text());
            assertOnlyAck(p.a, before);
            assertEquals(TcpState.ESTABLISHED, p.a.conn.state());
        }
        assertEquals(ESTABLISHED_A, p.a.states());
    }

    @Test
    void oldDuplicateSynAckAfterTheHandshakeIsAnsweredWithAnAck() {
        TcpPair p = new TcpPair();
        p.handshake();
        TcpSegment synAck = p.b.sent.get(0).segment();
        p.dropRule = (from, seg) -> true;
        int before = p.a.sent.size();
        TcpArrival c = p.a.feed(synAck);
        assertEquals(TcpArrival.Kind.DUPLICATE, c.kind(), c.text());
        assertTrue(c.text().startsWith("duplicate: seq "), c.text());
        assertOnlyAck(p.a, before);
        assertEquals(ESTABLISHED_A, p.a.states());
    }

    @Test
    void segmentsToAClosedConnectionAreIgnored() {
        TcpPair p = new TcpPair();
        TcpArrival c = p.a.feed(p.a.segment(1, 1, TcpSegment.SYN, new byte[0]));
        assertEquals(TcpArrival.Kind.IGNORED, c.kind(), c.text());
        assertTrue(p.a.sent.isEmpty());
        assertEquals(TcpState.CLOSED, p.a.conn.state());
    }
}
