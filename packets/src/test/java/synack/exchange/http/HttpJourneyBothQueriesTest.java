package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.dns.AddressQueries;

/**
 * http-get's journey where the host can reach IPv6 (RFC 8305 3) on the in-memory wire: the AAAA
 * and A queries leave together from one port; the lookup ends (time_namelookup) where the rule
 * lets the connection begin; a query still asked then does not hold the run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpJourneyBothQueriesTest {
    static JourneyRun dualStack(boolean aaaaSilent) {
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", "198.18.2.2")
                .server("198.18.2.2", 80, h -> SimulatedNetwork.Reply.ok("hello\n", ""));
        net.aaaaSilent = aaaaSilent;
        JourneyRun run = new JourneyRun(net);
        run.ipv6Usable = true;
        return run;
    }

    @SuppressWarnings("unchecked")
    static List<String> rules(JourneyRun run) {
        return run.events.stream().filter(e -> e instanceof Event.Note n && n.fields().get("resolution") != null)
                .map(e -> (String) ((Map<String, Object>) ((Event.Note) e).fields().get("resolution")).get("rule")).toList();
    }

    static long firstSynAt(JourneyRun run) {
        return run.events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == Event.Direction.OUT
                && f.remark().text().contains("ISN")).mapToLong(Event::timeMicros).findFirst().orElseThrow();
    }

    static long answerAt(JourneyRun run, String type) {
        return run.events.stream().filter(e -> e instanceof Event.Note n && n.fields().get("dns_answer") instanceof Map<?, ?> a
                && type.equals(a.get("type"))).mapToLong(Event::timeMicros).findFirst().orElseThrow();
    }

    @Test
    void aNameWithoutAaaaIsAskedBothAtOnceAndGoesOverIpv4WithoutWaiting() {
        JourneyRun run = dualStack(false);
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertEquals(List.of(JourneyRun.DNS_UDP_PORT, JourneyRun.DNS_UDP_PORT), run.net.dnsUdpPorts, "two queries, one port");
        assertEquals(List.of("no_aaaa"), rules(run));
        // the lookup ends at the A answer: no Resolution Delay after a negative AAAA
        long started = run.events.stream().filter(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.SECTION)
                .mapToLong(Event::timeMicros).findFirst().orElseThrow();
        assertEquals(answerAt(run, "A") - started, run.journey.timing().nameLookupMicros());
        assertTrue(firstSynAt(run) - answerAt(run, "A") < AddressQueries.RESOLUTION_DELAY_MICROS, "the SYN did not wait 50 ms");
    }

    @Test
    void aSilentAaaaIsWaitedForTheResolutionDelayOnlyAndDoesNotHoldTheRun() {
        JourneyRun run = dualStack(true);
        Event.Result r = run.run("http://www.synack.test/");
        assertEquals(Verdict.OK, r.verdict(), r.summary());
        assertEquals("ipv4", r.fields().get("family"));
        assertEquals(List.of("wait_for_aaaa", "delay_over"), rules(run));
        long aAnswer = answerAt(run, "A");
        long started = run.events.stream().filter(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.SECTION)
                .mapToLong(Event::timeMicros).findFirst().orElseThrow();
        assertEquals(aAnswer + AddressQueries.RESOLUTION_DELAY_MICROS - started, run.journey.timing().nameLookupMicros(),
                "time_namelookup ends when the delay does");
        assertTrue(firstSynAt(run) >= aAnswer + AddressQueries.RESOLUTION_DELAY_MICROS);
        // the AAAA query's first retry would go 2 s after it: the run ended before (its TIME_WAIT is 200 ms here)
        assertEquals(2, run.net.dnsUdpPorts.size(), "the AAAA query was not asked again once the connection was done");
        assertTrue(r.timeMicros() - JourneyRun.T0 < 2_000_000, "the silent AAAA did not hold the run: " + (r.timeMicros() - JourneyRun.T0));
    }
}
