package synack.exchange.ndp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.MacAddress;
import synack.wire.NdpMessage;

/**
 * RFC 4862 5.4 duplicate address detection, the IPv6 analogue of {@link synack.exchange.arp.ArpProbe}:
 * before using a tentative address T, solicit it from the unspecified address "::" (so that no
 * neighbour cache learns from the probe) to T's solicited-node group, with no source link-layer
 * option, {@code count} times {@code interval} apart, then wait {@code interval}. T is a duplicate
 * when an advertisement for T arrives (the holder defends it to all nodes, ff02::1), or when
 * another host's probe for T arrives (it is doing DAD for the same address at the same time).
 * The address: NONE → TENTATIVE → PREFERRED (free) or DUPLICATE (in use).
 */
public final class DuplicateAddressProbe implements Exchange {
    /**
     * RFC 4862 5.1: DupAddrDetectTransmits (default 1) probes, RetransTimer (RFC 4861: 1 s) apart
     * and after the last.
     */
    public record Settings(int count, long intervalMicros) {
        public static final int DUP_ADDR_DETECT_TRANSMITS = 1;

        public Settings {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
            if (intervalMicros < 0) {
                throw new IllegalArgumentException("intervalMicros must not be negative");
            }
        }

        public static Settings rfc4862() {
            return new Settings(DUP_ADDR_DETECT_TRANSMITS, NdpResolve.RETRANS_TIMER_MICROS);
        }
    }

    /** RFC 4862 2's names: TENTATIVE while probing; PREFERRED once unique (a valid address); DUPLICATE when taken. */
    public enum State { NONE, TENTATIVE, PREFERRED, DUPLICATE }

    private static final String WHY_TENTATIVE = "a probe comes from :: and carries no source link-layer option, so"
            + " no neighbour learns anything from it; a host holding the address must defend it (RFC 4862 5.4.2)";
    private static final String WHY_PREFERRED = "nobody advertised or probed for the address within the window: it is"
            + " unique on the link and may be used (RFC 4862 5.4.5 does not apply)";
    private static final String WHY_DUPLICATE = "RFC 4862 5.4.5: the address is not unique on the link and must not"
            + " be used (the kernel marks it dadfailed)";

    private final MacAddress ourMac;
    private final byte[] tentative;
    private final Settings settings;
    private State state = State.NONE;
    private int sent;
    private long startedAt;
    private long nextAt;
    private boolean done;
    private MacAddress holder;

    public DuplicateAddressProbe(MacAddress ourMac, byte[] tentative, Settings settings) {
        if (Ip6.isUnspecified(tentative) || Ip6.isMulticast(tentative)) {
            throw new IllegalArgumentException(Ip6.toString(tentative) + " is not a unicast address a host could take");
        }
        this.ourMac = ourMac;
        this.tentative = tentative.clone();
        this.settings = settings;
    }

    /** The probe: from ::, to the tentative address's solicited-node group, no link-layer option (RFC 4862 5.4.2). */
    public static byte[] probe(MacAddress ourMac, byte[] tentative) {
        return Frames6.toMulticast(ourMac, NdpMessage.duplicateAddressProbe(tentative));
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        nextAt = now;
        onTimer(now, out);
    }

    @Override
    public void onTimer(long now, Output out) {
        if (done || now < nextAt) {
            return;
        }
        if (sent < settings.count()) {
            sent++;
            long at = out.send(probe(ourMac, tentative), "who has " + Ip6.toString(tentative) + "? from ::, probe "
                    + sent + " of " + settings.count());
            if (sent == 1) {
                move(State.TENTATIVE, at, "first probe sent", WHY_TENTATIVE, out);
            }
            nextAt = at + settings.intervalMicros();
            return;
        }
        move(State.PREFERRED, now, "no answer and no other probe in " + Durations.human(now - startedAt)
                + " after " + sent + " probe" + (sent == 1 ? "" : "s"), WHY_PREFERRED, out);
        finish(now, out);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        ReceivedNdp r = ReceivedNdp.read(frame.bytes());
        if (r == null) {
            return;
        }
        if (r.malformed() != null) {
            out.shown(frame, "dropped: " + r.malformed());
            return;
        }
        byte[] target;
        boolean advertisement;
        if (r.message().body() instanceof NdpMessage.NeighborAdvertisement na) {
            target = na.target();
            advertisement = true;
        } else if (r.message().body() instanceof NdpMessage.NeighborSolicitation ns) {
            target = ns.target();
            advertisement = false;
        } else {
            return;
        }
        if (!java.util.Arrays.equals(target, tentative)) {
            return; // about another address
        }
        MacAddress from = r.ethernet().source();
        if (!advertisement && from.equals(ourMac)) {
            return; // our own probe, as the capture saw it leave: not a conflict
        }
        if (!r.message().isValid()) {
            out.shown(frame, r.invalidRemark() + "; " + Ip6.toString(tentative) + " stays " + state);
            return;
        }
        if (!advertisement && !Ip6.isUnspecified(r.ip().source())) {
            out.shown(frame, "a solicitation for the tentative address from " + Ip6.toString(r.ip().source())
                    + ": address resolution, not a probe; RFC 4862 5.4.3 ignores it (someone expects the address to exist)");
            return;
        }
        long now = frame.timeMicros();
        if (advertisement) {
            MacAddress mac = r.message().targetLinkLayer();
            holder = mac != null ? mac : from;
            boolean ours = holder.equals(ourMac);
            out.shown(frame, "conflict: " + holder + (ours ? " (this host's own interface)" : "") + " defends "
                    + Ip6.toString(tentative) + " (advertised to " + Ip6.toString(r.ip().destination()) + ")");
            move(State.DUPLICATE, now, "neighbour advertisement from " + holder, WHY_DUPLICATE, out);
        } else {
            holder = from;
            out.shown(frame, "conflict: " + from + " is probing for the same address at the same time");
            move(State.DUPLICATE, now, "another host's probe from " + from, WHY_DUPLICATE
                    + "; both hosts give it up (RFC 4862 5.4.3)", out);
        }
        finish(now, out);
    }

    private void move(State to, long now, String cause, String why, Output out) {
        out.emit(new Event.Transition(now, Ip6.toString(tentative), Event.Endpoint.LOCAL, state.name(), to.name(), cause,
                false, why, false));
        state = to;
    }

    private void finish(long now, Output out) {
        done = true;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", holder == null);
        f.put("protocol", "ndp");
        f.put("address", Ip6.toString(tentative));
        f.put("state", holder == null ? "free" : "in-use");
        f.put("holder", holder == null ? null : holder.toString());
        f.put("probes", sent);
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        String line = holder == null
                ? Ip6.toString(tentative) + " is free (tentative → preferred: no claim after " + sent + " probe"
                        + (sent == 1 ? "" : "s") + ")"
                : Ip6.toString(tentative) + " is in use by " + holder + " (tentative → duplicate)";
        out.emit(new Event.Result(now, holder == null ? synack.event.Verdict.OK : synack.event.Verdict.NEGATIVE,
                List.of(line), null, f));
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            out.emit(new Event.Result(now, synack.event.Verdict.INTERRUPTED, List.of(), "interrupted while probing "
                    + Ip6.toString(tentative), Map.of("ok", false)));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        return done ? Long.MAX_VALUE : nextAt;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    public State state() {
        return state;
    }

    /** The MAC that advertised or probed for the address; null while none did. */
    public MacAddress holder() {
        return holder;
    }
}
