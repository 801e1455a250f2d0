package synack.exchange.dns;

/**
 * The states of one DNS transaction from the stub resolver's side, as its transitions name them
 * (the text and JSON show {@link #name()}): NONE → QUERY_SENT → (RETRY → QUERY_SENT)* → ANSWERED,
 * or → TRUNCATED → QUERY_SENT (over TCP) → ANSWERED, or → TIMED_OUT, or → REJECTED, or → UNREACHABLE.
 */
public enum DnsQueryState {
    /** Nothing sent yet. */
    NONE,
    /** A query is out (over UDP, or over TCP after TRUNCATED or with --tcp); waiting for its reply. */
    QUERY_SENT,
    /** The wait ran out with tries left: the same query goes again. */
    RETRY,
    /** The UDP answer came with TC set: it did not fit, and the question goes again over TCP. */
    TRUNCATED,
    /** A reply matching our question arrived (whatever its rcode). */
    ANSWERED,
    /** Every try went unanswered. */
    TIMED_OUT,
    /** The server did reply, but nothing it sent was usable (malformed, or without our question): every try ran out. */
    REJECTED,
    /** An ICMP error quoting our query: no socket on that port, or no way to the server. */
    UNREACHABLE
}
