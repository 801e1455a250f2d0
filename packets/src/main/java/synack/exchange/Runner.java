package synack.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;
import synack.event.Event;
import synack.event.EventSink;
import synack.link.Link;
import synack.link.ReceivedFrame;

/**
 * Drives one exchange over one link: waits for a frame or the exchange's next deadline, feeds
 * it, and turns the exchange's sends into stamped frame events. The only place with I/O.
 */
public final class Runner implements Output {
    private static final int DRAIN_BATCH = 256;
    private final Link link;
    private final Clock clock;
    private final EventSink sink;

    public Runner(Link link, Clock clock, EventSink sink) {
        this.link = link;
        this.clock = clock;
        this.sink = sink;
    }

    /** Runs until the exchange is done, or until {@code stop} turns true (then the exchange is aborted). */
    public void run(Exchange exchange, BooleanSupplier stop) {
        run(exchange, stop, () -> { });
    }

    /**
     * As {@link #run(Exchange, BooleanSupplier)}, calling {@code between} on this thread before each
     * wait: how a connection kept open in the shell takes the user's next command (send, close)
     * without touching the exchange from another thread.
     */
    public void run(Exchange exchange, BooleanSupplier stop, Runnable between) {
        exchange.start(clock.nowMicros(), this);
        while (!exchange.isDone()) {
            between.run();
            if (exchange.isDone()) {
                break;
            }
            if (stop.getAsBoolean()) {
                exchange.abort(clock.nowMicros(), this);
                return;
            }
            // wake at least every 50 ms so that a stop request is seen promptly
            long deadline = Math.min(exchange.nextDeadlineMicros(), clock.nowMicros() + 50_000);
            ReceivedFrame frame;
            try {
                frame = link.receive(deadline);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // take what has already arrived (up to a batch), then let the timer run: a steady
            // stream of replies must neither pile up in the capture ring nor starve a sender
            for (int n = 0; frame != null && n < DRAIN_BATCH; n++) {
                exchange.onFrame(frame, this);
                if (exchange.isDone() || n + 1 == DRAIN_BATCH) {
                    break;
                }
                try {
                    frame = link.receive(clock.nowMicros());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (!exchange.isDone() && clock.nowMicros() >= exchange.nextDeadlineMicros()) {
                exchange.onTimer(clock.nowMicros(), this);
            }
        }
    }

    @Override
    public long send(byte[] frame, String annotation, boolean routine) {
        long t = transmit(frame);
        sink.accept(new Event.Frame(t, Event.Direction.OUT, frame, annotation, routine));
        return t;
    }

    @Override
    public long transmit(byte[] frame) {
        long t = clock.nowMicros();
        try {
            link.send(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    @Override
    public void shown(ReceivedFrame frame, String annotation) {
        sink.accept(new Event.Frame(frame.timeMicros(), Event.Direction.IN, frame.bytes(), annotation, false));
    }

    @Override
    public void emit(Event event) {
        sink.accept(event);
    }
}
