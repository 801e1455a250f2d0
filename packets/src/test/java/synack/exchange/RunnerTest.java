package synack.exchange;

import synack.time.Clock;
import synack.time.VirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.link.Link;
import synack.link.ReceivedFrame;

/** The runner tells the story in capture-time order, the result last, and our own capture drops as ours. */
class RunnerTest {
    static final long T0 = 1_700_000_000_000_000L;

    /** A capture whose frames were stamped earlier than they are read, as a ring read in batches is. */
    static class LateRing implements Link {
        final Deque<ReceivedFrame> ring = new ArrayDeque<>();
        final VirtualClock clock;
        long drops;

        LateRing(VirtualClock clock) {
            this.clock = clock;
        }

        @Override
        public void send(byte[] frame) {}

        @Override
        public ReceivedFrame receive(long deadlineMicros) {
            ReceivedFrame f = ring.poll();
            if (f == null && deadlineMicros > clock.nowMicros()) {
                clock.advanceTo(deadlineMicros);
            }
            return f;
        }

        @Override
        public long captureDrops() {
            return drops;
        }

        @Override
        public void close() {}
    }

    /** Sends one frame at start (stamped "now"), and is done at the second frame it reads. */
    static final class TwoFrames implements Exchange {
        int seen;

        @Override
        public void start(long now, Output out) {
            out.send(new byte[] {9}, "sent at start");
        }

        @Override
        public void onFrame(ReceivedFrame frame, Output out) {
            out.shown(frame, "read");
            out.emit(new Event.Note(frame.timeMicros(), Event.Note.Kind.INFO, "caused by " + frame.bytes()[0], Map.of()));
            if (++seen == 2) {
                out.emit(new Event.Result(frame.timeMicros(), synack.event.Verdict.OK, List.of("done"), null, Map.of()));
            }
        }

        @Override
        public void onTimer(long now, Output out) {}

        @Override
        public long nextDeadlineMicros() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean isDone() {
            return seen == 2;
        }
    }

    @Test
    void framesCapturedBeforeOurSendAreToldBeforeItAndTheResultComesLast() {
        VirtualClock clock = new VirtualClock(T0 + 10_000);
        LateRing ring = new LateRing(clock);
        ring.ring.add(new ReceivedFrame(new byte[] {1}, T0 + 1_000)); // captured before our send at T0 + 10 ms
        ring.ring.add(new ReceivedFrame(new byte[] {2}, T0 + 20_000));
        ring.drops = 0;
        List<Event> told = new ArrayList<>();
        new Runner(ring, clock, told::add).run(new TwoFrames(), () -> false);
        List<String> order = new ArrayList<>();
        for (Event e : told) {
            order.add(e instanceof Event.Frame f ? f.remark().text() + "@" + (f.timeMicros() - T0)
                    : e instanceof Event.Note n ? n.text() : "result");
        }
        assertEquals(List.of("read@1000", "caused by 1", "sent at start@10000", "read@20000", "caused by 2", "result"), order);
        for (int i = 1; i < told.size() - 1; i++) {
            assertTrue(told.get(i).timeMicros() >= told.get(i - 1).timeMicros(), "time never goes backwards: " + order);
        }
    }

    @Test
    void framesOurCaptureDroppedAreToldAsOursJustBeforeTheResult() {
        VirtualClock clock = new VirtualClock(T0);
        LateRing ring = new LateRing(clock) {
            @Override
            public ReceivedFrame receive(long deadlineMicros) {
                ReceivedFrame f = super.receive(deadlineMicros);
                drops = 7; // the kernel's ring overflowed while we were busy
                return f;
            }
        };
        ring.ring.add(new ReceivedFrame(new byte[] {1}, T0 + 100));
        ring.ring.add(new ReceivedFrame(new byte[] {2}, T0 + 200));
        List<Event> told = new ArrayList<>();
        new Runner(ring, clock, told::add).run(new TwoFrames(), () -> false);
        Event.Note drop = (Event.Note) told.get(told.size() - 2);
        assertEquals(7L, drop.fields().get("capture_drops"));
        assertTrue(told.get(told.size() - 1) instanceof Event.Result);
    }
}
