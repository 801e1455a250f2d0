package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.event.Verdict;
import synack.exchange.tcp.TcpConnection;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;

/**
 * Iterative resolution against a simulated hierarchy: a root, the TLDs test. and example., the
 * zones synack.test. (glue at test.) and other.test. (its server's name lies in example.: no glue).
 */
class DnsTraceTest {
    static final int ROOT = Ip4.parse("198.18.3.10");
    static final int TEST = Ip4.parse("198.18.3.11");
    static final int SYNACK = Ip4.parse("198.18.3.12");
    static final int EXAMPLE = Ip4.parse("198.18.3.13");
    static final int OTHER = Ip4.parse("198.18.3.14");
    static final RootHints HINTS = new RootHints(List.of(new RootHints.Server("a.root.test.", ROOT)));

    static SimulatedDnsServers hierarchy() {
        return new SimulatedDnsServers()
                .server(ROOT, new Authority(".").ns("test.", "ns.test.").a("ns.test.", "198.18.3.11")
                        .ns("example.", "ns.example.").a("ns.example.", "198.18.3.13"))
                .server(TEST, new Authority("test.").ns("synack.test.", "ns1.synack.test.").a("ns1.synack.test.", "198.18.3.12")
                        .ns("other.test.", "ns.hosting.example."))
                .server(SYNACK, new Authority("synack.test.").a("www.synack.test.", "198.18.2.2")
                        .cname("web.synack.test.", "www.synack.test.").cname("alias.synack.test.", "www.example.")
                        .cname("loop1.synack.test.", "loop2.synack.test.").cname("loop2.synack.test.", "loop1.synack.test."))
                .server(EXAMPLE, new Authority("example.").a("www.example.", "198.18.4.4").a("ns.hosting.example.", "198.18.3.14"))
                .server(OTHER, new Authority("other.test.").a("www.other.test.", "198.18.5.5"));
    }

    static DnsTrace trace(String name, int type) {
        return new DnsTrace(SimulatedDnsServers.US, SimulatedDnsServers.US_IP, name, type, HINTS, ip -> SimulatedDnsServers.ROUTER_IP,
                Map.of(SimulatedDnsServers.ROUTER_IP, SimulatedDnsServers.ROUTER), new Random(7),
                new DnsTrace.Settings(1, 1_000_000, 1232, TcpConnection.Config.defaults(50_000, 53, 1).withMsl(100_000), List.of(),
                        null));
    }

    /** A trace run to its end, and what it told. */
    record Traced(DnsTrace trace, DnsRun run) {
        Verdict verdict() {
            return run.result().verdict();
        }

        /** The hops, each as "zone@server-ip". */
        List<String> hops() {
            return trace.hopsTaken().stream().map(h -> h.zone() + "@" + h.server().ip()).toList();
        }

        List<TraceHop.Step> steps() {
            return trace.hopsTaken().stream().map(TraceHop::step).toList();
        }

        /** The addresses of the final answer's A records. */
        List<String> addresses() {
            return trace.answer().answers().stream().filter(r -> r.type() == DnsType.A).map(r -> Ip4.toString(r.address())).toList();
        }
    }

    static Traced run(SimulatedDnsServers servers, String name) {
        DnsTrace t = trace(name, DnsType.A);
        return new Traced(t, DnsRun.of(servers, t));
    }

    @Test
    void referralsWithGlueLeadFromTheRootToTheAnswer() {
        SimulatedDnsServers servers = hierarchy();
        Traced run = run(servers, "www.synack.test");
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of(".@198.18.3.10", "test.@198.18.3.11", "synack.test.@198.18.3.12"), run.hops());
        assertEquals(List.of("198.18.2.2"), run.addresses());
        assertEquals(List.of(TraceHop.Step.REFERRAL, TraceHop.Step.REFERRAL, TraceHop.Step.ANSWER), run.steps());
        assertEquals(null, run.trace().failure());
        // the JSON result tells the same hops
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hops = (List<Map<String, Object>>) run.run().result().fields().get("hops");
        assertEquals(List.of("referral to test.", "referral to synack.test.", "answer"), hops.stream().map(h -> h.get("outcome")).toList());
        assertEquals(List.of("a.root.test.", "ns.test.", "ns1.synack.test."), hops.stream().map(h -> h.get("server")).toList());
        assertEquals(0, run.run().result().fields().get("server_address_hops"));
        // iterative: every question goes without recursion desired
        assertTrue(servers.queries.stream().noneMatch(q -> q.message().rd()));
    }

    @Test
    void aReferralWithoutGlueIsFollowedOnceTheServersAddressIsFound() {
        SimulatedDnsServers servers = hierarchy();
        Traced run = run(servers, "www.other.test");
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("198.18.5.5"), run.addresses());
        // the hops of the trace itself; the trace for ns.hosting.example took two more (root, example.)
        assertEquals(List.of(".@198.18.3.10", "test.@198.18.3.11", "other.test.@198.18.3.14"), run.hops());
        assertEquals(2, run.run().result().fields().get("server_address_hops"));
        assertEquals(java.util.Arrays.asList(TraceHop.Step.REFERRAL, null, TraceHop.Step.ANSWER), run.steps(),
                "the glueless referral waits for the server's address, then the zone's server answers");
        assertEquals("ns.hosting.example.", run.trace().hopsTaken().get(2).server().name());
        assertEquals(List.of("ns.hosting.example."), servers.queriesTo(EXAMPLE).stream()
                .map(q -> q.message().questions().get(0).name()).toList());
    }

    @Test
    void glueOutsideTheReferringServersZoneIsNotBelieved() {
        // the server for test. may not vouch for the address of ns.hosting.example. (a name in example.)
        int forged = Ip4.parse("6.6.6.6");
        SimulatedDnsServers servers = hierarchy().server(TEST, q -> SimulatedDnsServers.reply(q, 0, List.of(),
                List.of(DnsMessage.Record.pointing("other.test.", DnsType.NS, 3600, "ns.hosting.example.")),
                List.of(DnsMessage.Record.a("ns.hosting.example.", 300, forged))));
        Traced run = run(servers, "www.other.test");
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("198.18.5.5"), run.addresses());
        assertTrue(servers.queriesTo(forged).isEmpty(), "nothing was asked of the forged address");
        assertEquals(2, run.run().result().fields().get("server_address_hops"), "the address came from the root down");
    }

    @Test
    void aCnameInsideTheZoneIsTakenFromTheSameAnswer() {
        SimulatedDnsServers servers = hierarchy();
        Traced run = run(servers, "web.synack.test");
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("web.synack.test. → www.synack.test."), run.trace().cnameChain());
        assertEquals(3, run.hops().size(), "no walk from the root again for an alias in the same zone");
        assertEquals(List.of("198.18.2.2"), run.addresses());
        assertEquals(List.of(DnsType.CNAME, DnsType.A), run.trace().answer().answers().stream().map(DnsMessage.Record::type).toList());
    }

    @Test
    void aCnameLeavingTheZoneStartsAgainFromTheRoot() {
        SimulatedDnsServers servers = hierarchy();
        Traced run = run(servers, "alias.synack.test");
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("alias.synack.test. → www.example."), run.trace().cnameChain());
        assertEquals(List.of(TraceHop.Step.REFERRAL, TraceHop.Step.REFERRAL, TraceHop.Step.CNAME, TraceHop.Step.REFERRAL,
                TraceHop.Step.ANSWER), run.steps());
        assertEquals(List.of(".@198.18.3.10", "test.@198.18.3.11", "synack.test.@198.18.3.12", ".@198.18.3.10",
                "example.@198.18.3.13"), run.hops());
        assertEquals(List.of("198.18.4.4"), run.addresses());
    }

    @Test
    void mixedCaseReferralsAndAnswersAreTheSameNames() {
        // RFC 4343: WWW.Synack.TEST. is www.synack.test.; every step below is written in another case
        SimulatedDnsServers servers = new SimulatedDnsServers()
                .server(ROOT, new Authority(".").ns("TEST.", "NS.Test.").a("ns.TEST.", "198.18.3.11")
                        .ns("Example.", "ns.EXAMPLE.").a("NS.example.", "198.18.3.13").shoutingQuestions())
                .server(TEST, new Authority("Test.").ns("Synack.TEST.", "NS1.synack.Test.").a("ns1.SYNACK.test.", "198.18.3.12")
                        .ns("OTHER.test.", "NS.Hosting.EXAMPLE.").shoutingQuestions())
                .server(SYNACK, new Authority("synack.TEST.").a("WWW.Synack.TEST.", "198.18.2.2")
                        .cname("Web.Synack.Test.", "WWW.SYNACK.TEST.").cname("ALIAS.synack.test.", "WWW.Example.")
                        .shoutingQuestions())
                .server(EXAMPLE, new Authority("EXAMPLE.").a("Www.Example.", "198.18.4.4").a("ns.hosting.EXAMPLE.", "198.18.3.14"))
                .server(OTHER, new Authority("Other.Test.").a("WWW.OTHER.TEST.", "198.18.5.5").shoutingQuestions());
        Traced www = run(servers, "www.synack.test");
        assertEquals(Verdict.OK, www.verdict(), www.run().result().summary());
        assertEquals(List.of("198.18.2.2"), www.addresses());
        assertEquals(3, www.hops().size());
        Traced web = run(servers, "web.synack.test");
        assertEquals(Verdict.OK, web.verdict(), web.run().result().summary());
        assertEquals(List.of("198.18.2.2"), web.addresses());
        assertEquals("WWW.SYNACK.TEST.", web.trace().answer().answers().get(0).target());
        assertEquals(3, web.hops().size(), "the alias stays in the zone, whatever its case");
        Traced alias = run(servers, "alias.synack.test");
        assertEquals(Verdict.OK, alias.verdict(), alias.run().result().summary());
        assertEquals(List.of("198.18.4.4"), alias.addresses());
        Traced glueless = run(servers, "www.other.test");
        assertEquals(Verdict.OK, glueless.verdict(), glueless.run().result().summary());
        assertEquals(List.of("198.18.5.5"), glueless.addresses());
    }

    @Test
    void aCnameTargetThatOnlyLooksInsideTheZoneIsFollowedFromTheRoot() {
        // www\.synack.test. is the label "www.synack" in test., not a name in synack.test.: its server may not vouch
        // for it, so the address it adds (out of its bailiwick) must not be believed; test. says what it is
        String outside = "www\\.synack.test.";
        SimulatedDnsServers servers = hierarchy()
                .server(TEST, new Authority("test.").ns("synack.test.", "ns1.synack.test.").a("ns1.synack.test.", "198.18.3.12")
                        .a(outside, "198.18.7.7"))
                .server(SYNACK, q -> SimulatedDnsServers.reply(q, DnsMessage.AA, List.of(
                        DnsMessage.Record.pointing("trick.synack.test.", DnsType.CNAME, 300, outside),
                        DnsMessage.Record.a(outside, 300, Ip4.parse("6.6.6.6"))), List.of(), List.of()));
        Traced run = run(servers, "trick.synack.test");
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("198.18.7.7"), run.addresses());
        assertEquals(List.of(".@198.18.3.10", "test.@198.18.3.11", "synack.test.@198.18.3.12", ".@198.18.3.10",
                "test.@198.18.3.11"), run.hops());
    }

    @Test
    void aReferralThatIsNotCloserIsALameServer() {
        // the server for test. refers a question about synack.test. to another branch of the tree
        SimulatedDnsServers servers = hierarchy().server(TEST, q -> SimulatedDnsServers.reply(q, 0, List.of(),
                List.of(DnsMessage.Record.pointing("other.test.", DnsType.NS, 3600, "ns.other.test.")),
                List.of(DnsMessage.Record.a("ns.other.test.", 300, OTHER))));
        Traced run = run(servers, "www.synack.test");
        assertEquals(Verdict.NEGATIVE, run.verdict());
        assertEquals(TraceFailure.LAME_REFERRAL, run.trace().failure());
        assertEquals(List.of(".@198.18.3.10", "test.@198.18.3.11"), run.hops());
        assertTrue(servers.queriesTo(OTHER).isEmpty(), "a lame referral is not followed");
    }

    @Test
    void aLameServerInAReferralIsSkippedForTheZonesNextServer() {
        // test. names two servers for synack.test.: the first REFUSES (it does not serve the zone), the second answers
        int lame = Ip4.parse("198.18.3.15");
        SimulatedDnsServers servers = hierarchy()
                .server(TEST, new Authority("test.").ns("synack.test.", "ns0.synack.test.").a("ns0.synack.test.", "198.18.3.15")
                        .ns("synack.test.", "ns1.synack.test.").a("ns1.synack.test.", "198.18.3.12"))
                .server(lame, q -> SimulatedDnsServers.reply(q, 5, List.of(), List.of(), List.of()));
        Traced run = run(servers, "www.synack.test");
        assertEquals(Verdict.OK, run.verdict(), run.run().toString());
        assertEquals(List.of("198.18.2.2"), run.addresses());
        assertEquals(List.of(".@198.18.3.10", "test.@198.18.3.11", "synack.test.@198.18.3.15", "synack.test.@198.18.3.12"),
                run.hops());
        assertEquals(TraceHop.Step.LAME, run.steps().get(2));
    }

    @Test
    void withTcpOnlyEveryHopIsAskedOverTcp() {
        Authority root = new Authority(".").ns("test.", "ns.test.").a("ns.test.", "198.18.3.11");
        Authority test = new Authority("test.").ns("synack.test.", "ns1.synack.test.").a("ns1.synack.test.", "198.18.3.12");
        Authority synack = new Authority("synack.test.").a("www.synack.test.", "198.18.2.2");
        SimulatedDnsServers servers = new SimulatedDnsServers().tcp(ROOT, 53, root).tcp(TEST, 53, test).tcp(SYNACK, 53, synack);
        DnsTrace t = new DnsTrace(SimulatedDnsServers.US, SimulatedDnsServers.US_IP, "www.synack.test", DnsType.A, HINTS,
                ip -> SimulatedDnsServers.ROUTER_IP, Map.of(SimulatedDnsServers.ROUTER_IP, SimulatedDnsServers.ROUTER), new Random(7),
                new DnsTrace.Settings(1, 1_000_000, 1232, TcpConnection.Config.defaults(50_000, 53, 1).withMsl(100_000), List.of(),
                        null, true));
        Traced run = new Traced(t, DnsRun.of(servers, t));
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("198.18.2.2"), run.addresses());
        assertEquals(3, servers.queries.size());
        assertTrue(servers.queries.stream().allMatch(SimulatedDnsServers.Query::overTcp), "no hop over UDP");
    }

    @Test
    void aServerReferringToItsOwnZoneIsLameNotALoop() {
        // delegated synack.test., the server refers synack.test. to itself instead of answering
        SimulatedDnsServers servers = hierarchy().server(SYNACK, q -> SimulatedDnsServers.reply(q, 0, List.of(),
                List.of(DnsMessage.Record.pointing("synack.test.", DnsType.NS, 3600, "ns1.synack.test.")),
                List.of(DnsMessage.Record.a("ns1.synack.test.", 300, SYNACK))));
        Traced run = run(servers, "www.synack.test");
        assertEquals(Verdict.NEGATIVE, run.verdict());
        assertEquals(TraceFailure.LAME_REFERRAL, run.trace().failure());
        assertEquals(1, servers.queriesTo(SYNACK).size(), "asked once: the same referral again is no closer");
        assertEquals(3, run.hops().size());
    }

    @Test
    void aCnameLoopIsCutOff() {
        SimulatedDnsServers servers = hierarchy();
        Traced run = run(servers, "loop1.synack.test");
        assertEquals(Verdict.NEGATIVE, run.verdict());
        assertEquals(TraceFailure.CNAME_LIMIT, run.trace().failure());
        assertEquals(1, servers.queriesTo(SYNACK).size());
    }

    @Test
    void serversThatNeedEachOthersAddressesEndTheTraceInsteadOfRecursingForever() {
        // a.test. is served by ns.b.test. and b.test. by ns.a.test., both without glue
        SimulatedDnsServers servers = hierarchy().server(TEST, new Authority("test.").ns("a.test.", "ns.b.test.")
                .ns("b.test.", "ns.a.test."));
        Traced run = run(servers, "www.a.test");
        assertEquals(Verdict.NEGATIVE, run.verdict());
        assertEquals(TraceFailure.GLUELESS_TOO_DEEP, run.trace().failure());
        assertTrue(servers.queries.size() <= 12, servers.queries.size() + " queries");
    }

    @Test
    void aDelegationChainLongerThanTheHopLimitIsCutOff() {
        // each answer delegates one label further down, always to the same server: a bound must end it
        StringBuilder name = new StringBuilder();
        for (int i = 30; i >= 1; i--) {
            name.append("l").append(i).append('.');
        }
        int[] asked = {0};
        SimulatedDnsServers servers = new SimulatedDnsServers().server(ROOT, q -> {
            String qname = q.questions().get(0).name();
            String[] labels = qname.split("\\.");
            int depth = Math.min(++asked[0], labels.length);
            String zone = String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - depth, labels.length)) + ".";
            return SimulatedDnsServers.reply(q, 0, List.of(), List.of(DnsMessage.Record.pointing(zone, DnsType.NS, 60, "ns." + zone)),
                    List.of(DnsMessage.Record.a("ns." + zone, 60, ROOT)));
        });
        Traced run = run(servers, name.toString());
        assertEquals(Verdict.NEGATIVE, run.verdict());
        assertEquals(TraceFailure.HOP_LIMIT, run.trace().failure());
        assertEquals(20, servers.queries.size(), "twenty hops, then no more");
    }

    @Test
    void aHopsUdpPortThatIsTakenIsPassedOverForAnother() {
        // the first two ports each hop draws are held by another program: the hop asks from the third
        List<Integer> offered = new java.util.ArrayList<>();
        java.util.Set<Integer> held = new java.util.HashSet<>();
        int[] refusals = {0};
        java.util.function.IntConsumer claim = port -> {
            offered.add(port);
            if (refusals[0]++ % 3 != 2) {
                throw new synack.net.EnvironmentException("UDP port " + port + " is taken by another program");
            }
            held.add(port);
        };
        SimulatedDnsServers servers = hierarchy();
        DnsTrace t = new DnsTrace(SimulatedDnsServers.US, SimulatedDnsServers.US_IP, "www.synack.test", DnsType.A, HINTS,
                ip -> SimulatedDnsServers.ROUTER_IP, Map.of(SimulatedDnsServers.ROUTER_IP, SimulatedDnsServers.ROUTER), new Random(7),
                new DnsTrace.Settings(1, 1_000_000, 1232, TcpConnection.Config.defaults(50_000, 53, 1).withMsl(100_000), List.of(),
                        null, false, claim));
        Traced run = new Traced(t, DnsRun.of(servers, t));
        assertEquals(Verdict.OK, run.verdict());
        assertEquals(List.of("198.18.2.2"), run.addresses());
        assertEquals(9, offered.size(), "three hops, three ports offered each: " + offered);
        assertEquals(3, servers.queries.size());
        assertEquals(held, servers.queries.stream().map(SimulatedDnsServers.Query::clientPort).collect(java.util.stream.Collectors.toSet()),
                "each hop asked from the port it held: " + servers.queries);
    }

    @Test
    void aHopWhosePortsAreAllTakenEndsTheWalkAfterAFewTries() {
        int[] offered = {0};
        DnsTrace t = new DnsTrace(SimulatedDnsServers.US, SimulatedDnsServers.US_IP, "www.synack.test", DnsType.A, HINTS,
                ip -> SimulatedDnsServers.ROUTER_IP, Map.of(SimulatedDnsServers.ROUTER_IP, SimulatedDnsServers.ROUTER), new Random(7),
                new DnsTrace.Settings(1, 1_000_000, 1232, TcpConnection.Config.defaults(50_000, 53, 1).withMsl(100_000), List.of(),
                        null, false, port -> {
                            offered[0]++;
                            throw new synack.net.EnvironmentException("UDP port " + port + " is taken by another program");
                        }));
        SimulatedDnsServers servers = hierarchy();
        org.junit.jupiter.api.Assertions.assertThrows(synack.net.EnvironmentException.class, () -> DnsRun.of(servers, t));
        assertEquals(8, offered[0], "a bounded number of ports, then the refusal");
        assertEquals(List.of(), servers.queries, "no query left");
    }
}
