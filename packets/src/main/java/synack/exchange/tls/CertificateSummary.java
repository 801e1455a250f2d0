package synack.exchange.tls;

import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the narration and the JSON result tell of one certificate of the server's chain. */
public record CertificateSummary(String subject, String issuer, String notBefore, String notAfter, List<String> sans,
                                 String serial, String keyAlgorithm, String signatureAlgorithm) {
    public static CertificateSummary of(X509Certificate c) {
        return new CertificateSummary(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                c.getNotBefore().toInstant().toString(), c.getNotAfter().toInstant().toString(), List.copyOf(HostNames.sans(c)),
                c.getSerialNumber().toString(16), c.getPublicKey().getAlgorithm(), c.getSigAlgName());
    }

    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("subject", subject);
        f.put("issuer", issuer);
        f.put("not_before", notBefore);
        f.put("not_after", notAfter);
        f.put("san", sans);
        f.put("serial", serial);
        f.put("key", keyAlgorithm);
        f.put("signature", signatureAlgorithm);
        return f;
    }
}
