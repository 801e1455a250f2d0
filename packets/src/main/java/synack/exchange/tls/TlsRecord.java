package synack.exchange.tls;

/**
 * One record of the TLS record layer as it was on the wire (RFC 8446 5.1, RFC 5246 6.2):
 * content type, legacy version, and the fragment its length announced; {@code wire} is the
 * whole record, header included (what SSLEngine is handed); the fragment is what follows the header.
 */
public record TlsRecord(int type, int version, byte[] wire) {
    public static final int HEADER = 5;
    /** The largest fragment a record may carry: 2^14 plus 2048 of expansion (RFC 5246 6.2.3). */
    public static final int MAX_FRAGMENT = (1 << 14) + 2048;

    /** The fragment's length, as the header said. */
    public int length() {
        return wire.length - HEADER;
    }

    /** The fragment (a copy: only the records told in detail need one, not a bulk transfer's). */
    public byte[] fragment() {
        return java.util.Arrays.copyOfRange(wire, HEADER, wire.length);
    }
}
