package synack.link;

import java.io.IOException;
import synack.event.TimeOrder;
import synack.time.Clock;

/**
 * Tees every frame sent and received through a link into a pcap file (-w/--write), in capture
 * time order: we read the capture in batches and send between them, so records wait in a
 * {@link TimeOrder} until the capture has been read past their stamp.
 */
public final class RecordingLink implements Link {
    /**
     * Frames may still be on their way into the capture ring with a stamp this much before "now",
     * or before the frame just read: the kernel stamps a frame when it is received (skb->tstamp), before
     * it reaches the ring, so with two CPUs feeding one ring the ring's order need not be the stamps'
     * (CI's 100 MB transfer wrote one backward stamp when each read released up to its own stamp).
     */
    static final long IN_FLIGHT_MARGIN_MICROS = 20_000;

    private record Record(byte[] frame, long timeMicros) {}

    private final Link inner;
    private final PcapFileWriter writer;
    private final Clock clock;
    private final TimeOrder<Record> order;

    public RecordingLink(Link inner, PcapFileWriter writer, Clock clock) {
        this.inner = inner;
        this.writer = writer;
        this.clock = clock;
        this.order = new TimeOrder<>(r -> writer.write(r.frame(), r.timeMicros()));
    }

    @Override
    public void send(byte[] frame) throws IOException {
        long t = clock.nowMicros();
        inner.send(frame);
        // a copy: the record waits for time order, and a sweep patches one frame buffer for every SYN
        order.block(t, new Record(frame.clone(), t));
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) throws IOException {
        ReceivedFrame f = inner.receive(deadlineMicros);
        if (f != null) {
            order.block(f.timeMicros(), new Record(f.bytes(), f.timeMicros()));
            order.releaseUpTo(f.timeMicros() - IN_FLIGHT_MARGIN_MICROS);
        } else {
            order.releaseUpTo(clock.nowMicros() - IN_FLIGHT_MARGIN_MICROS);
        }
        return f;
    }

    @Override
    public long captureDrops() {
        return inner.captureDrops();
    }

    @Override
    public void close() {
        try {
            order.releaseAll();
        } finally {
            try {
                inner.close();
            } finally {
                writer.close();
            }
        }
    }
}
