package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.Runner;
import synack.exchange.tcp.TcpConnection;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/**
 * RFC 8305 section 3 against an in-memory name server whose answers to AAAA and A each come after
 * a delay of their own (or never), on virtual time: both queries leave back to back, AAAA first;
 * when the connection attempts may begin and with which family.
 */
class AddressQueriesTest {
    static final long T0 = 1_700_000_000_000_000L;
    static final long LATENCY = 500; // each way: an answer sent at once arrives 1 ms after its query left
    static final int SERVER = Ip4.parse("198.18.2.2");
    static final int UDP_PORT = 40_000;
    static final String NAME = "www.synack.test";
    static final IpAddress V6 = IpAddress.literal("[2001:db8:2::2]");
    static final int V4 = Ip4.parse("198.18.2.2");
    static final long MS = 1000;

    /** How the server treats one query type: its answer's extra delay (micros), or silence, or a negative answer. */
    record Plan(long delayMicros, boolean silent, boolean negativeAnswer, boolean truncated) {
        static Plan after(long micros) {
            return new Plan(micros, false, false, false);
        }

        static Plan lost() {
            return new Plan(0, true, false, false);
        }

        static Plan nodata(long micros) {
            return new Plan(micros, false, true, false);
        }

        static Plan cut() {
            return new Plan(0, false, false, true);
        }
    }

    /** One run and what it told; {@code readyAt} is relative to T0. */
    static final class Run {
        final List<Event> events = new ArrayList<>();
        final SimulatedDnsServers servers = new SimulatedDnsServers();
        AddressQueries queries;
        long readyAt;
        long firstAnswerAt = -1;
        final List<Long> queriesLeft = new ArrayList<>();
    }

    static DnsLookup lookup(int type, int id, int tcpPort) {
        return new DnsLookup(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER, SimulatedDnsServers.US_IP, SERVER, 53),
                DnsMessage.query(id, NAME, type, true, 1232), new DnsLookup.Settings(2, 1_000_000, false, UDP_PORT,
                        TcpConnection.Config.defaults(tcpPort, 53, 0x1000_0000).withMsl(100_000), List.of(), null), 1);
    }

    static DnsMessage answer(DnsMessage q, Plan plan) {
        int type = q.questions().get(0).type();
        List<DnsMessage.Record> records = plan.negativeAnswer() ? List.of() : type == DnsType.AAAA
                ? List.of(DnsMessage.Record.of("www.synack.test.", DnsType.AAAA, 300, V6.bytes()))
                : List.of(DnsMessage.Record.a("www.synack.test.", 300, V4));
        return SimulatedDnsServers.reply(q, DnsMessage.AA, records, List.of(), List.of());
    }

    /** Runs the queries for the parts given (null: that family not asked) against a server following the plans. */
    static Run run(AddressQueries.Part six, AddressQueries.Part four, Map<Integer, Plan> plans) {
        Run run = new Run();
        run.servers.udp(SERVER, 53, q -> {
            Plan p = plans.get(q.questions().get(0).type());
            if (p.silent()) {
                return List.of();
            }
            DnsMessage a = answer(q, p);
            if (p.truncated()) {
                a = SimulatedDnsServers.reply(q, DnsMessage.AA | DnsMessage.TC, List.of(), List.of(), List.of());
            }
            return List.of(SimulatedDnsServers.Reply.of(a));
        }).tcp(SERVER, 53, q -> answer(q, Plan.after(0)));
        VirtualClock clock = new VirtualClock(T0);
        MemoryLink[] wire = MemoryLink.pair(clock, LATENCY);
        wire[1].respondWith(frame -> delayed(run, plans, frame, wire[0]));
        run.queries = new AddressQueries(NAME, six, four);
        Exchange watched = new Watching(run);
        new Runner(wire[0], clock, e -> {
            run.events.add(e);
            if (e instanceof Event.Frame f && f.direction() == Event.Direction.OUT) {
                run.queriesLeft.add(f.timeMicros() - T0);
            }
            if (e instanceof Event.Frame f && f.direction() == Event.Direction.IN && run.firstAnswerAt < 0) {
                run.firstAnswerAt = f.timeMicros() - T0;
            }
        }).run(watched, () -> clock.nowMicros() > T0 + 600_000_000L);
        return run;
    }

    /** The server's replies, each held back by its type's delay. */
    static List<byte[]> delayed(Run run, Map<Integer, Plan> plans, ReceivedFrame frame, MemoryLink us) {
        List<byte[]> replies = run.servers.answer(frame);
        Frames.Udp udp;
        try {
            udp = Frames.parseUdp(frame.bytes());
            if (udp == null) {
                return replies; // the TCP retry: at once
            }
            int type = DnsMessage.parse(udp.datagram().payload()).questions().get(0).type();
            long delay = plans.get(type).delayMicros();
            if (delay == 0) {
                return replies;
            }
            for (byte[] r : replies) {
                us.inject(r, frame.timeMicros() + LATENCY + delay);
            }
            return List.of();
        } catch (synack.wire.MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the queries to their end, noting when they first were ready. */
    static final class Watching implements Exchange {
        final Run run;

        Watching(Run run) {
            this.run = run;
        }

        @Override
        public void start(long now, Output output) {
            run.queries.start(now, output);
            seen();
        }

        @Override
        public void onFrame(ReceivedFrame frame, Output output) {
            run.queries.onFrame(frame, output);
            seen();
        }

        @Override
        public void onTimer(long now, Output output) {
            run.queries.onTimer(now, output);
            seen();
        }

        private boolean noted;

        private void seen() {
            if (run.queries.ready() && !noted) {
                noted = true;
                run.readyAt = run.queries.readyAt() - T0;
            }
        }

        @Override
        public void abort(long now, Output output) {
            run.queries.abort(now, output);
        }

        @Override
        public long nextDeadlineMicros() {
            return run.queries.nextDeadlineMicros();
        }

        @Override
        public boolean isDone() {
            return run.queries.isDone();
        }
    }

    static Run both(Plan aaaa, Plan a) {
        return run(AddressQueries.Part.ask(lookup(DnsType.AAAA, 0x6666, 43_000)), AddressQueries.Part.ask(lookup(DnsType.A, 0x4444, 43_001)),
                Map.of(DnsType.AAAA, aaaa, DnsType.A, a));
    }

    @SuppressWarnings("unchecked")
    static List<String> rules(Run run) {
        List<String> rules = new ArrayList<>();
        for (Event e : run.events) {
            if (e instanceof Event.Note n && n.fields().get("resolution") instanceof Map<?, ?> r) {
                rules.add((String) r.get("rule"));
            }
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> answers(Run run) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Event e : run.events) {
            if (e instanceof Event.Note n && n.fields().get("dns_answer") instanceof Map<?, ?> a) {
                out.add((Map<String, Object>) a);
            }
        }
        return out;
    }

    @Test
    void bothQueriesLeaveBackToBackAaaaFirstFromOnePortWithIdsOfTheirOwn() {
        Run run = both(Plan.after(0), Plan.after(0));
        List<SimulatedDnsServers.Query> asked = run.servers.queriesTo(SERVER);
        assertEquals(2, asked.size());
        assertEquals(DnsType.AAAA, asked.get(0).message().questions().get(0).type(), "AAAA first");
        assertEquals(DnsType.A, asked.get(1).message().questions().get(0).type());
        assertEquals(asked.get(0).clientPort(), asked.get(1).clientPort(), "one UDP port, as glibc");
        assertNotEquals(asked.get(0).message().id(), asked.get(1).message().id());
        assertEquals(List.of(0L, 0L), run.queriesLeft, "both left at the start");
        assertTrue(run.queriesLeft.get(1) < run.firstAnswerAt, "the A query left before any answer came");
        assertEquals(V6, run.queries.address(DnsType.AAAA).ip());
        assertEquals(IpAddress.of(V4), run.queries.address(DnsType.A).ip());
        assertEquals(List.of("AAAA", "A"), answers(run).stream().map(a -> a.get("type")).toList(), "each answer told as it came");
    }

    @Test
    void aaaaFirstStartsIpv6AtOnceWithTheAStillToCome() {
        Run run = both(Plan.after(0), Plan.after(20 * MS));
        assertEquals(1 * MS, run.readyAt, "ready when the AAAA answer came, one round trip in");
        assertEquals(DnsType.A, run.queries.pendingAtReady(), "the A answer was still to come");
        assertEquals(List.of("aaaa_address"), rules(run));
        assertTrue(run.queries.isDone());
        assertEquals(IpAddress.of(V4), run.queries.address(DnsType.A).ip(), "the A answer still came and was kept");
    }

    @Test
    void aFirstWaitsTheResolutionDelayAndTheAaaaWithinItGoesFirst() {
        Run run = both(Plan.after(30 * MS), Plan.after(0));
        assertEquals(31 * MS, run.readyAt, "not at the A answer (1 ms): the AAAA came 30 ms into the delay");
        assertEquals(0, run.queries.pendingAtReady());
        assertEquals(List.of("wait_for_aaaa", "aaaa_address"), rules(run));
        assertEquals(AddressQueries.Outcome.ADDRESS, run.queries.outcome(DnsType.AAAA));
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) run.events.stream().filter(e -> e instanceof Event.Note n
                && n.fields().get("resolution") != null).map(e -> ((Event.Note) e).fields().get("resolution")).reduce((x, y) -> y).get();
        assertEquals(30.0, ((Number) last.get("waited_ms")).doubleValue(), 0.001);
    }

    @Test
    void aFirstAndNoAaaaWithinFiftyMillisecondsStartsIpv4WhenTheDelayEnds() {
        Run run = both(Plan.after(80 * MS), Plan.after(0));
        assertEquals(1 * MS + AddressQueries.RESOLUTION_DELAY_MICROS, run.readyAt, "the A answer at 1 ms, plus the 50 ms delay");
        assertEquals(DnsType.AAAA, run.queries.pendingAtReady(), "the AAAA query is still asked");
        assertEquals(List.of("wait_for_aaaa", "delay_over"), rules(run));
        assertTrue(run.queries.isDone());
        assertEquals(V6, run.queries.address(DnsType.AAAA).ip(), "the late AAAA answer is kept: it can join the attempts");
    }

    @Test
    void aNegativeAaaaEndsItsPartAtOnceNoDelay() {
        Run early = both(Plan.nodata(10 * MS), Plan.after(0));
        assertEquals(11 * MS, early.readyAt, "at the negative AAAA answer, not at the delay's end (51 ms)");
        assertEquals(List.of("wait_for_aaaa", "no_aaaa"), rules(early));
        assertNull(early.queries.address(DnsType.AAAA));
        assertEquals(AddressQueries.Outcome.NO_ADDRESS, early.queries.outcome(DnsType.AAAA));

        Run first = both(Plan.nodata(0), Plan.after(20 * MS));
        assertEquals(21 * MS, first.readyAt, "the negative AAAA first: IPv4 when its answer comes, no delay after it");
        assertEquals(List.of("no_aaaa"), rules(first));
    }

    @Test
    void aLostAaaaIsWaitedForOnlyTheResolutionDelay() {
        Run run = both(Plan.lost(), Plan.after(0));
        assertEquals(51 * MS, run.readyAt);
        assertEquals(List.of("wait_for_aaaa", "delay_over"), rules(run));
        assertEquals(AddressQueries.Outcome.FAILED, run.queries.outcome(DnsType.AAAA), "it timed out after its three tries");
        assertEquals(4, run.servers.queriesTo(SERVER).size(), "the A once, the AAAA three times");
    }

    @Test
    void aLostADoesNotDelayTheAaaa() {
        Run run = both(Plan.after(0), Plan.lost());
        assertEquals(1 * MS, run.readyAt);
        assertEquals(DnsType.A, run.queries.pendingAtReady());
        assertEquals(AddressQueries.Outcome.FAILED, run.queries.outcome(DnsType.A));
        assertEquals(V6, run.queries.address(DnsType.AAAA).ip());
    }

    @Test
    void bothLostIsReadyOnlyWhenBothHaveFailed() {
        Run run = both(Plan.lost(), Plan.lost());
        assertEquals(3 * 1000 * MS, run.readyAt, "three tries of one second each, for both at once");
        assertNull(run.queries.address(DnsType.AAAA));
        assertNull(run.queries.address(DnsType.A));
        assertEquals(List.of(), rules(run), "nothing to choose between");
    }

    @Test
    void oneFamilySendsOneQuery() {
        Run run = run(AddressQueries.Part.none(), AddressQueries.Part.ask(lookup(DnsType.A, 0x4444, 43_001)),
                Map.of(DnsType.A, Plan.after(0)));
        assertEquals(1, run.servers.queriesTo(SERVER).size());
        assertEquals(1 * MS, run.readyAt);
        assertEquals(List.of(), rules(run));
        Run six = run(AddressQueries.Part.ask(lookup(DnsType.AAAA, 0x6666, 43_000)), AddressQueries.Part.none(),
                Map.of(DnsType.AAAA, Plan.after(0)));
        assertEquals(1, six.servers.queriesTo(SERVER).size());
        assertEquals(DnsType.AAAA, six.servers.queriesTo(SERVER).get(0).message().questions().get(0).type());
    }

    @Test
    void aCachedAIsNotAskedAndCountsAsTheFirstAnswer() {
        AddressAnswer cached = new AddressAnswer(NAME, IpAddress.of(V4), 0, null);
        Run soon = run(AddressQueries.Part.ask(lookup(DnsType.AAAA, 0x6666, 43_000)), AddressQueries.Part.known(cached),
                Map.of(DnsType.AAAA, Plan.after(9 * MS)));
        assertEquals(1, soon.servers.queriesTo(SERVER).size(), "the cached family's query is not sent");
        assertEquals(10 * MS, soon.readyAt);
        assertEquals(List.of("wait_for_aaaa", "aaaa_address"), rules(soon));
        assertEquals(true, answers(soon).get(0).get("cached"));
        Run late = run(AddressQueries.Part.ask(lookup(DnsType.AAAA, 0x6666, 43_000)), AddressQueries.Part.known(cached),
                Map.of(DnsType.AAAA, Plan.after(99 * MS)));
        assertEquals(AddressQueries.RESOLUTION_DELAY_MICROS, late.readyAt, "the delay runs from the start");
    }

    @Test
    void bothTruncatedGoOnOverTcpEachOnItsOwnPort() {
        Run run = both(Plan.cut(), Plan.cut());
        List<SimulatedDnsServers.Query> overTcp = run.servers.queriesTo(SERVER).stream().filter(SimulatedDnsServers.Query::overTcp).toList();
        assertEquals(2, overTcp.size());
        assertEquals(List.of(43_000, 43_001), overTcp.stream().map(SimulatedDnsServers.Query::clientPort).sorted().toList());
        assertEquals(V6, run.queries.address(DnsType.AAAA).ip());
        assertEquals(IpAddress.of(V4), run.queries.address(DnsType.A).ip());
        assertFalse(run.readyAt <= 0);
    }

    @Test
    void aReplyIsJudgedByTheQueryWhoseIdItCarries() {
        Run run = both(Plan.after(5 * MS), Plan.after(0));
        // the A answer came first on the shared port: the AAAA lookup did not take it as a mismatch
        Map<String, Integer> mismatches = new HashMap<>();
        for (Event e : run.events) {
            if (e instanceof Event.Frame f && f.remark() != null && f.remark().text().contains("ID")
                    && f.remark().text().contains("not")) {
                mismatches.merge(f.remark().text(), 1, Integer::sum);
            }
        }
        assertEquals(Map.of(), mismatches);
        assertEquals(6 * MS, run.readyAt);
    }
}
