package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.dns.Ipv6DnsServer.Act;
import synack.exchange.tcp.TcpConnection;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;

/**
 * One question over an IPv6 transport to a server scripted with the wire classes: AAAA answered
 * over UDP, a truncated answer asked again over TCP over IPv6, ICMPv6 port unreachable ending the
 * query, replies with a zero or a wrong UDP checksum dropped and told.
 */
class DnsOverIpv6Test {
    static final int OUR_PORT = 40_000;
    static final String SUBJECT = "query 0x1a2b";
    static final IpAddress WWW6 = IpAddress.parse("2001:db8:2::80");

    static DnsMessage query(int type) {
        return DnsMessage.query(0x1a2b, "www.synack.test", type, true, 1232);
    }

    static DnsLookup lookup(int type, int retries) {
        return new DnsLookup(new DnsLookup.Path(Ipv6DnsServer.US, Ipv6DnsServer.ROUTER, Ipv6DnsServer.US_IP, Ipv6DnsServer.SERVER, 53),
                query(type), new DnsLookup.Settings(retries, 1_000_000, false, OUR_PORT,
                TcpConnection.Config.defaults(OUR_PORT + 1, 53, 0x1000_0000).withMsl(100_000), List.of(), null), 1);
    }

    static DnsMessage.Record aaaa(String owner, IpAddress ip) {
        return DnsMessage.Record.of(owner, DnsType.AAAA, 300, ip.bytes());
    }

    /** The answer: n AAAA records for the name (2001:db8:2::80, ::81, ...), TC when asked. */
    static DnsMessage answer(DnsMessage q, int n, boolean truncated) {
        List<DnsMessage.Record> records = new ArrayList<>();
        byte[] b = WWW6.bytes();
        for (int i = 0; i < n; i++) {
            records.add(aaaa("www.synack.test.", IpAddress.of(b.clone())));
            b[15]++;
        }
        return SimulatedDnsServers.reply(q, DnsMessage.AA | (truncated ? DnsMessage.TC : 0), truncated ? List.of() : records,
                List.of(), List.of());
    }

    @SuppressWarnings("unchecked")
    static List<String> answerData(DnsRun run) {
        return ((List<Map<String, Object>>) run.result().fields().get("answers")).stream().map(m -> (String) m.get("data")).toList();
    }

    @Test
    void anAaaaQuestionGoesOverIpv6UdpAndItsAnswerIsToldInRfc5952Text() {
        Ipv6DnsServer server = new Ipv6DnsServer(n -> Act.ANSWER, q -> answer(q, 1, false), null);
        DnsLookup lookup = lookup(DnsType.AAAA, 2);
        DnsRun run = DnsRun.of(server::answer, lookup);
        assertEquals(Verdict.OK, run.result().verdict(), run.events.toString());
        assertEquals(List.of("2001:db8:2::80"), answerData(run));
        assertEquals("2001:db8:2::2", run.result().fields().get("server"));
        assertEquals("ipv6", run.result().fields().get("family"));
        assertEquals("udp", run.result().fields().get("transport"));
        assertTrue(run.result().summary().contains("over UDP over IPv6"), run.result().summary());
        assertEquals(1, server.queries.size());
        assertEquals(DnsType.AAAA, server.queries.get(0).message().questions().get(0).type());
        assertEquals(64, server.queries.get(0).hopLimit());
        assertFalse(server.sawIpv4, "nothing went over IPv4");
        assertEquals(List.of("2001:db8:2::80"), AnswerText.data(lookup.answer().answers()));
        assertEquals(WWW6, AddressAnswer.of("www.synack.test", lookup.answer(), DnsType.AAAA).ip());
    }

    @Test
    void anyOtherTypeGoesOverIpv6Too() {
        Ipv6DnsServer server = new Ipv6DnsServer(n -> Act.ANSWER, q -> SimulatedDnsServers.reply(q, DnsMessage.AA,
                List.of(DnsMessage.Record.pointing("synack.test.", DnsType.NS, 300, "ns.synack.test.")), List.of(), List.of()), null);
        DnsRun run = DnsRun.of(server::answer, lookup(DnsType.NS, 0));
        assertEquals(Verdict.OK, run.result().verdict());
        assertEquals(List.of("ns.synack.test."), answerData(run));
        assertEquals(DnsType.NS, server.queries.get(0).message().questions().get(0).type());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpOverIpv6() {
        Ipv6DnsServer server = new Ipv6DnsServer(n -> Act.ANSWER, q -> answer(q, 0, true), q -> answer(q, 40, false));
        DnsLookup lookup = lookup(DnsType.AAAA, 0);
        DnsRun run = DnsRun.of(server::answer, lookup);
        assertEquals(Verdict.OK, run.result().verdict(), run.events.toString());
        assertEquals("tcp", run.result().fields().get("transport"));
        assertEquals(40, answerData(run).size());
        assertEquals("2001:db8:2::a7", answerData(run).get(39));
        assertEquals(List.of(false, true), server.queries.stream().map(Ipv6DnsServer.Query::overTcp).toList());
        assertTrue(server.packets.stream().anyMatch(p -> p.upperProtocol() == Ipv6Packet.TCP), "the TCP segments went over IPv6");
        assertFalse(server.sawIpv4);
        assertEquals(List.of("NONE", "QUERY_SENT", "TRUNCATED", "QUERY_SENT", "ANSWERED"), run.states(SUBJECT));
    }

    @Test
    void icmpv6PortUnreachableFromTheServerEndsTheQueryWithoutRetrying() {
        Ipv6DnsServer server = new Ipv6DnsServer(n -> Act.PORT_UNREACHABLE, q -> answer(q, 1, false), null);
        DnsLookup lookup = lookup(DnsType.AAAA, 2);
        DnsRun run = DnsRun.of(server::answer, lookup);
        assertEquals(Verdict.NEGATIVE, run.result().verdict());
        assertEquals(DnsQueryState.UNREACHABLE, lookup.state());
        assertEquals(1, server.queries.size(), "not asked again: the same answer would come");
        assertTrue(run.result().summary().startsWith("connection refused: "), run.result().summary());
        assertTrue(run.result().summary().contains("2001:db8:2::2"), run.result().summary());
        assertEquals("ipv6", run.result().fields().get("family"));
    }

    @Test
    void aReplyWithAZeroOrWrongUdpChecksumIsDroppedAndToldAndTheNextTryIsTaken() {
        for (Act damaged : List.of(Act.ZERO_CHECKSUM, Act.WRONG_CHECKSUM)) {
            Ipv6DnsServer server = new Ipv6DnsServer(n -> n == 1 ? damaged : Act.ANSWER, q -> answer(q, 1, false), null);
            DnsLookup lookup = lookup(DnsType.AAAA, 2);
            DnsRun run = DnsRun.of(server::answer, lookup);
            assertEquals(Verdict.OK, run.result().verdict(), damaged + ": " + run.events);
            assertEquals(2, run.result().fields().get("tries"), damaged + ": the damaged reply was not taken");
            assertEquals(2, run.result().fields().get("answered_try"));
            Event.Frame first = run.frames(Event.Direction.IN).get(0);
            String remark = first.remark().text(false);
            assertTrue(remark.startsWith("dropped: UDP checksum is " + (damaged == Act.ZERO_CHECKSUM ? "zero" : "wrong")), remark);
            assertEquals(List.of("NONE", "QUERY_SENT", "RETRY", "QUERY_SENT", "ANSWERED"), run.states(SUBJECT));
        }
    }

    @Test
    void aPathOfTwoFamiliesIsABug() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new DnsLookup.Path(Ipv6DnsServer.US,
                Ipv6DnsServer.ROUTER, IpAddress.parse("198.18.1.2"), Ipv6DnsServer.SERVER, 53));
    }

    @Test
    void manyNamesFromAFileGoOverIpv6() {
        Ipv6DnsServer server = new Ipv6DnsServer(n -> Act.ANSWER, q -> answer(q, 1, false), null);
        List<DnsBulk.Question> names = List.of(new DnsBulk.Question("www.synack.test", DnsType.AAAA),
                new DnsBulk.Question("www.synack.test", DnsType.AAAA));
        DnsBulk bulk = new DnsBulk(new DnsLookup.Path(Ipv6DnsServer.US, Ipv6DnsServer.ROUTER, Ipv6DnsServer.US_IP,
                Ipv6DnsServer.SERVER, 53), names, new DnsBulk.Settings(16, 1, 1_000_000, true, 1232, OUR_PORT),
                new java.util.Random(7));
        DnsRun run = DnsRun.of(server::answer, bulk);
        assertEquals(Verdict.OK, run.result().verdict(), run.events.toString());
        assertEquals(2, run.result().fields().get("noerror"));
        assertEquals("ipv6", run.result().fields().get("family"));
        assertEquals(2, server.queries.size());
        assertFalse(server.sawIpv4);
    }
}
