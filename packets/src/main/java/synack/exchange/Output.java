package synack.exchange;

import synack.event.Event;
import synack.event.Remark;
import synack.link.ReceivedFrame;

/** What an exchange may do to the world: send frames and tell events. The runner does the I/O. */
public interface Output {
    /**
     * Sends a frame now; it is stamped, recorded and told as an outgoing frame event.
     * Returns the stamp (taken just before the frame is handed to the link): the start of any RTT.
     */
    long send(byte[] frame, Remark remark, boolean routine);

    default long send(byte[] frame, Remark remark) {
        return send(frame, remark, false);
    }

    /** A remark of words only. */
    default long send(byte[] frame, String annotation, boolean routine) {
        return send(frame, Remark.of(annotation), routine);
    }

    default long send(byte[] frame, String annotation) {
        return send(frame, Remark.of(annotation), false);
    }

    /** Sends a frame now without telling it yet (the caller tells it later with {@link #emit}); returns the stamp. */
    long transmit(byte[] frame);

    /** Tells a received frame the exchange cares about, with its comment. */
    void shown(ReceivedFrame frame, Remark remark);

    default void shown(ReceivedFrame frame, String annotation) {
        shown(frame, Remark.of(annotation));
    }

    void emit(Event event);
}
