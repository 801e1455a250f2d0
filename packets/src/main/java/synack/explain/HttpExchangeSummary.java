package synack.explain;

/**
 * One HTTP exchange of a capture, as data for CI gates (--expect-status ...): the connection
 * ({@code stream}, tshark's tcp.stream) and the exchange's number on it (from 1), the request's
 * method and target (null when the request was not in the capture), the status (-1: no response),
 * and the times in capture microseconds: the request's first byte, the response's first byte and
 * its last (-1 when absent). Body sizes are the bytes on the wire (a chunked body's chunk data,
 * not decoded). {@code complete}: the response was read whole, nothing missing from the capture.
 */
public record HttpExchangeSummary(int stream, int exchange, String method, String target, int status, long requestMicros,
                                  long firstByteMicros, long lastByteMicros, long requestBodyBytes, long responseBodyBytes,
                                  boolean complete) {
    /** Time to first byte: the request's first byte to the response's (-1 when either is absent). */
    public long ttfbMicros() {
        return requestMicros < 0 || firstByteMicros < 0 ? -1 : firstByteMicros - requestMicros;
    }

    /** The request's first byte to the response's last (-1 when either is absent). */
    public long totalMicros() {
        return requestMicros < 0 || lastByteMicros < 0 ? -1 : lastByteMicros - requestMicros;
    }
}
