package synack.exchange.scan;

/**
 * One part of a sweep split across machines: shard {@code index} of {@code count} takes the
 * positions index, index + count, index + 2·count… of the shared shuffled order, so the shards
 * together ask every probe exactly once (given the same targets, ports and seed).
 */
public record Shard(int index, int count) {
    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist (want I/N with 0 ≤ I < N)");
        }
    }

    /** Parses "I/N", counted from 0 as in "0/3 1/3 2/3". */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,6}") || !parts[1].matches("\\d{1,6}")) {
            throw new IllegalArgumentException("bad shard '" + text + "' (want I/N, e.g. 0/3, counted from 0)");
        }
        return new Shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** How many of {@code total} positions fall in this shard. */
    public long sizeOf(long total) {
        return total / count + (index < total % count ? 1 : 0);
    }

    /** The sweep position of this shard's {@code n}-th probe. */
    public long position(long n) {
        return n * count + index;
    }

    public boolean isWhole() {
        return count == 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
