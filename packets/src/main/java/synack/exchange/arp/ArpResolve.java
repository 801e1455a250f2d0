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
    /**
     * {@code listenMicros}: once every target answered, how long to listen on for a second holder
     * of an address (a conflict). {@link #NO_LISTEN}: a next-hop lookup on the way to something
     * else stops at the answer. {@link #SETTLE}: the command's default, a settle window scaled to
     * the RTT measured ({@link #settleMicros}). {@link #WHOLE_WINDOW}: to the end of the answered
     * request's window (the interval, or the timeout after the last). Any other value: that long.
     * The listening never runs past the reply window.
     */
    public record Settings(int count, long intervalMicros, long timeoutMicros, long gapMicros, long listenMicros) {
        public static final long NO_LISTEN = 0;
        public static final long SETTLE = -1;
        public static final long WHOLE_WINDOW = Long.MAX_VALUE;

        public Settings {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
            if (listenMicros < SETTLE) {
                throw new IllegalArgumentException("listenMicros must be a duration, SETTLE or WHOLE_WINDOW");
            }
        }

        public Settings(int count, long intervalMicros, long timeoutMicros, long gapMicros) {
            this(count, intervalMicros, timeoutMicros, gapMicros, NO_LISTEN);
        }
    }

    /**
     * A second host holding the address hears the same broadcast who-has as the first and answers
     * it as fast as its kernel answers ARP: on a LAN that is microseconds to a few milliseconds
     * after the first reply. So after the answer we listen {@value #SETTLE_RTTS} times the RTT, at
     * least {@value #SETTLE_MIN_MICROS} µs (a busy host's scheduling, a bridge's queue), not the
     * whole second a lost reply needs: a one-liner stays quick and a conflict is still caught.
     * A holder slower than that (Wi-Fi power save) is what --listen-out is for.
     */
    public static final int SETTLE_RTTS = 10;
    public static final long SETTLE_MIN_MICROS = 10_000;

    /** The settle window after an answer that took {@code rttMicros}. */
    public static long settleMicros(long rttMicros) {
        return Math.max(SETTLE_MIN_MICROS, SETTLE_RTTS * Math.max(0, rttMicros));
    }

    /** What the sweep learned of one target. */
    public static final class Entry {
        final int ip;
        NeighbourState state = NeighbourState.NONE;
        int requests;
        long firstRequestAt;
        long lastRequestAt;
        MacAddress mac;
        long rttMicros;
        long rttFromFirstMicros;
        boolean rttAmbiguous;
        final List<MacAddress> conflicting = new ArrayList<>();

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

        /** From the latest request sent before the reply (the shortest it can be). */
        public long rttMicros() {
            return rttMicros;
        }

        /** From the first request: the RTT if the reply answers request 1. */
        public long rttFromFirstMicros() {
            return rttFromFirstMicros;
        }

        /**
         * True when more than one request had gone out before the reply: ARP replies carry no ID,
         * so which one it answers cannot be known (RTT somewhere from {@link #rttMicros} to {@link #rttFromFirstMicros}).
         */
        public boolean rttAmbiguous() {
            return rttAmbiguous;
        }

        /** Other MACs that answered for this address after the first: an address conflict when not empty. */
        public List<MacAddress> conflicting() {
            return List.copyOf(conflicting);
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

    /** LISTENING: every target answered, no more requests; the rest of the reply window is listened out. */
    private enum Phase { SENDING, BETWEEN_ROUNDS, LAST_WAIT, LISTENING }

    private long startedAt;
    private Phase phase = Phase.SENDING;
    private int round;
    private List<Entry> roundTargets = List.of();
    private int cursor;
    private int sentInRound;
    private long roundStartedAt;
    private long nextSendAt = Long.MAX_VALUE;
    private long giveUpAt = Long.MAX_VALUE;
    private long listenedFrom = -1; // when the listening for a second holder began
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
        sentInRound = 0;
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
                // the k-th request of a round is due at start + k × gap, a schedule: the timer wakes
                // late (poll(2) counts milliseconds), and what fell due meanwhile goes out at once
                while (cursor < roundTargets.size() && nextSendAt <= now) {
                    Entry e = roundTargets.get(cursor++);
                    if (e.state != NeighbourState.REACHABLE) {
                        sendRequest(e, now, out);
                        sentInRound++;
                        nextSendAt = roundStartedAt + sentInRound * settings.gapMicros();
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
            } else if ((phase == Phase.LAST_WAIT || phase == Phase.LISTENING) && giveUpAt <= now) {
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
        if (e.requests == 1) {
            e.firstRequestAt = e.lastRequestAt;
        }
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
            MacAddress other = arp.senderMac();
            if (!other.equals(e.mac) && !e.conflicting.contains(other)) {
                e.conflicting.add(other);
                String vendor = vendorOf.apply(other);
                out.shown(frame, "conflict: already answered by " + e.mac + (vendor != null ? "; " + vendor : ""));
                out.emit(new Event.Note(now, Event.Note.Kind.WARNING, Ip4.toString(e.ip) + " is claimed by " + (e.conflicting.size() + 1)
                        + " MACs: " + e.mac + " and " + joined(e.conflicting) + " (an address conflict: two hosts hold it)", Map.of()));
            } else {
                out.shown(frame, "duplicate reply (answer to an earlier request)");
            }
            return;
        }
        e.mac = arp.senderMac();
        e.rttMicros = now - e.lastRequestAt;
        e.rttFromFirstMicros = now - e.firstRequestAt;
        e.rttAmbiguous = e.requests > 1;
        String vendor = vendorOf.apply(e.mac);
        out.shown(frame, "RTT " + Durations.ms(e.rttMicros) + (e.rttAmbiguous ? " from request " + e.requests : "")
                + (vendor != null ? ", " + vendor : "") + (e.rttAmbiguous ? " — " + ambiguity(e) : ""));
        transition(e, NeighbourState.REACHABLE, now, "is-at received", WHY_REACHABLE, false, out);
        if (entries.values().stream().allMatch(x -> x.state == NeighbourState.REACHABLE)) {
            listenOn(now, out);
        }
    }

    /** Every target answered: stop, or listen on for a second holder (as long as the settings say). */
    private void listenOn(long now, Output out) {
        long windowEnd = phase == Phase.LAST_WAIT ? giveUpAt : roundStartedAt + settings.intervalMicros();
        long listen = settings.listenMicros();
        if (listen == Settings.NO_LISTEN || windowEnd <= now) {
            finish(now, out);
            return;
        }
        long slowest = 0;
        for (Entry x : entries.values()) {
            slowest = Math.max(slowest, x.rttMicros);
        }
        long until = listen == Settings.WHOLE_WINDOW ? windowEnd
                : Math.min(windowEnd, now + (listen == Settings.SETTLE ? settleMicros(slowest) : listen));
        phase = Phase.LISTENING;
        nextSendAt = Long.MAX_VALUE;
        giveUpAt = until;
        listenedFrom = now;
        String how = until == windowEnd ? "to the end of the reply window"
                : listen == Settings.SETTLE ? "(" + SETTLE_RTTS + " × the RTT " + Durations.ms(slowest) + ", at least "
                        + Durations.human(SETTLE_MIN_MICROS) + "; --listen-out waits out the reply window, "
                        + Durations.human(windowEnd - now) + ")"
                : "(--settle)";
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("listen_ms", Durations.msValue(until - now));
        f.put("window_ms", Durations.msValue(windowEnd - now));
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, (entries.size() == 1 ? "answered" : "every target answered")
                + "; listening " + Durations.human(until - now) + " more " + how
                + ": a second host holding the address would answer too", f));
    }

    /** ARP replies carry no ID: with k requests out, the reply may answer any of them. */
    private static String ambiguity(Entry e) {
        String which = e.requests == 2 ? "request 1 of 2" : "any of requests 1-" + (e.requests - 1) + " of " + e.requests;
        return "ambiguous: may answer " + which + " (RTT " + Durations.ms(e.rttFromFirstMicros) + " from request 1):"
                + " ARP replies carry no ID";
    }

    private static String joined(List<MacAddress> macs) {
        return String.join(", ", macs.stream().map(MacAddress::toString).toList());
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
            out.emit(r.interrupted(r.summary() == null ? "interrupted" : "interrupted: " + r.summary()));
        }
    }

    private Event.Result result(long now) {
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> answered = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.state == NeighbourState.REACHABLE) {
                String vendor = vendorOf.apply(e.mac);
                lines.add(Ip4.toString(e.ip) + " is-at " + e.mac + (vendor != null ? " (" + vendor + ")" : "")
                        + " RTT " + Durations.ms(e.rttMicros)
                        + (e.rttAmbiguous ? " (ambiguous: from request " + e.requests + "; " + Durations.ms(e.rttFromFirstMicros)
                                + " if it answers request 1)" : "")
                        + (e.conflicting.isEmpty() ? "" : " — conflict: also claimed by " + joined(e.conflicting)));
                List<String> macs = new ArrayList<>();
                macs.add(e.mac.toString());
                e.conflicting.forEach(m -> macs.add(m.toString()));
                if (!e.conflicting.isEmpty()) {
                    conflicts.add(Ip4.toString(e.ip));
                }
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("ip", Ip4.toString(e.ip));
                a.put("mac", e.mac.toString());
                a.put("vendor", vendor);
                a.put("rtt_ms", Durations.msValue(e.rttMicros));
                a.put("rtt_ambiguous", e.rttAmbiguous);
                if (e.rttAmbiguous) {
                    a.put("rtt_first_ms", Durations.msValue(e.rttFromFirstMicros));
                }
                a.put("requests", e.requests);
                a.put("macs", macs);
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
        // two MACs for one address is a negative answer whatever else answered: frames for it go astray
        boolean ok = conflicts.isEmpty() && (sweep ? !answered.isEmpty() : failed.isEmpty());
        String summary = sweep
                ? answered.size() + " of " + total + " addresses answered in " + Durations.human(now - startedAt)
                : total == 1 ? null : answered.size() + " of " + total + " answered in " + Durations.human(now - startedAt);
        if (!conflicts.isEmpty()) {
            summary = (summary != null ? summary + "; " : "") + "address conflict: " + String.join(", ", conflicts)
                    + (conflicts.size() == 1 ? " is" : " are") + " claimed by more than one MAC";
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ok", ok);
        fields.put("answered", answered);
        fields.put("failed", failed);
        fields.put("conflicts", conflicts);
        fields.put("targets", total);
        fields.put("elapsed_ms", Durations.msValue(now - startedAt));
        if (listenedFrom >= 0) {
            fields.put("listened_ms", Durations.msValue(now - listenedFrom)); // how long a second holder had to answer
        }
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
