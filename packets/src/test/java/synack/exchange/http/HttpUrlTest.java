package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** URLs taken apart, and Locations resolved against them as -L follows them. */
class HttpUrlTest {
    @Test
    void aUrlIsItsHostPortAndTarget() {
        assertEquals(new HttpUrl("www.synack.test", 80, "/"), HttpUrl.parse("http://WWW.synack.test"));
        assertEquals(new HttpUrl("198.18.2.2", 8080, "/a/b?q=1"), HttpUrl.parse("198.18.2.2:8080/a/b?q=1"));
        assertEquals("www.synack.test:8080", HttpUrl.parse("http://www.synack.test:8080/").authority());
        assertEquals("http://www.synack.test/x", HttpUrl.parse("http://www.synack.test:80/x").toString());
    }

    @Test
    void whatIsNoHttpUrlIsRefused() {
        for (String bad : new String[] {"ftp://x/", "http://", "http://www.synack.test:99999/",
            "http://user:pw@www.synack.test/", "http://bad host/"}) {
            assertThrows(IllegalArgumentException.class, () -> HttpUrl.parse(bad), bad);
        }
    }

    @Test
    void locationsResolveAgainstTheUrlTheyCameFrom() {
        HttpUrl base = HttpUrl.parse("http://www.synack.test/dir/page?x=1");
        assertEquals(HttpUrl.parse("http://other.synack.test/new"), base.resolve("http://other.synack.test/new"));
        assertEquals(HttpUrl.parse("http://other.synack.test:81/"), base.resolve("//other.synack.test:81/"));
        assertEquals(HttpUrl.parse("http://www.synack.test/root"), base.resolve("/root"));
        assertEquals(HttpUrl.parse("http://www.synack.test/dir/next"), base.resolve("next"));
        assertEquals(HttpUrl.parse("https://www.synack.test/"), base.resolve("https://www.synack.test/"), "on to TLS");
    }
}
