package synack.exchange.tls;

import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One connection's check of the server's chain, done by us: the PKIX trust manager for the
 * chain, then the host name against the SANs ({@link HostNames}); the outcome kept as a type,
 * never read back from an exception's words. A refusal throws on to SSLEngine, which sends the
 * alert it picks for that exception (unknown_ca, certificate_expired, ...) and fails the handshake.
 */
final class TlsVerifier extends X509ExtendedTrustManager {
    /** What the check found, handed to the narration as soon as SSLEngine gives us the chain. */
    record Outcome(List<X509Certificate> chain, String matchedSan, TlsFailure failure, boolean insecure) {}

    private final TlsTrust trust;
    private final String host;
    private final Consumer<Outcome> told;
    private Outcome outcome;

    TlsVerifier(TlsTrust trust, String host, Consumer<Outcome> told) {
        this.trust = trust;
        this.host = host;
        this.told = told;
    }

    Outcome outcome() {
        return outcome;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        List<X509Certificate> certs = List.of(chain);
        String matched = chain.length > 0 ? HostNames.matching(host, chain[0]) : null;
        if (trust.isInsecure()) {
            tell(new Outcome(certs, matched, null, true));
            return;
        }
        try {
            if (engine != null) {
                trust.pkix().checkServerTrusted(chain, authType, engine);
            } else {
                trust.pkix().checkServerTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            TlsFailure.Reason reason = classify(e);
            String why = chainProblem(reason, chain);
            tell(new Outcome(certs, matched, new TlsFailure(reason, why, null), false));
            throw e; // SSLEngine picks the alert from this exception's type and cause: certificate_expired,
            // bad_certificate (not yet valid), certificate_unknown (no path to a trusted CA: JDK 17 has no unknown_ca for it)
        }
        if (matched == null) {
            String why = "the certificate does not name " + host + " (its SANs: "
                    + (chain.length == 0 || HostNames.sans(chain[0]).isEmpty() ? "none" : String.join(", ", HostNames.sans(chain[0])))
                    + ")";
            tell(new Outcome(certs, null, new TlsFailure(TlsFailure.Reason.WRONG_NAME, why, null), false));
            throw new CertificateException(why); // as SSLEngine's own endpoint identification would: certificate_unknown
        }
        tell(new Outcome(certs, matched, null, false));
    }

    private void tell(Outcome o) {
        outcome = o;
        told.accept(o);
    }

    /** The kind of a PKIX failure, from the exception types the JDK documents (and its causes). */
    static TlsFailure.Reason classify(CertificateException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return TlsFailure.Reason.EXPIRED;
            }
            if (t instanceof CertificateNotYetValidException) {
                return TlsFailure.Reason.NOT_YET_VALID;
            }
            if (t instanceof CertPathValidatorException v) {
                CertPathValidatorException.Reason r = v.getReason();
                if (r == CertPathValidatorException.BasicReason.EXPIRED) {
                    return TlsFailure.Reason.EXPIRED;
                }
                if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return TlsFailure.Reason.NOT_YET_VALID;
                }
                if (r == PKIXReason.NO_TRUST_ANCHOR) {
                    return TlsFailure.Reason.UNKNOWN_CA;
                }
            }
            if (t instanceof CertPathBuilderException) {
                return TlsFailure.Reason.UNKNOWN_CA; // no path from the chain to a CA we trust
            }
        }
        return TlsFailure.Reason.BAD_CERTIFICATE;
    }

    private String chainProblem(TlsFailure.Reason reason, X509Certificate[] chain) {
        X509Certificate leaf = chain.length > 0 ? chain[0] : null;
        for (int i = 0; i < chain.length && (reason == TlsFailure.Reason.EXPIRED || reason == TlsFailure.Reason.NOT_YET_VALID); i++) {
            try {
                chain[i].checkValidity();
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                leaf = chain[i]; // the one out of its validity: the server's own, or a CA's above it
                break;
            }
        }
        return switch (reason) {
            case UNKNOWN_CA -> "the chain leads to no CA we trust" + (leaf == null ? ""
                    : " (issuer " + chain[chain.length - 1].getIssuerX500Principal().getName() + ")") + "; trusted: " + trust.describe();
            case EXPIRED -> "the certificate " + (leaf == null ? "has expired" : leaf.getSubjectX500Principal().getName()
                    + " has expired (notAfter " + leaf.getNotAfter().toInstant() + ")");
            case NOT_YET_VALID -> "the certificate " + (leaf == null ? "is not valid yet" : leaf.getSubjectX500Principal().getName()
                    + " is not valid yet (notBefore " + leaf.getNotBefore().toInstant() + ")");
            default -> "the certificate chain was refused by PKIX validation";
        };
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("we are the client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("we are the client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("we are the client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trust.isInsecure() ? new X509Certificate[0] : trust.pkix().getAcceptedIssuers();
    }
}
