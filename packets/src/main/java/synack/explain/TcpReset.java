package synack.explain;

import java.util.Locale;

/** What a RST answered, as the states of both ends before it show. */
public enum TcpReset {
    /** The answer to a SYN: nothing listens on that port (connection refused). */
    REFUSED,
    /** A RST during the handshake, after the SYN was answered. */
    IN_HANDSHAKE,
    /** A RST once synchronized: the connection is aborted, data in flight is lost. */
    ABORT,
    /** A RST after its sender had closed (or already reset): the kernel answers a segment for a connection it has forgotten. */
    AFTER_CLOSE,
    /**
     * A RST its receiver drops (RFC 9293 3.10.7): in SYN_SENT one that does not acknowledge the SYN, once
     * synchronized one whose sequence number is outside the receive window (a blind or stale RST). No state moves.
     */
    IGNORED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
