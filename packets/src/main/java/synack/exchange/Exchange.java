package synack.exchange;

import synack.link.ReceivedFrame;

/**
 * A protocol exchange as a pure state machine, polled with explicit time (the smoltcp way):
 * frames and timer ticks in; frames and events out through {@link Output}. No I/O, no clock, no sleep.
 */
public interface Exchange {
    void start(long nowMicros, Output out);

    void onFrame(ReceivedFrame frame, Output out);

    /** Called when the deadline of {@link #nextDeadlineMicros()} has passed. */
    void onTimer(long nowMicros, Output out);

    long nextDeadlineMicros();

    boolean isDone();

    /** Stops early (Ctrl-C): emit whatever closing events belong, then report done. */
    default void abort(long nowMicros, Output out) {}
}
