package synack.explain;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.capture.DecodedFrame;
import synack.event.Durations;
import synack.event.Event;
import synack.event.EventSink;
import synack.event.Remark;
import synack.exchange.arp.NeighbourState;
import synack.wire.ArpPacket;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * Tells the ARP frames of a capture: who-has and is-at, with the requester's neighbour entry for
 * the target moved as Linux moves it (NONE → INCOMPLETE on the request, → REACHABLE on the reply,
 * → FAILED, inferred, when the capture ends with the request unanswered); each reply matched to its
 * request; retries counted; gratuitous ARP (announcements, RFC 5227 probes) told as such; and an
 * address claimed by two MACs warned of as a conflict.
 *
 * <p>Each frame is one {@link Event.Frame} (OUT from the requester or announcer, IN for a reply),
 * then its transitions, then notes: a ROUTINE note whose {@code arp} field holds the frame's facts
 * ({@link ArpFinding} key, addresses, what it answers), and WARNING / INFO notes for conflicts and
 * the like. Memory is bounded: at most {@code maxAddresses} resolutions and claimed addresses are kept.
 */
public final class ArpObserver {
    /** Resolutions and claimed addresses kept; beyond, the oldest are forgotten (a /16 of hosts fits). */
    public static final int MAX_ADDRESSES = 65_536;
    /** MACs remembered per claimed address: a conflict is told once per MAC, and a flood of them stays small. */
    static final int MAX_CLAIMANTS = 8;

    private static final String WHY_INCOMPLETE = "the requester does not know the target's MAC, so it asks the whole"
            + " segment: a broadcast who-has that only the holder of the address answers (RFC 826)";
    private static final String WHY_REACHABLE = "the holder answered with an is-at carrying its MAC; the requester"
            + " can now address frames for the target to it";
    private static final String WHY_FAILED = "the capture ends with no reply to the request: Linux gives the entry up"
            + " after its retries (3 by default, a second apart), so frames for the target cannot be delivered";

    /** One requester's neighbour entry for one target, as the capture shows it. */
    private static final class Entry {
        final int requesterIp;
        final int targetIp;
        NeighbourState state = NeighbourState.NONE;
        boolean pending; // a request is out and unanswered
        int requests; // of the current round of asking
        long firstFrame;
        long firstAt;
        long lastFrame;
        long lastAt;
        MacAddress mac;

        Entry(int requesterIp, int targetIp) {
            this.requesterIp = requesterIp;
            this.targetIp = targetIp;
        }
    }

    /** Who claimed an address first (and in which frame), and the other MACs that claimed it since. */
    private static final class Claim {
        final MacAddress mac;
        final long frame;
        final List<MacAddress> others = new ArrayList<>();

        Claim(MacAddress mac, long frame) {
            this.mac = mac;
            this.frame = frame;
        }
    }

    private final EventSink sink;
    private final int maxAddresses;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private final LinkedHashMap<Integer, Claim> claims = new LinkedHashMap<>();
    private final LinkedHashMap<Integer, Long> probed = new LinkedHashMap<>(); // address → frame of its latest probe
    private boolean toldTooMany;
    private boolean finished;

    private int requests;
    private int retries;
    private int answered;
    private int unanswered;
    private int conflicts;
    private int announcements;
    private int probes;
    private int unsolicited;
    private int malformed;

    public ArpObserver(EventSink sink) {
        this(sink, MAX_ADDRESSES);
    }

    /** With a smaller bound, for tests of what happens past it. */
    ArpObserver(EventSink sink, int maxAddresses) {
        this.sink = sink;
        this.maxAddresses = maxAddresses;
    }

    /** The subject of a neighbour entry's transitions: the target's address in the requester's cache. */
    public static String entrySubject(int requesterIp, int targetIp) {
        return Ip4.toString(targetIp) + " in " + Ip4.toString(requesterIp) + "'s cache";
    }

    /** What one frame comes to, gathered before anything is emitted: the frame goes first, then the rest. */
    private final class Told {
        final DecodedFrame frame;
        final long time;
        Event.Direction direction = Event.Direction.OUT;
        final Remark.Builder remark = Remark.builder();
        final Map<String, Object> facts = new LinkedHashMap<>();
        final List<Event> after = new ArrayList<>();
        final List<Event> notes = new ArrayList<>();

        Told(DecodedFrame frame) {
            this.frame = frame;
            this.time = frame.frame().timeMicros();
            facts.put("frame", frame.frame().number());
        }

        void finding(ArpFinding finding) {
            facts.put("finding", finding.key());
        }

        void emit(String routineText) {
            DecodedFrame f = frame;
            sink.accept(new Event.Frame(time, direction, f.frame().data(), remark.build(), false, 0,
                    new Event.Captured(f.frame().number(), f.frame().link(), f.frame().originalLength(), -1)));
            after.forEach(sink::accept);
            sink.accept(new Event.Note(time, Event.Note.Kind.ROUTINE, routineText, Map.of("arp", facts)));
            notes.forEach(sink::accept);
        }
    }

    /** One ARP frame of the capture, in capture order. */
    public void arp(DecodedFrame f) {
        Told told = new Told(f);
        ArpPacket arp = f.arp();
        if (arp == null || (arp.operation() != ArpPacket.REQUEST && arp.operation() != ArpPacket.REPLY)) {
            malformed++;
            String why = arp != null ? "ARP operation " + arp.operation() + " is neither request nor reply"
                    : f.malformed() != null ? f.malformed() : "not an ARP packet for IPv4 over Ethernet";
            told.finding(ArpFinding.MALFORMED);
            told.facts.put("detail", why);
            told.remark.words("dropped: " + why);
            told.emit("ARP frame " + f.frame().number() + " dropped");
            return;
        }
        told.facts.put("op", arp.operation() == ArpPacket.REQUEST ? "request" : "reply");
        told.facts.put("sender_ip", Ip4.toString(arp.senderIp()));
        told.facts.put("sender_mac", arp.senderMac().toString());
        told.facts.put("target_ip", Ip4.toString(arp.targetIp()));
        told.facts.put("target_mac", arp.targetMac().toString());
        if (arp.operation() == ArpPacket.REQUEST) {
            request(arp, told);
        } else {
            reply(arp, told);
        }
        claim(arp.senderIp(), arp.senderMac(), told);
        told.emit(arp.summary());
    }

    private void request(ArpPacket arp, Told told) {
        if (arp.isProbe()) {
            probes++;
            told.finding(ArpFinding.PROBE);
            remember(probed, arp.targetIp(), told.frame.frame().number());
            told.remark.words("probe (RFC 5227): " + arp.senderMac() + " asks whether anyone holds " + Ip4.toString(arp.targetIp())
                    + " before taking it; sender 0.0.0.0, so no cache learns from it");
            return;
        }
        if (arp.isGratuitous()) {
            announcement(arp, told);
            return;
        }
        requests++;
        long key = key(arp.senderIp(), arp.targetIp());
        Entry e = entries.get(key);
        long frame = told.frame.frame().number();
        if (e == null) {
            e = new Entry(arp.senderIp(), arp.targetIp());
            put(key, e, told);
        }
        if (e.pending) {
            retries++;
            e.requests++;
            told.finding(ArpFinding.RETRY);
            told.facts.put("request", e.requests);
            told.facts.put("first_request_frame", e.firstFrame);
            told.facts.put("since_previous_ms", Durations.msValue(told.time - e.lastAt));
            told.remark.words("retry: request " + e.requests + " for " + Ip4.toString(arp.targetIp()) + ", "
                    + Durations.human(told.time - e.lastAt) + " after frame " + e.lastFrame + " went unanswered");
        } else if (e.state == NeighbourState.REACHABLE) {
            told.finding(ArpFinding.RECONFIRM);
            told.remark.words("asks again for a neighbour it knows (" + e.mac + "): Linux re-confirms an entry gone stale");
        } else {
            told.finding(ArpFinding.REQUEST);
            told.remark.words("who-has: " + Ip4.toString(arp.senderIp()) + " asks for " + Ip4.toString(arp.targetIp()) + "'s MAC");
        }
        if (!e.pending) {
            e.pending = true;
            e.requests = 1;
            e.firstFrame = frame;
            e.firstAt = told.time;
            if (e.state != NeighbourState.REACHABLE) {
                move(e, NeighbourState.INCOMPLETE, told.time, "who-has sent", false, WHY_INCOMPLETE, told.after);
            }
        }
        told.facts.put("request", e.requests);
        e.lastFrame = frame;
        e.lastAt = told.time;
    }

    private void announcement(ArpPacket arp, Told told) {
        announcements++;
        told.finding(ArpFinding.ANNOUNCEMENT);
        told.remark.words("gratuitous ARP" + (arp.operation() == ArpPacket.REPLY ? " (as a reply)" : "") + ": "
                + arp.senderMac() + " announces it holds " + Ip4.toString(arp.senderIp()) + "; neighbours update their caches");
    }

    private void reply(ArpPacket arp, Told told) {
        told.direction = Event.Direction.IN;
        if (arp.targetIp() == Ip4.ANY) {
            Long probe = probed.get(arp.senderIp());
            told.finding(ArpFinding.PROBE_ANSWERED);
            if (probe != null) {
                told.facts.put("answers_frame", probe);
            }
            told.remark.words("answers a probe" + (probe != null ? " (frame " + probe + ")" : "") + ": " + Ip4.toString(arp.senderIp())
                    + " is in use by " + arp.senderMac() + ", the prober must not take it (RFC 5227)");
            told.notes.add(new Event.Note(told.time, Event.Note.Kind.WARNING, Ip4.toString(arp.senderIp()) + " is already held by "
                    + arp.senderMac() + ": a host probing for it (RFC 5227) is told the address is in use", Map.of("arp", told.facts)));
            return;
        }
        if (arp.isGratuitous()) {
            announcement(arp, told);
            return;
        }
        Entry e = entries.get(key(arp.targetIp(), arp.senderIp()));
        if (e != null && e.pending) {
            answered++;
            e.pending = false;
            boolean ambiguous = e.requests > 1;
            long rtt = told.time - e.lastAt;
            told.finding(ArpFinding.REPLY);
            told.facts.put("answers_frame", e.lastFrame);
            told.facts.put("rtt_ms", Durations.msValue(rtt));
            told.facts.put("requests", e.requests);
            told.facts.put("rtt_ambiguous", ambiguous);
            if (ambiguous) {
                told.facts.put("first_request_frame", e.firstFrame);
                told.facts.put("rtt_first_ms", Durations.msValue(told.time - e.firstAt));
            }
            told.remark.words("is-at: answers frame " + e.lastFrame + " after " + Durations.ms(rtt)
                    + (ambiguous ? " (or frame " + e.firstFrame + " after " + Durations.human(told.time - e.firstAt)
                    + ": ARP replies carry no ID, and " + e.requests + " requests were out)" : ""));
            boolean confirm = e.state == NeighbourState.REACHABLE;
            e.mac = arp.senderMac();
            if (confirm) {
                told.remark.words("; the known entry is confirmed");
            } else {
                move(e, NeighbourState.REACHABLE, told.time, "is-at received", false, WHY_REACHABLE, told.after);
            }
        } else if (e != null && e.state == NeighbourState.REACHABLE) {
            told.finding(ArpFinding.DUPLICATE_REPLY);
            told.facts.put("answered_by", e.mac.toString());
            told.remark.words("another is-at for a request " + e.mac + " already answered"
                    + (arp.senderMac().equals(e.mac) ? " (the same MAC again)" : ""));
        } else {
            unsolicited++;
            told.finding(ArpFinding.UNSOLICITED_REPLY);
            told.remark.words("unsolicited is-at: no request from " + Ip4.toString(arp.targetIp()) + " for "
                    + Ip4.toString(arp.senderIp()) + " in the capture (or it was asked before the capture began)");
        }
    }

    /** A frame whose sender says it holds {@code ip}: a second MAC for the same address is a conflict. */
    private void claim(int ip, MacAddress mac, Told told) {
        if (ip == Ip4.ANY) {
            return;
        }
        Claim c = claims.get(ip);
        long frame = told.frame.frame().number();
        if (c == null) {
            remember(claims, ip, new Claim(mac, frame));
            return;
        }
        if (c.mac.equals(mac) || c.others.contains(mac) || c.others.size() >= MAX_CLAIMANTS) {
            return;
        }
        c.others.add(mac);
        if (c.others.size() == 1) {
            conflicts++;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("finding", ArpFinding.CONFLICT.key());
        f.put("ip", Ip4.toString(ip));
        f.put("mac", c.mac.toString());
        f.put("first_frame", c.frame);
        f.put("other_mac", mac.toString());
        f.put("frame", frame);
        told.facts.put("conflict", true);
        told.remark.then().words("conflict: " + Ip4.toString(ip) + " was claimed by " + c.mac + " (frame " + c.frame + ")");
        told.notes.add(new Event.Note(told.time, Event.Note.Kind.WARNING, Ip4.toString(ip) + " is claimed by two MACs: " + c.mac
                + " (frame " + c.frame + ") and " + mac + " (frame " + frame + "): a duplicate address, frames for it go to"
                + " whichever answered last", Map.of("arp", f)));
    }

    private void move(Entry e, NeighbourState to, long at, String cause, boolean inferred, String why, List<Event> into) {
        into.add(new Event.Transition(at, entrySubject(e.requesterIp, e.targetIp), Event.Endpoint.LOCAL, e.state.name(), to.name(),
                cause, inferred, why, false));
        e.state = to;
    }

    private void put(long key, Entry e, Told told) {
        entries.put(key, e);
        if (entries.size() <= maxAddresses) {
            return;
        }
        Iterator<Entry> oldest = entries.values().iterator();
        Entry gone = oldest.next();
        oldest.remove();
        tooMany(told.time, told.notes);
        if (gone.pending) {
            giveUp(gone, told.time, "forgotten: more than " + maxAddresses + " addresses", told.notes);
        }
    }

    private <V> void remember(LinkedHashMap<Integer, V> map, int key, V value) {
        map.remove(key); // re-inserted last: the oldest goes first
        map.put(key, value);
        if (map.size() > maxAddresses) {
            Iterator<V> oldest = map.values().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void tooMany(long at, List<Event> into) {
        if (toldTooMany) {
            return;
        }
        toldTooMany = true;
        into.add(new Event.Note(at, Event.Note.Kind.WARNING, "more than " + maxAddresses + " ARP addresses in the capture:"
                + " the oldest are forgotten (their pending requests told unanswered)",
                Map.of("arp", Map.of("finding", ArpFinding.TOO_MANY_ADDRESSES.key(), "limit", maxAddresses))));
    }

    /** A request never answered: the entry is FAILED (inferred: the capture shows no reply, not the kernel's verdict). */
    private void giveUp(Entry e, long at, String cause, List<Event> into) {
        unanswered++;
        e.pending = false;
        move(e, NeighbourState.FAILED, at, cause, true, WHY_FAILED, into);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("finding", ArpFinding.UNANSWERED.key());
        f.put("requester_ip", Ip4.toString(e.requesterIp));
        f.put("target_ip", Ip4.toString(e.targetIp));
        f.put("requests", e.requests);
        f.put("first_request_frame", e.firstFrame);
        f.put("last_request_frame", e.lastFrame);
        f.put("waited_ms", Durations.msValue(at - e.lastAt));
        into.add(new Event.Note(at, Event.Note.Kind.INFO, Ip4.toString(e.targetIp) + " never answered " + Ip4.toString(e.requesterIp)
                + ": " + e.requests + " request" + (e.requests == 1 ? "" : "s") + " (frames " + e.firstFrame
                + (e.requests == 1 ? "" : " to " + e.lastFrame) + ")", Map.of("arp", f)));
    }

    /** The capture ended: every resolution still waiting is told unanswered. Called once; later calls do nothing. */
    public void finish(long endMicros) {
        if (finished) {
            return;
        }
        finished = true;
        List<Event> told = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.pending) {
                giveUp(e, endMicros, "no reply in the capture to " + e.requests + " request" + (e.requests == 1 ? "" : "s"), told);
            }
        }
        told.forEach(sink::accept);
    }

    public ArpSummary summary() {
        return new ArpSummary(requests, retries, answered, unanswered, conflicts, announcements, probes, unsolicited, malformed);
    }

    private static long key(int requesterIp, int targetIp) {
        return ((long) requesterIp << 32) | (targetIp & 0xffffffffL);
    }
}
