package synack.explain;

import synack.event.EventSink;
import synack.wire.IpAddress;

/**
 * What reads one TCP connection's byte streams once the TCP observer has put them in order
 * (HTTP, TLS, DNS over TCP). Each side's stream is delivered in sequence order, each byte once,
 * whatever the capture's retransmissions and reordering; bytes the capture never held are a
 * {@link #gap}. Calls come in capture order across both sides.
 */
public interface StreamListener {
    /** {@code length} bytes of {@code from}'s stream at {@code offset} of {@code data}, first seen in capture frame {@code frameNumber}. */
    void bytes(Side from, long timeMicros, long frameNumber, byte[] data, int offset, int length);

    /** {@code missing} bytes of {@code from}'s stream that are not in the capture (the stream goes on after them). */
    void gap(Side from, long timeMicros, long missing);

    /** {@code from} ended its stream: a FIN (reset false) or a RST (reset true). */
    void end(Side from, long timeMicros, boolean reset);

    /** The capture ended with the connection still open: say what is unfinished. */
    default void captureEnded(long timeMicros) {
    }

    /** Chooses the listener for a new connection, or null when no application layer is decoded for it. */
    @FunctionalInterface
    interface Factory {
        /**
         * {@code stream}: the connection's number (tshark's tcp.stream); {@code a}/{@code b}: each side's
         * address (IPv4 or IPv6) and port; {@code sink}: where the listener's events go.
         */
        StreamListener open(int stream, IpAddress aIp, int aPort, IpAddress bIp, int bPort, EventSink sink);
    }
}
