package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6265 storage and retrieval, and curl's Netscape cookie file, line for line. */
class CookieJarTest {
    static final long NOW = 1_796_231_675L; // 2026-12-02
    static final HttpUrl SET = HttpUrl.parse("http://www.synack.test/cookie/set");

    static CookieJar.Storing store(CookieJar jar, String setCookie) {
        return jar.store(setCookie, SET, false, NOW);
    }

    static List<String> sent(CookieJar jar, String url) {
        return jar.choose(HttpUrl.parse(url), false, NOW).stream().filter(CookieJar.Choice::sent).map(c -> c.cookie().name()).toList();
    }

    @Test
    void theLabsCookieIsHostOnlyWithItsPathAndASessionCookie() {
        CookieJar jar = new CookieJar();
        CookieJar.Storing s = store(jar, "lab_session=s3cr3t; Path=/cookie");
        assertEquals(CookieJar.Stored.STORED, s.kind());
        Cookie c = s.cookie();
        assertEquals("www.synack.test", c.domain());
        assertTrue(c.hostOnly());
        assertEquals("/cookie", c.path());
        assertEquals(0, c.expires());
        assertEquals("www.synack.test\tFALSE\t/cookie\tFALSE\t0\tlab_session\ts3cr3t", c.netscapeLine());
        assertEquals(List.of("lab_session"), sent(jar, "http://www.synack.test/cookie/check"));
        assertEquals(List.of("lab_session"), sent(jar, "http://www.synack.test/cookie"));
        assertEquals(List.of(), sent(jar, "http://www.synack.test/cookies"), "/cookie does not cover /cookies");
        assertEquals(List.of(), sent(jar, "http://www.synack.test/hello.txt"));
        assertEquals(List.of(), sent(jar, "http://web.synack.test/cookie/check"), "host-only: not another host");
        List<CookieJar.Choice> other = jar.choose(HttpUrl.parse("http://www.synack.test/hello.txt"), false, NOW);
        assertEquals(CookieJar.Reason.OTHER_PATH, other.get(0).reason());
        assertEquals(CookieJar.Reason.OTHER_HOST, jar.choose(HttpUrl.parse("http://web.synack.test/cookie"), false, NOW).get(0).reason());
    }

    @Test
    void theDefaultPathIsTheRequestPathUpToItsLastSlash() {
        assertEquals("/cookie", CookieJar.defaultPath("/cookie/set"));
        assertEquals("/", CookieJar.defaultPath("/set"));
        assertEquals("/", CookieJar.defaultPath("/"));
        assertEquals("/a/b", CookieJar.defaultPath("/a/b/c?x=/y/z"));
        CookieJar jar = new CookieJar();
        assertEquals("/cookie", store(jar, "n=v").cookie().path());
        assertEquals("/cookie", store(jar, "m=v; Path=relative").cookie().path(), "a path not starting with / is the default");
    }

    @Test
    void pathAndDomainMatchAsTheRfcSays() {
        assertTrue(CookieJar.pathMatch("/a/b", "/a"));
        assertTrue(CookieJar.pathMatch("/a/b", "/a/"));
        assertTrue(CookieJar.pathMatch("/a", "/a"));
        assertFalse(CookieJar.pathMatch("/ab", "/a"));
        assertFalse(CookieJar.pathMatch("/", "/a"));
        assertTrue(CookieJar.domainMatch("www.synack.test", "synack.test"));
        assertTrue(CookieJar.domainMatch("synack.test", "synack.test"));
        assertFalse(CookieJar.domainMatch("xsynack.test", "synack.test"));
        assertFalse(CookieJar.domainMatch("198.18.2.2", "18.2.2"), "an address matches only itself");
    }

    @Test
    void aDomainAttributeWidensItToSubdomainsAndALeadingDotIsIgnored() {
        CookieJar jar = new CookieJar();
        Cookie c = store(jar, "wide=1; Domain=.Synack.Test; Path=/").cookie();
        assertFalse(c.hostOnly());
        assertEquals("synack.test", c.domain());
        assertEquals(".synack.test\tTRUE\t/\tFALSE\t0\twide\t1", c.netscapeLine());
        assertEquals(List.of("wide"), sent(jar, "http://web.synack.test/"));
        assertEquals(List.of("wide"), sent(jar, "http://synack.test/"));
        assertEquals(List.of(), sent(jar, "http://example.test/"));
    }

    @Test
    void aDomainThatDoesNotCoverTheHostOrIsATopLevelNameIsRefused() {
        CookieJar jar = new CookieJar();
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "x=1; Domain=example.test").kind());
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "x=1; Domain=web.synack.test").kind(), "a sibling is not the host");
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "x=1; Domain=test").kind());
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "novalue").kind());
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "=v").kind());
        assertTrue(jar.cookies().isEmpty());
    }

    @Test
    void secureIsRefusedFromHttpAndSentOnlyOverHttps() {
        CookieJar jar = new CookieJar();
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "s=1; Secure").kind(), "as curl: no Secure cookie from http://");
        CookieJar.Storing s = jar.store("s=1; Secure; Path=/", SET, true, NOW);
        assertEquals(CookieJar.Stored.STORED, s.kind());
        assertEquals(CookieJar.Reason.SECURE_ONLY, jar.choose(HttpUrl.parse("http://www.synack.test/"), false, NOW).get(0).reason());
        assertTrue(jar.choose(HttpUrl.parse("http://www.synack.test/"), true, NOW).get(0).sent());
    }

    @Test
    void maxAgeWinsOverExpiresAndBothExpire() {
        CookieJar jar = new CookieJar();
        Cookie c = store(jar, "a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=60; Path=/").cookie();
        assertEquals(NOW + 60, c.expires(), "Max-Age over a past Expires");
        Cookie e = store(jar, "b=1; Expires=Thu, 03 Dec 2026 10:00:00 GMT; Path=/").cookie();
        assertEquals(HttpDate.parse("Thu, 03 Dec 2026 10:00:00 GMT"), e.expires());
        assertEquals(NOW + CookieJar.MAX_LIFETIME, store(jar, "c=1; Max-Age=999999999; Path=/").cookie().expires(), "400 days at most");
        List<CookieJar.Choice> later = jar.choose(HttpUrl.parse("http://www.synack.test/"), false, NOW + 61);
        assertEquals(CookieJar.Reason.EXPIRED, later.stream().filter(x -> x.cookie().name().equals("a")).findFirst().get().reason());
        assertTrue(later.stream().filter(x -> x.cookie().name().equals("b")).findFirst().get().sent());
    }

    @Test
    void aCookieOfTheSameNameDomainAndPathReplacesAndAPastExpiryDeletes() {
        CookieJar jar = new CookieJar();
        store(jar, "first=1; Path=/");
        store(jar, "n=old; Path=/");
        CookieJar.Storing r = store(jar, "n=new; Path=/");
        assertEquals(CookieJar.Stored.REPLACED, r.kind());
        assertEquals(2, jar.cookies().size());
        assertEquals(2, r.cookie().created(), "the replacement keeps its place in the creation order");
        assertEquals(CookieJar.Stored.STORED, store(jar, "n=other; Path=/x").kind(), "another path is another cookie");
        assertEquals(CookieJar.Stored.DELETED, store(jar, "n=gone; Path=/; Max-Age=0").kind());
        assertEquals(CookieJar.Stored.DELETED, store(jar, "first=x; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT").kind());
        assertEquals(List.of("n"), jar.cookies().stream().map(Cookie::name).toList());
        assertEquals("/x", jar.cookies().get(0).path());
    }

    @Test
    void theLongerPathGoesFirstThenTheOlder() {
        CookieJar jar = new CookieJar();
        store(jar, "short=1; Path=/");
        store(jar, "long=1; Path=/cookie");
        store(jar, "later=1; Path=/");
        List<CookieJar.Choice> c = jar.choose(HttpUrl.parse("http://www.synack.test/cookie/check"), false, NOW);
        assertEquals("long=1; short=1; later=1", CookieJar.header(c));
        assertNull(CookieJar.header(jar.choose(HttpUrl.parse("http://other.test/"), false, NOW)));
    }

    /** What curl 7.88.1 wrote for the file below (curl -b in.txt -c out.txt file:///dev/null): newest first, the expired one gone. */
    static final String CURL_IN = "# Netscape HTTP Cookie File\n\nwww.synack.test\tFALSE\t/\tFALSE\t0\ta\t1\n"
            + ".synack.test\tTRUE\t/cookie\tFALSE\t1900000000\tb\t2\n#HttpOnly_www.synack.test\tFALSE\t/\tTRUE\t0\tc\t3\n"
            + "www.synack.test\tFALSE\t/\tFALSE\t1000\told\tx\n";
    static final String CURL_OUT = "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n"
            + "# This file was generated by libcurl! Edit at your own risk.\n\n"
            + "#HttpOnly_www.synack.test\tFALSE\t/\tTRUE\t0\tc\t3\n"
            + ".synack.test\tTRUE\t/cookie\tFALSE\t1900000000\tb\t2\n"
            + "www.synack.test\tFALSE\t/\tFALSE\t0\ta\t1\n";

    @Test
    void aNetscapeFileReadAndWrittenAgainIsWhatCurlWrites() {
        CookieJar jar = new CookieJar();
        jar.readNetscape(CURL_IN, "in.txt", NOW);
        // line for line curl's, but for the comment that names the program that wrote it
        assertEquals(CURL_OUT.replace("generated by libcurl!", "generated by synack (curl's format; curl reads it)."), jar.toNetscape(NOW));
        Cookie c = jar.cookies().stream().filter(x -> x.name().equals("c")).findFirst().get();
        assertTrue(c.httpOnly() && c.secure() && c.hostOnly());
        assertEquals(CookieJar.NETSCAPE_HEADER, new CookieJar().toNetscape(NOW), "no cookies: the header alone, as curl writes");
    }

    @Test
    void setCookieFieldsWrittenAsCurlWritesThem() {
        // curl 7.88.1 given these two Set-Cookie lines wrote ".synack.test TRUE / FALSE 0 x y" and, newest first, the HttpOnly one
        CookieJar jar = new CookieJar();
        store(jar, "x=y; Domain=.synack.test; Path=/");
        store(jar, "z=1; Domain=synack.test; Path=/p; Max-Age=100; HttpOnly");
        assertEquals(CookieJar.NETSCAPE_HEADER + "#HttpOnly_.synack.test\tTRUE\t/p\tFALSE\t" + (NOW + 100) + "\tz\t1\n"
                + ".synack.test\tTRUE\t/\tFALSE\t0\tx\ty\n", jar.toNetscape(NOW));
    }

    @Test
    void cookieDatesAreReadAsRfc6265ReadsThem() {
        long t = 1_796_205_600L; // Wed, 02 Dec 2026 10:00:00 GMT
        assertEquals(t, HttpDate.parse("Wed, 02 Dec 2026 10:00:00 GMT"));
        assertEquals(t, HttpDate.parse("Wednesday, 02-Dec-26 10:00:00 GMT"), "RFC 850");
        assertEquals(t, HttpDate.parse("Wed Dec  2 10:00:00 2026"), "asctime");
        assertEquals("Wed, 02 Dec 2026 10:00:00 GMT", HttpDate.format(t));
        assertNull(HttpDate.parse("not a date"));
        assertNull(HttpDate.parse("Mon, 30 Feb 2026 10:00:00 GMT"));
        assertNull(HttpDate.parse("Wed, 02 Dec 2026 25:00:00 GMT"));
        assertEquals(HttpDate.parse("Wed, 02 Dec 2026 00:00:00 GMT"), HttpDate.parseCondition("2026-12-02"));
        assertEquals(t, HttpDate.parseCondition("2026-12-02 10:00:00"));
        assertNull(HttpDate.parseCondition("/etc/hostname"));
    }

    @Test
    void aCookieWithoutPathIsWrittenWithCurlsEndSlashAndMatchedByTheRfcsDefaultPath() {
        // curl 7.88.1, Set-Cookie "n=v" from /cookie/set: "www.synack.test FALSE /cookie/ FALSE 0 n v" (lib/cookie.c: include end slash)
        CookieJar jar = new CookieJar();
        Cookie c = store(jar, "n=v").cookie();
        assertEquals("/cookie", c.path(), "RFC 6265 §5.1.4's default path, for matching");
        assertEquals("www.synack.test\tFALSE\t/cookie/\tFALSE\t0\tn\tv", c.netscapeLine());
        assertEquals(List.of("n"), sent(jar, "http://www.synack.test/cookie"));
        assertEquals(List.of(), sent(jar, "http://www.synack.test/cookies"));
        assertEquals("www.synack.test\tFALSE\t/\tFALSE\t0\tr\tv",
                jar.store("r=v", HttpUrl.parse("http://www.synack.test/set"), false, NOW).cookie().netscapeLine(), "the root: one slash");
        CookieJar back = new CookieJar();
        back.readNetscape(jar.toNetscape(NOW), "jar.txt", NOW);
        assertEquals(c.netscapeLine(), back.cookies().get(1).netscapeLine(), "read and written again: the same line");
        assertEquals(List.of("n", "r"), sent(back, "http://www.synack.test/cookie"), "curl's \"/cookie/\" matches as \"/cookie\"");
    }

    @Test
    void aCookieFileExpiryBeyondTheYear9999IsCappedThereAndTold() {
        CookieJar jar = new CookieJar();
        List<CookieJar.Capped> capped = jar.readNetscape("www.synack.test\tFALSE\t/\tFALSE\t99999999999999999999\ta\t1\n"
                + "www.synack.test\tFALSE\t/\tFALSE\t9223372036854775807\tb\t2\n"
                + "www.synack.test\tFALSE\t/\tFALSE\t1900000000\tc\t3\n", "f", NOW);
        assertEquals(List.of(new CookieJar.Capped(1, "a", "99999999999999999999"), new CookieJar.Capped(2, "b", "9223372036854775807")),
                capped);
        assertEquals(List.of(HttpDate.LATEST, HttpDate.LATEST, 1_900_000_000L), jar.cookies().stream().map(Cookie::expires).toList());
        List<CookieJar.Choice> c = jar.choose(HttpUrl.parse("http://www.synack.test/"), false, NOW);
        assertTrue(c.get(0).why().endsWith("valid until Fri, 31 Dec 9999 23:59:59 GMT"), c.get(0).why());
        assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", HttpDate.format(Long.MAX_VALUE));
        assertEquals("Mon, 01 Jan 0001 00:00:00 GMT", HttpDate.format(Long.MIN_VALUE));
    }

    @Test
    void aTabOrControlCharacterInANameOrValueIsDroppedAndNeverWritten() {
        CookieJar jar = new CookieJar();
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "n=a\tb; Path=/").kind());
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "n\u0001=v; Path=/").kind());
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "n=\u001bv; Path=/").kind());
        assertEquals(CookieJar.Stored.REJECTED, store(jar, "n=v\u007f; Path=/").kind());
        assertEquals(CookieJar.Stored.STORED, store(jar, "n=a b; Path=/").kind(), "a space inside a value is no control character");
        assertEquals(CookieJar.NETSCAPE_HEADER + "www.synack.test\tFALSE\t/\tFALSE\t0\tn\ta b\n", jar.toNetscape(NOW));
    }

    @Test
    void aTrailingDotNeitherOnTheHostNorOnTheDomainLetsACookieCoverATopLevelName() {
        CookieJar jar = new CookieJar();
        HttpUrl dotted = HttpUrl.parse("http://www.synack.test./");
        assertEquals(CookieJar.Stored.REJECTED, jar.store("n=v; Domain=test.; Path=/", dotted, false, NOW).kind());
        assertEquals(CookieJar.Stored.REJECTED, jar.store("n=v; Domain=.; Path=/", dotted, false, NOW).kind());
        assertEquals(CookieJar.Stored.REJECTED, jar.store("n=v; Domain=synack..test; Path=/", dotted, false, NOW).kind(), "an empty label");
        assertTrue(jar.cookies().isEmpty());
        assertNull(CookieJar.header(jar.choose(HttpUrl.parse("http://evil.test./"), false, NOW)));
        Cookie c = jar.store("w=1; Domain=synack.test.; Path=/", dotted, false, NOW).cookie();
        assertEquals("synack.test", c.domain(), "the root's dot stripped, the domain kept");
        assertEquals(List.of("w"), sent(jar, "http://web.synack.test./"));
        assertEquals(List.of("w"), sent(jar, "http://web.synack.test/"));
    }

    @Test
    void aCookieFromHttpCannotReplaceASecureOne() {
        CookieJar jar = new CookieJar();
        jar.readNetscape("www.synack.test\tFALSE\t/\tTRUE\t0\ts\tgood\n", "f", NOW);
        CookieJar.Storing s = jar.store("s=evil; Path=/", HttpUrl.parse("http://www.synack.test/"), false, NOW);
        assertEquals(CookieJar.Stored.REJECTED, s.kind());
        assertEquals(CookieJar.Stored.REJECTED, jar.store("s=evil; Path=/deeper", HttpUrl.parse("http://www.synack.test/"), false, NOW)
                .kind(), "a path under the Secure one's: refused too");
        assertEquals(CookieJar.Stored.REJECTED, jar.store("s=evil; Domain=synack.test; Path=/", HttpUrl.parse("http://www.synack.test/"),
                false, NOW).kind(), "a domain covering it: refused too");
        assertEquals(List.of("good"), jar.cookies().stream().map(Cookie::value).toList());
        assertEquals(CookieJar.Stored.STORED, store(jar, "t=other; Path=/").kind(), "another name is stored");
        assertEquals(CookieJar.Stored.REPLACED, jar.store("s=new; Path=/", HttpUrl.parse("http://www.synack.test/"), true, NOW).kind(),
                "over https it may");
    }

    @Test
    void aDomainThatIsTheAddressItCameFromIsHostOnly() {
        // curl 7.88.1 wrote "198.18.2.2 FALSE / FALSE 0 n v" for it
        CookieJar jar = new CookieJar();
        CookieJar.Storing s = jar.store("n=v; Domain=198.18.2.2; Path=/", HttpUrl.parse("http://198.18.2.2/"), false, NOW);
        assertEquals(CookieJar.Stored.STORED, s.kind());
        assertTrue(s.cookie().hostOnly());
        assertEquals("198.18.2.2\tFALSE\t/\tFALSE\t0\tn\tv", s.cookie().netscapeLine());
        assertEquals(CookieJar.Stored.REJECTED, jar.store("m=v; Domain=18.2.2; Path=/", HttpUrl.parse("http://198.18.2.2/"), false, NOW)
                .kind());
    }
}
