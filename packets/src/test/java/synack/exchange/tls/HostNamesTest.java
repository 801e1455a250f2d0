package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void addressLiteralsAreTheOnesIp4TakesAndTheirBytesAreParsedHereNeverLookedUp() {
        assertFalse(HostNames.isAddress("999.999.999.999"), "no dotted quad: a name (it was handed to InetAddress.getByName, a DNS query)");
        assertFalse(HostNames.isAddress("01.2.3.4.5"));
        assertNull(HostNames.addressBytes("999.999.999.999"));
        assertNull(HostNames.addressBytes("www.synack.test"));
        assertArrayEquals(new byte[] {(byte) 198, 18, 2, 2}, HostNames.addressBytes("198.18.2.2"));
        byte[] v6 = new byte[16];
        v6[0] = (byte) 0xfe;
        v6[1] = (byte) 0x80;
        v6[15] = 1;
        assertArrayEquals(v6, HostNames.addressBytes("fe80::1"));
        assertArrayEquals(v6, HostNames.addressBytes("FE80:0:0:0:0:0:0:0001"));
        assertArrayEquals(new byte[16], HostNames.addressBytes("::"));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 198;
        mapped[13] = 18;
        mapped[14] = 2;
        mapped[15] = 2;
        assertArrayEquals(mapped, HostNames.addressBytes("::ffff:198.18.2.2"));
        assertNull(HostNames.addressBytes("1::2::3"));
        assertNull(HostNames.addressBytes("1:2:3:4:5:6:7"));
        assertNull(HostNames.addressBytes("1:2:3:4:5:6:7:8:9"));
        assertNull(HostNames.addressBytes("12345::1"));
        assertNull(HostNames.addressBytes("g::1"));
    }

    @Test
    void theCommonNameCountsOnlyWhenNoDnsNameSanIsThere() throws Exception {
        assertEquals("CN:cn.synack.test", HostNames.matching("cn.synack.test", leaf("nosan.p12")), "no SAN at all: its CN");
        assertEquals("CN:cn.synack.test", HostNames.matching("CN.synack.test.", leaf("nosan.p12")));
        assertNull(HostNames.matching("other.synack.test", leaf("nosan.p12")));
        assertEquals("CN:cn.synack.test", HostNames.matching("cn.synack.test", leaf("ipsan.p12")), "an iPAddress SAN only: its CN");
        assertNull(HostNames.matching("198.18.2.3", leaf("nosan.p12")), "an address is never matched by the CN");
        assertEquals("IP:198.18.2.3", HostNames.matching("198.18.2.3", leaf("ipsan.p12")));
        assertNull(HostNames.matching("wrong.synack.test", leaf("wrong.p12")), "a dNSName SAN is there: its CN is not looked at");
    }

    static X509Certificate leaf(String p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = HostNamesTest.class.getResourceAsStream("/tls/" + p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        return (X509Certificate) ks.getCertificate("server");
    }
}
