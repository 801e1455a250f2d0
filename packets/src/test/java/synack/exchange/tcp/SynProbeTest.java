package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.time.VirtualClock;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/** The narrated syn-probe on an in-memory wire: each port's verdict from what came back, asserted on the data. */
class SynProbeTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final String PEER = "198.18.2.2";
    static final int SPORT = 61234;
    static final int ISS = 0x7000_0000;
    static final long START = 1_700_000_000_000_000L;
    static final long LATENCY = 200;
    static final long TIMEOUT = 1_000_000;

    record Run(List<Event> events, ProbedHost host, long elapsed) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> ports() {
            return ((List<Map<String, Object>>) result().fields().get("ports")).stream()
                    .collect(Collectors.toMap(m -> (Integer) m.get("port"), m -> m));
        }

        String state(int port) {
            return (String) ports().get(port).get("state");
        }

        /** Our verdict transitions for a port: PROBING → open/closed/filtered. */
        List<Event.Transition> verdicts(int port) {
            return events.stream().filter(e -> e instanceof Event.Transition t && t.subject().equals("port " + port)
                    && t.from().equals("PROBING")).map(e -> (Event.Transition) e).toList();
        }

        List<Event.Frame> received() {
            return events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == Event.Direction.IN)
                    .map(e -> (Event.Frame) e).toList();
        }

        List<TcpSegment> sent(int flags) {
            List<TcpSegment> r = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Frame f && f.direction() == Event.Direction.OUT) {
                    try {
                        TcpSegment s = Frames.parseTcp(f.bytes()).segment();
                        if (s.flags() == flags) {
                            r.add(s);
                        }
                    } catch (MalformedFrameException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
            return r;
        }
    }

    static Run run(ProbedHost host, List<Integer> ports, int retries) {
        return run(host, ports, retries, wire -> { }, null);
    }

    static Run run(ProbedHost host, List<Integer> ports, int retries, Consumer<MemoryLink> before, BooleanSupplier stopAt) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, LATENCY);
        wire[1].respondWith(host::answer);
        before.accept(wire[0]);
        List<Event> events = new ArrayList<>();
        SynProbe probe = new SynProbe(new SynProbe.Path(US, ProbedHost.ROUTER, US_IP, host.ip, SPORT, ISS), ports,
                new SynProbe.Settings(retries, TIMEOUT, 1_000), 1);
        BooleanSupplier stop = stopAt != null ? stopAt : () -> false;
        new Runner(wire[0], clock, events::add).run(probe, stop);
        return new Run(events, host, clock.nowMicros() - START);
    }

    @Test
    void anOpenPortAnswersSynAckAndWeResetItsHalfOpenConnection() {
        ProbedHost host = new ProbedHost(PEER);
        host.open.add(80);
        Run r = run(host, List.of(80), 2);
        assertEquals("open", r.state(80));
        assertEquals("SYN,ACK", r.ports().get(80).get("reason"));
        assertEquals(1, r.ports().get(80).get("probes"));
        assertEquals(0.4, (Double) r.ports().get(80).get("rtt_ms"), 1e-9, "one round trip of 2 x 200 µs");
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(true, r.result().fields().get("ok"));
        assertEquals(1, host.rstsSeen.size(), "our RST frees the server's SYN_RECEIVED slot");
        TcpSegment rst = host.rstsSeen.get(0);
        assertEquals(ISS + 1, rst.seq(), "RST at the SYN,ACK's ack");
        assertEquals(TcpSegment.RST, rst.flags());
        assertEquals(80, rst.destinationPort());
        List<Event.Transition> v = r.verdicts(80);
        assertEquals(1, v.size());
        assertEquals("open", v.get(0).to());
        // the inferred server states: LISTEN → SYN_RECEIVED, then back with our RST
        List<String> server = r.events.stream().filter(e -> e instanceof Event.Transition t && t.endpoint() == Event.Endpoint.PEER)
                .map(e -> ((Event.Transition) e).from() + ">" + ((Event.Transition) e).to()).toList();
        assertEquals(List.of("LISTEN>SYN_RECEIVED", "SYN_RECEIVED>LISTEN"), server);
    }

    @Test
    void aClosedPortAnswersRstAndTheVerdictIsNegative() {
        ProbedHost host = new ProbedHost(PEER);
        host.open.add(80);
        Run r = run(host, List.of(80, 81), 2);
        assertEquals("open", r.state(80));
        assertEquals("closed", r.state(81));
        assertEquals("RST", r.ports().get(81).get("reason"));
        assertEquals(Verdict.NEGATIVE, r.result().verdict(), "not every port is open");
        assertEquals(false, r.result().fields().get("ok"));
        assertEquals(1, host.rstsSeen.size(), "no RST for a port that is closed");
        assertEquals(1, host.synsSeen.get(81), "an answer is never asked again");
        assertTrue(r.result().summary().startsWith("1 of 2 ports open on " + PEER), r.result().summary());
    }

    @Test
    void anIcmpUnreachableQuotingOurProbeMeansFiltered() {
        ProbedHost host = new ProbedHost(PEER);
        host.rejected.add(443);
        Run r = run(host, List.of(443), 2);
        assertEquals("filtered", r.state(443));
        assertTrue(((String) r.ports().get(443).get("reason")).startsWith("ICMP port unreachable"), r.ports().toString());
        assertTrue(((String) r.ports().get(443).get("reason")).contains("from 198.18.1.1"), r.ports().toString());
        assertEquals(1, host.synsSeen.get(443), "the ICMP answered it: no retry");
        assertEquals(Verdict.NEGATIVE, r.result().verdict(), "an answer, and not open");
    }

    @Test
    void anIcmpUnreachableQuotingAnotherSequenceNumberIsIgnored() {
        ProbedHost host = new ProbedHost(PEER);
        host.open.add(80);
        // an unreachable that names our ports but not our probe's seq (RFC 5927: forged, or about an older
        // connection), arriving before the real SYN,ACK
        Run r = run(host, List.of(80), 2, wire -> wire.inject(host.unreachable(US, US_IP, US_IP, host.ip, SPORT, 80, ISS + 12_345),
                START + 100), null);
        assertEquals("open", r.state(80), r.ports().toString());
        assertEquals(1, r.verdicts(80).size());
        Event.Frame icmp = r.received().get(0);
        assertTrue(icmp.remark().text().startsWith("ignored"), icmp.remark().text());
        assertTrue(icmp.remark().text(true).contains("seq 12345"), "relative to our ISN: " + icmp.remark().text(true));
    }

    @Test
    void anIcmpUnreachableFromAnotherSourcePortIsNotOurs() {
        ProbedHost host = new ProbedHost(PEER);
        host.open.add(80);
        Run r = run(host, List.of(80), 2, wire -> wire.inject(host.unreachable(US, US_IP, US_IP, host.ip, SPORT + 1, 80, ISS),
                START + 100), null);
        assertEquals("open", r.state(80));
    }

    @Test
    void silenceAfterEveryRetryIsFilteredAndNoAnswerAtAll() {
        ProbedHost host = new ProbedHost(PEER);
        host.dropped.add(22);
        Run r = run(host, List.of(22), 2);
        assertEquals("filtered", r.state(22));
        assertEquals("no answer to 3 SYNs", r.ports().get(22).get("reason"));
        assertEquals(3, r.ports().get(22).get("probes"));
        assertEquals(null, r.ports().get(22).get("rtt_ms"));
        assertEquals(3, host.synsSeen.get(22), "the SYN and two retries");
        assertEquals(Verdict.NO_ANSWER, r.result().verdict());
        assertEquals(3 * TIMEOUT, r.elapsed(), "each round waits one timeout after its last SYN");
        // every SYN is the same probe: our ISN, from our port
        assertTrue(r.sent(TcpSegment.SYN).stream().allMatch(s -> s.seq() == ISS && s.sourcePort() == SPORT));
    }

    @Test
    void onlyTheSilentPortsAreAskedAgain() {
        ProbedHost host = new ProbedHost(PEER);
        host.open.add(80);
        host.dropped.add(22);
        Run r = run(host, List.of(22, 80, 81), 1);
        assertEquals(Map.of(22, 2, 80, 1, 81, 1), host.synsSeen);
        assertEquals("filtered", r.state(22));
        assertEquals(Verdict.NEGATIVE, r.result().verdict(), "some answered");
    }

    @Test
    void aDuplicatedAnswerIsToldOnceAndResetOnce() {
        ProbedHost host = new ProbedHost(PEER);
        host.open.add(80);
        host.open.add(8080);
        host.duplicate = true;
        Run r = run(host, List.of(80, 81, 8080), 0);
        assertEquals("open", r.state(80));
        assertEquals("closed", r.state(81));
        for (int port : List.of(80, 81, 8080)) {
            assertEquals(1, r.verdicts(port).size(), "one verdict for port " + port);
        }
        assertEquals(2, host.rstsSeen.size(), "one RST per open port, none for the copies");
        long duplicates = r.received().stream().filter(f -> f.remark().text().startsWith("duplicate answer")).count();
        assertEquals(2, duplicates, "the last port's copy comes after the probe is over");
        assertTrue(r.received().stream().anyMatch(f -> f.remark().text().equals("duplicate answer for port 81 (already closed)")));
    }

    @Test
    void aWrongAckIsIgnored() {
        ProbedHost host = new ProbedHost(PEER);
        host.dropped.add(80);
        byte[] stray = Frames.tcp(ProbedHost.ROUTER, US, host.ip, US_IP, 9, TcpSegment.of(80, SPORT, 1, ISS + 7,
                TcpSegment.SYN | TcpSegment.ACK, 65160, TcpSegment.Options.NONE, new byte[0]));
        Run r = run(host, List.of(80), 0, wire -> wire.inject(stray, START + 100), null);
        assertEquals("filtered", r.state(80));
        assertTrue(r.received().get(0).remark().text(true).equals("ignored: ack 7 is not our ISN + 1 = 1"),
                r.received().get(0).remark().text(true));
        assertTrue(host.rstsSeen.isEmpty());
    }

    @Test
    void interruptedMidwayTheVerdictIsInterrupted() {
        ProbedHost host = new ProbedHost(PEER);
        host.dropped.add(22);
        int[] asked = {0};
        Run r = run(host, List.of(22), 3, wire -> { }, () -> ++asked[0] > 3); // Ctrl-C while the first SYN waits
        assertEquals(Verdict.INTERRUPTED, r.result().verdict());
        assertFalse(r.result().ok());
        assertEquals(1, host.synsSeen.get(22));
        assertTrue(r.elapsed() < TIMEOUT, "stopped before the round ended: " + r.elapsed());
    }

    @Test
    void statesAreLowerCaseWordsWhateverTheLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            ProbedHost host = new ProbedHost(PEER);
            host.open.add(80);
            host.dropped.add(22);
            Run r = run(host, List.of(22, 80), 0);
            assertEquals("filtered", r.state(22));
            assertEquals("open", r.state(80));
            assertEquals("filtered", r.verdicts(22).get(0).to(), "not \"fıltered\"");
        } finally {
            Locale.setDefault(before);
        }
    }
}
