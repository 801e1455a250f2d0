package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.TcpSegment;

class TcpHandshakeTest {
    @Test
    void threeWayHandshakeStateSequences() {
        TcpPair p = new TcpPair();
        p.handshake();
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED"), p.a.states());
        assertEquals(List.of("CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED"), p.b.states());
        // what each side inferred about the other
        assertEquals(List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED"), p.a.peerStates());
        // the wire cannot tell a SYN_RECEIVED socket from a SYN cookie: said, not asserted as fact
        TcpPair.Transition synReceived = p.a.transitions.stream().filter(t -> t.peer() && t.to().equals("SYN_RECEIVED"))
                .findFirst().orElseThrow();
        assertTrue(synReceived.inferred());
        assertTrue(synReceived.cause().contains("or a SYN cookie"), synReceived.cause());
        assertEquals(List.of("SYN_SENT", "ESTABLISHED"), p.b.peerStates());
        // three segments, no more
        assertEquals(2, p.a.sent.size());
        assertEquals(1, p.b.sent.size());
        assertEquals(0, p.inFlight());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
        assertEquals(Long.MAX_VALUE, p.b.conn.nextDeadline());
        // active side is established when its ACK leaves: one RTT after the SYN; passive one latency later
        assertEquals(TcpPair.T0 + 20_000, p.a.timeOf(TcpState.ESTABLISHED));
        assertEquals(TcpPair.T0 + 20_000, p.a.conn.establishedAt());
        assertEquals(TcpPair.T0 + 30_000, p.b.timeOf(TcpState.ESTABLISHED));
    }

    @Test
    void synAndSynAckCarryOptionsAndAcknowledgeIsnPlusOne() {
        int issA = 0x1234_5678;
        int issB = 0x8765_4321;
        TcpPair p = new TcpPair(issA, issB);
        p.handshake();

        TcpSegment syn = p.a.sent.get(0).segment();
        assertEquals(TcpSegment.SYN, syn.flags());
        assertEquals(issA, syn.seq());
        assertEquals(TcpPair.PORT_A, syn.sourcePort());
        assertEquals(TcpPair.PORT_B, syn.destinationPort());
        assertEquals(1460, syn.options().mss());
        assertEquals(7, syn.options().windowScale());
        assertTrue(syn.options().sackPermitted());
        assertTrue(syn.options().hasTimestamps());
        assertEquals(0, syn.options().tsEcho());
        assertEquals(TcpPair.T0 / 1000, syn.options().tsValue());
        assertEquals(1, syn.sequenceLength());

        TcpSegment synAck = p.b.sent.get(0).segment();
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, synAck.flags());
        assertEquals(issB, synAck.seq());
        assertEquals(issA + 1, synAck.ack(), "ack of the SYN = their ISN + 1");
        assertEquals(1460, synAck.options().mss());
        assertEquals(7, synAck.options().windowScale());
        assertTrue(synAck.options().sackPermitted());
        assertTrue(synAck.options().hasTimestamps());
        assertEquals(syn.options().tsValue(), synAck.options().tsEcho(), "SYN,ACK echoes the SYN's timestamp");

        TcpSegment ack = p.a.sent.get(1).segment();
        assertEquals(TcpSegment.ACK, ack.flags());
        assertEquals(issA + 1, ack.seq());
        assertEquals(issB + 1, ack.ack(), "ack of the SYN,ACK = their ISN + 1");
        assertEquals(0, ack.data().length);
        assertEquals(-1, ack.options().mss(), "MSS only on SYNs");
        assertTrue(ack.options().hasTimestamps());
        assertEquals(synAck.options().tsValue(), ack.options().tsEcho());

        assertEquals(issB, p.a.conn.irs());
        assertEquals(issA, p.b.conn.irs());
        assertEquals(issA + 1, p.a.conn.sndNxt());
        assertEquals(issA + 1, p.a.conn.sndUna());
        assertEquals(issB + 1, p.a.conn.rcvNxt());
        assertEquals(issB + 1, p.b.conn.sndNxt());
        assertEquals(issB + 1, p.b.conn.sndUna());
        assertEquals(issA + 1, p.b.conn.rcvNxt());
        assertEquals(20_000, p.a.conn.lastRttMicros(), "SYN to SYN,ACK is one round trip");
        assertEquals(20_000, p.b.conn.lastRttMicros(), "SYN,ACK to ACK is one round trip");
    }

    @Test
    void synAckLeavesOutOptionsThePeerDidNotOffer() {
        TcpPair p = new TcpPair();
        p.b.conn.listen();
        p.b.feed(TcpSegment.of(TcpPair.PORT_A, TcpPair.PORT_B, 1000, 0, TcpSegment.SYN, 8192, TcpSegment.Options.NONE,
                new byte[0]));
        assertEquals(TcpState.SYN_RECEIVED, p.b.conn.state());
        TcpSegment synAck = p.b.lastSent().segment();
        assertEquals(1001, synAck.ack());
        assertEquals(-1, synAck.options().windowScale());
        assertFalse(synAck.options().sackPermitted());
        assertFalse(synAck.options().hasTimestamps());
        assertEquals(1460, synAck.options().mss());
    }

    @Test
    void synAckToAListenerThatGotNoSynIsReset() {
        TcpPair p = new TcpPair();
        p.b.conn.listen();
        TcpArrival c = p.b.feed(p.b.segment(5000, 777, TcpSegment.ACK, new byte[0]));
        assertEquals(TcpArrival.Kind.UNACCEPTABLE, c.kind(), c.text());
        TcpSegment rst = p.b.lastSent().segment();
        assertEquals(TcpSegment.RST, rst.flags());
        assertEquals(777, rst.seq(), "RST seq = the stray ACK's ack");
        assertEquals(TcpState.LISTEN, p.b.conn.state());
    }

    @Test
    void userCallsInTheWrongStateAreRefused() {
        TcpPair p = new TcpPair();
        p.open();
        assertThrows(IllegalStateException.class, () -> p.a.conn.connect(p.now));
        assertThrows(IllegalStateException.class, () -> p.b.conn.listen());
        assertThrows(IllegalStateException.class, () -> p.a.conn.send(new byte[1], p.now));
    }

    @Test
    void closeBeforeTheHandshakeJustForgets() {
        TcpPair p = new TcpPair();
        p.open();
        p.a.conn.close(p.now);
        assertEquals(List.of("CLOSED", "SYN_SENT", "CLOSED"), p.a.states());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline(), "no SYN retransmission after close");
        p.b.conn.close(p.now);
        assertEquals(List.of("CLOSED", "LISTEN", "CLOSED"), p.b.states());
    }

    @Test
    void dataQueuedRightAfterConnectFlowsOnceEstablished() {
        TcpPair p = new TcpPair();
        byte[] data = TcpPair.pattern(3000, 1);
        p.app = () -> {
            if (p.a.conn.state() == TcpState.ESTABLISHED && p.a.conn.sndNxt() == p.a.conn.iss() + 1) {
                p.a.conn.send(data, p.now);
            }
        };
        p.open();
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(3000, p.b.conn.receivedBytes());
        assertEquals(java.util.Arrays.toString(data), java.util.Arrays.toString(p.b.received.toByteArray()));
        // 3000 bytes at MSS 1460 with timestamps on every segment (12 bytes of options): 1448 + 1448 + 104
        List<Integer> sizes = p.a.sent.stream().map(s -> s.segment().data().length).filter(n -> n > 0).toList();
        assertEquals(List.of(1448, 1448, 104), sizes);
    }

    @Test
    void simultaneousOpenGoesThroughSynReceivedOnBothSides() {
        int issA = 0x1000_0000;
        int issB = 0x2000_0000;
        TcpPair p = new TcpPair(issA, issB);
        p.a.conn.connect(p.now);
        p.b.conn.connect(p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(List.of("CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"), p.a.states());
        assertEquals(List.of("CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"), p.b.states());
        // each answers the bare SYN with SYN,ACK on its own ISN
        TcpSegment synAckA = p.a.sent.get(1).segment();
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, synAckA.flags());
        assertEquals(issA, synAckA.seq());
        assertEquals(issB + 1, synAckA.ack());
        assertEquals(issB + 1, p.a.conn.rcvNxt());
        assertEquals(issA + 1, p.b.conn.rcvNxt());
        assertEquals(issA + 1, p.a.conn.sndUna());
        assertEquals(issB + 1, p.b.conn.sndUna());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
        assertEquals(Long.MAX_VALUE, p.b.conn.nextDeadline());
    }
}
