package synack.explain;

import java.util.Arrays;

/**
 * One side's plaintext handshake messages put together from its handshake records' fragments
 * (RFC 8446 §4: type, 24-bit length, body): a message may span records and a record may hold
 * several. A message longer than {@link #MAX_MESSAGE} is skipped, not held (memory stays bounded).
 */
final class TlsHandshakeReader {
    static final int MAX_MESSAGE = 256 * 1024;

    interface Handler {
        /** A whole message; {@code body} is its own copy. */
        void message(int type, byte[] body);

        /** A message too long to hold: its bytes are passed over. */
        void skipped(int type, int length);
    }

    private final Handler handler;
    private byte[] buf = new byte[0]; // grown as a message needs, let go when empty
    private int held;
    private long skipping; // bytes of a too-long message still to pass over

    TlsHandshakeReader(Handler handler) {
        this.handler = handler;
    }

    void feed(byte[] data, int offset, int n) {
        int i = offset;
        int end = offset + n;
        if (skipping > 0) {
            int pass = (int) Math.min(skipping, n);
            skipping -= pass;
            i += pass;
        }
        if (held + (end - i) > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(Math.max(buf.length * 2, 256), held + (end - i)));
        }
        System.arraycopy(data, i, buf, held, end - i);
        held += end - i;
        int at = 0;
        while (held - at >= 4) {
            int type = buf[at] & 0xff;
            int length = ((buf[at + 1] & 0xff) << 16) | ((buf[at + 2] & 0xff) << 8) | (buf[at + 3] & 0xff);
            if (length > MAX_MESSAGE) {
                handler.skipped(type, length);
                long have = held - at - 4;
                if (have >= length) {
                    at += 4 + length;
                    continue;
                }
                skipping = length - have;
                at = held;
                break;
            }
            if (held - at - 4 < length) {
                break;
            }
            handler.message(type, Arrays.copyOfRange(buf, at + 4, at + 4 + length));
            at += 4 + length;
        }
        System.arraycopy(buf, at, buf, 0, held - at);
        held -= at;
        if (held == 0 && buf.length > 4096) {
            buf = new byte[0]; // a large message has gone: give its room back
        }
    }

    /** A message's bytes were lost: whatever was held is dropped, the next record starts afresh. */
    void reset() {
        held = 0;
        skipping = 0;
    }

    /** Bytes of a message not yet whole. */
    int pendingBytes() {
        return held;
    }
}
