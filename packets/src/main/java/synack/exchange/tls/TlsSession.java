package synack.exchange.tls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one connection's TLS came to, for the journey's result: what was negotiated, the server's
 * chain and whether we trusted it, the failure if any, and when the handshake finished (curl's
 * appconnect).
 */
public record TlsSession(String host, String version, String cipherSuite, String alpn, List<CertificateSummary> chain,
                         String matchedSan, boolean verified, boolean insecure, TlsFailure failure, long handshakeStartedAt,
                         long handshakeDoneAt, long recordsIn, long recordsOut, long plaintextIn, long plaintextOut) {
    public boolean established() {
        return handshakeDoneAt >= 0;
    }

    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("version", version);
        f.put("cipher", cipherSuite);
        f.put("alpn", alpn);
        f.put("sni", HostNames.isAddress(host) ? null : host);
        f.put("verified", verified);
        f.put("insecure", insecure);
        Map<String, Object> cert = null;
        if (!chain.isEmpty()) {
            cert = new LinkedHashMap<>(chain.get(0).fields());
            cert.put("matched", matchedSan);
            List<Map<String, Object>> issuers = new ArrayList<>();
            for (CertificateSummary c : chain.subList(1, chain.size())) {
                issuers.add(c.fields());
            }
            cert.put("chain", issuers);
        }
        f.put("certificate", cert);
        f.put("failure", failure == null ? null : failure.fields());
        f.put("records_in", recordsIn);
        f.put("records_out", recordsOut);
        f.put("application_bytes_in", plaintextIn);
        f.put("application_bytes_out", plaintextOut);
        return f;
    }
}
