package synack.explain;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import synack.capture.DecodedFrame;
import synack.event.Event;
import synack.event.EventSink;
import synack.event.Remark;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.NdpMessage;

/**
 * The neighbour discovery part of {@code synack explain}: IPv6's ARP (RFC 4861 7). A neighbour
 * solicitation is told as a who-has, the advertisement that answers it as an is-at (with the time
 * it took and its R/S/O flags), a solicitation from :: as duplicate address detection (RFC 4862),
 * an advertisement nobody asked for as unsolicited; solicitations unanswered at the capture's end
 * are told once each. Other NDP messages (router solicitations and advertisements, redirects) are
 * left to the frame's own decode. Memory is bounded: at most {@link #MAX_PENDING} unanswered
 * solicitations are kept, the oldest forgotten beyond that.
 */
public final class NdpObserver {
    static final int MAX_PENDING = 4096;

    /** A solicitation's question: who asked, for which target. */
    private record Asked(IpAddress requester, IpAddress target) {}

    private static final class Pending {
        final long frame;
        final long time;
        int tries = 1;

        Pending(long frame, long time) {
            this.frame = frame;
            this.time = time;
        }
    }

    private final EventSink sink;
    private final LinkedHashMap<Asked, Pending> pending = new LinkedHashMap<>();
    private boolean finished;

    public NdpObserver(EventSink sink) {
        this.sink = sink;
    }

    /** True for the frames this observer tells: an IPv6 packet carrying a neighbour solicitation or advertisement. */
    public static boolean isNeighbourDiscovery(DecodedFrame f) {
        Ipv6Packet ip = f.ip6();
        if (ip == null || ip.upperProtocol() != Ipv6Packet.ICMPV6 || ip.end() != Ipv6Packet.End.UPPER_LAYER || ip.payload().length < 1) {
            return false;
        }
        int type = ip.payload()[0] & 0xff;
        return type == Icmpv6Message.NEIGHBOR_SOLICITATION || type == Icmpv6Message.NEIGHBOR_ADVERTISEMENT;
    }

    /** One neighbour solicitation or advertisement (see {@link #isNeighbourDiscovery}), in capture order. */
    public void ndp(DecodedFrame f) {
        long time = f.frame().timeMicros();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("frame", f.frame().number());
        Remark.Builder words = Remark.builder();
        Event.Direction direction = Event.Direction.OUT;
        NdpMessage m;
        try {
            m = NdpMessage.parse(f.ip6());
        } catch (MalformedFrameException e) {
            facts.put("finding", NdpFinding.MALFORMED.key());
            facts.put("detail", e.getMessage());
            words.words("dropped: " + e.getMessage());
            emit(f, time, direction, words, "neighbour discovery message dropped", facts);
            return;
        }
        IpAddress source = IpAddress.of(f.ip6().source());
        if (m.body() instanceof NdpMessage.NeighborSolicitation ns) {
            IpAddress target = IpAddress.of(ns.target());
            facts.put("op", "solicitation");
            facts.put("target", target.toString());
            if (source.equals(IpAddress.of(new byte[16]))) {
                facts.put("finding", NdpFinding.DAD_PROBE.key());
                words.words("duplicate address detection (RFC 4862): is anyone using " + target + "? (sent from ::)");
            } else {
                facts.put("source", source.toString());
                MacAddress mac = m.sourceLinkLayer();
                Asked asked = new Asked(source, target);
                Pending before = pending.get(asked);
                if (before != null) {
                    before.tries++;
                    facts.put("finding", NdpFinding.RETRY.key());
                    facts.put("tries", before.tries);
                    words.words("retry: solicitation " + before.tries + " for " + target + ", first in frame " + before.frame);
                } else {
                    remember(asked, new Pending(f.frame().number(), time), time);
                    facts.put("finding", NdpFinding.SOLICITATION.key());
                    words.words("who-has: " + source + (mac != null ? " (" + mac + ")" : "") + " asks for " + target + "'s MAC");
                }
            }
        } else if (m.body() instanceof NdpMessage.NeighborAdvertisement na) {
            direction = Event.Direction.IN;
            IpAddress target = IpAddress.of(na.target());
            MacAddress mac = m.targetLinkLayer();
            facts.put("op", "advertisement");
            facts.put("target", target.toString());
            if (mac != null) {
                facts.put("mac", mac.toString());
            }
            facts.put("router", na.router());
            facts.put("solicited", na.solicited());
            facts.put("override", na.override());
            String flags = (na.router() ? " R" : "") + (na.solicited() ? " S" : "") + (na.override() ? " O" : "");
            String isAt = "is-at: " + target + " is at " + (mac != null ? mac.toString() : "(no link-layer address option)")
                    + (flags.isEmpty() ? "" : " (flags" + flags + ")");
            Pending asked = pending.remove(new Asked(IpAddress.of(f.ip6().destination()), target));
            if (asked != null) {
                facts.put("finding", NdpFinding.ADVERTISEMENT.key());
                facts.put("answers", asked.frame);
                facts.put("rtt_us", time - asked.time);
                words.words(isAt + ", answers frame " + asked.frame + String.format(Locale.ROOT, " after %.3f ms", (time - asked.time) / 1000.0));
            } else {
                facts.put("finding", NdpFinding.UNSOLICITED_ADVERTISEMENT.key());
                words.words(isAt + (na.solicited() ? "; its solicitation is not in the capture" : "; unsolicited: neighbours update their caches"));
            }
        }
        emit(f, time, direction, words, "neighbour " + facts.get("op") + " for " + facts.get("target"), facts);
    }

    private void remember(Asked asked, Pending p, long now) {
        pending.put(asked, p);
        if (pending.size() > MAX_PENDING) {
            Iterator<Map.Entry<Asked, Pending>> it = pending.entrySet().iterator();
            Map.Entry<Asked, Pending> oldest = it.next();
            it.remove();
            unanswered(oldest.getKey(), oldest.getValue(), now);
        }
    }

    private void emit(DecodedFrame f, long time, Event.Direction direction, Remark.Builder words, String text, Map<String, Object> facts) {
        sink.accept(new Event.Frame(time, direction, f.frame().data(), words.build(), false, 0,
                new Event.Captured(f.frame().number(), f.frame().link(), f.frame().originalLength(), -1)));
        sink.accept(new Event.Note(time, Event.Note.Kind.ROUTINE, text, Map.of("ndp", facts)));
    }

    private void unanswered(Asked asked, Pending p, long at) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("finding", NdpFinding.UNANSWERED.key());
        facts.put("frame", p.frame);
        facts.put("source", asked.requester().toString());
        facts.put("target", asked.target().toString());
        facts.put("tries", p.tries);
        sink.accept(new Event.Note(at, Event.Note.Kind.INFO, asked.target() + " never answered " + asked.requester() + "'s solicitation"
                + (p.tries > 1 ? "s (" + p.tries + " tries)" : "") + " (frame " + p.frame + ") in the capture", Map.of("ndp", facts)));
    }

    /** The end of the capture: the solicitations still unanswered are told. */
    public void finish(long endMicros) {
        if (finished) {
            return;
        }
        finished = true;
        for (Map.Entry<Asked, Pending> e : pending.entrySet()) {
            unanswered(e.getKey(), e.getValue(), endMicros);
        }
        pending.clear();
    }
}
