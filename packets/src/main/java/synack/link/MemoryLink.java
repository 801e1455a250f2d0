package synack.link;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;
import synack.time.VirtualClock;

/**
 * One end of an in-memory wire between two endpoints on virtual time, for unit tests of state
 * machines. A frame sent at t arrives at the other end at t + latency. Waiting for a frame that
 * is not there moves the virtual clock to the deadline instead of sleeping.
 */
public final class MemoryLink implements Link {
    private record InFlight(byte[] bytes, long arrivesAt, long order) {}

    private final VirtualClock clock;
    private final long latencyMicros;
    private final PriorityQueue<InFlight> inbox =
            new PriorityQueue<>(Comparator.comparingLong(InFlight::arrivesAt).thenComparingLong(InFlight::order));
    private long sent;
    private MemoryLink peer;
    private Function<ReceivedFrame, List<byte[]>> responder;

    private MemoryLink(VirtualClock clock, long latencyMicros) {
        this.clock = clock;
        this.latencyMicros = latencyMicros;
    }

    /** Two connected ends sharing one virtual clock. */
    public static MemoryLink[] pair(VirtualClock clock, long latencyMicros) {
        MemoryLink a = new MemoryLink(clock, latencyMicros);
        MemoryLink b = new MemoryLink(clock, latencyMicros);
        a.peer = b;
        b.peer = a;
        return new MemoryLink[] {a, b};
    }

    /**
     * Makes this end a simulated host: each frame arriving here is handed to the responder, and
     * the frames it returns travel back, leaving one latency after the arrival.
     */
    public void respondWith(Function<ReceivedFrame, List<byte[]>> responder) {
        this.responder = responder;
    }

    @Override
    public void send(byte[] frame) {
        deliver(frame.clone(), clock.nowMicros() + latencyMicros);
    }

    private void deliver(byte[] frame, long arrivesAt) {
        if (peer.responder != null) {
            for (byte[] reply : peer.responder.apply(new ReceivedFrame(frame, arrivesAt))) {
                inbox.add(new InFlight(reply.clone(), arrivesAt + latencyMicros, sent++));
            }
        } else {
            peer.inbox.add(new InFlight(frame, arrivesAt, sent++));
        }
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) {
        InFlight next = inbox.peek();
        if (next != null && next.arrivesAt <= deadlineMicros) {
            inbox.poll();
            clock.advanceTo(next.arrivesAt);
            return new ReceivedFrame(next.bytes, next.arrivesAt);
        }
        clock.advanceTo(deadlineMicros);
        return null;
    }

    /** Injects a frame into this end's inbox as if it had arrived from the wire at {@code atMicros}. */
    public void inject(byte[] frame, long atMicros) {
        inbox.add(new InFlight(frame.clone(), atMicros, sent++));
    }

    @Override
    public void close() {}
}
