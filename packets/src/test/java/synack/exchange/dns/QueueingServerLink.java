package synack.exchange.dns;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import synack.link.Link;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;

/**
 * The client's end of a wire to one DNS server that works as a real one does under load, on virtual
 * time: a query is lost on the way with some probability, waits in the server's queue (its socket
 * buffer) if the server is busy, and is dropped when that queue already holds {@code queueLimit}
 * queries, as a full socket buffer drops it (the kernel's UdpRcvbufErrors); one query is served at
 * a time, each taking {@code serviceMicros}. What the client sent and when is kept for the tests.
 */
final class QueueingServerLink implements Link {
    final List<ReceivedFrame> sent = new ArrayList<>();
    int lostOnTheWay;
    int droppedByTheQueue;
    int longestQueue;
    private final VirtualClock clock;
    private final long latencyMicros;
    private final long serviceMicros;
    private final int queueLimit;
    private final double loss;
    private final Random random;
    private final Function<ReceivedFrame, List<byte[]>> server;
    private final Deque<Long> queued = new ArrayDeque<>(); // when each query in the server's queue will have been served
    private final MemoryLink inbox; // what the server sends back waits here until its time
    private long lastDone;

    QueueingServerLink(VirtualClock clock, long latencyMicros, long serviceMicros, int queueLimit, double loss, long seed,
            Function<ReceivedFrame, List<byte[]>> server) {
        this.clock = clock;
        this.latencyMicros = latencyMicros;
        this.serviceMicros = serviceMicros;
        this.queueLimit = queueLimit;
        this.loss = loss;
        this.random = new Random(seed);
        this.server = server;
        this.inbox = MemoryLink.pair(clock, latencyMicros)[0];
    }

    @Override
    public void send(byte[] frame) {
        long now = clock.nowMicros();
        sent.add(new ReceivedFrame(frame.clone(), now));
        if (random.nextDouble() < loss) {
            lostOnTheWay++;
            return;
        }
        long arrives = now + latencyMicros;
        while (!queued.isEmpty() && queued.peekFirst() <= arrives) {
            queued.pollFirst();
        }
        if (queued.size() >= queueLimit) {
            droppedByTheQueue++;
            return;
        }
        long done = Math.max(arrives, lastDone) + serviceMicros;
        lastDone = done;
        queued.addLast(done);
        longestQueue = Math.max(longestQueue, queued.size());
        for (byte[] reply : server.apply(new ReceivedFrame(frame.clone(), done))) {
            inbox.inject(reply, done + latencyMicros);
        }
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) {
        return inbox.receive(deadlineMicros);
    }

    @Override
    public void close() {}
}
