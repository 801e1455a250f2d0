package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MalformedFrameException;

/**
 * The bulk resolver's pacing against servers that queue and drop as real ones do (QueueingServerLink, virtual
 * time): the window grows on a clean path up to the cap and never past it, stops growing when the server's queue
 * lengthens, halves on loss, lost tries are asked again after the RTO the answers measured (not after --timeout),
 * and no name is sent more than 1 + retries times.
 */
class DnsBulkPacingTest {
    static final int SERVER = Ip4.parse("198.18.2.2");
    static final long T0 = 1_700_000_000_000_000L;

    /** One run: what the client sent, what it told, and the link's own counts. */
    record Run(QueueingServerLink link, List<Event> events, Event.Result result, int names) {
        @SuppressWarnings("unchecked")
        Map<String, Object> window() {
            return (Map<String, Object>) result.fields().get("in_flight");
        }

        int field(String key) {
            return ((Number) result.fields().get(key)).intValue();
        }

        /** Per name, how often it went on the wire. */
        Map<String, Integer> triesByName() {
            Map<String, Integer> tries = new HashMap<>();
            for (ReceivedFrame f : link.sent) {
                tries.merge(name(f), 1, Integer::sum);
            }
            return tries;
        }

        /**
         * The most names outstanding at once, seen from outside: asked (first try on the wire) and not yet told
         * (answered or timed out, by the answer notes' times).
         */
        int mostOutstanding() {
            TreeMap<Long, Integer> delta = new TreeMap<>();
            Set<String> asked = new HashSet<>();
            for (ReceivedFrame f : link.sent) {
                if (asked.add(name(f))) {
                    delta.merge(f.timeMicros(), 1, Integer::sum);
                }
            }
            for (Event e : events) {
                if (e instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER) {
                    delta.merge(n.timeMicros(), -1, Integer::sum); // told at t: what left at t in its place counts already
                }
            }
            int now = 0;
            int most = 0;
            for (int d : delta.values()) {
                now += d;
                most = Math.max(most, now);
            }
            return most;
        }

        static String name(ReceivedFrame f) {
            try {
                return DnsMessage.parse(Frames.parseUdp(f.bytes()).datagram().payload()).questions().get(0).name();
            } catch (MalformedFrameException e) {
                throw new AssertionError(e);
            }
        }
    }

    static Run run(int names, int cap, int retries, long latency, long service, int queueLimit, double loss,
            SimulatedDnsServers servers) {
        List<DnsBulk.Question> questions = new ArrayList<>();
        for (int i = 0; i < names; i++) {
            questions.add(new DnsBulk.Question("h" + i + ".synack.test", DnsType.A));
        }
        VirtualClock clock = new VirtualClock(T0);
        QueueingServerLink link = new QueueingServerLink(clock, latency, service, queueLimit, loss, 7, servers::answer);
        DnsBulk bulk = new DnsBulk(new DnsLookup.Path(SimulatedDnsServers.US, SimulatedDnsServers.ROUTER, SimulatedDnsServers.US_IP,
                SERVER, 53), questions, new DnsBulk.Settings(cap, retries, 2_000_000, true, 1232, 40_000), new Random(5));
        List<Event> events = new ArrayList<>();
        new Runner(link, clock, events::add).run(bulk, () -> clock.nowMicros() > T0 + 600_000_000L);
        Event last = events.get(events.size() - 1);
        assertTrue(last instanceof Event.Result, "the story ends in its result: " + last);
        return new Run(link, events, (Event.Result) last, names);
    }

    static SimulatedDnsServers zone() {
        return new SimulatedDnsServers().server(SERVER, new Authority("synack.test.").a("www.synack.test.", "198.18.2.2"));
    }

    @Test
    void aCleanPathLetsTheWindowGrowToTheCapAndNoFurther() {
        Run r = run(3000, 200, 2, 500, 0, Integer.MAX_VALUE, 0, zone());
        assertEquals(List.of(3000, 0, 0, 0), List.of(r.field("negative"), r.field("timed_out"), r.field("retries_sent"),
                r.field("lost_tries")));
        assertEquals(16, r.window().get("first"));
        assertEquals(200, r.window().get("highest"), "grown to the cap");
        assertEquals(200, r.window().get("last"));
        assertEquals(0, r.window().get("backoffs"));
        assertEquals(200, r.mostOutstanding(), "as many names outstanding at once as the cap, never more");
        assertEquals(3000, r.link.sent.size(), "each name asked once");
    }

    @Test
    void aServerWhoseQueueLengthensHoldsTheWindowBeforeItsBufferOverflows() {
        // 20 µs a query (50,000 a second) and room for 200 queued: dnsmasq behind a 208 KiB socket buffer
        Run r = run(5000, 1000, 2, 100, 20, 200, 0, zone());
        assertEquals(0, r.link.droppedByTheQueue, "the server's queue never overflowed");
        assertEquals(List.of(0, 0), List.of(r.field("timed_out"), r.field("retries_sent")));
        int highest = (Integer) r.window().get("highest");
        assertTrue(highest < 200, "the window stopped growing well below the cap of 1000: " + highest);
        assertTrue(r.link.longestQueue <= 2 * DnsWindow.QUEUE_TARGET + 16, "the server's queue stayed short: " + r.link.longestQueue);
        assertTrue(r.mostOutstanding() <= highest);
    }

    @Test
    void lossHalvesTheWindowAndLostTriesAreAskedAgainUntilEveryNameIsAnswered() {
        Run r = run(20000, 100, 3, 500, 0, Integer.MAX_VALUE, 0.02, zone());
        assertEquals(0, r.field("timed_out"), "every name answered in the end");
        assertEquals(20000, r.field("negative"));
        int lost = r.link.lostOnTheWay;
        assertTrue(lost > 40, "the path lost queries: " + lost);
        assertEquals(lost, r.field("retries_sent"), "each lost try asked again once");
        assertEquals(lost, r.field("lost_tries"));
        assertEquals(20000 + lost, r.link.sent.size());
        int backoffs = (Integer) r.window().get("backoffs");
        assertTrue(backoffs >= 2 && backoffs < lost, "backed off, once per window of losses: " + r.window());
        assertTrue((Integer) r.window().get("lowest") <= 50, "halved at least once: " + r.window());
        assertTrue(r.mostOutstanding() <= 100);
    }

    @Test
    void aLostTryIsAskedAgainAfterTheMeasuredRtoNotTheWholeTimeout() {
        Set<String> seen = new HashSet<>();
        Authority zone = new Authority("synack.test.");
        // every first try of a name is lost: the retry must leave one RTO later (at least 50 ms), not 2 s later
        SimulatedDnsServers servers = new SimulatedDnsServers().udp(SERVER, 53, q -> seen.add(q.questions().get(0).name()) && seen.size() > 40
                ? List.of() : List.of(SimulatedDnsServers.Reply.of(zone.apply(q))));
        Run r = run(400, 100, 2, 500, 0, Integer.MAX_VALUE, 0, servers);
        assertEquals(0, r.field("timed_out"));
        assertEquals(360, r.field("retries_sent"), "the 40 names asked first were answered at once; every other one on its retry");
        Map<String, List<Long>> times = new HashMap<>();
        for (ReceivedFrame f : r.link.sent) {
            times.computeIfAbsent(Run.name(f), k -> new ArrayList<>()).add(f.timeMicros());
        }
        for (List<Long> t : times.values()) {
            if (t.size() == 2) {
                long wait = t.get(1) - t.get(0);
                assertTrue(wait >= DnsWindow.MIN_RTO_MICROS && wait < 200_000, "retried after the RTO: " + wait + " µs");
            }
        }
    }

    @Test
    void aSilentServerGetsEachNameAtMostOnePlusRetriesTimesAndEveryNameTimesOut() {
        Run r = run(300, 50, 2, 500, 0, Integer.MAX_VALUE, 0, new SimulatedDnsServers().udp(SERVER, 53, q -> List.of()));
        assertEquals(300, r.field("timed_out"));
        assertEquals(900, r.link.sent.size(), "three tries of each name, no more");
        r.triesByName().values().forEach(n -> assertEquals(3, n));
        assertEquals(List.of(8, 1), List.of(r.window().get("lowest"), r.window().get("backoffs")),
                "halved once: with no answer since, halving again would only slow the run");
        assertTrue(r.mostOutstanding() <= 50);
    }

    @Test
    void aLateAnswerIsTakenAndTheAnswerToTheRetryIsToldAsASecondOne() {
        // the server takes 1.2 s to answer: the first try's wait (1 s before any RTT is known) runs out first; one
        // name at a time, so that the second answer to the first name comes while the second one is outstanding
        Run r = run(2, 1, 2, 500, 1_200_000, Integer.MAX_VALUE, 0, zone());
        assertEquals(List.of(0, 2, 2, 1), List.of(r.field("timed_out"), r.field("retries_sent"), r.field("lost_tries"),
                r.field("duplicates")));
        Event.Note answer = r.events.stream().filter(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER)
                .map(e -> (Event.Note) e).findFirst().orElseThrow();
        assertEquals(2, answer.fields().get("tries"));
        double rtt = (Double) answer.fields().get("rtt_ms");
        assertTrue(rtt >= 0 && rtt < 1_000, "timed from the latest try that left before it: " + rtt + " ms");
        assertTrue(r.events.stream().anyMatch(e -> e instanceof Event.Frame f && f.direction() == Event.Direction.IN
                && f.remark().text().contains("another answer to h0.synack.test (asked 2 times), told already")), "the second answer told");
    }
}
