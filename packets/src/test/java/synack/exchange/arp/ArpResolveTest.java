package synack.exchange.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.time.VirtualClock;
import synack.link.FaultyLink;
import synack.link.MemoryLink;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;

class ArpResolveTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress NB = MacAddress.parse("02:00:00:00:00:03");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");
    static final int NB_IP = Ip4.parse("198.18.1.3");
    static final int NOBODY = Ip4.parse("198.18.1.77");
    static final long START = 1_700_000_000_000_000L;

    /** A segment where hosts answer who-has for their own address, as the kernel does. */
    static List<byte[]> segment(byte[] frame, Set<Integer> answering) {
        try {
            EthernetFrame eth = EthernetFrame.parse(frame);
            ArpPacket arp = ArpPacket.parse(eth.payload());
            if (arp.operation() != ArpPacket.REQUEST || !answering.contains(arp.targetIp())) {
                return List.of();
            }
            MacAddress mac = arp.targetIp() == GW_IP ? GW : NB;
            return List.of(new ArpPacket(ArpPacket.REPLY, mac, arp.targetIp(), arp.senderMac(), arp.senderIp()).toFrame(mac));
        } catch (MalformedFrameException e) {
            return List.of();
        }
    }

    record Run(List<Event> events, VirtualClock clock, ArpResolve exchange) {
        Run(List<Event> events, VirtualClock clock) {
            this(events, clock, null);
        }

        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<String> transitions() {
            List<String> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Transition t) {
                    out.add(t.subject() + " " + t.from() + "→" + t.to());
                }
            }
            return out;
        }

        long framesOut() {
            return events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == Event.Direction.OUT).count();
        }
    }

    static Run run(List<Integer> targets, ArpResolve.Settings settings, boolean sweep, Set<Integer> answering, double loss) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(f -> segment(f.bytes(), answering));
        List<Event> events = new ArrayList<>();
        var link = loss > 0 ? new FaultyLink(wire[0], 7).drop(loss) : wire[0];
        ArpResolve exchange = new ArpResolve(US, US_IP, targets, settings, mac -> null, sweep);
        new Runner(link, clock, events::add).run(exchange, () -> false);
        return new Run(events, clock, exchange);
    }

    static final ArpResolve.Settings THREE = new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0);

    @Test
    void reachableAfterOneRequestWithTheRoundTripTime() {
        Run r = run(List.of(GW_IP), THREE, false, Set.of(GW_IP), 0);
        assertEquals(List.of("198.18.1.1 NONE→INCOMPLETE", "198.18.1.1 INCOMPLETE→REACHABLE"), r.transitions());
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertEquals(1, r.framesOut());
        assertEquals(List.of("198.18.1.1 is-at 02:00:00:00:00:01 RTT 0.200 ms"), r.result().lines());
    }

    @Test
    void failedAfterEveryRequestWentUnanswered() {
        Run r = run(List.of(NOBODY), THREE, false, Set.of(), 0);
        assertEquals(List.of("198.18.1.77 NONE→INCOMPLETE", "198.18.1.77 INCOMPLETE→FAILED"), r.transitions());
        assertEquals(3, r.framesOut());
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
        // requests at 0, 1 s, 2 s, then the 1 s wait: FAILED at 3 s
        assertEquals(START + 3_000_000, r.result().timeMicros());
    }

    @Test
    void retriesRecoverALostRequest() {
        Run r = run(List.of(GW_IP), THREE, false, Set.of(GW_IP), 0.5);
        assertEquals(synack.event.Verdict.OK, r.result().verdict(), r.transitions().toString());
    }

    @Test
    void sweepListsExactlyTheHostsThatAnswer() {
        List<Integer> targets = List.of(GW_IP, NB_IP, NOBODY);
        Run r = run(targets, new ArpResolve.Settings(2, 200_000, 300_000, 500), true, Set.of(GW_IP, NB_IP), 0);
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertEquals(2, r.result().lines().size());
        assertTrue(r.result().lines().get(0).startsWith("198.18.1.1 is-at"));
        assertTrue(r.result().lines().get(1).startsWith("198.18.1.3 is-at"));
        // round 1 asks all three, round 2 only the silent one
        assertEquals(4, r.framesOut());
        assertTrue(r.transitions().contains("198.18.1.77 INCOMPLETE→FAILED"));
    }

    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:60");
    static final int SHARED = Ip4.parse("198.18.1.60");
    /** -c 3, 1 s apart, listening out each reply window for a second holder: --listen-out. */
    static final ArpResolve.Settings LISTENING = new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0, ArpResolve.Settings.WHOLE_WINDOW);
    /** The command's default: a settle window scaled to the RTT after the answer. */
    static final ArpResolve.Settings SETTLING = new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0, ArpResolve.Settings.SETTLE);

    /** A segment where two hosts hold one address: both answer every who-has, 50 µs apart. */
    static Run twoHolders(ArpResolve.Settings settings) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(f -> {
            ArpPacket req;
            try {
                req = ArpPacket.parse(EthernetFrame.parse(f.bytes()).payload());
            } catch (MalformedFrameException e) {
                return List.of();
            }
            if (req.operation() != ArpPacket.REQUEST || req.targetIp() != SHARED) {
                return List.of();
            }
            wire[0].inject(new ArpPacket(ArpPacket.REPLY, OTHER, SHARED, req.senderMac(), req.senderIp()).toFrame(OTHER),
                    f.timeMicros() + 150);
            return List.of(new ArpPacket(ArpPacket.REPLY, NB, SHARED, req.senderMac(), req.senderIp()).toFrame(NB));
        });
        List<Event> events = new ArrayList<>();
        ArpResolve exchange = new ArpResolve(US, US_IP, List.of(SHARED), settings, mac -> null, false);
        new Runner(wire[0], clock, events::add).run(exchange, () -> false);
        return new Run(events, clock, exchange);
    }

    @Test
    void twoHoldersOfOneAddressAreAConflictWithEveryMacThatAnswered() {
        Run r = twoHolders(LISTENING);
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict(), r.result().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals(List.of(NB.toString(), OTHER.toString()), answer.get("macs"));
        assertEquals(List.of("198.18.1.60"), r.result().fields().get("conflicts"));
        assertEquals(false, r.result().fields().get("ok"));
        assertTrue(r.result().lines().get(0).contains(NB.toString()) && r.result().lines().get(0).contains(OTHER.toString()),
                r.result().lines().toString());
        // one request, then the rest of its window (1 s) listened out: no second request to a resolved address
        assertEquals(1, r.framesOut());
        assertEquals(START + 1_000_000, r.result().timeMicros());
        assertEquals(List.of(OTHER), r.exchange().entry(SHARED).conflicting());
    }

    @Test
    void oneHolderListenedOutIsStillOk() {
        Run r = run(List.of(GW_IP), LISTENING, false, Set.of(GW_IP), 0);
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertEquals(1, r.framesOut());
        assertEquals(START + 1_000_000, r.result().timeMicros(), "the reply window is listened out");
        assertEquals(List.of(), r.result().fields().get("conflicts"));
    }

    @Test
    void theNextHopLookupDoesNotListenOut() {
        Run r = run(List.of(GW_IP), THREE, false, Set.of(GW_IP), 0);
        assertEquals(START + 200, r.result().timeMicros());
    }

    /** A host that answers every who-has 1.5 s later: the reply to request 1 comes after request 2. */
    static Run slowHolder() {
        return distant(NB_IP, 750_000, LISTENING);
    }

    /** One holder of {@code target}, {@code oneWayMicros} away each way. */
    static Run distant(int target, long oneWayMicros, ArpResolve.Settings settings) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, oneWayMicros);
        wire[1].respondWith(f -> segment(f.bytes(), Set.of(target)));
        List<Event> events = new ArrayList<>();
        ArpResolve exchange = new ArpResolve(US, US_IP, List.of(target), settings, mac -> null, false);
        new Runner(wire[0], clock, events::add).run(exchange, () -> false);
        return new Run(events, clock, exchange);
    }

    @Test
    void aReplyAfterASecondRequestSaysWhichRequestsItMayAnswer() {
        Run r = slowHolder();
        ArpResolve.Entry e = r.exchange().entry(NB_IP);
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertTrue(e.rttAmbiguous());
        assertEquals(500_000, e.rttMicros(), "from the latest request");
        assertEquals(1_500_000, e.rttFromFirstMicros(), "from request 1");
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals(true, answer.get("rtt_ambiguous"));
        assertEquals(1500.0, answer.get("rtt_first_ms"));
        assertEquals(2, answer.get("requests"));
        String remark = r.events().stream().filter(ev -> ev instanceof Event.Frame f && f.direction() == Event.Direction.IN)
                .map(ev -> ((Event.Frame) ev).remark().text()).findFirst().orElseThrow();
        assertTrue(remark.contains("ambiguous") && remark.contains("request 1 of 2") && remark.contains("1500.000 ms"), remark);
        assertTrue(r.result().lines().get(0).contains("ambiguous"), r.result().lines().toString());
    }

    @Test
    void aReplyToTheOnlyRequestIsNotAmbiguous() {
        Run r = run(List.of(GW_IP), LISTENING, false, Set.of(GW_IP), 0);
        assertEquals(false, r.exchange().entry(GW_IP).rttAmbiguous());
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals(false, answer.get("rtt_ambiguous"));
        assertFalse(answer.containsKey("rtt_first_ms"));
    }

    @Test
    void sweepWithNoAnswerIsANegativeAnswer() {
        Run r = run(List.of(NOBODY, NOBODY + 1), new ArpResolve.Settings(1, 0, 100_000, 500), true, Set.of(), 0);
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void theDefaultSettleWindowStillCatchesASecondHolder() {
        Run r = twoHolders(SETTLING);
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict(), r.result().toString());
        assertEquals(List.of("198.18.1.60"), r.result().fields().get("conflicts"));
        assertEquals(List.of(OTHER), r.exchange().entry(SHARED).conflicting());
        // answered at 200 µs, then 10 × the RTT is 2 ms, less than the 10 ms floor: done at 10.2 ms, not 1 s
        assertEquals(START + 200 + ArpResolve.SETTLE_MIN_MICROS, r.result().timeMicros());
        assertEquals(10.0, r.result().fields().get("listened_ms"));
    }

    @Test
    void theSettleWindowIsToldWithHowLongAndWhy() {
        Run r = run(List.of(GW_IP), SETTLING, false, Set.of(GW_IP), 0);
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        Event.Note note = r.events().stream().filter(e -> e instanceof Event.Note n && n.fields().containsKey("listen_ms"))
                .map(e -> (Event.Note) e).findFirst().orElseThrow();
        assertEquals(10.0, note.fields().get("listen_ms"));
        assertEquals(999.8, note.fields().get("window_ms"));
        assertTrue(note.text().contains("listening 10.000 ms more") && note.text().contains("--listen-out"), note.text());
    }

    @Test
    void aSlowAnswerGetsALongerSettleWindowScaledToItsRtt() {
        // 5 ms each way: RTT 10 ms, so 100 ms of listening
        Run r = distant(GW_IP, 5_000, SETTLING);
        assertEquals(10_000, r.exchange().entry(GW_IP).rttMicros());
        assertEquals(START + 10_000 + 100_000, r.result().timeMicros());
    }

    @Test
    void aGivenSettleIsKeptButNeverPastTheReplyWindow() {
        Run fixed = run(List.of(GW_IP), new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0, 300_000), false, Set.of(GW_IP), 0);
        assertEquals(START + 200 + 300_000, fixed.result().timeMicros());
        Run capped = run(List.of(GW_IP), new ArpResolve.Settings(1, 1_000_000, 50_000, 0, 300_000), false, Set.of(GW_IP), 0);
        assertEquals(START + 50_000, capped.result().timeMicros(), "the reply window ends first");
    }

    @Test
    void aSweepKeepsItsScheduleWhenTheTimerWakesLate() {
        // 40 targets 500 µs apart; the timer first wakes 5 ms late: the 10 requests due by then go out
        // at once, so the round still takes 40 × 500 µs, not 40 × the wake-up delay
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            targets.add(NOBODY + 100 + i);
        }
        List<Long> sentAt = new ArrayList<>();
        long[] clock = {0};
        synack.exchange.Output out = new synack.exchange.Output() {
            public long send(byte[] frame, synack.event.Remark remark, boolean routine) {
                sentAt.add(clock[0]);
                return clock[0];
            }

            public long transmit(byte[] frame) {
                return send(frame, (synack.event.Remark) null, true);
            }

            public void shown(synack.link.ReceivedFrame frame, synack.event.Remark remark) { }

            public void emit(Event event) { }
        };
        ArpResolve sweep = new ArpResolve(US, US_IP, targets, new ArpResolve.Settings(1, 0, 100_000, 500), mac -> null, true);
        sweep.start(0, out);
        assertEquals(1, sentAt.size());
        clock[0] = 5_000;
        sweep.onTimer(5_000, out);
        assertEquals(11, sentAt.size(), "due at 0, 500, ..., 5000 µs");
        assertEquals(5_500, sweep.nextDeadlineMicros());
        while (sentAt.size() < 40) {
            clock[0] = sweep.nextDeadlineMicros();
            sweep.onTimer(clock[0], out);
        }
        assertEquals(39 * 500, sentAt.get(39));
    }
}
