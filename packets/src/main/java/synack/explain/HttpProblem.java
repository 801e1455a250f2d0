package synack.explain;

import java.util.Locale;

/** What kept a message of a capture's HTTP stream from being read whole, as data (the renderers word it). */
public enum HttpProblem {
    /** The head went past 64 KiB without its blank line: the side is not read further. */
    HEAD_TOO_LARGE,
    /** Not a request line / status line of HTTP/1.x. */
    BAD_START_LINE,
    /** A header line without "name:". */
    BAD_FIELD,
    /** A Content-Length that is no number, or several that disagree (RFC 9112 §6.3 rule 5). */
    BAD_CONTENT_LENGTH,
    /** A request's Transfer-Encoding without chunked last: its length cannot be known (RFC 9112 §6.3 rule 4). */
    BAD_TRANSFER_ENCODING,
    /** A chunk-size line that is no hex number, or a chunk not followed by CRLF. */
    BAD_CHUNK,
    /** Bytes missing from the capture where the framing is (a head, a chunk size): the side cannot be resynchronised. */
    GAP_IN_FRAMING,
    /** The sender closed (FIN) in the middle of the message. */
    CUT_BY_FIN,
    /** The connection was reset in the middle of the message. */
    CUT_BY_RESET,
    /** The capture ended in the middle of the message. */
    CAPTURE_ENDED,
    /** A response with no request before it in the capture (its request was not captured). */
    RESPONSE_WITHOUT_REQUEST,
    /** A request the server never answered before it closed. */
    UNANSWERED,
    /** A request with no answer before the capture ended. */
    NO_ANSWER_IN_CAPTURE,
    /** A request whose response could not be read: the responses' side had stopped. */
    RESPONSE_NOT_READ,
    /** More requests outstanding than the listener keeps (256): the side is not read further. */
    TOO_MANY_PIPELINED;

    /** The word JSON uses ("gap_in_framing"). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
