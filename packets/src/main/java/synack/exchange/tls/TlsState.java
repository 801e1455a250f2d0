package synack.exchange.tls;

/**
 * Our side's TLS handshake states. TLS 1.3's are RFC 8446 appendix A.1's client states; TLS 1.2
 * (RFC 5246 7.3) names none, so its steps are named the same way after the message awaited.
 */
public enum TlsState {
    START,
    /** ClientHello sent: waiting for ServerHello (or HelloRetryRequest). */
    WAIT_SH,
    // TLS 1.3
    WAIT_EE,
    WAIT_CERT_CR,
    WAIT_CV,
    WAIT_FINISHED,
    // TLS 1.2
    WAIT_CERT,
    WAIT_SKE,
    WAIT_SHD,
    /** Our ClientKeyExchange, ChangeCipherSpec and Finished sent: waiting for the server's ChangeCipherSpec. */
    WAIT_CCS,
    /** TLS 1.2, after the server's ChangeCipherSpec: its Finished. */
    WAIT_SERVER_FINISHED,
    CONNECTED,
    CLOSED
}
