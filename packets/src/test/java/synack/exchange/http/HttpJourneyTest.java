package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpOutcome;

/** http-get's journey on the in-memory wire: DNS, ARP, TCP and HTTP peers simulated; assertions on data. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpJourneyTest {
    static final String WWW = "198.18.2.2";
    static final String OTHER = "198.18.2.3";

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static SimulatedNetwork www(String body, String headers) {
        return new SimulatedNetwork().name("www.synack.test", WWW).server(WWW, 80, h -> SimulatedNetwork.Reply.ok(body, headers));
    }

    @Test
    void aNameIsResolvedItsNextHopArpedThePageFetchedAndTheConnectionClosed() throws Exception {
        JourneyRun run = new JourneyRun(www("hello from the synack lab\n", ""));
        Event.Result r = run.run("http://www.synack.test/hello.txt");

        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(200, r.fields().get("status"));
        assertEquals("OK", r.fields().get("reason"));
        assertEquals("http://www.synack.test/hello.txt", r.fields().get("url"));
        assertEquals(26L, r.fields().get("bytes"));
        assertEquals(sha256("hello from the synack lab\n"), r.fields().get("sha256"));
        assertEquals("TIME_WAIT over", r.fields().get("tcp"));
        assertEquals("198.18.2.2:80", r.fields().get("peer"));
        assertEquals("ipv4", r.fields().get("family"));
        assertEquals(List.of("status", "reason", "url", "bytes", "sha256", "peer", "family", "timing", "responses", "tcp", "ok"),
                List.copyOf(r.fields().keySet()), "the JSON result's keys, in their order");
        @SuppressWarnings("unchecked")
        Map<String, Object> timing = (Map<String, Object>) r.fields().get("timing");
        assertEquals(List.of("namelookup_ms", "connect_ms", "ttfb_ms", "total_ms", "mb_per_s"), List.copyOf(timing.keySet()));
        assertEquals("hello from the synack lab\n", run.body.toString(StandardCharsets.UTF_8));

        // the phases in wire order: ARP the router, ask the name server, then the handshake
        assertEquals(List.of("ARP who-has 198.18.1.1", "learned neighbour 198.18.1.1", "hold UDP port 42000",
                "DNS query over UDP from port 42000", "learned www.synack.test A 198.18.2.2 for 300 s", "guard TCP port 41000",
                "SYN 198.18.2.2:80 from port 41000"), run.net.log);
        assertEquals(1, run.net.arpRequests, "one ARP: the name server and the web server share the next hop");
        assertEquals("GET /hello.txt HTTP/1.1", run.net.requests.get(0).requestLine());
        assertTrue(run.net.requests.get(0).head().contains("\r\nHost: www.synack.test\r\n"));

        HttpTiming t = run.journey.timing();
        assertNotNull(t);
        assertTrue(t.nameLookupMicros() >= 2_000, "ARP and a DNS round trip: " + t); // 1 ms per round trip
        // curl's -w: each from the start — the lookup, then the handshake's one round trip, then the request's
        assertEquals(t.nameLookupMicros() + 1_000, t.connectMicros(), "connect from the start: " + t);
        assertEquals(t.connectMicros() + 1_000, t.firstByteMicros(), "first byte from the start: " + t);
        assertEquals(t.firstByteMicros(), t.totalMicros(), "one segment: total ends at its last byte: " + t);
        assertTrue(r.timeMicros() - JourneyRun.T0 >= t.totalMicros() + 200_000, "the close and TIME_WAIT (2 MSL) are not in total: " + t);
        List<HttpJourney.Connection> cs = run.journey.connections();
        assertEquals(1, cs.size());
        assertEquals(TcpOutcome.TIME_WAIT_OVER, cs.get(0).outcome());
        assertNull(run.journey.failure());
    }

    @Test
    void twoUrlsOnOneHostShareOneKeepAliveConnection() {
        JourneyRun run = new JourneyRun(www("page\n", ""));
        Event.Result r = run.run("http://www.synack.test/", "http://www.synack.test/hello.txt");

        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(1, run.syns().size(), "one handshake: " + run.syns());
        assertEquals(1, run.journey.connections().size());
        assertEquals(List.of("GET / HTTP/1.1", "GET /hello.txt HTTP/1.1"), run.net.requests.stream().map(SimulatedNetwork.Seen::requestLine).toList());
        assertEquals(1, run.net.requests.stream().map(SimulatedNetwork.Seen::clientPort).distinct().count(), "both on one connection");
        assertEquals(2, run.journey.responses().size());
        assertEquals(10L, r.fields().get("bytes"), "both bodies");
    }

    @Test
    void aRedirectToAnotherNamedHostIsResolvedAndFollowedWithL() {
        SimulatedNetwork net = www("", "").name("other.synack.test", OTHER)
                .server(WWW, 80, h -> SimulatedNetwork.Reply.of("HTTP/1.1 301 Moved Permanently\r\nLocation: http://other.synack.test/new\r\n"
                        + "Content-Length: 0\r\n\r\n", new byte[0], false))
                .server(OTHER, 80, h -> SimulatedNetwork.Reply.ok("moved here\n", ""));
        JourneyRun run = new JourneyRun(net);
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/old");

        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(List.of(301, 200), run.journey.responses().stream().map(HttpApp.Response::status).toList());
        assertEquals("http://other.synack.test/new", r.fields().get("url"));
        assertEquals(2, net.dnsUdpPorts.size(), "each name asked once");
        assertEquals(List.of("198.18.2.2:80 from port 41000", "198.18.2.3:80 from port 41000"), run.syns());
        assertEquals("moved here\n", run.body.toString(StandardCharsets.UTF_8).substring(0));
    }

    static SimulatedNetwork redirecting(int code, boolean close) {
        String html = "<html><body>" + code + ": moved <a href=\"/hello.txt\">here</a></body></html>\n";
        return new SimulatedNetwork().name("www.synack.test", WWW).server(WWW, 80, h -> h.startsWith("GET /old")
                ? SimulatedNetwork.Reply.of("HTTP/1.1 " + code + " Moved\r\nLocation: /hello.txt\r\nContent-Type: text/html\r\n"
                        + "Content-Length: " + html.length() + "\r\n\r\n", html.getBytes(StandardCharsets.UTF_8), close)
                : SimulatedNetwork.Reply.ok("hello from web!\n", close ? "Connection: close\r\n" : ""));
    }

    @Test
    void withLOnlyTheFinalBodyIsWrittenNotTheRedirects() {
        for (int code : List.of(301, 302, 303, 307, 308)) {
            JourneyRun run = new JourneyRun(redirecting(code, code == 307));
            run.follow = true;
            Event.Result r = run.run("http://www.synack.test/old");
            assertEquals(Verdict.OK, r.verdict(), r.summary());
            assertEquals("hello from web!\n", run.body.toString(StandardCharsets.UTF_8), code + ": as curl -L -o writes");
            assertTrue(run.journey.responses().get(0).bodyBytes() > 0, "the redirect's body was read, and counted");
        }
        JourneyRun without = new JourneyRun(redirecting(302, false));
        without.run("http://www.synack.test/old");
        assertTrue(without.body.toString(StandardCharsets.UTF_8).startsWith("<html>"), "without -L the redirect is the answer, body too");
    }

    @Test
    void withLARedirectAmongSeveralUrlsIsFollowedBeforeTheRest() {
        // HTTP/1.0-like: the server closes after each answer, so /next is handed back after /old's 302
        JourneyRun run = new JourneyRun(redirecting(302, true));
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/old", "http://www.synack.test/next");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(List.of("GET /old HTTP/1.1", "GET /hello.txt HTTP/1.1", "GET /next HTTP/1.1"),
                run.net.requests.stream().map(SimulatedNetwork.Seen::requestLine).toList(), "curl's order: a URL's redirects, then the next URL");
        assertEquals("hello from web!\nhello from web!\n", run.body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutLTheRedirectIsTheAnswer() {
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW).server(WWW, 80, h -> SimulatedNetwork.Reply.of(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n", new byte[0], false));
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://www.synack.test/old");
        assertEquals(Verdict.OK, r.verdict(), "a 301 is below 400: " + r.summary());
        assertEquals(301, r.fields().get("status"));
        assertEquals(1, run.syns().size());
    }

    @Test
    void redirectsBeyondMaxRedirsEndTheRun() {
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW).server(WWW, 80, h -> SimulatedNetwork.Reply.of(
                "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n", new byte[0], false));
        JourneyRun run = new JourneyRun(net);
        run.follow = true;
        run.maxRedirects = 2;
        Event.Result r = run.run("http://www.synack.test/loop");
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertEquals(HttpJourney.Failure.TOO_MANY_REDIRECTS, run.journey.failure());
        assertEquals(3, run.journey.connections().size(), "the first request and two redirects");
    }

    @Test
    void anIpLiteralUrlThenANamedOneResolvesTheName() {
        SimulatedNetwork net = www("page\n", "");
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://198.18.2.2/a", "http://www.synack.test/b");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(List.of(42_000), net.dnsUdpPorts, "the name was asked, after the literal needed no lookup");
        assertEquals(List.of("GET /a HTTP/1.1", "GET /b HTTP/1.1"), net.requests.stream().map(SimulatedNetwork.Seen::requestLine).toList());
        assertEquals(2, run.journey.connections().size(), "198.18.2.2 and www.synack.test are two authorities: two connections");
    }

    @Test
    void aNameWithNoNameServerToAskEndsTheRunWithANegativeAnswerNotACrash() {
        JourneyRun run = new JourneyRun(www("page\n", ""));
        run.nameServer = null;
        Event.Result r = run.run("http://198.18.2.2/a", "http://www.synack.test/b");
        assertEquals(Verdict.NEGATIVE, r.verdict(), r.summary());
        assertEquals(HttpJourney.Failure.NAME_NOT_RESOLVED, run.journey.failure());
        assertEquals(1, run.journey.connections().size(), "the literal was fetched first");
    }

    @Test
    void anUnknownNameIsANegativeAnswer() {
        JourneyRun run = new JourneyRun(www("page\n", ""));
        Event.Result r = run.run("http://nope.synack.test/");
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertEquals(HttpJourney.Failure.NAME_NOT_RESOLVED, run.journey.failure());
        assertEquals(0, run.syns().size());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpFromItsOwnGuardedPort() {
        SimulatedNetwork net = www("page\n", "");
        net.truncateOverUdp = true;
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(List.of("198.18.0.53:53 from port 43000", "198.18.2.2:80 from port 41000"), run.syns(),
                "the TCP retry has a port of its own, not the UDP query's");
        int guard = net.log.indexOf("guard TCP port 43000");
        assertTrue(guard >= 0 && guard < net.log.indexOf("SYN 198.18.0.53:53 from port 43000"),
                "the kernel's RSTs are kept off that port before its SYN: " + net.log);
        assertEquals(1, net.dnsTcp.accepted.size());
    }

    @Test
    void aServerThatSaysConnectionCloseGetsTheNextRequestOnANewConnection() {
        SimulatedNetwork net = www("page\n", "Connection: close\r\n");
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://www.synack.test/", "http://www.synack.test/hello.txt");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(2, run.journey.connections().size());
        assertEquals(2, run.syns().size(), "a second handshake");
        assertEquals(List.of("GET / HTTP/1.1", "GET /hello.txt HTTP/1.1"), net.requests.stream().map(SimulatedNetwork.Seen::requestLine).toList());
        assertEquals(2, net.requests.stream().map(SimulatedNetwork.Seen::clientPort).count());
        assertEquals(0, net.server(WWW, 80).dataAfterOurFin, "nothing was sent into the half the server closed");
        assertEquals(List.of(TcpOutcome.PASSIVE_CLOSE, TcpOutcome.PASSIVE_CLOSE),
                run.journey.connections().stream().map(HttpJourney.Connection::outcome).toList());
    }

    @Test
    void aServerWhoseFinCameWithTheResponseGetsNoFurtherRequestOnThatConnection() {
        // no Connection: close, but the server closes right after its answer (the FIN rides on the last data segment)
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW)
                .server(WWW, 80, h -> new SimulatedNetwork.Reply(SimulatedNetwork.Reply.ok("page\n", "").bytes(), true));
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://www.synack.test/", "http://www.synack.test/2", "http://www.synack.test/3");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(0, net.server(WWW, 80).dataAfterOurFin, "no request into the half the server closed");
        assertEquals(3, run.journey.connections().size());
        assertEquals(3, run.journey.responses().size());
    }

    @Test
    void aRequestThatMetTheServersCloseOfAKeptAliveConnectionGoesAgainOnANewOne() {
        // the server answers the first request as if to keep the connection, then closes it: its FIN
        // comes in a segment of its own, after our second request has left
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW)
                .server(WWW, 80, h -> new SimulatedNetwork.Reply(SimulatedNetwork.Reply.ok("page\n", "").bytes(), true));
        net.server(WWW, 80).finApart = true;
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://www.synack.test/", "http://www.synack.test/2");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(2, run.journey.connections().size());
        assertEquals(List.of(200, 200), run.journey.responses().stream().map(HttpApp.Response::status).toList());
        assertEquals(List.of("/2"), run.journey.connections().get(0).requests().subList(1, 2).stream().map(q -> q.url().target()).toList());
        assertTrue(run.journey.connections().get(0).satisfied(), "its second request was handed on, not lost");
    }

    @Test
    void anHttp10ResponseWithoutKeepAliveIsTheLastOnItsConnection() {
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", WWW).server(WWW, 80, h -> SimulatedNetwork.Reply.of(
                "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", "page\n".getBytes(StandardCharsets.UTF_8), false));
        JourneyRun run = new JourneyRun(net);
        Event.Result r = run.run("http://www.synack.test/", "http://www.synack.test/2");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(2, run.journey.connections().size(), "HTTP/1.0 without keep-alive: one request per connection");
        assertEquals(2, net.requests.stream().map(SimulatedNetwork.Seen::clientPort).count());
    }

    @Test
    void aRefusedPortIsANegativeAnswerWithTheTcpOutcome() {
        JourneyRun run = new JourneyRun(www("page\n", "")); // the host is there, port 81 is not open
        Event.Result r = run.run("http://198.18.2.2:81/");
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertEquals(TcpOutcome.REFUSED, run.journey.connections().get(0).outcome());
        assertFalse(run.journey.connections().get(0).established());
        assertNull(run.journey.timing());
    }

    @Test
    void aStatusAbove400IsNegativeAndExpectationsGateTheVerdict() {
        SimulatedNetwork net = new SimulatedNetwork().server(WWW, 80, h -> h.startsWith("GET /missing")
                ? SimulatedNetwork.Reply.of("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", new byte[0], false)
                : SimulatedNetwork.Reply.ok("synack lab\n", ""));
        JourneyRun missing = new JourneyRun(net);
        assertEquals(Verdict.NEGATIVE, missing.run("http://198.18.2.2/missing").verdict());
        assertEquals(List.of("a status below 400 (got 404 Not Found)"), missing.result().fields().get("unmet"));

        JourneyRun held = new JourneyRun(net);
        held.expectations = new HttpExpectations("2xx", java.util.regex.Pattern.compile("synack lab"));
        assertEquals(Verdict.OK, held.run("http://198.18.2.2/").verdict());

        JourneyRun unmet = new JourneyRun(net);
        unmet.expectations = new HttpExpectations("200", java.util.regex.Pattern.compile("no such words"));
        assertEquals(Verdict.NEGATIVE, unmet.run("http://198.18.2.2/").verdict());
    }

    @Test
    void maxTimeEndsASilentRunWithNoAnswer() {
        JourneyRun run = new JourneyRun(new SimulatedNetwork().name("www.synack.test", "198.18.9.9")); // nobody at that address
        run.maxTimeMicros = 3_000_000;
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.NO_ANSWER, r.verdict());
        assertEquals(HttpJourney.Failure.MAX_TIME, run.journey.failure());
        assertTrue(r.timeMicros() - JourneyRun.T0 <= 3_000_000 + 100_000, "at the limit, not after it");
    }

    @Test
    void maxTimeResetsTheOpenConnectionForWhatItIsNotAsAnInterruption() {
        SimulatedNetwork net = new SimulatedNetwork().server(WWW, 80, h -> SimulatedNetwork.Reply.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", new byte[10], false)); // the rest never comes
        JourneyRun run = new JourneyRun(net);
        run.maxTimeMicros = 3_000_000;
        Event.Result r = run.run("http://198.18.2.2/slow");
        assertEquals(Verdict.NO_ANSWER, r.verdict(), "--max-time: exit 4");
        assertEquals(HttpJourney.Failure.MAX_TIME, run.journey.failure());
        assertTrue(net.server(WWW, 80).accepted.get(0).reset, "our RST told the server the connection is gone");
        List<String> remarks = run.events.stream().filter(e -> e instanceof Event.Frame).map(e -> ((Event.Frame) e).remark())
                .filter(m -> m != null).map(synack.event.Remark::text).filter(m -> m.startsWith("abort")).toList();
        assertEquals(List.of("abort: --max-time reached"), remarks);
        assertTrue(run.events.stream().noneMatch(e -> e.toString().contains("interrupted")), "nobody interrupted it");
    }

    @Test
    void namesAlreadyKnownNeedNoQuery() {
        JourneyRun run = new JourneyRun(www("page\n", ""));
        run.known = Map.of("www.synack.test", 0xc6120202);
        assertEquals(Verdict.OK, run.run("http://www.synack.test/").verdict());
        assertTrue(run.net.dnsUdpPorts.isEmpty());
    }

    @Test
    void theShellsCachesSpareTheQueryAndTheArp() {
        JourneyRun run = new JourneyRun(www("page\n", ""));
        run.cachedAddresses.put("www.synack.test", 0xc6120202);
        run.cachedNeighbours.put(SimulatedNetwork.ROUTER_IP, SimulatedNetwork.ROUTER_MAC);
        assertEquals(Verdict.OK, run.run("http://www.synack.test/").verdict());
        assertEquals(0, run.net.arpRequests);
        assertTrue(run.net.dnsUdpPorts.isEmpty());
        assertEquals(0, run.journey.timing().nameLookupMicros(), "no lookup: no name lookup time");
    }

    @Test
    void ctrlCResetsTheOpenConnectionAndEndsTheRunInterrupted() {
        SimulatedNetwork net = new SimulatedNetwork().server(WWW, 80, h -> SimulatedNetwork.Reply.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", new byte[10], false)); // the rest never comes
        JourneyRun run = new JourneyRun(net);
        run.stop = () -> run.clock != null && run.clock.nowMicros() > JourneyRun.T0 + 5_000_000;
        Event.Result r = run.run("http://198.18.2.2/slow");
        assertEquals(Verdict.INTERRUPTED, r.verdict());
        assertEquals(HttpJourney.Failure.INTERRUPTED, run.journey.failure());
        assertTrue(net.server(WWW, 80).accepted.get(0).reset, "our RST told the server the connection is gone");
    }
}
