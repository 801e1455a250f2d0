package synack.exchange.http;

import java.util.Locale;

/** How a response's body is delimited (RFC 9112 section 6.3). */
public enum BodyFraming {
    /** No body: a HEAD, a 204 or a 304. */
    NONE,
    /** Content-Length bytes. */
    LENGTH,
    /** The chunked transfer coding, up to its last, empty chunk. */
    CHUNKED,
    /** Everything until the server closes. */
    UNTIL_CLOSE;

    /** The word JSON results use ("until_close"). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
