package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;

/** Many questions to one server: answers streamed as data, at most N in flight, silent ones retried, the tally at the end. */
class DnsBulkTest {
    static final int SERVER = Ip4.parse("198.18.2.2");

    @Test
    void everyNameIsAnsweredOnceAndTheTallyAddsUp() {
        SimulatedDnsServers servers = new SimulatedDnsServers().server(SERVER, new Authority("synack.test.")
                .a("www.synack.test.", "198.18.2.2").a("MAIL.synack.test.", "198.18.2.3"));
        List<DnsBulk.Question> questions = List.of(new DnsBulk.Question("www.synack.test", DnsType.A),
                new DnsBulk.Question("mail.synack.test", DnsType.A), new DnsBulk.Question("nowhere.synack.test", DnsType.A),
                new DnsBulk.Question("elsewhere.example", DnsType.A));
        DnsBulk bulk = new DnsBulk(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER, SimulatedDnsServers.US_IP,
                SERVER, 53), questions, new DnsBulk.Settings(2, 1, 1_000_000, true, 1232, 40_000), new Random(3));
        DnsRun run = DnsRun.of(servers, bulk);
        List<Event.Note> answers = run.events.stream().filter(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER)
                .map(e -> (Event.Note) e).toList();
        Map<Object, Object> rcodes = new HashMap<>();
        answers.forEach(n -> rcodes.put(n.fields().get("name"), n.fields().get("rcode")));
        assertEquals(Map.of("www.synack.test.", "NOERROR", "mail.synack.test.", "NOERROR", "nowhere.synack.test.", "NXDOMAIN",
                "elsewhere.example.", "REFUSED"), rcodes);
        assertEquals(4, servers.queries.size(), "each name asked once: every one was answered");
        Event.Result r = run.result();
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertEquals(List.of(4, 2, 2, 0), List.of(r.fields().get("names"), r.fields().get("noerror"), r.fields().get("negative"),
                r.fields().get("timed_out")));
        assertTrue(r.summary().startsWith("4 names: 2 NOERROR, 2 negative, 0 timed out, in "), r.summary());
        assertTrue(r.summary().contains("window 2 to 2 queries in flight allowed (first 2, last 2, cap 2), 0 back-offs; 4 queries sent, 0 of them asked again"),
                r.summary());
        // at most two outstanding: the third query leaves only after a first answer came
        assertTrue(servers.queries.get(2).atMicros() > servers.queries.get(1).atMicros());
        assertEquals(DnsRun.T0 + 3 * DnsRun.LATENCY, servers.queries.get(2).atMicros(), "sent when the first answer came");
    }

    @Test
    void aSilentServerTimesEveryNameOutAfterItsRetries() {
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> List.of());
        DnsBulk bulk = new DnsBulk(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER, SimulatedDnsServers.US_IP,
                SERVER, 53), List.of(new DnsBulk.Question("a.test", DnsType.A), new DnsBulk.Question("b.test", DnsType.AAAA)),
                new DnsBulk.Settings(10, 2, 500_000, true, 0, 40_000), new Random(3));
        DnsRun run = DnsRun.of(servers, bulk);
        assertEquals(Verdict.NO_ANSWER, run.result().verdict());
        assertEquals(2, run.result().fields().get("timed_out"));
        assertEquals(6, servers.queries.size(), "three tries for each name");
        List<DnsMessage> firstTries = servers.queries.stream().limit(2).map(SimulatedDnsServers.Query::message).toList();
        assertTrue(firstTries.get(0).id() != firstTries.get(1).id(), "one source port, so every name has its own ID");
    }
}
