package synack.capture;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The capture file as one buffered stream: big reads into a fixed buffer, records parsed in place
 * from it, each frame's bytes copied out once. Nothing here allocates from a length the file
 * gives; callers cap lengths before asking for bytes ({@link #take}), and skip the rest.
 */
final class CaptureInput {
    /** 1 MiB: a whole pcapng block up to this size is parsed in place; the largest frame (256 KiB) always fits. */
    static final int BUFFER = 1 << 20;
    /** Reads of 256 KiB are big enough to cost nothing per frame; the buffer grows to {@link #BUFFER} only for a block that needs it. */
    static final int INITIAL = 256 * 1024;

    private final InputStream in;
    private static final int MINIMUM = 4096;
    private byte[] buf;
    private int pos;
    private int limit;
    private long base; // file offset of buf[0]
    private boolean eof;

    CaptureInput(InputStream in) {
        this.in = in;
        // a small file needs no big buffer (10^5 fuzzed captures would otherwise zero 25 GB); a stream that turns out
        // to hold more than it said (a pipe) grows the buffer as soon as one read fills it
        int size = INITIAL;
        try {
            int hint = in.available();
            if (hint > 0 && hint < INITIAL) {
                size = Math.max(MINIMUM, hint + 1);
            }
        } catch (IOException e) {
            size = INITIAL;
        }
        this.buf = new byte[size];
    }

    /** The file offset of the next unread byte: the bytes read so far. */
    long offset() {
        return base + pos;
    }

    /** Bytes buffered and not yet consumed. */
    int available() {
        return limit - pos;
    }

    /**
     * Makes {@code n} bytes ({@code n} ≤ {@link #BUFFER}) available from the current position;
     * false when the file ends first (what there is stays available).
     */
    boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            base += pos;
            limit -= pos;
            pos = 0;
        }
        if (n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(n, INITIAL)); // n <= BUFFER: callers never ask for more
        }
        while (limit < n && !eof) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
                if (limit == buf.length && buf.length < INITIAL) {
                    buf = Arrays.copyOf(buf, INITIAL); // more than the stream said it held: read it in big pieces
                }
            }
        }
        return limit >= n;
    }

    void advance(int n) {
        pos += n;
    }

    int u8(int at) {
        return buf[pos + at] & 0xff;
    }

    int u16(int at, boolean bigEndian) {
        int a = buf[pos + at] & 0xff;
        int b = buf[pos + at + 1] & 0xff;
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    int int32(int at, boolean bigEndian) {
        int i = pos + at;
        int v = ((buf[i] & 0xff) << 24) | ((buf[i + 1] & 0xff) << 16) | ((buf[i + 2] & 0xff) << 8) | (buf[i + 3] & 0xff);
        return bigEndian ? v : Integer.reverseBytes(v);
    }

    long u32(int at, boolean bigEndian) {
        return Integer.toUnsignedLong(int32(at, bigEndian));
    }

    /** {@code length} buffered bytes from {@code at} (relative to the position) as a new array. */
    byte[] copy(int at, int length) {
        byte[] out = new byte[length];
        System.arraycopy(buf, pos + at, out, 0, length);
        return out;
    }

    /**
     * The next {@code length} bytes (the caller has capped it) as a new array, consumed; null
     * when the file ends first (then all that was left is consumed).
     */
    byte[] take(int length) throws IOException {
        if (ensure(length)) {
            byte[] out = copy(0, length);
            pos += length;
            return out;
        }
        pos = limit;
        return null;
    }

    /** Consumes {@code n} bytes by reading them (a stream's own skip may pass its end unnoticed); the count consumed. */
    long skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            if (available() == 0 && !ensure(1)) {
                break;
            }
            int step = (int) Math.min(left, available());
            pos += step;
            left -= step;
        }
        return n - left;
    }
}
