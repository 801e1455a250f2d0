package synack.exchange.tls;

/**
 * One record of the TLS record layer as it was on the wire (RFC 8446 5.1, RFC 5246 6.2):
 * content type, legacy version, and the fragment its length announced; {@code wire} is the
 * whole record, header included (what SSLEngine is handed).
 */
public record TlsRecord(int type, int version, byte[] fragment, byte[] wire) {
    public static final int HEADER = 5;
    /** The largest fragment a record may carry: 2^14 plus 2048 of expansion (RFC 5246 6.2.3). */
    public static final int MAX_FRAGMENT = (1 << 14) + 2048;

    public int length() {
        return fragment.length;
    }
}
