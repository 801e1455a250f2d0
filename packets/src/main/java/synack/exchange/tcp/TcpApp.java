package synack.exchange.tcp;

import java.util.List;
import java.util.Map;

/**
 * What runs over a {@link TcpConversation} once it is open: handshake-and-close, a DNS query
 * over TCP, an HTTP exchange. The conversation does TCP and tells it; the application decides
 * what to send and when to close, through {@link TcpConversation.Control}.
 */
public interface TcpApp {
    /** The handshake completed: send something, or close. */
    void established(TcpConversation.Control c, long now);

    /** Bytes arrived in order. */
    default void received(TcpConversation.Control c, byte[] data, long now) {}

    /** The peer sent FIN first (we are in CLOSE_WAIT): by default we close too (passive close). */
    default void peerFinished(TcpConversation.Control c, long now) {
        c.note("the server closed first: we answer with our own FIN (passive close)", now);
        c.close(now);
    }

    /** The idle timer set with {@link TcpConversation.Control#idleIn} expired: by default we close. */
    default void idle(TcpConversation.Control c, long now) {
        c.close(now);
    }

    /** Whether the application got what it came for (for the exit code); TCP success is judged apart. */
    default boolean satisfied() {
        return true;
    }

    /** Adds the application's answer to the result: JSON fields, and lines for -q. */
    default void describe(Map<String, Object> fields, List<String> lines) {}
}
