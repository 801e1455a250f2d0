package synack.exchange.arp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;

/**
 * Resolves IPv4 addresses to MACs with ARP who-has / is-at, one neighbour entry per target:
 * NONE → INCOMPLETE on the first request, → REACHABLE on a reply, → FAILED when every request
 * went unanswered. Requests go out in rounds: each round asks every target still INCOMPLETE,
 * {@code gap} apart; rounds start {@code interval} apart; after the last, wait {@code timeout}.
 * With many targets (a sweep) the look-alike requests are marked routine.
 */
public final class ArpResolve implements Exchange {
    public record Settings(int count, long intervalMicros, long timeoutMicros, long gapMicros) {
        public Settings {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
        }
    }

    /** What the sweep learned of one target. */
    public static final class Entry {
        final int ip;
        NeighbourState state = NeighbourState.NONE;
        int requests;
        long lastRequestAt;
        MacAddress mac;
        long rttMicros;

        Entry(int ip) {
            this.ip = ip;
        }

        public int ip() {
            return ip;
        }

        public NeighbourState state() {
            return state;
        }

        public MacAddress mac() {
            return mac;
        }

        public long rttMicros() {
            return rttMicros;
        }
    }

    private static final String WHY_INCOMPLETE = "the MAC is unknown, so ARP asks the whole segment: a broadcast"
            + " who-has that only the holder of the address answers (RFC 826)";
    private static final String WHY_REACHABLE = "the holder answered with a unicast is-at carrying its MAC;"
            + " frames for this address can now be addressed to it";
    private static final String WHY_FAILED = "every request went unanswered: nobody on this segment holds the"
            + " address (or it ignores ARP), so frames for it cannot be delivered";

    private final MacAddress ourMac;
    private final int ourIp;
    private final Settings settings;
    private final Function<MacAddress, String> vendorOf;
    private final boolean sweep;
    private final Map<Integer, Entry> entries = new LinkedHashMap<>();

    private enum Phase { SENDING, BETWEEN_ROUNDS, LAST_WAIT }

    private long startedAt;
    private Phase phase = Phase.SENDING;
    private int round;
    private List<Entry> roundTargets = List.of();
    private int cursor;
    private long roundStartedAt;
    private long nextSendAt = Long.MAX_VALUE;
    private long giveUpAt = Long.MAX_VALUE;
    private boolean done;

    public ArpResolve(MacAddress ourMac, int ourIp, List<Integer> targets, Settings settings,
                      Function<MacAddress, String> vendorOf, boolean sweep) {
        this.ourMac = ourMac;
        this.ourIp = ourIp;
        this.settings = settings;
        this.vendorOf = vendorOf;
        this.sweep = sweep;
        for (int t : targets) {
            entries.put(t, new Entry(t));
        }
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        startRound(now, out);
        onTimer(now, out);
    }

    private void startRound(long now, Output out) {
        roundTargets = entries.values().stream().filter(e -> e.state != NeighbourState.REACHABLE).toList();
        if (roundTargets.isEmpty()) {
            finish(now, out);
            return;
        }
        round++;
        cursor = 0;
        roundStartedAt = now;
        nextSendAt = now;
        phase = Phase.SENDING;
        if (sweep && round > 1) {
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, "round " + round + " of " + settings.count() + ": asking again the "
                    + roundTargets.size() + " addresses that have not answered", Map.of()));
        }
    }

    @Override
    public void onTimer(long now, Output out) {
        while (!done) {
            if (phase == Phase.SENDING && nextSendAt <= now) {
                while (cursor < roundTargets.size() && nextSendAt <= now) {
                    Entry e = roundTargets.get(cursor++);
                    if (e.state != NeighbourState.REACHABLE) {
                        sendRequest(e, now, out);
                        nextSendAt = now + settings.gapMicros();
                    }
                }
                if (cursor < roundTargets.size()) {
                    return; // the rest of this round is paced by the gap
                }
                if (round < settings.count()) {
                    phase = Phase.BETWEEN_ROUNDS;
                    nextSendAt = roundStartedAt + settings.intervalMicros();
                } else {
                    phase = Phase.LAST_WAIT;
                    nextSendAt = Long.MAX_VALUE;
                    giveUpAt = now + settings.timeoutMicros();
                }
            } else if (phase == Phase.BETWEEN_ROUNDS && nextSendAt <= now) {
                startRound(now, out);
            } else if (phase == Phase.LAST_WAIT && giveUpAt <= now) {
                finish(now, out);
            } else {
                return;
            }
        }
    }

    private void sendRequest(Entry e, long now, Output out) {
        e.requests++;
        byte[] frame = ArpPacket.request(ourMac, ourIp, e.ip).toFrame(ourMac);
        String note = settings.count() > 1 ? "request " + e.requests + " of " + settings.count() : "";
        e.lastRequestAt = out.send(frame, note, sweep);
        if (e.state == NeighbourState.NONE) {
            transition(e, NeighbourState.INCOMPLETE, e.lastRequestAt, "who-has sent", WHY_INCOMPLETE, sweep, out);
        }
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        ArpPacket arp;
        try {
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() != EthernetFrame.TYPE_ARP) {
                return; // the capture filter lets only ARP through; anything else is not ours
            }
            arp = ArpPacket.parse(eth.payload());
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
            return;
        }
        Entry e = entries.get(arp.senderIp());
        if (arp.operation() != ArpPacket.REPLY || e == null || e.requests == 0) {
            return; // someone else's ARP traffic on the segment
        }
        long now = frame.timeMicros();
        if (e.state == NeighbourState.REACHABLE) {
            if (!arp.senderMac().equals(e.mac)) {
                out.shown(frame, "conflict: already answered by " + e.mac);
                out.emit(new Event.Note(now, Event.Note.Kind.WARNING, Ip4.toString(e.ip) + " is claimed by two MACs: " + e.mac
                        + " and " + arp.senderMac() + " (duplicate address?)", Map.of()));
            } else {
                out.shown(frame, "duplicate reply (answer to an earlier request)");
            }
            return;
        }
        e.mac = arp.senderMac();
        e.rttMicros = now - e.lastRequestAt;
        String vendor = vendorOf.apply(e.mac);
        out.shown(frame, "RTT " + Durations.ms(e.rttMicros) + (vendor != null ? ", " + vendor : ""));
        transition(e, NeighbourState.REACHABLE, now, "is-at received", WHY_REACHABLE, false, out);
        if (entries.values().stream().allMatch(x -> x.state == NeighbourState.REACHABLE)) {
            finish(now, out);
        }
    }

    private void transition(Entry e, NeighbourState to, long now, String cause, String why, boolean routine, Output out) {
        NeighbourState from = e.state;
        e.state = to;
        out.emit(new Event.Transition(now, Ip4.toString(e.ip), Event.Endpoint.LOCAL, from.name(), to.name(), cause,
                false, why, routine));
    }

    private void finish(long now, Output out) {
        if (done) {
            return;
        }
        for (Entry e : entries.values()) {
            if (e.state == NeighbourState.INCOMPLETE) {
                transition(e, NeighbourState.FAILED, now, "no reply to " + e.requests + " request" + (e.requests == 1 ? "" : "s"),
                        WHY_FAILED, sweep, out);
            }
        }
        done = true;
        out.emit(result(now));
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            Event.Result r = result(now);
            out.emit(new Event.Result(now, synack.event.Verdict.INTERRUPTED, r.lines(), "interrupted: " + r.summary(), r.fields()));
        }
    }

    private Event.Result result(long now) {
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> answered = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.state == NeighbourState.REACHABLE) {
                String vendor = vendorOf.apply(e.mac);
                lines.add(Ip4.toString(e.ip) + " is-at " + e.mac + (vendor != null ? " (" + vendor + ")" : "")
                        + " RTT " + Durations.ms(e.rttMicros));
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("ip", Ip4.toString(e.ip));
                a.put("mac", e.mac.toString());
                a.put("vendor", vendor);
                a.put("rtt_ms", Durations.msValue(e.rttMicros));
                a.put("requests", e.requests);
                answered.add(a);
            } else {
                failed.add(Ip4.toString(e.ip));
                if (!sweep) {
                    lines.add(Ip4.toString(e.ip) + " " + e.state + " (no reply to " + e.requests + " request"
                            + (e.requests == 1 ? "" : "s") + ")");
                }
            }
        }
        int total = entries.size();
        boolean ok = sweep ? !answered.isEmpty() : failed.isEmpty();
        String summary = sweep
                ? answered.size() + " of " + total + " addresses answered in " + Durations.human(now - startedAt)
                : total == 1 ? null : answered.size() + " of " + total + " answered in " + Durations.human(now - startedAt);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ok", ok);
        fields.put("answered", answered);
        fields.put("failed", failed);
        fields.put("targets", total);
        fields.put("elapsed_ms", Durations.msValue(now - startedAt));
        return new Event.Result(now, ok ? synack.event.Verdict.OK : synack.event.Verdict.NEGATIVE, lines, summary, fields);
    }

    @Override
    public long nextDeadlineMicros() {
        return done ? Long.MAX_VALUE : Math.min(nextSendAt, giveUpAt);
    }

    @Override
    public boolean isDone() {
        return done;
    }

    public Entry entry(int ip) {
        return entries.get(ip);
    }
}
