package synack.exchange.http;

/**
 * curl's timings of a run, in microseconds from the journey's start: the name lookups (every DNS
 * phase, with the ARP it needed), the last connection's handshake (-1 when it never opened), the
 * last response's first byte, the whole run; and the last body's speed, its size over the time
 * from its request to its end (curl's speed).
 */
public record HttpTiming(long nameLookupMicros, long connectMicros, long firstByteMicros, long totalMicros, double bytesPerSecond) {
    public double megabytesPerSecond() {
        return bytesPerSecond / 1e6;
    }
}
