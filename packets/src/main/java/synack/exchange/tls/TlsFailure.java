package synack.exchange.tls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a TLS connection did not come up, as data: the kind (what the journey turns into an exit
 * code), the words, and the alert when one was received.
 */
public record TlsFailure(Reason reason, String detail, TlsAlert alert) {
    public enum Reason {
        /** The chain leads to no CA we trust. */
        UNKNOWN_CA,
        /** A certificate of the chain is past its notAfter. */
        EXPIRED,
        /** A certificate of the chain is before its notBefore. */
        NOT_YET_VALID,
        /** The chain is trusted, but no SAN names the host we asked for. */
        WRONG_NAME,
        /** Trusted by no other measure: a bad signature, a forbidden algorithm, a CA constraint broken. */
        BAD_CERTIFICATE,
        /** The server sent a fatal alert. */
        ALERT_RECEIVED,
        /** What came back is not TLS records (a plain-HTTP server on the port, say). */
        NOT_TLS,
        /** Anything else: the server closed mid-handshake, SSLEngine refused what it sent, no answer. */
        HANDSHAKE_FAILED,
        /**
         * SSLEngine refused a record after the handshake had finished: in TLS 1.3 a fatal alert is
         * encrypted, so a server that wants a client certificate says so this way.
         */
        AFTER_HANDSHAKE;

        /** The server's certificate was not trusted (the journey's exit 5). */
        public boolean untrusted() {
            return this == UNKNOWN_CA || this == EXPIRED || this == NOT_YET_VALID || this == WRONG_NAME || this == BAD_CERTIFICATE;
        }

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("reason", reason.jsonName());
        f.put("detail", detail);
        f.put("alert", alert == null ? null : alert.fields());
        return f;
    }
}
