package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** RFC 6125 host-name matching: SAN dNSName with a left-most wildcard only, iPAddress for literals. */
class HostNamesTest {
    @Test
    void wildcardsMatchOneLeftMostLabelOnly() {
        assertTrue(HostNames.dnsMatch("www.synack.test", "www.synack.test"));
        assertTrue(HostNames.dnsMatch("WWW.Synack.Test.", "www.synack.test"), "case and a trailing dot do not count");
        assertTrue(HostNames.dnsMatch("a.wild.synack.test", "*.wild.synack.test"));
        assertFalse(HostNames.dnsMatch("wild.synack.test", "*.wild.synack.test"), "the wildcard is one label, not none");
        assertFalse(HostNames.dnsMatch("a.b.wild.synack.test", "*.wild.synack.test"), "nor two");
        assertFalse(HostNames.dnsMatch("a.synack.test", "a*.synack.test"), "only a whole label");
        assertFalse(HostNames.dnsMatch("www.synack.test", "www.*.test"), "only the left-most");
        assertFalse(HostNames.dnsMatch("x.test", "*.test"), "not over a single label");
        assertFalse(HostNames.dnsMatch("other.synack.test", "www.synack.test"));
    }

    @Test
    void theCertificatesSansDecide() throws Exception {
        X509Certificate www = leaf("www.p12");
        assertEquals("DNS:www.synack.test", HostNames.matching("www.synack.test", www));
        assertEquals("DNS:*.wild.synack.test", HostNames.matching("x.wild.synack.test", www));
        assertEquals("IP:198.18.2.2", HostNames.matching("198.18.2.2", www));
        assertNull(HostNames.matching("198.18.2.3", www));
        assertNull(HostNames.matching("synack.test", www));
        assertNull(HostNames.matching("wrong.synack.test", leaf("wrong.p12")), "its CN says wrong.synack.test: not looked at");
        assertTrue(HostNames.isAddress("198.18.2.2"));
        assertFalse(HostNames.isAddress("www.synack.test"));
    }

    static X509Certificate leaf(String p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = HostNamesTest.class.getResourceAsStream("/tls/" + p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        return (X509Certificate) ks.getCertificate("server");
    }
}
