package synack.link;

import java.io.IOException;
import java.util.Random;

/**
 * Wraps a link and misbehaves on send, with a seeded random source so every run is the same:
 * drop, duplicate, corrupt one byte, or hold a frame back so the next one overtakes it.
 */
public final class FaultyLink implements Link {
    private final Link inner;
    private final Random random;
    private double drop;
    private double duplicate;
    private double corrupt;
    private double reorder;
    private byte[] held;
    private int dropped;
    private int duplicated;
    private int corrupted;
    private int reordered;

    public FaultyLink(Link inner, long seed) {
        this.inner = inner;
        this.random = new Random(seed);
    }

    public FaultyLink drop(double probability) {
        this.drop = probability;
        return this;
    }

    public FaultyLink duplicate(double probability) {
        this.duplicate = probability;
        return this;
    }

    public FaultyLink corrupt(double probability) {
        this.corrupt = probability;
        return this;
    }

    public FaultyLink reorder(double probability) {
        this.reorder = probability;
        return this;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        if (random.nextDouble() < drop) {
            dropped++;
            return;
        }
        byte[] out = frame;
        if (random.nextDouble() < corrupt) {
            out = frame.clone();
            int at = random.nextInt(out.length);
            out[at] ^= (byte) (1 + random.nextInt(255));
            corrupted++;
        }
        if (held == null && random.nextDouble() < reorder) {
            held = out;
            reordered++;
            return;
        }
        inner.send(out);
        if (random.nextDouble() < duplicate) {
            inner.send(out);
            duplicated++;
        }
        if (held != null && held != out) {
            byte[] late = held;
            held = null;
            inner.send(late);
        }
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) throws IOException {
        return inner.receive(deadlineMicros);
    }

    public int dropped() {
        return dropped;
    }

    public int duplicated() {
        return duplicated;
    }

    public int corrupted() {
        return corrupted;
    }

    public int reordered() {
        return reordered;
    }

    @Override
    public void close() {
        if (held != null) {
            try {
                inner.send(held); // a frame held back for reordering still leaves, late
            } catch (IOException e) {
                dropped++;
            }
            held = null;
        }
        inner.close();
    }
}
