package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.explain.TcpScript.ACK;
import static synack.explain.TcpScript.FIN;
import static synack.explain.TcpScript.PSH;
import static synack.explain.TcpScript.RST;
import static synack.explain.TcpScript.SYN;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.tcp.TcpState;

class TcpObserverCloseTest {
    @Test
    void aClosesFirstAndBAnswersWithFinAck() {
        TcpScript s = new TcpScript().handshake();
        List<Event> all = new ArrayList<>();
        all.addAll(s.send(Side.A, FIN | ACK, 1001, 5001, 502));
        all.addAll(s.send(Side.B, FIN | ACK, 5001, 1002, 509));
        all.addAll(s.send(Side.A, ACK, 1002, 5002, 502));
        assertEquals(List.of("ESTABLISHED>FIN_WAIT_1", "FIN_WAIT_1>FIN_WAIT_2", "FIN_WAIT_2>TIME_WAIT"), TcpScript.moves(all, Side.A));
        assertEquals(List.of("ESTABLISHED>CLOSE_WAIT", "CLOSE_WAIT>LAST_ACK", "LAST_ACK>CLOSED"), TcpScript.moves(all, Side.B));
        TcpFlowSummary sum = s.summary(0);
        assertEquals(TcpClosePath.A_CLOSED_FIRST, sum.closePath());
        assertEquals(TcpState.TIME_WAIT, sum.finalStateA());
        assertEquals(TcpState.CLOSED, sum.finalStateB());
    }

    @Test
    void bClosesFirstInFourSegments() {
        TcpScript s = new TcpScript().handshake();
        List<Event> all = new ArrayList<>();
        all.addAll(s.send(Side.B, FIN | ACK, 5001, 1001, 509));
        all.addAll(s.send(Side.A, ACK, 1001, 5002, 502));
        all.addAll(s.send(Side.A, FIN | ACK, 1001, 5002, 502));
        all.addAll(s.send(Side.B, ACK, 5002, 1002, 509));
        assertEquals(List.of("ESTABLISHED>FIN_WAIT_1", "FIN_WAIT_1>FIN_WAIT_2", "FIN_WAIT_2>TIME_WAIT"), TcpScript.moves(all, Side.B));
        assertEquals(List.of("ESTABLISHED>CLOSE_WAIT", "CLOSE_WAIT>LAST_ACK", "LAST_ACK>CLOSED"), TcpScript.moves(all, Side.A));
        assertEquals(TcpClosePath.B_CLOSED_FIRST, s.summary(0).closePath());
        assertEquals(TcpState.CLOSED, s.summary(0).finalStateA());
        assertEquals(TcpState.TIME_WAIT, s.summary(0).finalStateB());
    }

    @Test
    void crossingFinsGoThroughClosing() {
        TcpScript s = new TcpScript().handshake();
        List<Event> all = new ArrayList<>();
        all.addAll(s.send(Side.A, FIN | ACK, 1001, 5001, 502));
        all.addAll(s.send(Side.B, FIN | ACK, 5001, 1001, 509)); // does not acknowledge A's FIN: they crossed
        all.addAll(s.send(Side.A, ACK, 1002, 5002, 502));
        all.addAll(s.send(Side.B, ACK, 5002, 1002, 509));
        assertEquals(List.of("ESTABLISHED>FIN_WAIT_1", "FIN_WAIT_1>CLOSING", "CLOSING>TIME_WAIT"), TcpScript.moves(all, Side.A));
        assertEquals(List.of("ESTABLISHED>FIN_WAIT_1", "FIN_WAIT_1>CLOSING", "CLOSING>TIME_WAIT"), TcpScript.moves(all, Side.B));
        assertEquals(TcpClosePath.SIMULTANEOUS, s.summary(0).closePath());
        assertEquals(TcpState.TIME_WAIT, s.summary(0).finalStateA());
        assertEquals(TcpState.TIME_WAIT, s.summary(0).finalStateB());
    }

    @Test
    void aHalfCloseIsToldWhenDataStillFlowsTheOtherWay() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, FIN | ACK, 1001, 5001, 502);
        s.send(Side.B, ACK, 5001, 1002, 509);
        List<Event> data = s.send(Side.B, ACK, 5001, 1002, 509, TcpScript.bytes(300));
        assertEquals(1, TcpScript.observations(data, TcpObservation.HALF_CLOSE).size());
        List<Event> more = s.send(Side.B, ACK, 5301, 1002, 509, TcpScript.bytes(300));
        assertTrue(TcpScript.observations(more, TcpObservation.HALF_CLOSE).isEmpty(), "told once");
        s.send(Side.A, ACK, 1002, 5601, 502);
        s.observer.finish(s.now);
        TcpFlowSummary sum = s.summary(0);
        assertEquals(TcpClosePath.HALF_CLOSED_AT_END, sum.closePath());
        assertEquals(TcpState.FIN_WAIT_2, sum.finalStateA());
        assertEquals(TcpState.CLOSE_WAIT, sum.finalStateB());
    }

    @Test
    void aRstOnceEstablishedIsAnAbort() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, TcpScript.bytes(100));
        List<Event> rst = s.send(Side.B, RST | ACK, 5001, 1101, 0);
        assertEquals(List.of("ESTABLISHED>CLOSED"), TcpScript.moves(rst, Side.B));
        assertEquals(List.of("ESTABLISHED>CLOSED"), TcpScript.moves(rst, Side.A));
        List<Event.Note> reset = TcpScript.findings(rst, TcpFinding.RESET);
        assertEquals(1, reset.size());
        assertEquals(Event.Note.Kind.WARNING, reset.get(0).kind());
        assertEquals("abort", reset.get(0).fields().get("reset"));
        assertEquals("B", reset.get(0).fields().get("side"));
        assertEquals(TcpClosePath.RESET_BY_B, s.summary(0).closePath());
        assertEquals(1, s.summary(0).count(TcpFinding.RESET));
    }

    @Test
    void aRstToTheSynIsARefusal() {
        TcpScript s = new TcpScript();
        s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        List<Event> rst = s.send(Side.B, RST | ACK, 0, 1001, 0);
        assertEquals(List.of("SYN_SENT>CLOSED"), TcpScript.moves(rst, Side.A));
        assertEquals(List.of("LISTEN>CLOSED"), TcpScript.moves(rst, Side.B));
        List<Event.Note> reset = TcpScript.findings(rst, TcpFinding.RESET);
        assertEquals("refused", reset.get(0).fields().get("reset"));
        assertEquals(Event.Note.Kind.INFO, reset.get(0).kind());
        assertEquals(TcpClosePath.REFUSED, s.summary(0).closePath());
    }

    @Test
    void aRstOutsideTheReceiveWindowIsDroppedAndNothingEnds() {
        // RFC 9293 3.10.7.4: B's RST with a sequence number far past what A acknowledged is not taken (a blind RST)
        TcpScript s = new TcpScript().handshake();
        List<Event> rst = s.send(Side.B, RST, 5001 + 3_000_000, 0, 0);
        assertEquals(List.of(), TcpScript.moves(rst, Side.A));
        assertEquals(List.of(), TcpScript.moves(rst, Side.B));
        assertEquals("ignored", TcpScript.findings(rst, TcpFinding.RESET).get(0).fields().get("reset"));
        List<Event> data = s.send(Side.A, ACK | PSH, 1001, 5001, 502, TcpScript.bytes(100));
        assertTrue(TcpScript.notes(data).stream().noneMatch(n -> n.fields().containsKey("finding")),
                "the connection goes on as if the RST had not come: " + TcpScript.notes(data));
        s.send(Side.B, ACK, 5001, 1101, 509);
        assertEquals(TcpState.ESTABLISHED, s.summary(0).finalStateA());
        assertEquals(TcpState.ESTABLISHED, s.summary(0).finalStateB());
        assertEquals(TcpClosePath.OPEN_AT_END, s.summary(0).closePath());
    }

    @Test
    void aRstMidStreamWhereTheWindowScaleIsUnknownIsTaken() {
        // the capture began after the SYNs: a window is seen, its scale is not, so the RST cannot be judged out of window
        TcpScript s = new TcpScript();
        s.send(Side.A, ACK | PSH, 1001, 5001, 229, TcpScript.bytes(3000));
        s.send(Side.B, ACK, 5001, 1001, 229);
        List<Event> rst = s.send(Side.A, RST | ACK, 4001, 5001, 0);
        assertEquals(List.of("ESTABLISHED>CLOSED"), TcpScript.moves(rst, Side.A));
        assertEquals(TcpClosePath.RESET_BY_A, s.summary(0).closePath());
    }

    @Test
    void aRstInTheWindowStillAborts() {
        TcpScript s = new TcpScript().handshake();
        // A acknowledged up to 5001 with a window of 502 << 7: a RST a little ahead of it is in the window
        List<Event> rst = s.send(Side.B, RST, 5001 + 1000, 0, 0);
        assertEquals(List.of("ESTABLISHED>CLOSED"), TcpScript.moves(rst, Side.A));
        assertEquals(TcpClosePath.RESET_BY_B, s.summary(0).closePath());
    }

    @Test
    void aRstToTheSynThatDoesNotAcknowledgeItIsDropped() {
        // RFC 9293 3.10.7.3: in SYN_SENT a RST is acceptable only if it acknowledges the SYN
        TcpScript s = new TcpScript();
        s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        List<Event> rst = s.send(Side.B, RST | ACK, 0, 777, 0);
        assertEquals(List.of(), TcpScript.moves(rst, Side.A));
        assertEquals("ignored", TcpScript.findings(rst, TcpFinding.RESET).get(0).fields().get("reset"));
        assertTrue(s.summary(0).closePath() != TcpClosePath.REFUSED, s.summary(0).toString());
    }

    @Test
    void aRstAfterTheCloseAnswersASegmentForAForgottenConnection() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.B, FIN | ACK, 5001, 1001, 509);
        s.send(Side.A, ACK, 1001, 5002, 502);
        s.send(Side.A, FIN | ACK, 1001, 5002, 502);
        s.send(Side.B, ACK, 5002, 1002, 509);
        // A, CLOSED now, gets a stray segment and answers it with RST
        List<Event> rst = s.send(Side.A, RST, 1002, 0, 0);
        assertEquals("after_close", TcpScript.findings(rst, TcpFinding.RESET).get(0).fields().get("reset"));
        assertEquals(TcpClosePath.B_CLOSED_FIRST, s.summary(0).closePath(), "the FINs closed it; the RST came after");
    }

    @Test
    void aSynWithAnotherIsnOnAClosedConnectionsPortsStartsANewStream() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, FIN | ACK, 1001, 5001, 502);
        s.send(Side.B, FIN | ACK, 5001, 1002, 509);
        s.send(Side.A, ACK, 1002, 5002, 502);
        List<Event> again = s.send(Side.A, SYN, 90000, 0, 64240, TcpScript.synOptions(1460, 7));
        assertEquals(1, TcpScript.frame(again).captured().stream());
        List<Event.Note> reused = TcpScript.findings(again, TcpFinding.PORTS_REUSED);
        assertEquals(1, reused.size());
        assertEquals(0, reused.get(0).fields().get("previous_stream"));
        assertEquals(List.of("CLOSED>SYN_SENT"), TcpScript.moves(again, Side.A));
        assertEquals(2, s.observer.summaries().size());
        assertEquals(TcpClosePath.A_CLOSED_FIRST, s.summary(0).closePath());
        assertEquals(1, s.summary(1).count(TcpFinding.PORTS_REUSED));
    }

    @Test
    void aRetransmittedSynStaysInItsStream() {
        TcpScript s = new TcpScript();
        s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        s.after(1_000_000);
        List<Event> again = s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        assertEquals(0, TcpScript.frame(again).captured().stream());
        assertEquals(1, TcpScript.findings(again, TcpFinding.RETRANSMISSION).size());
        assertTrue(TcpScript.transitions(again).isEmpty());
        s.observer.finish(s.now);
        assertEquals(TcpClosePath.UNANSWERED, s.summary(0).closePath());
    }

    @Test
    void finishTellsOpenConnectionsAndEmitsEverySummary() {
        TcpScript s = new TcpScript().handshake();
        s.observer.finish(s.now + 5);
        List<Event.Note> open = TcpScript.observations(s.events, TcpObservation.OPEN_AT_END);
        assertEquals(1, open.size());
        List<Event.Note> phase = TcpScript.notes(s.events).stream().filter(n -> n.kind() == Event.Note.Kind.ANSWER).toList();
        assertEquals(1, phase.size());
        assertEquals("tcp", phase.get(0).fields().get("layer"));
        assertEquals(0, phase.get(0).fields().get("stream"));
        assertEquals("open_at_end", phase.get(0).fields().get("close"));
        assertEquals(TcpClosePath.OPEN_AT_END, s.summary(0).closePath());
    }
}
