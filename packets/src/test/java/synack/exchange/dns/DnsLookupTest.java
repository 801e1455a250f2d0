package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.dns.SimulatedDnsServers.Reply;
import synack.exchange.tcp.TcpConnection;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;

/** One question to one simulated server: which replies count, retries, negative answers, TC → TCP, ICMP. */
class DnsLookupTest {
    static final int SERVER = Ip4.parse("198.18.2.2");
    static final int FORGER = Ip4.parse("198.18.6.6");
    static final int OUR_PORT = 40_000;
    static final int QUERY_ID = 0x1a2b;
    static final String SUBJECT = "query 0x1a2b";
    static final DnsMessage.Record WWW = DnsMessage.Record.a("www.synack.test.", 300, Ip4.parse("198.18.2.2"));
    static final DnsMessage.Record FORGED = DnsMessage.Record.a("www.synack.test.", 300, Ip4.parse("6.6.6.6"));

    static DnsMessage query() {
        return DnsMessage.query(QUERY_ID, "www.synack.test", DnsType.A, true, 1232);
    }

    static DnsLookup lookup(int retries, boolean tcpOnly, List<DnsExpectation> expectations, Runnable beforeTcp) {
        return new DnsLookup(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER, SimulatedDnsServers.US_IP,
                SERVER, 53), query(), new DnsLookup.Settings(retries, 1_000_000, tcpOnly, OUR_PORT,
                TcpConnection.Config.defaults(OUR_PORT + 1, 53, 0x1000_0000).withMsl(100_000), expectations, beforeTcp), 1);
    }

    static DnsLookup lookup(int retries) {
        return lookup(retries, false, List.of(), null);
    }

    static DnsMessage answer(DnsMessage q, DnsMessage.Record... records) {
        return SimulatedDnsServers.reply(q, DnsMessage.AA, List.of(records), List.of(), List.of());
    }

    static List<String> states(DnsQueryState... states) {
        return java.util.Arrays.stream(states).map(Enum::name).toList();
    }

    @Test
    void repliesThatAreNotTheAnswerAreToldAndIgnoredAndTheAnswerIsTaken() {
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> List.of(
                Reply.of(answer(q, FORGED)).fromIp(FORGER),
                Reply.of(answer(q, FORGED)).fromPort(5353),
                Reply.of(answer(q, FORGED)).toPort(OUR_PORT + 7),
                Reply.of(SimulatedDnsServers.withId(answer(q, FORGED), 0x0001)),
                Reply.of(SimulatedDnsServers.withQuestion(answer(q, FORGED), "evil.test.", DnsType.A)),
                Reply.of(new DnsMessage(q.id(), 0, q.questions(), List.of(FORGED), List.of(), List.of())),
                Reply.raw(new byte[] {0x1a, 0x2b, (byte) 0x84}),
                Reply.of(answer(q, WWW))));
        DnsLookup lookup = lookup(2);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(List.of(ReplyMismatch.Reason.OTHER_SERVER, ReplyMismatch.Reason.OTHER_SERVER_PORT,
                ReplyMismatch.Reason.OTHER_CLIENT_PORT, ReplyMismatch.Reason.OTHER_ID, ReplyMismatch.Reason.OTHER_QUESTION,
                ReplyMismatch.Reason.NOT_A_REPLY, ReplyMismatch.Reason.MALFORMED),
                lookup.ignored().stream().map(ReplyMismatch::reason).toList());
        assertEquals(new ReplyMismatch(ReplyMismatch.Reason.OTHER_SERVER, "198.18.6.6", "198.18.2.2"), lookup.ignored().get(0));
        assertEquals(new ReplyMismatch(ReplyMismatch.Reason.OTHER_ID, "0x0001", "0x1a2b"), lookup.ignored().get(3));
        assertEquals(Verdict.OK, run.result().verdict());
        assertEquals(DnsQueryState.ANSWERED, lookup.state());
        assertEquals(states(DnsQueryState.NONE, DnsQueryState.QUERY_SENT, DnsQueryState.ANSWERED), run.states(SUBJECT));
        assertEquals(List.of(Ip4.parse("198.18.2.2")), lookup.answer().answers().stream().map(DnsMessage.Record::address).toList());
        assertEquals("198.18.2.2", run.records("answers").get(0).get("data"));
        assertEquals(1, servers.queries.size(), "nothing was asked again");
        // every one of them is in the story, with a remark saying it was not taken
        List<Event.Frame> in = run.frames(Event.Direction.IN);
        assertEquals(8, in.size());
        assertTrue(in.stream().noneMatch(f -> f.remark().isEmpty()));
    }

    @Test
    void silenceIsAskedAgainFromTheSamePortWithAnIdOfItsOwnThenThereIsNoAnswer() {
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> List.of());
        DnsLookup lookup = lookup(2);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.NO_ANSWER, run.result().verdict());
        assertEquals(DnsQueryState.TIMED_OUT, lookup.state());
        assertEquals(states(DnsQueryState.NONE, DnsQueryState.QUERY_SENT, DnsQueryState.RETRY, DnsQueryState.QUERY_SENT,
                DnsQueryState.RETRY, DnsQueryState.QUERY_SENT, DnsQueryState.TIMED_OUT), run.states(SUBJECT));
        assertEquals(3, servers.queries.size());
        assertTrue(servers.queries.stream().allMatch(q -> q.clientPort() == OUR_PORT));
        assertEquals(QUERY_ID, servers.queries.get(0).message().id());
        assertEquals(3, servers.queries.stream().map(q -> q.message().id()).distinct().count(), "each try its own ID");
        assertEquals(List.of(0L, 1_000_000L, 2_000_000L), servers.queries.stream()
                .map(q -> q.atMicros() - DnsRun.T0 - DnsRun.LATENCY).toList(), "one try a second");
        assertEquals(3_000_000L, run.elapsedMicros());
        assertEquals(3, run.result().fields().get("tries"));
        assertNull(lookup.answer());
    }

    @Test
    void aLateReplyToTheFirstTryIsTimedFromTheFirstTry() {
        // the reply to try 1 comes just after try 2 went out: its ID says it answers try 1, sent a second earlier
        List<DnsMessage> asked = new ArrayList<>();
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> {
            asked.add(q);
            return asked.size() == 2 ? List.of(Reply.of(answer(asked.get(0), WWW))) : List.of();
        });
        DnsLookup lookup = lookup(2);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.OK, run.result().verdict());
        assertEquals(1, run.result().fields().get("answered_try"));
        assertEquals(1_000.0 + 2 * DnsRun.LATENCY / 1000.0, ((Number) run.result().fields().get("rtt_ms")).doubleValue(), 0.001);
        assertTrue(run.frames(Event.Direction.IN).get(0).remark().text(false).contains("from try 1"), run.frames(Event.Direction.IN).toString());
    }

    @Test
    void onlyUnusableRepliesFromTheServerAreANegativeAnswerNotSilence() {
        // malformed (cut short), and NOERROR without the question: the server answered, but nothing can be taken
        int[] seen = {0};
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> {
            byte[] whole = answer(q, WWW).toBytes();
            return List.of(++seen[0] == 1 ? Reply.raw(java.util.Arrays.copyOf(whole, whole.length - 3))
                    : Reply.of(new DnsMessage(q.id(), DnsMessage.QR, List.of(), List.of(), List.of(), List.of())));
        });
        DnsLookup lookup = lookup(1);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.NEGATIVE, run.result().verdict());
        assertEquals(DnsQueryState.REJECTED, lookup.state());
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> rejected = (List<java.util.Map<String, Object>>) run.result().fields().get("rejected");
        assertEquals(List.of("malformed", "question_count"), rejected.stream().map(m -> m.get("reason")).toList());
        assertTrue(run.result().summary().startsWith("no usable reply from 198.18.2.2 to 2 queries: 2 arrived"), run.result().summary());
    }

    @Test
    void formerrWithoutTheQuestionToAnEdnsQueryIsAskedAgainWithoutEdns() {
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> List.of(Reply.of(q.ednsUdpSize() >= 0
                ? new DnsMessage(q.id(), DnsMessage.QR | 1, List.of(), List.of(), List.of(), List.of()) : answer(q, WWW))));
        DnsLookup lookup = lookup(0);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.OK, run.result().verdict());
        assertEquals(2, servers.queries.size());
        assertEquals(-1, servers.queries.get(1).message().ednsUdpSize(), "the second query carries no OPT");
        assertEquals(true, run.result().fields().get("edns_dropped"));
        assertTrue(run.result().summary().contains("without EDNS"), run.result().summary());
    }

    @Test
    void formerrWithoutTheQuestionToAQueryWithoutEdnsIsTheAnswer() {
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> List.of(Reply.of(
                new DnsMessage(q.id(), DnsMessage.QR | 1, List.of(), List.of(), List.of(), List.of()))));
        DnsLookup lookup = new DnsLookup(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER,
                SimulatedDnsServers.US_IP, SERVER, 53), DnsMessage.query(QUERY_ID, "www.synack.test", DnsType.A, true, 0),
                new DnsLookup.Settings(2, 1_000_000, false, OUR_PORT, TcpConnection.Config.defaults(OUR_PORT + 1, 53, 1),
                        List.of(), null), 1);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.NEGATIVE, run.result().verdict());
        assertEquals("FORMERR", run.result().fields().get("rcode"));
        assertEquals(1, servers.queries.size());
    }

    @Test
    void anAnswerToTheSecondTryIsTaken() {
        int[] seen = {0};
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53,
                q -> ++seen[0] == 1 ? List.of() : List.of(Reply.of(answer(q, WWW))));
        DnsLookup lookup = lookup(2);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.OK, run.result().verdict());
        assertEquals(states(DnsQueryState.NONE, DnsQueryState.QUERY_SENT, DnsQueryState.RETRY, DnsQueryState.QUERY_SENT,
                DnsQueryState.ANSWERED), run.states(SUBJECT));
        assertEquals(2, lookup.tries());
    }

    @Test
    void eachStateChangeIsStampedWhenItHappened() {
        int[] seen = {0};
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53,
                q -> ++seen[0] == 1 ? List.of() : List.of(Reply.of(answer(q, WWW))));
        DnsRun answered = DnsRun.of(servers, lookup(2));
        long rtt = 2 * DnsRun.LATENCY;
        // sent at 0; no reply by 1 s: RETRY and sent again then; the answer arrives one round trip later
        assertEquals(List.of(0L, 1_000_000L, 1_000_000L, 1_000_000L + rtt), answered.transitionTimes(SUBJECT));

        DnsRun silent = DnsRun.of(new SimulatedDnsServers().udp(SERVER, 53, q -> List.of()), lookup(0));
        assertEquals(List.of(0L, 1_000_000L), silent.transitionTimes(SUBJECT), "TIMED_OUT when the wait ran out");

        DnsRun refused = DnsRun.of(new SimulatedDnsServers().host(SERVER), lookup(2));
        assertEquals(List.of(0L, rtt), refused.transitionTimes(SUBJECT), "UNREACHABLE when the ICMP came");
    }

    @Test
    void nxdomainIsANegativeAnswerUnlessItWasExpected() {
        SimulatedDnsServers servers = new SimulatedDnsServers().server(SERVER,
                q -> SimulatedDnsServers.reply(q, DnsMessage.AA | 3, List.of(), List.of(), List.of()));
        DnsLookup lookup = lookup(2);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.NEGATIVE, run.result().verdict());
        assertEquals(DnsQueryState.ANSWERED, lookup.state(), "a negative answer is an answer");
        assertEquals(3, lookup.answer().rcode());
        assertEquals("NXDOMAIN", run.result().fields().get("rcode"));
        assertEquals(false, run.result().fields().get("ok"));

        DnsLookup expected = lookup(2, false, List.of(DnsExpectation.parse("rcode=nxdomain")), null);
        assertEquals(Verdict.OK, DnsRun.of(servers, expected).result().verdict());
    }

    @Test
    void anAnswerWithoutTheExpectedRecordIsNegative() {
        SimulatedDnsServers servers = new SimulatedDnsServers().server(SERVER, q -> answer(q, WWW));
        DnsRun held = DnsRun.of(servers, lookup(0, false, List.of(DnsExpectation.parse("A=198.18.2.2")), null));
        assertEquals(Verdict.OK, held.result().verdict());
        assertEquals(List.of(), held.result().fields().get("unmet"));
        DnsRun unmet = DnsRun.of(servers, lookup(0, false, List.of(DnsExpectation.parse("A=198.18.2.3")), null));
        assertEquals(Verdict.NEGATIVE, unmet.result().verdict());
        assertEquals(List.of("A=198.18.2.3"), unmet.result().fields().get("unmet"));
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpAndTheTcpAnswerIsUsed() {
        List<DnsMessage.Record> many = IntStream.rangeClosed(1, 40)
                .mapToObj(i -> DnsMessage.Record.a("www.synack.test.", 300, Ip4.parse("198.18.9." + i))).toList();
        SimulatedDnsServers servers = new SimulatedDnsServers()
                .server(SERVER, q -> SimulatedDnsServers.reply(q, DnsMessage.AA | DnsMessage.TC, List.of(), List.of(), List.of()))
                .tcp(SERVER, 53, q -> SimulatedDnsServers.reply(q, DnsMessage.AA, many, List.of(), List.of()));
        List<String> sideEffects = new ArrayList<>();
        DnsLookup lookup = lookup(2, false, List.of(), () -> sideEffects.add("guard"));
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.OK, run.result().verdict(), run.result().summary());
        assertEquals(DnsTransport.TCP, lookup.transport());
        assertEquals("tcp", run.result().fields().get("transport"));
        assertEquals(states(DnsQueryState.NONE, DnsQueryState.QUERY_SENT, DnsQueryState.TRUNCATED, DnsQueryState.QUERY_SENT,
                DnsQueryState.ANSWERED), run.states(SUBJECT));
        assertEquals(many, lookup.answer().answers());
        assertFalse(lookup.answer().tc());
        assertEquals(40, run.records("answers").size());
        List<Long> times = run.transitionTimes(SUBJECT);
        assertEquals(2 * DnsRun.LATENCY, times.get(1), "TRUNCATED when the TC answer came");
        assertEquals(2 * DnsRun.LATENCY, times.get(2), "and at once the question goes over TCP");
        assertTrue(times.get(3) > times.get(2) + 2 * DnsRun.LATENCY, "ANSWERED when the TCP answer was whole: " + times);
        assertEquals(List.of(false, true), servers.queries.stream().map(SimulatedDnsServers.Query::overTcp).toList());
        assertEquals(QUERY_ID, servers.queries.get(1).message().id(), "the same question, the same ID, over TCP");
        assertEquals(List.of("guard"), sideEffects, "the RST guard is asked for once, before the first TCP segment");
        // the connection closes once the answer is whole (our FIN first, then TIME_WAIT of 2 MSL): no timer of a try ran out
        assertTrue(run.elapsedMicros() < 1_000_000, "elapsed " + run.elapsedMicros());
    }

    @Test
    void withTcpOnlyTheQuestionGoesOverTcpFromTheStart() {
        SimulatedDnsServers servers = new SimulatedDnsServers().tcp(SERVER, 53, q -> answer(q, WWW));
        DnsLookup lookup = lookup(2, true, List.of(), null);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.OK, run.result().verdict());
        assertEquals(states(DnsQueryState.NONE, DnsQueryState.QUERY_SENT, DnsQueryState.ANSWERED), run.states(SUBJECT));
        assertEquals(List.of(true), servers.queries.stream().map(SimulatedDnsServers.Query::overTcp).toList());
        assertEquals(0, lookup.tries(), "no UDP query");
    }

    @Test
    void portUnreachableEndsTheAttemptAtOnce() {
        SimulatedDnsServers servers = new SimulatedDnsServers().host(SERVER); // nothing listens on UDP 53
        DnsLookup lookup = lookup(2);
        DnsRun run = DnsRun.of(servers, lookup);
        assertEquals(Verdict.NEGATIVE, run.result().verdict());
        assertEquals(DnsQueryState.UNREACHABLE, lookup.state());
        assertEquals(states(DnsQueryState.NONE, DnsQueryState.QUERY_SENT, DnsQueryState.UNREACHABLE), run.states(SUBJECT));
        assertEquals(1, run.frames(Event.Direction.OUT).size(), "no retry: the same query would draw the same ICMP");
        assertEquals(2 * DnsRun.LATENCY, run.elapsedMicros(), "ended by the ICMP, not by a timeout");
        assertEquals(1, run.result().fields().get("tries"));
    }
}
