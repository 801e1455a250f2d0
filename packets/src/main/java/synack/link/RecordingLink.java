package synack.link;

import java.io.IOException;
import synack.exchange.Clock;

/** Tees every frame sent and received through a link into a pcap file (-w/--write). */
public final class RecordingLink implements Link {
    private final Link inner;
    private final PcapFileWriter writer;
    private final Clock clock;

    public RecordingLink(Link inner, PcapFileWriter writer, Clock clock) {
        this.inner = inner;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        long t = clock.nowMicros();
        inner.send(frame);
        writer.write(frame, t);
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) throws IOException {
        ReceivedFrame f = inner.receive(deadlineMicros);
        if (f != null) {
            writer.write(f.bytes(), f.timeMicros());
        }
        return f;
    }

    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            writer.close();
        }
    }
}
