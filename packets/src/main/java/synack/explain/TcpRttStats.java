package synack.explain;

/** Round-trip samples summarised, in microseconds; all -1 (count 0) when there were none. */
public record TcpRttStats(long count, long minMicros, long avgMicros, long maxMicros) {
    public static final TcpRttStats NONE = new TcpRttStats(0, -1, -1, -1);
}
