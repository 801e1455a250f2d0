package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests of issue 15 against the lab's nginx, over synack's own TCP: methods with a body (the
 * POST echo returns what we sent), cookies (Set-Cookie then Cookie, across redirects and URLs, the
 * jar file beside curl's for the same run), conditional GETs answered 304, the redirect method rules,
 * and the hosts file asked before DNS. The oracles are curl in the same namespace, the files nginx
 * serves, nginx's access logs and dnsmasq's query log.
 */
class HttpRequestsLabIT {
    static Lab lab;

    @BeforeAll
    static void up() {
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    static Lab.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10"));
        cmd.addAll(List.of(args));
        return lab.in("client", cmd.toArray(new String[0]));
    }

    /** A body an HTTP parser could trip on: random bytes with CR LF, NUL and a status line inside. */
    static byte[] trickyBody(int size, long seed) {
        byte[] body = new byte[size];
        new Random(seed).nextBytes(body);
        byte[] tricky = "\r\n\r\n\0HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tricky, 0, body, 0, tricky.length);
        System.arraycopy(tricky, 0, body, size / 2, tricky.length);
        System.arraycopy(tricky, 0, body, size - tricky.length, tricky.length);
        return body;
    }

    /** What synack told: on stdout with -o, on stderr when the body goes to stdout (as curl -v). */
    static String story(Lab.Result r) {
        return r.out() + r.err();
    }

    /** The cookie lines of a Netscape cookie file: neither the comment header nor blank lines. */
    static List<String> cookieLines(Path jar) throws Exception {
        return Files.readAllLines(jar).stream().filter(l -> !l.isBlank() && (!l.startsWith("#") || l.startsWith("#HttpOnly_"))).toList();
    }

    // ------------------------------------------------------------------ methods and bodies

    @Test
    void thePostEchoReturnsOurBody(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("body.bin");
        Files.write(in, trickyBody(200_000, 15));
        Path out = dir.resolve("echo.bin");
        Lab.Result r = lab.synack("http-get", "--data-binary", "@" + in, "-o", out.toString(), "http://www.synack.test/echo");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(sha256(in), sha256(out), "the echo is our body, byte for byte");
        assertTrue(r.out().contains("request line   POST /echo HTTP/1.1"), r.toString());
        assertTrue(r.out().contains("Content-Length: 200000"), r.toString());
        assertTrue(r.out().contains("200000 bytes, as Content-Length says (the message's third part)"), "the body labelled:\n" + r);
        // curl, sending the same file to the same echo, gets the same bytes
        Path curls = dir.resolve("curl.bin");
        Lab.Result c = curl("--data-binary", "@" + in, "-o", curls.toString(), "http://www.synack.test/echo");
        assertEquals(0, c.exit(), c.toString());
        assertEquals(sha256(curls), sha256(out));
    }

    @Test
    void formDataIsPostedAndJoinedWithAmpersands(@TempDir Path dir) throws Exception {
        Lab.Result r = lab.synack("http-get", "-q", "-d", "a=1", "-d", "b=two words", "http://www.synack.test/echo");
        assertEquals(0, r.exit(), r.toString());
        Lab.Result c = curl("-d", "a=1", "-d", "b=two words", "http://www.synack.test/echo");
        assertEquals(c.out(), r.out(), "curl's body for the same -d options");
        assertEquals("a=1&b=two words", r.out());
        // -d @FILE strips CR and LF as curl does
        Path form = dir.resolve("form.txt");
        Files.writeString(form, "x=1\r\n&y=2\n");
        Lab.Result f = lab.synack("http-get", "-q", "-d", "@" + form, "http://www.synack.test/echo");
        assertEquals(0, f.exit(), f.toString());
        assertEquals(curl("-d", "@" + form, "http://www.synack.test/echo").out(), f.out());
        Lab.Result told = lab.synack("http-get", "-o", "/dev/null", "-d", "a=1", "http://www.synack.test/echo");
        assertTrue(told.out().contains("Content-Type: application/x-www-form-urlencoded"), told.toString());
    }

    @Test
    void putDeleteAndOptionsAreSentWithTheirMethod(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("put.bin");
        Files.write(in, trickyBody(5000, 7));
        Path out = dir.resolve("put-echo.bin");
        Lab.Result put = lab.synack("http-get", "-X", "PUT", "--data-binary", "@" + in, "-o", out.toString(), "http://www.synack.test/echo");
        assertEquals(0, put.exit(), put.toString());
        assertTrue(put.out().contains("request line   PUT /echo HTTP/1.1"), put.toString());
        assertEquals(sha256(in), sha256(out));
        for (String method : List.of("DELETE", "OPTIONS")) {
            Lab.Result r = lab.synack("http-get", "-X", method, "-o", "/dev/null", "http://www.synack.test/echo");
            assertEquals(0, r.exit(), method + "\n" + r);
            assertTrue(r.out().contains("request line   " + method + " /echo HTTP/1.1"), r.toString());
        }
        // nginx's access log is the oracle for what reached it
        String log = Files.readString(Path.of(lab.get("LAB_DIR"), "nginx-access.log"));
        for (String method : List.of("PUT", "DELETE", "OPTIONS")) {
            assertTrue(log.contains("\"" + method + " /echo HTTP/1.1\" 200"), method + " in nginx's log:\n" + log);
        }
    }

    // ------------------------------------------------------------------ cookies

    @Test
    void aCookieSetOnTheFirstRequestIsSentOnTheSecondAndTheJarMatchesCurls(@TempDir Path dir) throws Exception {
        Path ours = dir.resolve("ours.jar");
        Lab.Result r = lab.synack("http-get", "-c", ours.toString(), "-o", "/dev/null", "http://www.synack.test/cookie/set",
                "http://www.synack.test/cookie/check");
        assertEquals(0, r.exit(), "the check answered 200, not 403:\n" + r);
        assertTrue(r.out().contains("Cookie: lab_session=s3cr3t"), r.toString());
        Path curls = dir.resolve("curl.jar");
        Lab.Result c = curl("-c", curls.toString(), "-o", "/dev/null", "-o", "/dev/null", "http://www.synack.test/cookie/set",
                "http://www.synack.test/cookie/check");
        assertEquals(0, c.exit(), c.toString());
        assertEquals(cookieLines(curls), cookieLines(ours), "our jar's cookie lines are curl's:\n" + Files.readString(ours));
        assertEquals(List.of("www.synack.test\tFALSE\t/cookie\tFALSE\t0\tlab_session\ts3cr3t"), cookieLines(ours));
        assertTrue(Files.readString(ours).startsWith("# Netscape HTTP Cookie File"), Files.readString(ours));
    }

    @Test
    void aCookieSetOnARedirectIsSentOnTheRedirectedRequest(@TempDir Path dir) throws Exception {
        Path ours = dir.resolve("ours.jar");
        Lab.Result r = lab.synack("http-get", "-L", "-c", ours.toString(), "http://www.synack.test/cookie/redirect");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(story(r).contains("HTTP/1.1 302"), r.toString());
        assertTrue(story(r).contains("Cookie: lab_session=s3cr3t"), "sent on the redirected request:\n" + r);
        assertTrue(story(r).contains("cookie ok"), r.toString());
        Path curls = dir.resolve("curl.jar");
        Lab.Result c = curl("-L", "-c", curls.toString(), "http://www.synack.test/cookie/redirect");
        assertEquals("cookie ok\n", c.out(), c.toString());
        assertEquals(cookieLines(curls), cookieLines(ours));
    }

    @Test
    void cookiesGivenWithBAreSentAndOnlyWhereTheyMatch(@TempDir Path dir) throws Exception {
        Lab.Result given = lab.synack("http-get", "-q", "-b", "lab_session=s3cr3t", "http://www.synack.test/cookie/check");
        assertEquals(0, given.exit(), given.toString());
        assertEquals("cookie ok\n", given.out());
        Lab.Result none = lab.synack("http-get", "-q", "http://www.synack.test/cookie/check");
        assertEquals(1, none.exit(), "403 without the cookie is a negative answer:\n" + none);
        // a jar written by curl, read back by -b FILE
        Path curls = dir.resolve("curl.jar");
        assertEquals(0, curl("-c", curls.toString(), "-o", "/dev/null", "http://www.synack.test/cookie/set").exit());
        Lab.Result fromFile = lab.synack("http-get", "-q", "-b", curls.toString(), "http://www.synack.test/cookie/check");
        assertEquals(0, fromFile.exit(), fromFile.toString());
        assertEquals("cookie ok\n", fromFile.out());
        // Path=/cookie: a request to /hello.txt does not carry it
        Lab.Result other = lab.synack("http-get", "-o", "/dev/null", "-b", curls.toString(), "http://www.synack.test/hello.txt");
        assertEquals(0, other.exit(), other.toString());
        assertFalse(other.out().contains("Cookie: lab_session"), "path /cookie does not match /hello.txt:\n" + other);
    }

    // ------------------------------------------------------------------ conditional requests

    @Test
    void aConditionalGetGets304AndSaysWhy(@TempDir Path dir) throws Exception {
        Path ours = dir.resolve("ours.etag");
        Lab.Result save = lab.synack("http-get", "-o", "/dev/null", "--etag-save", ours.toString(), "http://www.synack.test/hello.txt");
        assertEquals(0, save.exit(), save.toString());
        Path curls = dir.resolve("curl.etag");
        assertEquals(0, curl("-o", "/dev/null", "--etag-save", curls.toString(), "http://www.synack.test/hello.txt").exit());
        assertEquals(Files.readString(curls).trim(), Files.readString(ours).trim(), "the same ETag as curl saved");

        Lab.Result again = lab.synack("http-get", "--etag-compare", ours.toString(), "http://www.synack.test/hello.txt");
        assertEquals(0, again.exit(), "a 304 is not a failure:\n" + again);
        assertTrue(story(again).contains("If-None-Match: " + Files.readString(ours).trim()), again.toString());
        assertTrue(story(again).contains("HTTP/1.1 304 Not Modified"), again.toString());
        assertTrue(story(again).contains("not modified: the server's copy matches our ETag"), again.toString());

        // -z DATE: If-Modified-Since, 304 when the file is not newer (nginx: exact or later)
        String modified = curl("-sI", "http://www.synack.test/hello.txt").out().lines()
                .filter(l -> l.regionMatches(true, 0, "Last-Modified:", 0, 14)).findFirst().orElseThrow().substring(14).trim();
        Lab.Result since = lab.synack("http-get", "-z", modified, "http://www.synack.test/hello.txt");
        assertEquals(0, since.exit(), since.toString());
        assertTrue(story(since).contains("If-Modified-Since: " + modified), since.toString());
        assertTrue(story(since).contains("HTTP/1.1 304 Not Modified"), since.toString());
        Lab.Result older = lab.synack("http-get", "-q", "-z", "Thu, 01 Jan 2015 00:00:00 GMT", "http://www.synack.test/hello.txt");
        assertEquals(0, older.exit(), older.toString());
        assertEquals(Files.readString(www("hello.txt")), older.out(), "modified since 2015: the whole file");
    }

    // ------------------------------------------------------------------ redirects

    @Test
    void redirectsFollowTheMethodRulesAsCurlDoes(@TempDir Path dir) throws Exception {
        for (String code : List.of("301", "302", "303", "307", "308")) {
            Lab.Result r = lab.synack("http-get", "-q", "-L", "-d", "kept body", "http://www.synack.test/r" + code);
            Lab.Result c = curl("-L", "-d", "kept body", "http://www.synack.test/r" + code);
            assertEquals(0, r.exit(), code + "\n" + r);
            assertEquals(c.out(), r.out(), code + ": the page curl ends on");
            // 301, 302 and 303 turn the POST into a GET of /hello.txt; 307 and 308 keep it, with its body, to the echo
            String expected = code.equals("307") || code.equals("308") ? "kept body" : Files.readString(www("hello.txt"));
            assertEquals(expected, r.out(), code);
        }
        Lab.Result kept = lab.synack("http-get", "-L", "-o", "/dev/null", "-d", "kept body", "http://www.synack.test/r307");
        assertTrue(kept.out().contains("request line   POST /echo HTTP/1.1"), "307 keeps POST:\n" + kept);
        assertTrue(kept.out().contains("307: the method and body are kept"), kept.toString());
        for (String code : List.of("301", "302", "303")) {
            Lab.Result changed = lab.synack("http-get", "-L", "-o", "/dev/null", "-d", "lost body", "http://www.synack.test/r" + code);
            assertTrue(changed.out().contains("request line   GET /hello.txt HTTP/1.1"), code + " turns POST into GET:\n" + changed);
            assertTrue(changed.out().contains("POST becomes GET, the body is dropped"), code + " says so:\n" + changed);
        }
        // --json: the redirect, cookie and body notes under the documented schema (Lab.synack validates each line)
        Lab.Result json = lab.synack("http-get", "--json", "-L", "-o", "/dev/null", "-c", dir.resolve("j.jar").toString(), "-d", "x",
                "http://www.synack.test/r307", "http://www.synack.test/cookie/redirect");
        assertEquals(0, json.exit(), json.toString());
    }

    // ------------------------------------------------------------------ the hosts file

    /** How many questions for NAME dnsmasq logged (log-queries: "query[A] NAME from 198.18.1.2"). */
    static long dnsQueries(String name) throws Exception {
        return Files.readAllLines(Path.of(lab.get("LAB_DIR"), "dnsmasq.log")).stream().filter(l -> l.contains("query[") && l.contains(" " + name + " "))
                .count();
    }

    @Test
    void theHostsFileAnswersBeforeDnsWhenItHasTheName() throws Exception {
        Path edgeLog = Path.of(lab.get("LAB_DIR"), "nginx-edge", "nginx-access.log");
        long edgeBefore = Files.exists(edgeLog) ? Files.readAllLines(edgeLog).size() : 0;
        // DNS says 198.18.2.2 for override.synack.test; the hosts file says the edge, and wins
        Lab.Result r = lab.synack("http-get", "-o", "/dev/null", "http://override.synack.test/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("override.synack.test is 198.18.4.2"), r.toString());
        assertTrue(r.out().contains("── TCP handshake with 198.18.4.2:80"), r.toString());
        List<String> edge = Files.readAllLines(edgeLog);
        assertTrue(edge.size() > edgeBefore && edge.get(edge.size() - 1).contains("GET /hello.txt"), "the edge's nginx answered:\n" + edge);
        assertEquals(0, dnsQueries("override.synack.test"), "no DNS query for a name the hosts file has");

        // a name DNS does not have at all
        Lab.Result only = lab.synack("http-get", "-q", "http://hosts.synack.test/hello.txt");
        assertEquals(0, only.exit(), only.toString());
        assertEquals(Files.readString(www("hello.txt")), only.out());
        assertEquals(0, dnsQueries("hosts.synack.test"), "no DNS query for hosts.synack.test");

        // a name the hosts file does not have: told, then DNS
        long before = dnsQueries("www.synack.test");
        Lab.Result dns = lab.synack("http-get", "-o", "/dev/null", "http://www.synack.test/hello.txt");
        assertEquals(0, dns.exit(), dns.toString());
        assertTrue(dns.out().contains("/etc/hosts: no entry for www.synack.test"), dns.toString());
        assertTrue(dnsQueries("www.synack.test") > before, "asked DNS for www.synack.test");
    }
}
