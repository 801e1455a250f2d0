package synack.exchange.arp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
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
 * RFC 5227 address conflict detection: before using an address, ask for it with probes whose
 * sender address is 0.0.0.0 (so no neighbour cache learns from them), {@code count} times at
 * random intervals, then wait. Any ARP from another host claiming the address, or probing for it
 * too, means it is in use. The address: UNKNOWN → PROBING → FREE or IN_USE.
 */
public final class ArpProbe implements Exchange {
    /**
     * RFC 5227 section 1.1: PROBE_WAIT 1 s, PROBE_NUM 3, PROBE_MIN 1 s, PROBE_MAX 2 s, ANNOUNCE_WAIT 2 s.
     * {@code firstWaitMicros}: the wait before the first probe (random in 0..PROBE_WAIT, section 2.1.1),
     * so that hosts powered on together do not probe in lockstep.
     */
    public record Settings(int count, long firstWaitMicros, LongSupplier nextIntervalMicros, long waitMicros) {
        public static final long PROBE_WAIT_MICROS = 1_000_000;

        /** No wait before the first probe. */
        public Settings(int count, LongSupplier nextIntervalMicros, long waitMicros) {
            this(count, 0, nextIntervalMicros, waitMicros);
        }

        /** As RFC 5227 2.1.1 asks: a random wait of 0..PROBE_WAIT first, then the probes. */
        public static Settings rfc5227(int count, LongSupplier nextIntervalMicros, long waitMicros, java.util.Random random) {
            return new Settings(count, (long) (random.nextDouble() * PROBE_WAIT_MICROS), nextIntervalMicros, waitMicros);
        }
    }

    /** What the address is to us: UNKNOWN → PROBING → FREE or IN_USE. */
    public enum State { UNKNOWN, PROBING, FREE, IN_USE }

    private static final String WHY_PROBING = "a probe's sender address is 0.0.0.0 so that neighbours learn nothing"
            + " from it; whoever holds the address must answer (RFC 5227 2.1)";

    private final MacAddress ourMac;
    private final int candidate;
    private final Settings settings;
    private int sent;
    private long startedAt;
    private long nextAt;
    private boolean done;
    private State state = State.UNKNOWN;

    public ArpProbe(MacAddress ourMac, int candidate, Settings settings) {
        this.ourMac = ourMac;
        this.candidate = candidate;
        this.settings = settings;
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        nextAt = now + settings.firstWaitMicros();
        if (settings.firstWaitMicros() > 0) {
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, "waiting " + Durations.human(settings.firstWaitMicros())
                    + " before the first probe (a random 0..PROBE_WAIT, RFC 5227 2.1.1)", Map.of("first_wait_ms",
                    Durations.msValue(settings.firstWaitMicros()))));
        }
        onTimer(now, out);
    }

    @Override
    public void onTimer(long now, Output out) {
        if (done || now < nextAt) {
            return;
        }
        if (sent < settings.count()) {
            sent++;
            out.send(ArpPacket.probe(ourMac, candidate).toFrame(ourMac), "probe " + sent + " of " + settings.count());
            if (sent == 1) {
                move(State.PROBING, now, "first probe sent", WHY_PROBING, out);
            }
            nextAt = now + (sent < settings.count() ? settings.nextIntervalMicros().getAsLong() : settings.waitMicros());
            return;
        }
        move(State.FREE, now, "no claim after " + sent + " probes and " + Durations.human(settings.waitMicros()),
                "nobody answered or probed for it, so the address may be used (then announced)", out);
        finish(now, null, out);
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
                return;
            }
            arp = ArpPacket.parse(eth.payload());
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
            return;
        }
        if (arp.senderMac().equals(ourMac)) {
            return;
        }
        boolean claims = arp.senderIp() == candidate;
        boolean alsoProbing = arp.isProbe() && arp.targetIp() == candidate;
        if (!claims && !alsoProbing) {
            return;
        }
        out.shown(frame, claims ? "conflict: " + arp.senderMac() + " holds " + Ip4.toString(candidate)
                : "conflict: " + arp.senderMac() + " is probing for the same address");
        move(State.IN_USE, frame.timeMicros(), claims ? "claimed by " + arp.senderMac() : "probed by " + arp.senderMac(),
                "RFC 5227 2.1.1: another host answered for, or probes for, the address, so it must not be used", out);
        finish(frame.timeMicros(), arp.senderMac(), out);
    }

    private void move(State to, long now, String cause, String why, Output out) {
        out.emit(new Event.Transition(now, Ip4.toString(candidate), Event.Endpoint.LOCAL, state.name(), to.name(), cause, false, why, false));
        state = to;
    }

    private void finish(long now, MacAddress holder, Output out) {
        done = true;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", holder == null);
        f.put("address", Ip4.toString(candidate));
        f.put("state", holder == null ? "free" : "in-use");
        f.put("holder", holder == null ? null : holder.toString());
        f.put("probes", sent);
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        String line = holder == null
                ? Ip4.toString(candidate) + " is free (no claim after " + sent + " probes)"
                : Ip4.toString(candidate) + " is in use by " + holder;
        out.emit(new Event.Result(now, holder == null ? synack.event.Verdict.OK : synack.event.Verdict.NEGATIVE, List.of(line), null, f));
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            out.emit(new Event.Result(now, synack.event.Verdict.INTERRUPTED, List.of(), "interrupted while probing " + Ip4.toString(candidate), Map.of("ok", false)));
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
}
