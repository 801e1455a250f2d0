package synack.explain;

import java.util.Locale;

/** How a connection ended, as the capture shows it. */
public enum TcpClosePath {
    /** A sent the first FIN (active close), B answered with its own. */
    A_CLOSED_FIRST,
    /** B sent the first FIN, A answered with its own. */
    B_CLOSED_FIRST,
    /** Both FINs crossed: each was sent before its sender had acknowledged the other's (both went through CLOSING). */
    SIMULTANEOUS,
    /** One side sent its FIN, the other had not closed when the capture ended (a half-close, or a close cut by the capture's end). */
    HALF_CLOSED_AT_END,
    /** A aborted the connection with a RST. */
    RESET_BY_A,
    /** B aborted the connection with a RST. */
    RESET_BY_B,
    /** B answered A's SYN with a RST: nothing listened there. */
    REFUSED,
    /** A's SYN got no answer in the capture. */
    UNANSWERED,
    /** No FIN and no RST before the capture ended. */
    OPEN_AT_END,
    /** Forgotten by the observer to bound its memory (too many open connections at once); the story stops there. */
    EVICTED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
