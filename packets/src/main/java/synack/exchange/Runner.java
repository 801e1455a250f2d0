package synack.exchange;

import synack.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import synack.event.Event;
import synack.event.EventSink;
import synack.event.TimeOrder;
import synack.iface.Interface;
import synack.link.Link;
import synack.link.ReceivedFrame;

/**
 * Drives one exchange over one interface: waits for a frame or the exchange's next deadline,
 * feeds it, and turns the exchange's sends into stamped frame events. The only place with I/O.
 * The story leaves in wire-time order (see {@link TimeOrder}): a frame we send is told after the
 * frames the capture took before it, even when we read those later.
 */
public final class Runner implements Output {
    private static final int DRAIN_BATCH = 256;
    /** Frames may still be on their way into the capture ring with a stamp this much before "now". */
    private static final long IN_FLIGHT_MARGIN_MICROS = 5_000;

    private final Interface iface;
    private final Clock clock;
    private final EventSink sink;
    private final TimeOrder<Event> order;
    private Event.Result result;

    public Runner(Link link, Clock clock, EventSink sink) {
        this.iface = Interface.of(link, clock);
        this.clock = clock;
        this.sink = sink;
        this.order = new TimeOrder<>(sink::accept);
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
        long dropsBefore = iface.captureDrops();
        iface.beginStory();
        try {
            drive(exchange, stop, between);
        } finally {
            tellIntake();
            long dropped = iface.captureDrops() - dropsBefore;
            if (dropped > 0) {
                // before the result, which is the story's last line
                order.releaseAll();
                sink.accept(new Event.Note(clock.nowMicros(), Event.Note.Kind.WARNING, "our capture dropped " + dropped
                        + " frames (the kernel's ring for us was full): lost by synack, not by the network",
                        Map.of("capture_drops", dropped)));
            }
            order.releaseAll();
            if (result != null) {
                sink.accept(result); // the story's last word, whatever the stamps of what it waited for
                result = null;
            }
        }
    }

    private void drive(Exchange exchange, BooleanSupplier stop, Runnable between) {
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
            // wake at least every 50 ms so that a stop request is seen promptly, and as soon as
            // what is held for time order can be told (a live story lags by the margin, no more)
            long held = order.earliestHeld();
            long deadline = Math.min(Math.min(exchange.nextDeadlineMicros(), clock.nowMicros() + 50_000),
                    Math.min(iface.nextDeadlineMicros(), held == Long.MAX_VALUE ? Long.MAX_VALUE : held + IN_FLIGHT_MARGIN_MICROS));
            ReceivedFrame frame = receive(deadline);
            // take what has already arrived (up to a batch), then let the timer run: a steady
            // stream of replies must neither pile up in the capture ring nor starve a sender
            for (int n = 0; frame != null && n < DRAIN_BATCH; n++) {
                exchange.onFrame(frame, this);
                tellIntake();
                order.releaseUpTo(frame.timeMicros());
                if (exchange.isDone() || n + 1 == DRAIN_BATCH) {
                    break;
                }
                frame = receive(clock.nowMicros());
            }
            if (frame == null && iface.drained()) {
                order.releaseUpTo(clock.nowMicros() - IN_FLIGHT_MARGIN_MICROS);
            }
            if (clock.nowMicros() >= iface.nextDeadlineMicros()) {
                iface.expire(clock.nowMicros()); // fragments whose datagram never became whole
                tellIntake();
            }
            if (!exchange.isDone() && clock.nowMicros() >= exchange.nextDeadlineMicros()) {
                exchange.onTimer(clock.nowMicros(), this);
            }
        }
    }

    private ReceivedFrame receive(long deadline) {
        try {
            ReceivedFrame f = iface.receive(deadline);
            tellIntake();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the interface dropped, answered or noticed joins the story at its own time. */
    private void tellIntake() {
        for (Event e : iface.takeTold()) {
            order.block(e.timeMicros(), e); // its own time: it belongs to no frame of the exchange's
        }
    }

    private void accept(Event e) {
        if (e instanceof Event.Result r) {
            result = r;
        } else if (e instanceof Event.Frame f) {
            order.block(f.timeMicros(), f);
        } else {
            order.follow(e.timeMicros(), e);
        }
    }

    @Override
    public long send(byte[] frame, synack.event.Remark annotation, boolean routine) {
        long t = transmit(frame);
        // a copy: the event waits for time order, and the sender may reuse its buffer meanwhile
        accept(new Event.Frame(t, Event.Direction.OUT, frame.clone(), annotation, routine));
        return t;
    }

    @Override
    public long transmit(byte[] frame) {
        long t = clock.nowMicros();
        try {
            iface.send(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    @Override
    public void shown(ReceivedFrame frame, synack.event.Remark annotation) {
        accept(new Event.Frame(frame.timeMicros(), Event.Direction.IN, frame.bytes(), annotation, false, frame.fragments()));
    }

    @Override
    public void emit(Event event) {
        accept(event);
    }
}
