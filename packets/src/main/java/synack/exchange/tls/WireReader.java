package synack.exchange.tls;

import java.util.Arrays;

/** Reads TLS's presentation-language fields (RFC 8446 3) off a byte array, refusing to read past its end. */
public final class WireReader {
    /** The bytes end before a field does: the message is malformed. */
    public static final class Malformed extends Exception {
        Malformed(String what) {
            super(what);
        }
    }

    private final byte[] b;
    private int at;
    private final int end;

    public WireReader(byte[] b) {
        this(b, 0, b.length);
    }

    private WireReader(byte[] b, int from, int end) {
        this.b = b;
        this.at = from;
        this.end = end;
    }

    public int remaining() {
        return end - at;
    }

    private void need(int n, String what) throws Malformed {
        if (n < 0 || end - at < n) {
            throw new Malformed(what + " runs past the end (" + n + " bytes wanted, " + (end - at) + " left)");
        }
    }

    public int u8(String what) throws Malformed {
        need(1, what);
        return b[at++] & 0xff;
    }

    public int u16(String what) throws Malformed {
        need(2, what);
        int v = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
        at += 2;
        return v;
    }

    public int u24(String what) throws Malformed {
        need(3, what);
        int v = ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
        at += 3;
        return v;
    }

    public byte[] bytes(int n, String what) throws Malformed {
        need(n, what);
        byte[] v = Arrays.copyOfRange(b, at, at + n);
        at += n;
        return v;
    }

    public void skip(int n, String what) throws Malformed {
        need(n, what);
        at += n;
    }

    /** A vector with a length prefix of {@code prefixBytes} (1, 2 or 3): a reader over its contents. */
    public WireReader vector(int prefixBytes, String what) throws Malformed {
        int n = switch (prefixBytes) {
            case 1 -> u8(what + " length");
            case 2 -> u16(what + " length");
            default -> u24(what + " length");
        };
        need(n, what);
        WireReader r = new WireReader(b, at, at + n);
        at += n;
        return r;
    }
}
