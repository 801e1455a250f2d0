package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.explain.TcpScript.ACK;
import static synack.explain.TcpScript.SYN;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Remark;
import synack.exchange.tcp.TcpState;

class TcpObserverHandshakeTest {
    @Test
    void theHandshakeMovesBothEndsAndTellsTheArithmetic() {
        TcpScript s = new TcpScript();
        List<Event> syn = s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        assertEquals(Event.Direction.OUT, TcpScript.frame(syn).direction());
        assertEquals(0, TcpScript.frame(syn).captured().stream());
        assertEquals(List.of("CLOSED>SYN_SENT"), TcpScript.moves(syn, Side.A));
        assertFalse(TcpScript.transitions(syn).get(0).inferred());
        // ISN 1000 is relative 0, the next is 1001 = relative 1
        assertEquals(1000, TcpScript.seqNumbers(syn).get(0)[0]);
        assertEquals(0, TcpScript.seqNumbers(syn).get(0)[1]);
        assertEquals(1001, TcpScript.seqNumbers(syn).get(1)[0]);
        assertEquals(1, TcpScript.seqNumbers(syn).get(1)[1]);

        s.after(2000);
        List<Event> synAck = s.send(Side.B, SYN | ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, 7));
        assertEquals(Event.Direction.IN, TcpScript.frame(synAck).direction());
        Event.Transition listen = TcpScript.transitions(synAck).get(0);
        assertEquals("LISTEN", listen.from());
        assertEquals("SYN_RECEIVED", listen.to());
        assertEquals(Event.Endpoint.PEER, listen.endpoint());
        assertTrue(listen.inferred(), "B's LISTEN was assumed");
        // its ack 1001 = A's ISN 1000 + 1
        List<long[]> numbers = TcpScript.seqNumbers(synAck);
        assertTrue(numbers.stream().anyMatch(n -> n[0] == 1001 && n[1] == 1), "ack 1001, relative 1");
        assertTrue(numbers.stream().anyMatch(n -> n[0] == 1000 && n[1] == 0), "A's ISN 1000 in the arithmetic");

        s.after(500);
        List<Event> ack = s.send(Side.A, ACK, 1001, 5001, 502);
        assertEquals(List.of("SYN_SENT>ESTABLISHED"), TcpScript.moves(ack, Side.A));
        assertEquals(List.of("SYN_RECEIVED>ESTABLISHED"), TcpScript.moves(ack, Side.B));
        assertTrue(TcpScript.transitions(ack).get(1).inferred(), "B's ESTABLISHED is on arrival, inferred");

        TcpFlowSummary sum = s.summary(0);
        assertEquals(2500, sum.handshakeRttMicros());
        assertEquals(2000, sum.handshakeBHalfMicros());
        assertEquals(500, sum.handshakeAHalfMicros());
        assertEquals(Side.A, sum.captureNearer(), "the shorter half is A's: the capture is near A");
        assertEquals(TcpState.ESTABLISHED, sum.finalStateA());
        assertEquals(TcpState.ESTABLISHED, sum.finalStateB());
        assertFalse(sum.startedMidStream());
    }

    @Test
    void theWindowIsScaledOnceBothSynsOfferedScaling() {
        TcpScript s = new TcpScript().handshake();
        List<Event> data = s.send(Side.B, ACK, 5001, 1001, 509, TcpScript.bytes(100));
        String text = TcpScript.frame(data).remark().text();
        assertTrue(text.contains(String.valueOf(509 << 7)), text);
    }

    @Test
    void withoutScalingOnOneSynTheWindowIsTakenAsItIs() {
        TcpScript s = new TcpScript();
        s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        s.send(Side.B, SYN | ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, -1));
        s.send(Side.A, ACK, 1001, 5001, 502);
        List<Event> data = s.send(Side.B, ACK, 5001, 1001, 509, TcpScript.bytes(100));
        String text = TcpScript.frame(data).remark().text();
        assertFalse(text.contains(String.valueOf(509 << 7)), text);
    }

    @Test
    void aCaptureBeginningMidStreamAssumesBothEstablishedOnce() {
        TcpScript s = new TcpScript();
        List<Event> first = s.send(Side.B, ACK, 7000, 3000, 500, TcpScript.bytes(100));
        // B sent first: B is side A now (the first sender, assumed)
        assertEquals(Event.Direction.OUT, TcpScript.frame(first).direction());
        List<Event.Transition> t = TcpScript.transitions(first);
        assertEquals(2, t.size());
        for (Event.Transition x : t) {
            assertEquals(TcpFlow.UNKNOWN, x.from());
            assertEquals("ESTABLISHED", x.to());
            assertTrue(x.inferred());
        }
        assertEquals(1, TcpScript.observations(first, TcpObservation.MID_STREAM).size());
        // relative numbers count from one below the first seen, as Wireshark's
        assertEquals(1, TcpScript.seqNumbers(first).get(0)[1]);
        List<Event> second = s.send(Side.A, ACK, 3000, 7100, 500);
        assertEquals(Event.Direction.IN, TcpScript.frame(second).direction());
        assertTrue(TcpScript.transitions(second).isEmpty());
        assertTrue(TcpScript.observations(second, TcpObservation.MID_STREAM).isEmpty());
        assertTrue(TcpScript.frame(second).remark().text().contains("scale unknown"));
        assertTrue(s.summary(0).startedMidStream());
        assertEquals(-1, s.summary(0).handshakeRttMicros());
        assertNull(s.summary(0).captureNearer());
    }

    @Test
    void aSynAckSeenFirstMakesTheSideItAnswersA() {
        TcpScript s = new TcpScript();
        List<Event> synAck = s.send(Side.B, SYN | ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, 7));
        assertEquals(Event.Direction.IN, TcpScript.frame(synAck).direction(), "the SYN,ACK is B's: A is whom it answers");
        assertEquals(List.of("CLOSED>SYN_SENT"), TcpScript.moves(synAck, Side.A));
        assertTrue(TcpScript.transitions(synAck).get(0).inferred());
        assertEquals(1, TcpScript.observations(synAck, TcpObservation.SYN_NOT_CAPTURED).size());
        List<Event> ack = s.send(Side.A, ACK, 1001, 5001, 502);
        assertEquals(List.of("SYN_SENT>ESTABLISHED"), TcpScript.moves(ack, Side.A));
    }

    @Test
    void synOptionsAreTold() {
        TcpScript s = new TcpScript();
        List<Event> syn = s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        Remark r = TcpScript.frame(syn).remark();
        assertTrue(r.text().contains("1460") && r.text().contains("SACK") && r.text().contains("128"), r.text());
    }

    @Test
    void aSimultaneousOpenEndsWithBothEstablishedFromTheSynAcks() {
        // RFC 9293 figure 7: both send SYN, each answers the other's with SYN,ACK; each is ESTABLISHED when that arrives
        TcpScript s = new TcpScript();
        s.send(Side.A, TcpScript.SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        s.send(Side.B, TcpScript.SYN, 5000, 0, 65160, TcpScript.synOptions(1460, 7));
        s.send(Side.A, TcpScript.SYN | TcpScript.ACK, 1000, 5001, 64240, TcpScript.synOptions(1460, 7));
        s.send(Side.B, TcpScript.SYN | TcpScript.ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, 7));
        s.observer.finish(s.now);
        assertEquals(TcpState.ESTABLISHED, s.summary(0).finalStateA(), TcpScript.transitions(s.events).toString());
        assertEquals(TcpState.ESTABLISHED, s.summary(0).finalStateB(), TcpScript.transitions(s.events).toString());
    }

    @Test
    void aSynAckSentAgainIsNotASimultaneousOpen() {
        TcpScript s = new TcpScript();
        s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        s.send(Side.B, SYN | ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, 7));
        s.after(1_000_000);
        List<Event> again = s.send(Side.B, SYN | ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, 7));
        assertEquals(List.of(), TcpScript.moves(again, Side.A), "B's SYN,ACK sent again moves nobody");
        List<Event> ack = s.send(Side.A, ACK, 1001, 5001, 502);
        assertEquals(List.of("SYN_SENT>ESTABLISHED"), TcpScript.moves(ack, Side.A));
        assertEquals(List.of("SYN_RECEIVED>ESTABLISHED"), TcpScript.moves(ack, Side.B));
    }
}
