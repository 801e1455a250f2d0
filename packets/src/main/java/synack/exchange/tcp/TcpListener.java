package synack.exchange.tcp;

import synack.event.Event;
import synack.event.Remark;
import synack.wire.TcpSegment;

/** What a {@link TcpConnection} tells its owner: segments to send, state changes, notes, data. */
public interface TcpListener {
    /** Frame and send this segment now; return the send time (RTT samples start there). */
    long send(TcpSegment segment, Remark remark);

    /** Our state moved ({@code peer} false), or what we infer of the peer's did. */
    void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why);

    void note(Event.Note.Kind kind, String text);

    /** Data received in order. */
    default void delivered(byte[] data) {}
}
