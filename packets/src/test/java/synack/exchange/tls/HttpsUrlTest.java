package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import synack.exchange.http.HttpUrl;

/** https:// URLs: port 443 by default, the scheme kept through redirects; refused where TLS is not wired. */
class HttpsUrlTest {
    @Test
    void httpsHasItsOwnDefaultPort() {
        HttpUrl u = HttpUrl.parse("https://WWW.synack.test/a?b=1", true);
        assertEquals("https", u.scheme());
        assertTrue(u.secure());
        assertEquals(443, u.port());
        assertEquals("www.synack.test", u.authority());
        assertEquals("https://www.synack.test/a?b=1", u.toString());
        assertEquals("www.synack.test:8443", HttpUrl.parse("https://www.synack.test:8443/", true).authority());
        assertEquals("www.synack.test:443", HttpUrl.parse("http://www.synack.test:443/", true).authority());
        assertFalse(HttpUrl.parse("www.synack.test", true).secure(), "no scheme: http");
    }

    @Test
    void redirectsKeepTheScheme() {
        HttpUrl base = HttpUrl.parse("https://www.synack.test/dir/page", true);
        assertEquals(HttpUrl.parse("https://www.synack.test/root", true), base.resolve("/root"));
        assertEquals(HttpUrl.parse("https://www.synack.test/dir/next", true), base.resolve("next"));
        assertEquals(HttpUrl.parse("https://other.synack.test/", true), base.resolve("//other.synack.test/"));
        assertEquals(HttpUrl.parse("http://www.synack.test/", true), base.resolve("http://www.synack.test/"));
    }

    @Test
    void whereTlsIsNotSpokenHttpsIsRefusedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.parse("https://www.synack.test/", false));
        assertTrue(e.getMessage().contains("https"), e.getMessage());
        assertTrue(HttpUrl.parse("https://www.synack.test/").secure(), "http-get's parse takes https");
        assertTrue(HttpUrl.parse("http://www.synack.test/").resolve("https://x.synack.test/").secure(), "a redirect on to TLS");
        assertThrows(IllegalArgumentException.class, () -> HttpUrl.parse("ftp://x/", true));
    }
}
