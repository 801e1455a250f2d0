package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.explain.TcpScript.ACK;
import static synack.explain.TcpScript.FIN;
import static synack.explain.TcpScript.SYN;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.wire.ChecksumStatus;
import synack.wire.TcpSegment;

class TcpObserverFindingTest {
    private static byte[] data(int n) {
        return TcpScript.bytes(n);
    }

    @Test
    void aRetransmissionSoonerThanAnyRtoIsToldAProbe() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        s.after(5_000); // 5 ms: no TCP's retransmission timer runs out this soon; RACK-TLP's probe does
        List<Event.Note> n = TcpScript.findings(s.send(Side.A, ACK, 1001, 5001, 502, data(100)), TcpFinding.RETRANSMISSION);
        assertEquals("probe", n.get(0).fields().get("reason"));
    }

    @Test
    void aRetransmissionAfterSilenceIsAnRtoWithItsOriginal() {
        TcpScript s = new TcpScript().handshake(); // frames 1-3, handshake RTT 2 ms
        s.send(Side.A, ACK, 1001, 5001, 502, data(100)); // frame 4
        s.after(200_000);
        List<Event> again = s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        List<Event.Note> n = TcpScript.findings(again, TcpFinding.RETRANSMISSION);
        assertEquals(1, n.size());
        assertEquals(Event.Note.Kind.WARNING, n.get(0).kind());
        assertEquals("rto", n.get(0).fields().get("reason"));
        assertEquals(4L, n.get(0).fields().get("original_frame"));
        assertEquals(200.0, n.get(0).fields().get("since_original_ms"));
        assertEquals(2.0, n.get(0).fields().get("rtt_ms"));
        assertEquals(1, s.summary(0).count(TcpFinding.RETRANSMISSION));
        assertEquals(100, s.summary(0).lostOnWireBytes());
    }

    @Test
    void duplicateAcksAreCountedAndTheFastRetransmitFollowsThem() {
        TcpScript s = new TcpScript().handshake();
        for (int i = 0; i < 4; i++) {
            s.send(Side.A, ACK, 1001 + 100 * i, 5001, 502, data(100)); // frames 4-7
        }
        s.after(1000);
        s.send(Side.B, ACK, 5001, 1101, 509); // frame 8: the segment at 1101 went missing past the capture
        for (int i = 1; i <= 3; i++) {
            s.after(100);
            List<Event> dup = s.send(Side.B, ACK, 5001, 1101, 509);
            List<Event.Note> d = TcpScript.findings(dup, TcpFinding.DUPLICATE_ACK);
            assertEquals(1, d.size());
            assertEquals(i, d.get(0).fields().get("dup_acks"));
            assertEquals(8L, d.get(0).fields().get("dup_ack_of_frame"));
        }
        s.after(500);
        List<Event> fast = s.send(Side.A, ACK, 1101, 5001, 502, data(100));
        List<Event.Note> f = TcpScript.findings(fast, TcpFinding.FAST_RETRANSMISSION);
        assertEquals(1, f.size());
        assertEquals("fast", f.get(0).fields().get("reason"));
        assertEquals(3, f.get(0).fields().get("dup_acks"));
        assertEquals(5L, f.get(0).fields().get("original_frame"));
        assertTrue(TcpScript.findings(fast, TcpFinding.RETRANSMISSION).isEmpty(), "one kind of retransmission per segment");
        assertEquals(3, s.summary(0).count(TcpFinding.DUPLICATE_ACK));
        assertEquals(1, s.summary(0).retransmissions());
    }

    @Test
    void resendingAcknowledgedDataIsSpurious() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        s.send(Side.B, ACK, 5001, 1101, 509);
        s.after(300_000);
        List<Event> again = s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        List<Event.Note> n = TcpScript.findings(again, TcpFinding.SPURIOUS_RETRANSMISSION);
        assertEquals(1, n.size());
        assertEquals("spurious", n.get(0).fields().get("reason"));
        assertEquals(0, s.summary(0).lostOnWireBytes(), "nothing was lost: the data had arrived");
    }

    @Test
    void aSegmentLateByLessThanTheRttIsOutOfOrderAndItsGapReordered() {
        TcpScript s = new TcpScript().handshake();
        List<Event> ahead = s.send(Side.A, ACK, 1101, 5001, 502, data(100));
        List<Event.Note> lost = TcpScript.findings(ahead, TcpFinding.LOST_SEGMENT);
        assertEquals(1, lost.size());
        assertEquals(100L, lost.get(0).fields().get("missing_bytes"));
        s.after(500);
        List<Event> late = s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        assertEquals(1, TcpScript.findings(late, TcpFinding.OUT_OF_ORDER).size());
        List<Event.Note> settled = TcpScript.observations(late, TcpObservation.GAP_SETTLED);
        assertEquals(1, settled.size());
        assertEquals("reordered", settled.get(0).fields().get("fate"));
        assertEquals(100, s.summary(0).reorderedBytes());
        assertEquals(0, s.summary(0).lostOnWireBytes());
        assertEquals(0, s.summary(0).lostInCaptureBytes());
    }

    @Test
    void aGapTheReceiverAcknowledgesWasLostInTheCapture() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1101, 5001, 502, data(100));
        List<Event> ack = s.send(Side.B, ACK, 5001, 1201, 509);
        assertEquals(1, TcpScript.findings(ack, TcpFinding.ACKED_UNSEEN_SEGMENT).size());
        List<Event.Note> settled = TcpScript.observations(ack, TcpObservation.GAP_SETTLED);
        assertEquals("lost_in_capture", settled.get(0).fields().get("fate"));
        assertEquals(100L, settled.get(0).fields().get("bytes"));
        assertEquals(100, s.summary(0).lostInCaptureBytes());
        assertEquals(0, s.summary(0).lostOnWireBytes());
    }

    @Test
    void aGapARetransmissionFillsWasLostOnTheWire() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1101, 5001, 502, data(100));
        s.after(300_000);
        List<Event> again = s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        assertEquals(1, TcpScript.findings(again, TcpFinding.RETRANSMISSION).size());
        assertEquals("lost_on_wire", TcpScript.observations(again, TcpObservation.GAP_SETTLED).get(0).fields().get("fate"));
        assertEquals(100, s.summary(0).lostOnWireBytes());
        assertEquals(0, s.summary(0).lostInCaptureBytes());
    }

    @Test
    void zeroWindowItsProbeAndTheUpdate() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        List<Event> zero = s.send(Side.B, ACK, 5001, 1101, 0);
        List<Event.Note> z = TcpScript.findings(zero, TcpFinding.ZERO_WINDOW);
        assertEquals(1, z.size());
        assertEquals(Event.Note.Kind.WARNING, z.get(0).kind());
        s.after(200_000);
        List<Event> probe = s.send(Side.A, ACK, 1101, 5001, 502, data(1));
        assertEquals(1, TcpScript.findings(probe, TcpFinding.ZERO_WINDOW_PROBE).size());
        List<Event> probeAck = s.send(Side.B, ACK, 5001, 1101, 0);
        assertEquals(1, TcpScript.findings(probeAck, TcpFinding.ZERO_WINDOW_PROBE_ACK).size());
        assertEquals(1, TcpScript.findings(probeAck, TcpFinding.ZERO_WINDOW).size(), "still zero, as tshark flags it");
        List<Event> update = s.send(Side.B, ACK, 5001, 1101, 509);
        assertEquals(1, TcpScript.findings(update, TcpFinding.WINDOW_UPDATE).size());
        assertEquals((long) 509 << 7, TcpScript.findings(update, TcpFinding.WINDOW_UPDATE).get(0).fields().get("window"));
        assertEquals(2, s.summary(0).count(TcpFinding.ZERO_WINDOW));
    }

    @Test
    void dataToTheWindowsEdgeFillsIt() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.B, ACK, 5001, 1001, 1); // 1 × 2^7 = 128 bytes
        List<Event> full = s.send(Side.A, ACK, 1001, 5001, 502, data(128));
        assertEquals(1, TcpScript.findings(full, TcpFinding.WINDOW_FULL).size());
        assertEquals(128L, TcpScript.findings(full, TcpFinding.WINDOW_FULL).get(0).fields().get("window"));
    }

    @Test
    void keepAliveAndItsAck() {
        TcpScript s = new TcpScript().handshake();
        s.after(7_200_000_000L);
        List<Event> ka = s.send(Side.A, ACK, 1000, 5001, 502);
        assertEquals(1, TcpScript.findings(ka, TcpFinding.KEEP_ALIVE).size());
        List<Event> kaAck = s.send(Side.B, ACK, 5001, 1001, 65160);
        assertEquals(1, TcpScript.findings(kaAck, TcpFinding.KEEP_ALIVE_ACK).size());
        assertTrue(TcpScript.findings(kaAck, TcpFinding.DUPLICATE_ACK).isEmpty());
    }

    @Test
    void sackBlocksAreToldWithTheirNumbers() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1101, 5001, 502, data(100));
        TcpSegment.Options sack = TcpSegment.Options.NONE.withSack(List.of(new int[] {1101, 1201}));
        List<Event> ack = s.send(Side.B, ACK, 5001, 1001, 509, sack);
        List<long[]> n = TcpScript.seqNumbers(ack);
        assertTrue(n.stream().anyMatch(x -> x[0] == 1101 && x[1] == 101), "the block's left edge, absolute and relative");
        assertTrue(n.stream().anyMatch(x -> x[0] == 1201 && x[1] == 201), "its right edge");
    }

    @Test
    void offloadedChecksumsAreToldOncePerConnection() {
        TcpScript s = new TcpScript();
        s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7), new byte[0], ChecksumStatus.OFFLOADED, 0);
        s.send(Side.B, SYN | ACK, 5000, 1001, 65160, TcpScript.synOptions(1460, 7));
        s.send(Side.A, ACK, 1001, 5001, 502, TcpSegment.Options.NONE, new byte[0], ChecksumStatus.OFFLOADED, 0);
        s.send(Side.A, ACK, 1001, 5001, 502, TcpSegment.Options.NONE, data(10), ChecksumStatus.OFFLOADED, 10);
        assertEquals(1, TcpScript.observations(s.events, TcpObservation.CHECKSUM_OFFLOADED).size());
        assertEquals("ESTABLISHED", s.summary(0).finalStateA().name(), "offloaded segments move the story");
    }

    @Test
    void aWrongChecksumIsAnnotatedAndMovesNothing() {
        TcpScript s = new TcpScript().handshake();
        List<Event> bad = s.send(Side.A, FIN | ACK, 1001, 5001, 502, TcpSegment.Options.NONE, new byte[0], ChecksumStatus.WRONG, 0);
        assertTrue(TcpScript.transitions(bad).isEmpty());
        List<Event.Note> n = TcpScript.observations(bad, TcpObservation.CHECKSUM_WRONG);
        assertEquals(1, n.size());
        assertEquals(Event.Note.Kind.WARNING, n.get(0).kind());
        // the good FIN that follows is the first
        List<Event> good = s.send(Side.A, FIN | ACK, 1001, 5001, 502);
        assertEquals(List.of("ESTABLISHED>FIN_WAIT_1"), TcpScript.moves(good, Side.A));
        assertTrue(TcpScript.findings(good, TcpFinding.RETRANSMISSION).isEmpty(), "the dropped one does not count as sent");
    }

    @Test
    void segmentsLongerThanTheMssAreExplainedOnce() {
        TcpScript s = new TcpScript().handshake();
        List<Event> big = s.send(Side.A, ACK, 1001, 5001, 502, data(2920));
        List<Event.Note> n = TcpScript.observations(big, TcpObservation.SUPER_SEGMENT);
        assertEquals(1, n.size());
        assertEquals(1460, n.get(0).fields().get("mss"));
        List<Event> again = s.send(Side.A, ACK, 3921, 5001, 502, data(2920));
        assertTrue(TcpScript.observations(again, TcpObservation.SUPER_SEGMENT).isEmpty());
    }

    @Test
    void aCutFrameCountsItsWireLength() {
        TcpScript s = new TcpScript().handshake();
        List<Event> cut = s.send(Side.A, ACK, 1001, 5001, 502, TcpSegment.Options.NONE, data(1000), ChecksumStatus.VALID, 100);
        assertTrue(TcpScript.seqNumbers(cut).stream().anyMatch(x -> x[0] == 2001), "next = seq + the length on the wire");
        List<Event> next = s.send(Side.A, ACK, 2001, 5001, 502, data(100));
        assertTrue(TcpScript.findings(next, TcpFinding.LOST_SEGMENT).isEmpty(), "the cut part was on the wire");
        assertEquals(1100, s.summary(0).dataBytesA());
    }

    @Test
    void beyondTheBoundTheLeastRecentlySeenConnectionIsForgotten() {
        TcpScript s = new TcpScript(null, 2);
        for (int i = 0; i < 3; i++) {
            s.aPort = 40000 + i;
            s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
        }
        List<Event.Note> evicted = TcpScript.observations(s.events, TcpObservation.EVICTED);
        assertEquals(1, evicted.size());
        assertEquals(0, evicted.get(0).fields().get("stream"));
        s.observer.finish(s.now);
        assertEquals(3, s.observer.summaries().size());
        assertEquals(TcpClosePath.EVICTED, s.summary(0).closePath());
        assertEquals(TcpClosePath.UNANSWERED, s.summary(2).closePath());
    }

    @Test
    void ackRttSamplesAreSummarised() {
        TcpScript s = new TcpScript().handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, data(100));
        s.after(3000);
        s.send(Side.B, ACK, 5001, 1101, 509);
        s.send(Side.A, ACK, 1101, 5001, 502, data(100));
        s.after(5000);
        s.send(Side.B, ACK, 5001, 1201, 509);
        // as tshark's ack_rtt: the SYN,ACK times A's SYN too (1 ms), then 3 ms and 5 ms for the data
        TcpRttStats rtt = s.summary(0).ackRttA();
        assertEquals(3, rtt.count());
        assertEquals(1000, rtt.minMicros());
        assertEquals(5000, rtt.maxMicros());
        assertEquals(3000, rtt.avgMicros());
        assertEquals(1, s.summary(0).ackRttB().count(), "B's SYN,ACK, timed by the handshake's ACK");
    }
}
