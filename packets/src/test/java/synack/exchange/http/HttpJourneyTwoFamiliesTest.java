package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.event.Event;
import synack.event.Verdict;
import synack.wire.DnsType;
import synack.wire.MacAddress;

/**
 * http-get's journey for a name with both an AAAA and an A record (RFC 8305), on the in-memory
 * wire: which answer comes first, a family that cannot be routed or whose next hop is silent, an
 * answer that comes after the attempts began, a name the shell's cache knows one family of. The
 * network speaks IPv4 only: an IPv6 attempt is seen (its SYN, its solicitation) but never answered.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpJourneyTwoFamiliesTest {
    static final String NAME = "www.synack.test";
    static final String V6 = "2001:db8:2::2";

    static JourneyRun bothFamilies(boolean webServer) {
        SimulatedNetwork net = new SimulatedNetwork().name(NAME, "198.18.2.2").name6(NAME, V6);
        if (webServer) {
            net.server("198.18.2.2", 80, h -> SimulatedNetwork.Reply.ok("hello\n", ""));
        }
        JourneyRun run = new JourneyRun(net);
        run.ipv6Usable = true;
        return run;
    }

    static boolean told(JourneyRun run, String text) {
        return run.events.stream().anyMatch(e -> e instanceof Event.Note n && n.text().contains(text));
    }

    @Test
    void anAaaaAnswerFirstWithoutAnIpv6RouteWaitsForTheAAnswerAndGoesOverIpv4() {
        JourneyRun run = bothFamilies(true);
        run.net.answerDelay.put(DnsType.A, 20_000L); // the AAAA answer comes first; the A 20 ms later
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertTrue(told(run, "no route to " + V6 + " (no IPv6 default route): waiting for the A answer"), "the IPv6 attempt's failure is told");
        assertEquals(List.of("198.18.2.2:80 from port 41000"), run.syns());
        assertEquals(1, run.learnedCount(NAME + " A"), "the A answer is learned once");
        assertEquals(1, run.learnedCount(NAME + " AAAA"), "the AAAA answer is learned once");
    }

    @Test
    void anAaaaAnswerFirstWhoseNextHopIsSilentWaitsForTheAAnswerAndGoesOverIpv4() {
        JourneyRun run = bothFamilies(true);
        run.ipv6Route = true;
        run.net.answerDelay.put(DnsType.A, 3_500_000L); // after the solicitations (1 s apart) have gone unanswered
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertTrue(run.net.log.indexOf("NS for fe80::1") < run.net.log.indexOf("learned " + NAME + " A 198.18.2.2 for 300 s"),
                "the IPv6 next hop was solicited before the A answer came: " + run.net.log);
        assertTrue(told(run, "did not answer neighbour solicitation: waiting for the A answer"), "the wait is told");
        long solicited = run.net.log.stream().filter(l -> l.startsWith("NS for fe80::1")).count();
        assertEquals(3, solicited, "one neighbour solicitation step (three tries), not asked again while waiting: " + run.net.log);
        assertEquals(1, run.learnedCount(NAME + " A"));
    }

    @Test
    void anAaaaAnswerFirstWithoutAnIpv6RouteFailsWhenTheAQueryBringsNothing() {
        SimulatedNetwork net = new SimulatedNetwork().name6("v6only.synack.test", V6);
        JourneyRun run = new JourneyRun(net);
        run.ipv6Usable = true;
        net.answerDelay.put(DnsType.A, 20_000L);
        Event.Result r = run.run("http://v6only.synack.test/");
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertTrue(r.summary().contains("no route to " + V6), r.summary());
        assertEquals(HttpJourney.Failure.UNREACHABLE_HERE, run.journey.failure());
    }

    @Test
    void aLateAaaaAnswerJoinsTheRaceWithItsNextHopFromTheShellsNeighbourCache() {
        JourneyRun run = bothFamilies(false); // IPv4 is silent: the race is still on when the AAAA comes
        run.ipv6Route = true;
        run.cachedNeighbours6.put(JourneyRun.ROUTER_IP6, MacAddress.parse("02:00:00:00:00:01"));
        run.net.answerDelay.put(DnsType.AAAA, 100_000L); // after the 50 ms Resolution Delay: the IPv4 attempt has begun
        run.maxTimeMicros = 3_000_000;
        run.run("http://www.synack.test/");
        assertTrue(told(run, "joins them"), "the late AAAA joins the race");
        assertEquals(List.of("198.18.2.2:80 from port 41000", "[" + V6 + "]:80"), run.syns().subList(0, 2));
        assertTrue(run.net.log.stream().noneMatch(l -> l.startsWith("NS for")), "the cached neighbour needed no solicitation");
        Event.Note cacheNote = run.events.stream().filter(e -> e instanceof Event.Note n && n.fields().get("neighbour_cache") != null)
                .map(e -> (Event.Note) e).findFirst().orElseThrow();
        assertEquals("next hop fe80::1%eth0 is-at 02:00:00:00:00:01 from the shell's neighbour cache (REACHABLE, learned 1.000 s ago):"
                + " no neighbour solicitation needed", cacheNote.text());
        assertEquals("fe80::1", ((java.util.Map<?, ?>) cacheNote.fields().get("neighbour_cache")).get("ip"));
        assertEquals(1, run.learnedCount(NAME + " AAAA"));
        assertEquals(1, run.learnedCount(NAME + " A"));
    }

    @Test
    void aLateAAnswerJoinsAnIpv6AttemptAndWinsWhenIpv6IsSilent() {
        JourneyRun run = bothFamilies(true);
        run.ipv6Route = true;
        run.cachedNeighbours6.put(JourneyRun.ROUTER_IP6, MacAddress.parse("02:00:00:00:00:01"));
        run.net.answerDelay.put(DnsType.A, 20_000L); // the AAAA answer first: IPv6 at once, the A joins when it comes
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"), "IPv6 never answers here: the joined IPv4 attempt wins");
        assertEquals(List.of("[" + V6 + "]:80", "198.18.2.2:80 from port 41000"), run.syns().subList(0, 2));
        assertTrue(told(run, "joins them"));
        assertEquals(1, run.learnedCount(NAME + " A"));
        assertEquals(1, run.learnedCount(NAME + " AAAA"));
    }

    @Test
    void aLateAaaaAnswerWhoseNextHopIsNotKnownIsNotUsedAndIpv4GoesOn() {
        JourneyRun run = bothFamilies(true);
        run.ipv6Route = true;
        run.net.answerDelay.put(DnsType.AAAA, 100_000L);
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertTrue(run.net.log.stream().noneMatch(l -> l.startsWith("NS for")), "the race did not stop to solicit");
        assertEquals(1, run.learnedCount(NAME + " AAAA"));
    }

    @Test
    void anAAnswerDuringTheIpv6NextHopStepDoesNotDelayIpv6ToResolveIpv4sNextHop() {
        // the AAAA comes first; the A during the IPv6 solicitation; the IPv4 next hop is known from the name server's ARP
        JourneyRun run = bothFamilies(true);
        run.ipv6Route = true;
        run.net.answerDelay.put(DnsType.A, 20_000L);
        Event.Result r = run.run("http://www.synack.test/");
        // fe80::1 never answers: IPv4 goes alone once the solicitation is over, its next hop already known
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertEquals(1, run.net.arpRequests, "the router was ARPed once, for the name server");
    }

    @Test
    void aNameWhoseACachedIsAskedItsAaaaOnlyAndUsesTheCachedA() {
        JourneyRun run = bothFamilies(true);
        run.cachedAddresses.put(NAME, synack.wire.Ip4.parse("198.18.2.2"));
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family")); // no IPv6 route: IPv4 alone
        assertEquals(1, run.net.dnsUdpPorts.size(), "the AAAA query alone");
        assertEquals(0, run.learnedCount(NAME + " A"), "a cached A is not learned again");
        assertEquals(1, run.learnedCount(NAME + " AAAA"));
        assertTrue(told(run, "its A from the shell's cache"), "the cached A is told as such");
    }

    @Test
    void aNameWhoseAaaaIsCachedIsAskedItsAOnly() {
        JourneyRun run = bothFamilies(true);
        run.cachedAddresses6.put(NAME, synack.wire.IpAddress.parse(V6));
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertEquals(1, run.net.dnsUdpPorts.size(), "the A query alone");
        assertEquals(0, run.learnedCount(NAME + " AAAA"));
        assertEquals(1, run.learnedCount(NAME + " A"));
        assertTrue(told(run, "its AAAA from the shell's cache"));
        assertTrue(told(run, "the AAAA address is known already (the shell's cache): IPv6 " + V6), "a cached AAAA is not an answer that came");
    }

    @Test
    void aNameWithBothCachedAsksNothing() {
        JourneyRun run = bothFamilies(true);
        run.cachedAddresses.put(NAME, synack.wire.Ip4.parse("198.18.2.2"));
        run.cachedAddresses6.put(NAME, synack.wire.IpAddress.parse(V6));
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals(0, run.net.dnsUdpPorts.size());
        assertEquals(1, run.events.stream().filter(e -> e instanceof Event.Note n && n.text().contains("has both families")).count());
    }
}
