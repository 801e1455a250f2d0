package synack.exchange.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.time.VirtualClock;

/**
 * One exchange run to its end on the in-memory wire with {@link SimulatedDnsServers} on the far
 * side, on virtual time (nothing sleeps; ten virtual minutes at most), and what it told.
 */
final class DnsRun {
    static final long T0 = 1_700_000_000_000_000L;
    static final long LATENCY = 500;

    final List<Event> events = new ArrayList<>();
    final VirtualClock clock = new VirtualClock(T0);
    final MemoryLink wire;

    private DnsRun(java.util.function.Function<synack.link.ReceivedFrame, List<byte[]>> responder) {
        MemoryLink[] pair = MemoryLink.pair(clock, LATENCY);
        wire = pair[0];
        pair[1].respondWith(responder);
    }

    static DnsRun of(SimulatedDnsServers servers, Exchange exchange) {
        return of(servers::answer, exchange);
    }

    /** As {@link #of(SimulatedDnsServers, Exchange)}, with any responder on the far side. */
    static DnsRun of(java.util.function.Function<synack.link.ReceivedFrame, List<byte[]>> responder, Exchange exchange) {
        DnsRun run = new DnsRun(responder);
        new Runner(run.wire, run.clock, run.events::add).run(exchange, () -> run.clock.nowMicros() > T0 + 600_000_000L);
        return run;
    }

    Event.Result result() {
        Event last = events.get(events.size() - 1);
        if (!(last instanceof Event.Result r)) {
            throw new AssertionError("the story does not end in a result: " + last);
        }
        return r;
    }

    long elapsedMicros() {
        return result().timeMicros() - T0;
    }

    /** The states of one machine (by its subject, e.g. "query 0x1234"), the first one it left and then each it entered. */
    List<String> states(String subject) {
        List<String> states = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Transition t && t.subject().equals(subject) && t.endpoint() == Event.Endpoint.LOCAL) {
                if (states.isEmpty()) {
                    states.add(t.from());
                }
                states.add(t.to());
            }
        }
        return states;
    }

    /** The times of one machine's transitions, in microseconds since the run began. */
    List<Long> transitionTimes(String subject) {
        return events.stream().filter(e -> e instanceof Event.Transition t && t.subject().equals(subject))
                .map(e -> e.timeMicros() - T0).toList();
    }

    List<Event.Frame> frames(Event.Direction direction) {
        return events.stream().filter(e -> e instanceof Event.Frame f && f.direction() == direction).map(e -> (Event.Frame) e)
                .toList();
    }

    /** The result's records of one section ("answers"), each as its JSON map. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> records(String section) {
        return (List<Map<String, Object>>) result().fields().get(section);
    }
}
