package synack.exchange.ndp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.arp.ArpResolve;
import synack.exchange.arp.NeighbourState;
import synack.link.ReceivedFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.MacAddress;
import synack.wire.NdpMessage;

/**
 * Resolves IPv6 addresses to MACs with neighbour solicitations (RFC 4861 7.2), as {@link ArpResolve}
 * does for IPv4: a solicitation from our address to the target's solicited-node group, with our
 * source link-layer option, one neighbour entry per target. NONE → INCOMPLETE on the first
 * solicitation, → REACHABLE on a solicited advertisement carrying the target's MAC, → STALE on an
 * unsolicited one (the MAC is known but unconfirmed), → FAILED when every solicitation went
 * unanswered. The rounds, the pacing and the settle window for a second holder are ArpResolve's,
 * and so are its {@link ArpResolve.Settings}.
 */
public final class NdpResolve implements Exchange {
    /** RFC 4861 10: MAX_MULTICAST_SOLICIT, the solicitations before an entry is given up. */
    public static final int MAX_MULTICAST_SOLICIT = 3;
    /** RFC 4861 10: RETRANS_TIMER, the wait between solicitations (and after the last). */
    public static final long RETRANS_TIMER_MICROS = 1_000_000;
    /** Another host's answers kept per target: a flood of advertisements from made-up MACs must not grow memory. */
    static final int MAX_CONFLICTING = 16;

    /** RFC 4861's timing, with ArpResolve's settle window after the answer. */
    public static ArpResolve.Settings rfc4861() {
        return new ArpResolve.Settings(MAX_MULTICAST_SOLICIT, RETRANS_TIMER_MICROS, RETRANS_TIMER_MICROS, 0,
                ArpResolve.Settings.SETTLE);
    }

    /** What the resolution learned of one target. */
    public static final class Entry {
        final byte[] ip;
        NeighbourState state = NeighbourState.NONE;
        int requests;
        long firstRequestAt;
        long lastRequestAt;
        MacAddress mac;
        boolean router;
        long rttMicros;
        long rttFromFirstMicros;
        boolean rttAmbiguous;
        int withoutLinkLayer; // advertisements discarded for want of a target link-layer option
        final List<MacAddress> conflicting = new ArrayList<>();

        Entry(byte[] ip) {
            this.ip = ip.clone();
        }

        public byte[] ip() {
            return ip.clone();
        }

        public NeighbourState state() {
            return state;
        }

        /** The MAC the first advertisement named; null while unknown. */
        public MacAddress mac() {
            return mac;
        }

        /** The R flag of the latest advertisement taken: the neighbour is a router. */
        public boolean router() {
            return router;
        }

        /** From the latest solicitation sent before the answer (the shortest it can be). */
        public long rttMicros() {
            return rttMicros;
        }

        /** From the first solicitation: the RTT if the answer is to solicitation 1. */
        public long rttFromFirstMicros() {
            return rttFromFirstMicros;
        }

        /** More than one solicitation was out: advertisements carry no ID, which one is answered is unknown. */
        public boolean rttAmbiguous() {
            return rttAmbiguous;
        }

        /** Solicitations sent for this target. */
        public int requests() {
            return requests;
        }

        /** Advertisements for the target that came without its MAC (RFC 4861 7.2.5: discarded). */
        public int withoutLinkLayer() {
            return withoutLinkLayer;
        }

        /** Other MACs that advertised the address after the first: an address conflict when not empty. */
        public List<MacAddress> conflicting() {
            return List.copyOf(conflicting);
        }
    }

    private static final String WHY_INCOMPLETE = "the MAC is unknown, so a neighbour solicitation goes to the"
            + " target's solicited-node group (ff02::1:ff and its last 24 bits): only hosts whose address ends alike"
            + " listen there, and the holder answers (RFC 4861 7.2.2)";
    private static final String WHY_REACHABLE = "a solicited advertisement (S flag) carried the holder's MAC in its"
            + " target link-layer option: the path to it is confirmed both ways (RFC 4861 7.2.5)";
    private static final String WHY_STALE = "an unsolicited advertisement (S flag clear) named the MAC: it may be"
            + " used, but nothing confirmed the neighbour hears us; the kernel would probe it before long (RFC 4861 7.2.5, 7.3.3)";
    private static final String WHY_CONFIRMED = "a solicited advertisement confirmed the MAC learned before (RFC 4861 7.2.5)";
    private static final String WHY_FAILED = "every solicitation went unanswered: nobody on this link holds the"
            + " address (or it does not answer), so packets for it cannot be delivered (RFC 4861 7.3.3)";

    private final MacAddress ourMac;
    private final byte[] ourIp;
    private final ArpResolve.Settings settings;
    private final Function<MacAddress, String> vendorOf;
    private final boolean sweep;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** LISTENING: every target answered, no more solicitations; the rest of the reply window is listened out. */
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
    private long listenedFrom = -1;
    private boolean done;

    /**
     * @param ourIp the interface's address facing the targets (a global one on their prefix, or the
     *              link-local): the source of the solicitations, where the answers come back to
     */
    public NdpResolve(MacAddress ourMac, byte[] ourIp, List<byte[]> targets, ArpResolve.Settings settings,
                      Function<MacAddress, String> vendorOf, boolean sweep) {
        if (Ip6.isUnspecified(ourIp) || Ip6.isMulticast(ourIp)) {
            throw new IllegalArgumentException("a neighbour solicitation needs our own unicast address as its source,"
                    + " not " + Ip6.toString(ourIp) + " (from :: it is a duplicate-address probe)");
        }
        this.ourMac = ourMac;
        this.ourIp = ourIp.clone();
        this.settings = settings;
        this.vendorOf = vendorOf;
        this.sweep = sweep;
        for (byte[] t : targets) {
            if (Ip6.isMulticast(t)) {
                throw new IllegalArgumentException(Ip6.toString(t) + " is multicast: it maps to a MAC, nobody resolves it");
            }
            entries.put(Ip6.toString(t), new Entry(t));
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
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, "round " + round + " of " + settings.count()
                    + ": soliciting again the " + roundTargets.size() + " addresses not confirmed", Map.of()));
        }
    }

    @Override
    public void onTimer(long now, Output out) {
        while (!done) {
            if (phase == Phase.SENDING && nextSendAt <= now) {
                // the k-th solicitation of a round is due at start + k × gap: what fell due meanwhile goes at once
                while (cursor < roundTargets.size() && nextSendAt <= now) {
                    Entry e = roundTargets.get(cursor++);
                    if (e.state != NeighbourState.REACHABLE) {
                        solicit(e, out);
                        sentInRound++;
                        nextSendAt = roundStartedAt + sentInRound * settings.gapMicros();
                    }
                }
                if (cursor < roundTargets.size()) {
                    return;
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

    /** The solicitation for {@code target}: to its solicited-node group and that group's MAC 33:33:ff:xx:xx:xx. */
    public static byte[] solicitation(MacAddress ourMac, byte[] ourIp, byte[] target) {
        return Frames6.toMulticast(ourMac, NdpMessage.neighborSolicitation(ourIp, target, ourMac));
    }

    private void solicit(Entry e, Output out) {
        e.requests++;
        String note = "who has " + Ip6.toString(e.ip) + "? to " + Ip6.toString(Ip6.solicitedNode(e.ip))
                + (settings.count() > 1 ? ", solicitation " + e.requests + " of " + settings.count() : "");
        e.lastRequestAt = out.send(solicitation(ourMac, ourIp, e.ip), note, sweep);
        if (e.requests == 1) {
            e.firstRequestAt = e.lastRequestAt;
        }
        if (e.state == NeighbourState.NONE) {
            transition(e, NeighbourState.INCOMPLETE, e.lastRequestAt, "neighbour solicitation sent", WHY_INCOMPLETE, sweep, out);
        }
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        ReceivedNdp r = ReceivedNdp.read(frame.bytes());
        if (r == null) {
            return; // the capture filter lets only advertisements through; anything else is not ours
        }
        if (r.malformed() != null) {
            out.shown(frame, "dropped: " + r.malformed());
            return;
        }
        if (!(r.message().body() instanceof NdpMessage.NeighborAdvertisement na)) {
            return; // solicitations (ours looped back, or other hosts') and router messages
        }
        Entry e = entries.get(Ip6.toString(na.target()));
        if (e == null || e.requests == 0) {
            return; // an advertisement about someone else
        }
        MacAddress to = r.ethernet().destination();
        if (!to.isMulticast() && !to.equals(ourMac)) {
            return; // unicast to another host: our kernel would not see it
        }
        if (!r.message().isValid()) {
            out.shown(frame, r.invalidRemark() + "; " + Ip6.toString(e.ip) + " stays " + e.state);
            return;
        }
        MacAddress mac = r.message().targetLinkLayer();
        String flags = flags(na);
        long now = frame.timeMicros();
        if (e.mac == null) {
            if (mac == null) {
                e.withoutLinkLayer++;
                out.shown(frame, flags + "; no target link-layer option: RFC 4861 7.2.5 discards it for an INCOMPLETE"
                        + " entry (7.2.4: the answer to a multicast solicitation must carry it), so "
                        + Ip6.toString(e.ip) + " stays INCOMPLETE");
                return;
            }
            learn(e, na, mac, now, frame, flags, out);
            return;
        }
        if (mac != null && !mac.equals(e.mac)) {
            conflict(e, na, mac, now, frame, flags, out);
            return;
        }
        // the MAC we know, again (or none given: 7.2.5 then keeps the one cached)
        e.router = na.router();
        if (na.solicited() && e.state == NeighbourState.STALE) {
            out.shown(frame, flags + "; confirms " + e.mac);
            markAnswered(e, now);
            transition(e, NeighbourState.REACHABLE, now, "solicited neighbour advertisement received", WHY_CONFIRMED, false, out);
            listenIfAllAnswered(now, out);
        } else {
            out.shown(frame, flags + (na.solicited() ? "; a second answer (to an earlier solicitation)"
                    : "; unsolicited, same MAC: the entry does not change (RFC 4861 7.2.5)"));
        }
    }

    /** The first advertisement that names the MAC: REACHABLE when it answers us, STALE when unsolicited. */
    private void learn(Entry e, NdpMessage.NeighborAdvertisement na, MacAddress mac, long now, ReceivedFrame frame,
                       String flags, Output out) {
        e.mac = mac;
        e.router = na.router();
        String vendor = vendorOf.apply(mac);
        if (!na.solicited()) {
            out.shown(frame, flags + "; " + mac + (vendor != null ? " (" + vendor + ")" : "")
                    + ", unsolicited: it answers no solicitation, so it confirms nothing");
            transition(e, NeighbourState.STALE, now, "unsolicited neighbour advertisement", WHY_STALE, false, out);
            return;
        }
        markAnswered(e, now);
        out.shown(frame, flags + "; RTT " + Durations.ms(e.rttMicros) + (e.rttAmbiguous ? " from solicitation " + e.requests : "")
                + (vendor != null ? ", " + vendor : "") + (e.rttAmbiguous ? " — " + ambiguity(e) : ""));
        transition(e, NeighbourState.REACHABLE, now, "solicited neighbour advertisement received", WHY_REACHABLE, false, out);
        listenIfAllAnswered(now, out);
    }

    private void markAnswered(Entry e, long now) {
        e.rttMicros = now - e.lastRequestAt;
        e.rttFromFirstMicros = now - e.firstRequestAt;
        e.rttAmbiguous = e.requests > 1;
    }

    /** A second MAC advertises the address: two holders (or a takeover), a conflict either way. */
    private void conflict(Entry e, NdpMessage.NeighborAdvertisement na, MacAddress other, long now, ReceivedFrame frame,
                          String flags, Output out) {
        if (e.conflicting.contains(other)) {
            out.shown(frame, flags + "; " + other + " again");
            return;
        }
        if (e.conflicting.size() >= MAX_CONFLICTING) {
            out.shown(frame, "dropped: more than " + MAX_CONFLICTING + " MACs advertise " + Ip6.toString(e.ip) + " already");
            return;
        }
        e.conflicting.add(other);
        String vendor = vendorOf.apply(other);
        String kernel = na.override()
                ? "with O set the kernel would replace " + e.mac + " by it"
                : "with O clear the kernel keeps " + e.mac + " and marks the entry STALE";
        out.shown(frame, flags + "; conflict: already advertised by " + e.mac + (vendor != null ? "; " + vendor : "")
                + "; " + kernel + " (RFC 4861 7.2.5)");
        out.emit(new Event.Note(now, Event.Note.Kind.WARNING, Ip6.toString(e.ip) + " is claimed by " + (e.conflicting.size() + 1)
                + " MACs: " + e.mac + " and " + joined(e.conflicting) + " (an address conflict: two hosts hold it,"
                + " which duplicate-address detection should have caught)", Map.of()));
    }

    /** The advertisement's flags and what each means here. */
    static String flags(NdpMessage.NeighborAdvertisement na) {
        List<String> words = new ArrayList<>();
        words.add(na.router() ? "R: the sender is a router" : "R clear: a host, not a router");
        words.add(na.solicited() ? "S: answers a solicitation" : "S clear: unsolicited (an announcement)");
        words.add(na.override() ? "O: override any cached MAC" : "O clear: do not replace a cached MAC");
        return String.join(", ", words);
    }

    private void listenIfAllAnswered(long now, Output out) {
        if (entries.values().stream().allMatch(x -> x.state == NeighbourState.REACHABLE)) {
            listenOn(now, out);
        }
    }

    /** Every target answered: stop, or listen on for a second holder (as long as the settings say). */
    private void listenOn(long now, Output out) {
        long windowEnd = phase == Phase.LAST_WAIT ? giveUpAt : roundStartedAt + settings.intervalMicros();
        long listen = settings.listenMicros();
        if (listen == ArpResolve.Settings.NO_LISTEN || windowEnd <= now) {
            finish(now, out);
            return;
        }
        long slowest = 0;
        for (Entry x : entries.values()) {
            slowest = Math.max(slowest, x.rttMicros);
        }
        long until = listen == ArpResolve.Settings.WHOLE_WINDOW ? windowEnd
                : Math.min(windowEnd, now + (listen == ArpResolve.Settings.SETTLE ? ArpResolve.settleMicros(slowest) : listen));
        phase = Phase.LISTENING;
        nextSendAt = Long.MAX_VALUE;
        giveUpAt = until;
        listenedFrom = now;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("listen_ms", Durations.msValue(until - now));
        f.put("window_ms", Durations.msValue(windowEnd - now));
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, (entries.size() == 1 ? "answered" : "every target answered")
                + "; listening " + Durations.human(until - now) + " more: a second host holding the address would"
                + " hear the same multicast solicitation and answer too", f));
    }

    private static String ambiguity(Entry e) {
        String which = e.requests == 2 ? "solicitation 1 of 2" : "any of solicitations 1-" + (e.requests - 1) + " of " + e.requests;
        return "ambiguous: may answer " + which + " (RTT " + Durations.ms(e.rttFromFirstMicros) + " from solicitation 1):"
                + " advertisements carry no ID";
    }

    private static String joined(List<MacAddress> macs) {
        return String.join(", ", macs.stream().map(MacAddress::toString).toList());
    }

    private void transition(Entry e, NeighbourState to, long now, String cause, String why, boolean routine, Output out) {
        NeighbourState from = e.state;
        e.state = to;
        out.emit(new Event.Transition(now, Ip6.toString(e.ip), Event.Endpoint.LOCAL, from.name(), to.name(), cause,
                false, why, routine));
    }

    private void finish(long now, Output out) {
        if (done) {
            return;
        }
        for (Entry e : entries.values()) {
            if (e.state == NeighbourState.INCOMPLETE) {
                String cause = e.withoutLinkLayer > 0
                        ? e.withoutLinkLayer + " advertisement" + (e.withoutLinkLayer == 1 ? "" : "s")
                                + " without a target link-layer option, discarded, after " + e.requests + " solicitations"
                        : "no advertisement after " + e.requests + " solicitation" + (e.requests == 1 ? "" : "s");
                transition(e, NeighbourState.FAILED, now, cause, WHY_FAILED, sweep, out);
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
        int reachable = 0;
        for (Entry e : entries.values()) {
            String ip = Ip6.toString(e.ip);
            if (e.mac == null) {
                failed.add(ip);
                if (!sweep) {
                    lines.add(ip + " " + e.state + " (" + (e.withoutLinkLayer > 0 ? e.withoutLinkLayer
                            + " advertisements without the target's MAC, " : "no advertisement, ") + e.requests
                            + " solicitation" + (e.requests == 1 ? "" : "s") + ")");
                }
                continue;
            }
            if (e.state == NeighbourState.REACHABLE) {
                reachable++;
            }
            String vendor = vendorOf.apply(e.mac);
            boolean confirmed = e.state == NeighbourState.REACHABLE;
            lines.add(ip + " is-at " + e.mac + (vendor != null ? " (" + vendor + ")" : "") + (e.router ? " router" : "")
                    + (confirmed ? " RTT " + Durations.ms(e.rttMicros) : " STALE (only an unsolicited advertisement)")
                    + (confirmed && e.rttAmbiguous ? " (ambiguous: from solicitation " + e.requests + "; "
                            + Durations.ms(e.rttFromFirstMicros) + " if it answers solicitation 1)" : "")
                    + (e.conflicting.isEmpty() ? "" : " — conflict: also claimed by " + joined(e.conflicting)));
            List<String> macs = new ArrayList<>();
            macs.add(e.mac.toString());
            e.conflicting.forEach(m -> macs.add(m.toString()));
            if (!e.conflicting.isEmpty()) {
                conflicts.add(ip);
            }
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("ip", ip);
            a.put("mac", e.mac.toString());
            a.put("vendor", vendor);
            a.put("state", e.state.name());
            a.put("router", e.router);
            if (confirmed) {
                a.put("rtt_ms", Durations.msValue(e.rttMicros));
                a.put("rtt_ambiguous", e.rttAmbiguous);
                if (e.rttAmbiguous) {
                    a.put("rtt_first_ms", Durations.msValue(e.rttFromFirstMicros));
                }
            } else {
                a.put("rtt_ms", null); // unsolicited: it answered nothing, so there is no round trip
            }
            a.put("requests", e.requests);
            a.put("macs", macs);
            answered.add(a);
        }
        int total = entries.size();
        // a second MAC for one address is a negative answer whatever else answered: packets for it go astray
        boolean ok = conflicts.isEmpty() && (sweep ? reachable > 0 : reachable == total);
        String summary = sweep
                ? reachable + " of " + total + " addresses answered in " + Durations.human(now - startedAt)
                : total == 1 ? null : reachable + " of " + total + " answered in " + Durations.human(now - startedAt);
        if (!conflicts.isEmpty()) {
            summary = (summary != null ? summary + "; " : "") + "address conflict: " + String.join(", ", conflicts)
                    + (conflicts.size() == 1 ? " is" : " are") + " claimed by more than one MAC";
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ok", ok);
        fields.put("protocol", "ndp");
        fields.put("answered", answered);
        fields.put("failed", failed);
        fields.put("conflicts", conflicts);
        fields.put("targets", total);
        fields.put("elapsed_ms", Durations.msValue(now - startedAt));
        if (listenedFrom >= 0) {
            fields.put("listened_ms", Durations.msValue(now - listenedFrom));
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

    /** The entry of {@code ip}, or null when it is not a target. */
    public Entry entry(byte[] ip) {
        return entries.get(Ip6.toString(ip));
    }
}
