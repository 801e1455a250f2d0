package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpConnection;
import synack.net.AddressFamily;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.IpAddress;

/**
 * Iterative resolution over IPv6 against a simulated dual-stack hierarchy on the in-memory wire:
 * the root hints' AAAA and the glue's AAAA give the servers' addresses, the router's MAC is asked
 * by neighbour solicitation first, nothing goes over IPv4; a referral with only A glue is
 * followed by tracing the server's AAAA from the root; a server with no AAAA ends the walk in one
 * line; ICMPv6 port unreachable from a root moves on to the next root.
 */
class DnsTraceIpv6Test {
    static final IpAddress ROOT = IpAddress.parse("2001:db8:3::10");
    static final IpAddress TEST = IpAddress.parse("2001:db8:3::11");
    static final IpAddress SYNACK = IpAddress.parse("2001:db8:3::12");
    static final IpAddress DUAL = IpAddress.parse("2001:db8:3::13");
    static final IpAddress DEAD_ROOT = IpAddress.parse("2001:db8:3::9");
    /** The hints of both families, as the lab's: a.root.test. A and AAAA. */
    static final RootHints HINTS = new RootHints(List.of(new RootHints.Server("a.root.test.", IpAddress.parse("198.18.3.10")),
            new RootHints.Server("a.root.test.", ROOT)));

    /** The root, test. (its own names in the zone, referrals with glue of both families, of A only, of no AAAA at all) and synack.test. */
    static SimulatedDnsServers6 hierarchy() {
        Authority test = new Authority("test.").ns("synack.test.", "ns1.synack.test.").a("ns1.synack.test.", "198.18.3.12")
                .aaaa("ns1.synack.test.", "2001:db8:3::12")
                .a("ns.dual.test.", "198.18.3.13").aaaa("ns.dual.test.", "2001:db8:3::13").a("ns.v4.test.", "198.18.3.14");
        return new SimulatedDnsServers6()
                .server(ROOT, new Authority(".").ns("test.", "ns.test.").a("ns.test.", "198.18.3.11").aaaa("ns.test.", "2001:db8:3::11"))
                .server(TEST, q -> {
                    String qname = q.questions().get(0).name();
                    // an older server's referrals: A glue only, though the zone holds the server's AAAA too
                    if (DnsName.isAtOrBelow(qname, "onlya.test.")) {
                        return referral(q, "onlya.test.", "ns.dual.test.", "198.18.3.13");
                    }
                    if (DnsName.isAtOrBelow(qname, "nov6.test.")) {
                        return referral(q, "nov6.test.", "ns.v4.test.", "198.18.3.14");
                    }
                    return test.apply(q);
                })
                .server(SYNACK, new Authority("synack.test.").aaaa("www.synack.test.", "2001:db8:2::2").a("www.synack.test.", "198.18.2.2"))
                .server(DUAL, new Authority("onlya.test.").aaaa("www.onlya.test.", "2001:db8:2::3"));
    }

    static DnsMessage referral(DnsMessage q, String zone, String server, String ipv4Glue) {
        return SimulatedDnsServers.reply(q, 0, List.of(), List.of(DnsMessage.Record.pointing(zone, DnsType.NS, 3600, server)),
                List.of(DnsMessage.Record.a(server, 300, synack.wire.Ip4.parse(ipv4Glue))));
    }

    record Traced(DnsTrace trace, DnsRun run, List<Integer> heldPorts) {
        /** The hops, each as "zone@server-address". */
        List<String> hops() {
            return trace.hopsTaken().stream().map(h -> h.zone() + "@" + h.server().ip()).toList();
        }

        List<String> answers() {
            return AnswerText.data(trace.answer().answers());
        }
    }

    static Traced run(SimulatedDnsServers6 servers, RootHints hints, String name, int type) {
        List<Integer> held = new ArrayList<>();
        DnsTrace t = new DnsTrace(SimulatedDnsServers6.US, SimulatedDnsServers6.US_IP, name, type, hints,
                ip -> SimulatedDnsServers6.ROUTER_LL, Map.of(), new Random(7),
                new DnsTrace.Settings(1, 1_000_000, 1232, TcpConnection.Config.defaults(50_000, 53, 1).withMsl(100_000), List.of(),
                        null, false, held::add));
        return new Traced(t, DnsRun.of(servers::answer, t), held);
    }

    @Test
    void theWalkAsksOnlyIpv6AddressesFromTheRootHintsAndTheGlue() {
        SimulatedDnsServers6 servers = hierarchy();
        Traced t = run(servers, HINTS, "www.synack.test", DnsType.AAAA);
        assertEquals(Verdict.OK, t.run().result().verdict(), t.run().result().summary());
        assertEquals(List.of(".@2001:db8:3::10", "test.@2001:db8:3::11", "synack.test.@2001:db8:3::12"), t.hops());
        assertEquals(List.of("2001:db8:2::2"), t.answers());
        assertEquals(0, servers.framesNotIpv6, "nothing went over IPv4, though the hints and the glue had A records");
        assertEquals(1, servers.solicitations, "the router's MAC asked once, by neighbour solicitation, then known");
        assertEquals(3, servers.queries.size());
        Map<String, Object> f = t.run().result().fields();
        assertEquals("ipv6", f.get("family"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hops = (List<Map<String, Object>>) f.get("hops");
        assertEquals(List.of("2001:db8:3::10", "2001:db8:3::11", "2001:db8:3::12"), hops.stream().map(h -> h.get("ip")).toList());
        assertTrue(t.run().events.stream().anyMatch(e -> e instanceof Event.Note n
                && n.text().equals("referral: test. is delegated to ns.test. (2001:db8:3::11) — the glue in ADDITIONAL gives the address")),
                t.run().events.toString());
        // each hop's UDP port was handed out to be held before its query went, and it is the port the query came from
        assertEquals(servers.queries.stream().map(SimulatedDnsServers6.Query::clientPort).toList(), t.heldPorts());
    }

    @Test
    void aReferralWithOnlyAGlueIsFollowedOnceTheServersAaaaIsTracedFromTheRoot() {
        SimulatedDnsServers6 servers = hierarchy();
        Traced t = run(servers, HINTS, "www.onlya.test", DnsType.AAAA);
        assertEquals(Verdict.OK, t.run().result().verdict(), t.run().result().summary());
        assertEquals(List.of("2001:db8:2::3"), t.answers());
        assertEquals(List.of(".@2001:db8:3::10", "test.@2001:db8:3::11", "onlya.test.@2001:db8:3::13"), t.hops());
        assertEquals(2, t.run().result().fields().get("server_address_hops"), "root and test. asked for ns.dual.test. AAAA");
        assertEquals(List.of("ns.dual.test. AAAA"), servers.queriesTo(TEST).stream().map(q -> q.message().questions().get(0))
                .filter(q -> q.name().startsWith("ns.")).map(q -> q.name() + " " + DnsType.name(q.type())).toList());
        assertEquals(0, servers.framesNotIpv6, "the A glue 198.18.3.13 was not asked");
        assertTrue(t.run().events.stream().anyMatch(e -> e instanceof Event.Note n && n.text().contains(
                "with no IPv6 address for it (its glue is of the other family only") && n.text().endsWith(
                "first find ns.dual.test. AAAA, from the root")), t.run().events.toString());
    }

    @Test
    void aServerWithNoIpv6AddressEndsTheWalkInOneLine() {
        SimulatedDnsServers6 servers = hierarchy();
        Traced t = run(servers, HINTS, "www.nov6.test", DnsType.AAAA);
        Event.Result r = t.run().result();
        assertEquals(Verdict.NEGATIVE, r.verdict());
        assertEquals(TraceFailure.NO_SERVER_ADDRESS, t.trace().failure());
        assertEquals("ns.v4.test., the server for nov6.test., has no IPv6 address (its AAAA answer is empty): a walk over IPv6"
                + " cannot go on", r.summary());
        assertEquals("ipv6", r.fields().get("family"));
        assertEquals(0, servers.framesNotIpv6, "198.18.3.14 was never asked");
    }

    @Test
    void icmpv6PortUnreachableFromARootMovesOnToTheNextRoot() {
        SimulatedDnsServers6 servers = hierarchy().host(DEAD_ROOT);
        RootHints hints = new RootHints(List.of(new RootHints.Server("b.root.test.", DEAD_ROOT),
                new RootHints.Server("a.root.test.", ROOT)));
        Traced t = run(servers, hints, "www.synack.test", DnsType.AAAA);
        assertEquals(Verdict.OK, t.run().result().verdict(), t.run().result().summary());
        assertEquals(List.of(".@2001:db8:3::10", "test.@2001:db8:3::11", "synack.test.@2001:db8:3::12"), t.hops());
        assertTrue(t.run().events.stream().anyMatch(e -> e instanceof Event.Transition tr && tr.to().equals("UNREACHABLE")),
                "the ICMPv6 error ended the first root's query at once");
        assertTrue(t.run().events.stream().anyMatch(e -> e instanceof Event.Note n
                && n.text().equals("b.root.test. did not answer; trying the next server for .")), t.run().events.toString());
        assertTrue(t.run().elapsedMicros() < 1_000_000, "no retry waited out: " + t.run().elapsedMicros() + " µs");
    }

    @Test
    void rootHintsWithoutAaaaCannotStartAnIpv6Walk() {
        SimulatedDnsServers6 servers = hierarchy();
        Traced t = run(servers, new RootHints(List.of(new RootHints.Server("a.root.test.", IpAddress.parse("198.18.3.10")))),
                "www.synack.test", DnsType.AAAA);
        assertEquals(Verdict.NEGATIVE, t.run().result().verdict());
        assertEquals("the root hints give no IPv6 address (AAAA) for any root server: a walk over IPv6 cannot start",
                t.run().result().summary());
        assertTrue(servers.queries.isEmpty() && servers.solicitations == 0 && servers.framesNotIpv6 == 0, "nothing was sent");
    }

    @Test
    void rootHintsAreReadWithTheirAaaaRecords(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("root.hints");
        Files.writeString(file, """
                ; comment
                .                        3600000      NS    A.ROOT-SERVERS.NET.
                .                        3600000      NS    b.root-servers.net.
                A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
                A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:BA3E::2:30
                b.root-servers.net.      3600000 IN   AAAA  2801:1b8:10::b
                """);
        RootHints hints = RootHints.read(file);
        assertEquals(List.of("a.root-servers.net. 198.41.0.4", "a.root-servers.net. 2001:503:ba3e::2:30", "b.root-servers.net. 2801:1b8:10::b"),
                hints.servers().stream().map(s -> s.name() + " " + s.ip()).toList());
        assertEquals(List.of("198.41.0.4"), hints.of(AddressFamily.IPV4).stream().map(s -> s.ip().toString()).toList());
        assertEquals(2, hints.of(AddressFamily.IPV6).size());
        Files.writeString(file, ". NS a.root.test.\n");
        IOException none = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> RootHints.read(file));
        assertTrue(none.getMessage().startsWith("no root server with an address (A or AAAA) in "), none.getMessage());
    }
}
