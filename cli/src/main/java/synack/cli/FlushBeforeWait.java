package synack.cli;

import java.io.IOException;
import synack.link.Link;
import synack.link.ReceivedFrame;
import synack.time.Clock;

/**
 * A session's capture that flushes the story told so far whenever a receive would wait: the
 * moment a user watching would otherwise look at a stale screen. While frames keep coming the
 * output stays buffered (one write per buffer, not per line); the wire going quiet, a retry's
 * time-out or a kept connection idling in the shell each flush it.
 */
final class FlushBeforeWait implements Link {
    private final Link link;
    private final Clock clock;
    private final Runnable flush;

    FlushBeforeWait(Link link, Clock clock, Runnable flush) {
        this.link = link;
        this.clock = clock;
        this.flush = flush;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        link.send(frame);
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) throws IOException {
        if (deadlineMicros <= clock.nowMicros()) {
            return link.receive(deadlineMicros); // a look, not a wait
        }
        ReceivedFrame ready = link.receive(clock.nowMicros());
        if (ready != null) {
            return ready;
        }
        flush.run();
        return link.receive(deadlineMicros);
    }

    @Override
    public long captureDrops() {
        return link.captureDrops();
    }

    @Override
    public void close() {
        link.close();
    }
}
