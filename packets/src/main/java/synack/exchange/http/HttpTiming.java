package synack.exchange.http;

/**
 * The run's timings as curl's -w defines them, each in microseconds from the journey's start:
 * time_namelookup (every DNS phase, with the ARP it needed), time_connect (the last connection's
 * handshake complete; -1 when it never opened), time_starttransfer (the last response's first
 * byte), time_total (the last response's last byte: not our close, nor TIME_WAIT), time_appconnect
 * (over https, the last connection's TLS handshake done; -1 over plain http); and the last
 * body's speed, its size over the time from its request to its end (curl's speed). Where curl adds
 * up each redirect's own times, these run from the one start.
 */
public record HttpTiming(long nameLookupMicros, long connectMicros, long firstByteMicros, long totalMicros, double bytesPerSecond,
                         long appConnectMicros) {
    public double megabytesPerSecond() {
        return bytesPerSecond / 1e6;
    }
}
