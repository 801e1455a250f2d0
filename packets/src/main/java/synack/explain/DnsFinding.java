package synack.explain;

import java.util.Locale;

/** What one DNS message of a capture (or the capture's end) amounts to, as {@link DnsObserver} tells it. */
public enum DnsFinding {
    /** A query that begins a transaction. */
    QUERY,
    /** The same query again (same ports, ID and question) while unanswered: a retransmission. */
    RETRANSMISSION,
    /** The same question to the same server again, under a new ID or from a new port, while the first is unanswered. */
    REQUERY,
    /** A response that matches a query of the capture (addresses, ports, ID and question). */
    ANSWER,
    /** A second response to a query already answered. */
    DUPLICATE_ANSWER,
    /** A response to no query in the capture: the query was sent before the capture began (or the capture missed it). */
    NO_QUERY,
    /** An answer to a query its querier had already given up (timed out): taken by nobody. */
    LATE_ANSWER,
    /** A response to a client's port that does not match its query (ID, question, server): a querier refuses it. */
    MISMATCH,
    /** The question of a truncated (TC) UDP answer asked again over TCP. */
    TCP_RETRY,
    /** A truncated UDP answer's TCP retry was answered in full. */
    RETRIED_OVER_TCP,
    /** A truncated UDP answer with no TCP retry in the capture. */
    NOT_RETRIED_OVER_TCP,
    /** A query never answered in the capture. */
    TIMED_OUT,
    /** More queries pending than the observer keeps: the oldest are given up as timed out. */
    TOO_MANY_PENDING,
    /** Bytes of a DNS-over-TCP stream missing from the capture: the messages after them cannot be framed. */
    STREAM_GAP,
    /** A payload that is not a DNS message (or a TCP stream that ended inside one): annotated and dropped. */
    MALFORMED;

    /** The name in JSON ("no_query"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
