package synack.exchange.tcp;

import synack.wire.TcpSegment;

/** What a {@link TcpConnection} tells its owner: segments to send, state changes, notes, data. */
public interface TcpListener {
    /** Frame and send this segment now; return the send time (RTT samples start there). */
    long send(TcpSegment segment, String annotation);

    void transition(boolean peer, String from, String to, String cause, boolean inferred, String why);

    void note(String kind, String text);

    /** Data received in order. */
    default void delivered(byte[] data) {}
}
