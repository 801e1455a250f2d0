package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.explain.TcpScript.ACK;
import static synack.explain.TcpScript.FIN;
import static synack.explain.TcpScript.RST;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.wire.ChecksumStatus;
import synack.wire.TcpSegment;

/** The application layer's view: each side's bytes in order, once, with gaps for what the capture lacks. */
class TcpReassemblyTest {
    /** What a listener heard, one line per call. */
    static final class Recording implements StreamListener {
        final List<String> calls = new ArrayList<>();
        final List<int[]> opened = new ArrayList<>();
        long deliveredA;

        StreamListener.Factory factory() {
            return (stream, aIp, aPort, bIp, bPort, sink) -> {
                opened.add(new int[] {stream, aIp.v4(), aPort, bIp.v4(), bPort});
                return this;
            };
        }

        @Override
        public void bytes(Side from, long timeMicros, long frameNumber, byte[] data, int offset, int length) {
            if (from == Side.A) {
                deliveredA += length;
            }
            calls.add("bytes " + from + " " + new String(data, offset, length, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void gap(Side from, long timeMicros, long missing) {
            calls.add("gap " + from + " " + missing);
        }

        @Override
        public void end(Side from, long timeMicros, boolean reset) {
            calls.add("end " + from + (reset ? " reset" : ""));
        }

        @Override
        public void captureEnded(long timeMicros) {
            calls.add("capture ended");
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void eachSidesBytesArriveInOrderAndTheListenerIsOpenedOnce() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, text("GET"));
        s.send(Side.B, ACK, 5001, 1004, 509, text("OK"));
        assertEquals(List.of("bytes A GET", "bytes B OK"), r.calls);
        assertEquals(1, r.opened.size());
        assertEquals(0, r.opened.get(0)[0]);
        assertEquals(TcpScript.A_IP, r.opened.get(0)[1]);
        assertEquals(TcpScript.A_PORT, r.opened.get(0)[2]);
        assertEquals(TcpScript.B_IP, r.opened.get(0)[3]);
        assertEquals(TcpScript.B_PORT, r.opened.get(0)[4]);
    }

    @Test
    void outOfOrderDataWaitsForTheHole() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1004, 5001, 502, text("def"));
        assertTrue(r.calls.isEmpty(), "held until the hole fills");
        s.send(Side.A, ACK, 1001, 5001, 502, text("abc"));
        assertEquals(List.of("bytes A abc", "bytes A def"), r.calls);
    }

    @Test
    void retransmittedBytesAreNotRepeatedAndOverlapsAreTrimmed() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, text("abcdef"));
        s.after(300_000);
        s.send(Side.A, ACK, 1001, 5001, 502, text("abcdef"));
        s.send(Side.A, ACK, 1004, 5001, 502, text("defghi"));
        assertEquals(List.of("bytes A abcdef", "bytes A ghi"), r.calls);
    }

    @Test
    void bytesTheReceiverAcknowledgesUnseenBecomeAGap() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1004, 5001, 502, text("def"));
        s.send(Side.B, ACK, 5001, 1007, 509);
        assertEquals(List.of("gap A 3", "bytes A def"), r.calls);
    }

    @Test
    void pastTheBoundTheHoleIsGivenUp() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        int chunk = 60_000;
        int chunks = TcpReassembly.MAX_HELD_PER_SIDE / chunk + 2;
        for (int i = 0; i < chunks; i++) {
            s.send(Side.A, ACK, 1101 + (long) chunk * i, 5001, 502, TcpScript.bytes(chunk));
        }
        assertEquals("gap A 100", r.calls.get(0));
        assertEquals((long) chunk * chunks, r.deliveredA, "every held byte delivered once the hole was given up");
        assertEquals(1, TcpScript.observations(s.events, TcpObservation.REASSEMBLY_BOUND).size());
    }

    @Test
    void theCutPartOfAFrameIsAGap() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, TcpSegment.Options.NONE, TcpScript.bytes(1000), ChecksumStatus.VALID, 100);
        assertEquals(2, r.calls.size());
        assertEquals(100, r.deliveredA);
        assertEquals("gap A 900", r.calls.get(1));
    }

    @Test
    void aFinEndsItsSideOnceTheDataBeforeItIsIn() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, FIN | ACK, 1004, 5001, 502);
        assertTrue(r.calls.isEmpty());
        s.send(Side.A, ACK, 1001, 5001, 502, text("abc"));
        assertEquals(List.of("bytes A abc", "end A"), r.calls);
    }

    @Test
    void aRstEndsBothSidesReset() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1001, 5001, 502, text("abc"));
        s.send(Side.B, RST | ACK, 5001, 1004, 0);
        assertEquals(List.of("bytes A abc", "end B reset", "end A reset"), r.calls);
    }

    @Test
    void atTheEndHeldBytesAreDeliveredAndTheListenerToldTheCaptureEnded() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, ACK, 1004, 5001, 502, text("def"));
        s.observer.finish(s.now);
        assertEquals(List.of("gap A 3", "bytes A def", "capture ended"), r.calls);
    }

    @Test
    void aClosedConnectionIsNotToldTheCaptureEnded() {
        Recording r = new Recording();
        TcpScript s = new TcpScript(r.factory()).handshake();
        s.send(Side.A, FIN | ACK, 1001, 5001, 502);
        s.send(Side.B, FIN | ACK, 5001, 1002, 509);
        s.send(Side.A, ACK, 1002, 5002, 502);
        s.observer.finish(s.now);
        assertEquals(List.of("end A", "end B"), r.calls);
    }

    @Test
    void listenerEventsComeAfterTheFrameThatCarriedTheBytes() {
        StreamListener.Factory factory = (stream, aIp, aPort, bIp, bPort, sink) -> new StreamListener() {
            @Override
            public void bytes(Side from, long t, long frame, byte[] data, int offset, int length) {
                sink.accept(new Event.Note(t, Event.Note.Kind.INFO, "app", java.util.Map.of("layer", "app")));
            }

            @Override
            public void gap(Side from, long t, long missing) {
            }

            @Override
            public void end(Side from, long t, boolean reset) {
            }
        };
        TcpScript s = new TcpScript(factory);
        s.handshake();
        List<Event> data = s.send(Side.A, ACK, 1001, 5001, 502, text("abc"));
        assertTrue(data.get(0) instanceof Event.Frame);
        assertEquals("app", ((Event.Note) data.get(data.size() - 1)).fields().get("layer"));
    }

    /** Handshake, byte 1001 missing, then many one-byte segments from A, no ACKs: what is held stays bounded. */
    @Test
    void aFloodOfOneByteSegmentsBeyondAHoleIsHeldInBoundedChunks() {
        for (boolean snaplenCut : new boolean[] {false, true}) {
            Recording r = new Recording();
            TcpReassembly stream = new TcpReassembly(Side.A, r, new TcpReassembly.Budget(TcpObserver.HELD_BUDGET));
            stream.start(1001);
            int n = 10 * TcpReassembly.MAX_CHUNKS_PER_SIDE;
            int mostHeld = 0;
            for (int i = 1; i <= n; i++) {
                // a snaplen-cut segment holds no captured byte: it must cost something all the same
                stream.data(1001 + i, snaplenCut ? new byte[0] : new byte[] {'x'}, 1, i, i);
                mostHeld = Math.max(mostHeld, stream.heldChunks());
            }
            assertTrue(mostHeld <= TcpReassembly.MAX_CHUNKS_PER_SIDE, "held " + mostHeld + " chunks");
            assertTrue(stream.boundReached() > 0, "the hole given up before it filled");
            assertEquals("gap A 1", r.calls.get(0));
            stream.data(1001, new byte[] {'y'}, 1, n + 1, n + 1);
            stream.flush(n + 2);
            assertEquals(snaplenCut ? 0 : n, r.deliveredA, "each captured byte delivered once");
            assertEquals(0, stream.heldChunks());
        }
    }

    @Test
    void theSharedBudgetIsChargedForEmptyChunksAndGivenBackWhenDelivered() {
        Recording r = new Recording();
        TcpReassembly.Budget budget = new TcpReassembly.Budget(TcpObserver.HELD_BUDGET);
        TcpReassembly stream = new TcpReassembly(Side.A, r, budget);
        stream.start(1001);
        stream.data(1002, new byte[0], 10, 1, 1);
        assertTrue(budget.held() > 0, "an empty chunk still costs its objects");
        stream.data(1001, new byte[] {'a'}, 1, 2, 2);
        assertEquals(0, budget.held());
        assertEquals(List.of("bytes A a", "gap A 10"), r.calls);
    }
}
