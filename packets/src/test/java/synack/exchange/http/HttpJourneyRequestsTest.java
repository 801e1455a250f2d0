package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.event.Event;
import synack.event.Verdict;
import synack.net.HostsFile;
import synack.net.NsSwitch;

/**
 * The requests of the articles on the in-memory wire, against a server made like the lab's: a POST
 * echo, redirects with their method rules, a cookie set and checked, a 304 for a matching ETag,
 * and the hosts file asked before (or after) DNS.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpJourneyRequestsTest {
    static final String WWW = HttpJourneyTest.WWW;
    static final String EDGE = "198.18.4.2";
    static final String ETAG = "\"6565a7f0-1a\"";

    static SimulatedNetwork.Reply text(int status, String reason, String body, String headers) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return SimulatedNetwork.Reply.of("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
                + "\r\n" + headers + "\r\n", b, false);
    }

    /** The lab's endpoints (lab contract), answered by what the request carries. */
    static SimulatedNetwork.Reply lab(String head, byte[] body) {
        String target = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/"));
        String cookie = head.lines().filter(l -> l.regionMatches(true, 0, "Cookie:", 0, 7)).findFirst().orElse("");
        String setCookie = "Set-Cookie: lab_session=s3cr3t; Path=/cookie\r\n";
        return switch (target) {
            case "/echo" -> SimulatedNetwork.Reply.of("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n", body, false);
            case "/r302", "/r303", "/r301" -> text(Integer.parseInt(target.substring(2)), "Moved", "", "Location: /hello.txt\r\n");
            case "/r307", "/r308" -> text(Integer.parseInt(target.substring(2)), "Redirect", "", "Location: /echo\r\n");
            case "/away" -> text(302, "Found", "", "Location: http://" + EDGE + "/\r\n");
            case "/cookie/set" -> text(200, "OK", "cookie set\n", setCookie);
            case "/cookie/redirect" -> text(302, "Found", "", "Location: /cookie/check\r\n" + setCookie);
            case "/cookie/check" -> cookie.contains("lab_session=s3cr3t") ? text(200, "OK", "cookie ok\n", "")
                    : text(403, "Forbidden", "no cookie\n", "");
            case "/hello.txt" -> head.contains("If-None-Match: " + ETAG)
                    ? SimulatedNetwork.Reply.of("HTTP/1.1 304 Not Modified\r\nETag: " + ETAG + "\r\n\r\n", new byte[0], false)
                    : text(200, "OK", "hello from the synack lab\n", "ETag: " + ETAG + "\r\n");
            default -> text(404, "Not Found", "", "");
        };
    }

    static SimulatedNetwork labNet() {
        return new SimulatedNetwork().name("www.synack.test", WWW).name("override.synack.test", WWW)
                .server(WWW, 80, HttpJourneyRequestsTest::lab).server(EDGE, 80, (h, b) -> text(200, "OK", "the edge\n", ""));
    }

    static List<Event.Note> notes(JourneyRun run) {
        return run.events.stream().filter(e -> e instanceof Event.Note).map(e -> (Event.Note) e).toList();
    }

    static Event.Note note(JourneyRun run, String start) {
        return notes(run).stream().filter(n -> n.text().startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no note starting '" + start + "' in " + notes(run).stream().map(Event.Note::text).toList()));
    }

    @Test
    void dataIsPostedWithItsLengthAndTheEchoReturnsItByteForByte() {
        JourneyRun run = new JourneyRun(labNet());
        run.data = "name=synack&lab=1".getBytes(StandardCharsets.UTF_8);
        Event.Result r = run.run("http://www.synack.test/echo");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        SimulatedNetwork.Seen seen = run.net.requests.get(0);
        assertEquals("POST /echo HTTP/1.1", seen.requestLine());
        assertEquals("17", seen.header("Content-Length"));
        assertEquals(HttpRequest.FORM, seen.header("Content-Type"));
        assertArrayEquals(run.data, seen.body());
        assertEquals("name=synack&lab=1", run.body.toString(StandardCharsets.UTF_8));
        assertTrue(note(run, "HTTP request, ").text().contains("body           17 bytes, as Content-Length says (the message's third part)"
                + ": \"name=synack&lab=1\""));
    }

    @Test
    void putDeleteAndOptionsGoAsAsked() {
        for (String m : List.of("PUT", "DELETE", "OPTIONS")) {
            JourneyRun run = new JourneyRun(labNet());
            run.method = m;
            run.data = m.equals("PUT") ? "x".getBytes(StandardCharsets.UTF_8) : null;
            Event.Result r = run.run("http://www.synack.test/echo");
            assertEquals(Verdict.OK, r.verdict(), r.summary());
            assertEquals(m + " /echo HTTP/1.1", run.net.requests.get(0).requestLine());
            assertEquals(m.equals("PUT") ? "x" : "", run.body.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void xHeadIsWarnedAboutAndReadAsAHead() {
        JourneyRun run = new JourneyRun(labNet());
        run.method = "HEAD";
        Event.Result r = run.run("http://www.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("HEAD /hello.txt HTTP/1.1", run.net.requests.get(0).requestLine());
        assertEquals(Event.Note.Kind.WARNING, note(run, "-X HEAD").kind());
    }

    @Test
    void a307KeepsThePostAndItsBodyA302And303TurnItIntoAGet() {
        JourneyRun run = new JourneyRun(labNet());
        run.follow = true;
        run.data = "keep me".getBytes(StandardCharsets.UTF_8);
        Event.Result r = run.run("http://www.synack.test/r307");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(List.of("POST /r307 HTTP/1.1", "POST /echo HTTP/1.1"), run.net.requests.stream().map(SimulatedNetwork.Seen::requestLine).toList());
        assertArrayEquals(run.data, run.net.requests.get(1).body());
        assertEquals("keep me", run.body.toString(StandardCharsets.UTF_8));
        Event.Note told = note(run, "307: the method and body are kept");
        assertEquals(Map.of("status", 307, "from_method", "POST", "method", "POST", "body", "kept"), told.fields().get("redirect"));

        for (String status : List.of("302", "303", "301")) {
            JourneyRun g = new JourneyRun(labNet());
            g.follow = true;
            g.data = "drop me".getBytes(StandardCharsets.UTF_8);
            assertEquals(Verdict.OK, g.run("http://www.synack.test/r" + status).verdict());
            SimulatedNetwork.Seen second = g.net.requests.get(1);
            assertEquals("GET /hello.txt HTTP/1.1", second.requestLine(), status);
            assertEquals(0, second.body().length);
            assertNull(second.header("Content-Length"), "no body, no length");
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) notes(g).stream().filter(n -> n.fields().containsKey("redirect")).findFirst()
                    .get().fields().get("redirect");
            assertEquals("dropped", f.get("body"));
            assertEquals("GET", f.get("method"));
        }
    }

    @Test
    void aCookieSetOnTheFirstRequestIsSentOnTheSecondAndTheJarIsCurls() {
        JourneyRun run = new JourneyRun(labNet());
        run.jar = new CookieJar();
        Event.Result r = run.run("http://www.synack.test/cookie/set", "http://www.synack.test/cookie/check", "http://www.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertNull(run.net.requests.get(0).header("Cookie"));
        assertEquals("lab_session=s3cr3t", run.net.requests.get(1).header("Cookie"), "the keep-alive connection's next request carries it");
        assertNull(run.net.requests.get(2).header("Cookie"), "/hello.txt is outside Path=/cookie");
        assertEquals(List.of(200, 200, 200), run.journey.responses().stream().map(HttpApp.Response::status).toList());

        Event.Note set = note(run, "Set-Cookie from http://www.synack.test/cookie/set (200): lab_session=s3cr3t — stored");
        assertTrue(set.text().endsWith("host-only www.synack.test, path /cookie, a session cookie"), set.text());
        @SuppressWarnings("unchecked")
        Map<String, Object> sf = (Map<String, Object>) set.fields().get("set_cookie");
        assertEquals("stored", sf.get("action"));
        assertEquals("/cookie", sf.get("path"));
        assertEquals(true, sf.get("host_only"));
        Event.Note sent = note(run, "cookies: Cookie: lab_session=s3cr3t");
        assertTrue(sent.text().contains("sent      lab_session — host www.synack.test is its host, path /cookie covers /cookie/check"),
                sent.text());
        Event.Note notSent = notes(run).stream().filter(n -> n.text().contains("not sent  lab_session")).findFirst().get();
        assertTrue(notSent.text().contains("path /cookie does not cover /hello.txt"), notSent.text());
        assertEquals(1, r.fields().get("cookies"));
        assertEquals(CookieJar.NETSCAPE_HEADER + "www.synack.test\tFALSE\t/cookie\tFALSE\t0\tlab_session\ts3cr3t\n",
                run.jar.toNetscape(JourneyRun.T0 / 1_000_000));
    }

    @Test
    void aCookieSetByARedirectGoesWithTheRequestItLeadsTo() {
        JourneyRun run = new JourneyRun(labNet());
        run.jar = new CookieJar();
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/cookie/redirect");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("lab_session=s3cr3t", run.net.requests.get(1).header("Cookie"));
        assertEquals("cookie ok\n", run.body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutBOrCTheCookieEngineIsOffAsCurlsAndSaysSo() {
        JourneyRun run = new JourneyRun(labNet());
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/cookie/redirect");
        assertEquals(Verdict.NEGATIVE, r.verdict(), "403 no cookie");
        assertNull(run.net.requests.get(1).header("Cookie"));
        assertTrue(note(run, "Set-Cookie from").text().endsWith("not kept: the cookie engine is off (give -b or -c, as with curl)"));
        assertNull(r.fields().get("cookies"));
    }

    @Test
    void aRedirectToAnotherHostDropsTheCredentialsGivenWithHAndSaysSo() {
        JourneyRun run = new JourneyRun(labNet());
        run.follow = true;
        run.headers = List.of("Authorization: Basic dXNlcjpwYXNz", "Cookie: a=1", "Proxy-Authorization: Basic eA==", "X-Keep: 1");
        Event.Result r = run.run("http://www.synack.test/away");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("Basic dXNlcjpwYXNz", run.net.requests.get(0).header("Authorization"), "to the host given: sent");
        assertEquals("a=1", run.net.requests.get(0).header("Cookie"));
        SimulatedNetwork.Seen away = run.net.requests.get(1);
        assertEquals(EDGE, away.header("Host"));
        assertNull(away.header("Authorization"));
        assertNull(away.header("Proxy-Authorization"));
        assertNull(away.header("Cookie"));
        assertEquals("1", away.header("X-Keep"), "the other fields go on");
        assertTrue(note(run, "-H Authorization, Cookie, Proxy-Authorization not sent to " + EDGE + ": only to www.synack.test") != null);

        JourneyRun same = new JourneyRun(labNet());
        same.follow = true;
        same.headers = List.of("Authorization: Basic dXNlcjpwYXNz");
        same.run("http://www.synack.test/r302");
        assertEquals("Basic dXNlcjpwYXNz", same.net.requests.get(1).header("Authorization"), "the same host: kept, as curl");
    }

    @Test
    void theResultsCookieCountLeavesOutTheExpiredAsTheJarFileDoes() {
        long t0 = JourneyRun.T0 / 1_000_000;
        JourneyRun run = new JourneyRun(labNet());
        run.jar = new CookieJar();
        // read while both were live; by the run one has expired
        run.jar.readNetscape("www.synack.test\tFALSE\t/\tFALSE\t" + (t0 - 10) + "\tgone\t1\n"
                + "www.synack.test\tFALSE\t/\tFALSE\t" + (t0 + 3600) + "\tkept\t2\n", "in.txt", t0 - 100);
        Event.Result r = run.run("http://www.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("kept=2", run.net.requests.get(0).header("Cookie"));
        assertEquals(1, r.fields().get("cookies"));
        assertEquals(1, run.jar.live(t0).size());
        assertEquals(2, run.jar.cookies().size(), "the jar still holds it: only the count and the file leave it out");
    }

    @Test
    void aUrlIsSecureByItsSchemeNotByWhatItsTextHolds() {
        assertTrue(HttpJourney.secure(HttpUrl.parse("https://www.synack.test/")));
        assertFalse(HttpJourney.secure(HttpUrl.parse("http://www.synack.test/go?to=https://www.synack.test/")));
        assertFalse(HttpJourney.secure(HttpUrl.parse("http://https.synack.test/")));
    }

    @Test
    void givenCookiesGoOnEveryRequestAfterTheJars() {
        JourneyRun run = new JourneyRun(labNet());
        run.jar = new CookieJar();
        run.givenCookies = "lab_session=s3cr3t";
        Event.Result r = run.run("http://www.synack.test/cookie/check");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("lab_session=s3cr3t", run.net.requests.get(0).header("Cookie"));
    }

    @Test
    void aMatchingEtagGets304NotModifiedToldWithWhatMatchedAndExit0() {
        JourneyRun run = new JourneyRun(labNet());
        run.conditional = new Conditional(ETAG, null, false, null);
        Event.Result r = run.run("http://www.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(304, r.fields().get("status"));
        assertEquals(ETAG, run.net.requests.get(0).header("If-None-Match"));
        assertEquals(0, run.body.size());
        Event.Note told = note(run, "not modified: ");
        assertEquals("not modified: the server's copy matches our ETag " + ETAG + " (its ETag " + ETAG + ") — no body sent; our copy is current",
                told.text());
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) told.fields().get("condition");
        assertEquals("If-None-Match", f.get("condition"));

        JourneyRun stale = new JourneyRun(labNet());
        stale.conditional = new Conditional("\"old\"", null, false, null);
        assertEquals(200, stale.run("http://www.synack.test/hello.txt").fields().get("status"));
        assertTrue(note(stale, "200: the server's ETag differs from ours \"old\" (its ETag " + ETAG + "): the body is sent") != null);
    }

    @Test
    void ifModifiedSinceIsSentAsAnHttpDate() {
        JourneyRun run = new JourneyRun(labNet());
        run.conditional = new Conditional(null, 1_796_205_600L, false, "-z 2026-12-02 10:00:00");
        run.run("http://www.synack.test/hello.txt");
        assertEquals("Wed, 02 Dec 2026 10:00:00 GMT", run.net.requests.get(0).header("If-Modified-Since"));
    }

    static HostsFile labHosts() {
        return HostsFile.parse("/etc/hosts", "127.0.0.1 localhost\n198.18.2.2 hosts.synack.test\n198.18.4.2 override.synack.test\n");
    }

    @Test
    void theHostsFileAnswersBeforeDnsWhenItHasTheName() {
        JourneyRun run = new JourneyRun(labNet());
        run.hosts = labHosts();
        Event.Result r = run.run("http://hosts.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertTrue(run.net.dnsUdpPorts.isEmpty(), "no DNS query");
        Event.Note step = note(run, "/etc/hosts: hosts.synack.test is 198.18.2.2 (line 2) — no DNS query");
        assertEquals(Event.Note.Kind.SECTION, step.kind());
        assertEquals("198.18.2.2", step.fields().get("address"));
        assertEquals(2, step.fields().get("line"));

        JourneyRun override = new JourneyRun(labNet());
        override.hosts = labHosts();
        assertEquals(Verdict.OK, override.run("http://override.synack.test/").verdict());
        assertEquals(List.of("198.18.4.2:80 from port 41000"), override.syns(), "the hosts file wins over DNS");
        assertEquals("the edge\n", override.body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aNameTheHostsFileDoesNotHaveIsAskedOfDns() {
        JourneyRun run = new JourneyRun(labNet());
        run.hosts = labHosts();
        Event.Result r = run.run("http://www.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(1, run.net.dnsUdpPorts.size());
        Event.Note step = note(run, "/etc/hosts: no entry for www.synack.test → ask 198.18.0.53");
        assertNull(step.fields().get("address"));
    }

    @Test
    void dnsFirstAsksTheHostsFileOnlyAfterDnsHasNoAnswerOrGlibcsDefaultStops() {
        JourneyRun run = new JourneyRun(labNet());
        run.hosts = labHosts();
        run.nsSwitch = NsSwitch.parse("/etc/nsswitch.conf", "hosts: dns files\n");
        Event.Result r = run.run("http://hosts.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(1, run.net.dnsUdpPorts.size(), "DNS first: NXDOMAIN");
        note(run, "/etc/hosts: hosts.synack.test is 198.18.2.2");

        JourneyRun glibc = new JourneyRun(labNet());
        glibc.hosts = labHosts();
        glibc.nsSwitch = NsSwitch.parse("/etc/nsswitch.conf", "");
        Event.Result g = glibc.run("http://hosts.synack.test/hello.txt");
        assertEquals(Verdict.NEGATIVE, g.verdict(), "dns [!UNAVAIL=return] files: NXDOMAIN is definitive");
        assertTrue(notes(glibc).stream().noneMatch(n -> n.text().startsWith("/etc/hosts")));

        JourneyRun noServer = new JourneyRun(labNet());
        noServer.hosts = labHosts();
        noServer.nameServer = null;
        noServer.nsSwitch = NsSwitch.parse("/etc/nsswitch.conf", "");
        Event.Result ns = noServer.run("http://hosts.synack.test/hello.txt");
        assertEquals(Verdict.OK, ns.verdict(), "no name server: DNS UNAVAIL, the file answers: " + ns.summary());
    }

    @Test
    void filesAloneEndsTheLookupAtTheFile() {
        JourneyRun run = new JourneyRun(labNet());
        run.hosts = labHosts();
        run.nsSwitch = NsSwitch.parse("/etc/nsswitch.conf", "hosts: files\n");
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertTrue(run.net.dnsUdpPorts.isEmpty());
        assertTrue(r.summary().startsWith("could not resolve www.synack.test: no entry in /etc/hosts"), r.summary());
    }
}
