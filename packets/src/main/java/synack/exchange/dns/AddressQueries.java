package synack.exchange.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.PhaseOutput;
import synack.link.ReceivedFrame;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.MalformedFrameException;

/**
 * A name's two address queries as RFC 8305 section 3 sends them: AAAA, then A at once, from one
 * UDP port with IDs of their own (as glibc sends them), each answer told as it comes. A truncated
 * answer goes on over TCP on its query's own port. The connection attempts may begin
 * ({@link #ready()}) once
 * <ul>
 * <li>the AAAA answer has an address: IPv6 at once (an A answer still to come joins later);</li>
 * <li>the A answer has one and the AAAA part is over without one (negative, silent, refused): at
 *     once, no delay;</li>
 * <li>the A answer has one and no AAAA answer came within the Resolution Delay (50 ms after the A
 *     answer): IPv4 goes, the AAAA query is still asked;</li>
 * <li>both parts are over.</li>
 * </ul>
 * A family not asked (-4, -6, no IPv6 on this host) has no part; one the shell's cache knows is
 * not asked and counts as answered when the queries start.
 */
public final class AddressQueries implements Exchange {
    /** RFC 8305 3: the recommended Resolution Delay. */
    public static final long RESOLUTION_DELAY_MICROS = 50_000;

    /** What one family's part came to so far. */
    public enum Outcome { ASKING, ADDRESS, NO_ADDRESS, FAILED }

    /** One family's part: a query to ask (lookup), an address known before (the cache), or nothing. */
    public record Part(DnsLookup lookup, AddressAnswer known) {
        public static Part ask(DnsLookup lookup) {
            return new Part(lookup, null);
        }

        public static Part known(AddressAnswer answer) {
            return new Part(null, answer);
        }

        public static Part none() {
            return new Part(null, null);
        }

        boolean present() {
            return lookup != null || known != null;
        }
    }

    /** A part as it runs. */
    private static final class Family {
        final int type;
        final Part part;
        PhaseOutput out;
        Outcome outcome = Outcome.ASKING;
        AddressAnswer address;
        long at = -1;

        Family(int type, Part part) {
            this.type = type;
            this.part = part;
        }

        boolean running() {
            return part.lookup() != null && outcome == Outcome.ASKING;
        }
    }

    private final String name;
    private final Family six;
    private final Family four;
    private Output out;
    private long startedAt;
    private long firstSentAt = -1; // when the first query left: the answers' after_ms count from it
    private long delayEndsAt = -1; // the Resolution Delay's end while it runs
    private boolean ready;
    private long readyAt = -1;
    private int pendingAtReady; // the record type still asked when the attempts began (0: none)
    private boolean noAaaaTold; // the AAAA part ended without an address while the A one was still asked

    /** @param aaaa the AAAA part, sent first; @param a the A part */
    public AddressQueries(String name, Part aaaa, Part a) {
        if (!aaaa.present() && !a.present()) {
            throw new IllegalArgumentException("no family to resolve " + name + " in");
        }
        this.name = name;
        this.six = new Family(DnsType.AAAA, aaaa);
        this.four = new Family(DnsType.A, a);
    }

    @Override
    public void start(long now, Output output) {
        out = output;
        startedAt = now;
        // AAAA first, then A at once (RFC 8305 3): both frames are made, then sent one right after the other, and
        // only then told (a name server on the next link answers within the time the telling takes)
        byte[][] frames = new byte[2][];
        Family[] both = {six, four};
        for (int k = 0; k < 2; k++) {
            if (both[k].part.lookup() != null) {
                both[k].out = new PhaseOutput(new Stamped());
                frames[k] = both[k].part.lookup().firstFrame(now, both[k].out);
            }
        }
        long[] at = new long[2];
        for (int k = 0; k < 2; k++) {
            if (frames[k] != null) {
                at[k] = both[k].out.transmit(frames[k]);
            }
        }
        for (int k = 0; k < 2; k++) {
            if (frames[k] != null) {
                both[k].part.lookup().firstSent(at[k], frames[k]);
            }
        }
        for (Family f : both) {
            if (f.part.known() != null) {
                f.outcome = Outcome.ADDRESS;
                f.address = f.part.known();
                f.at = now;
                tellAnswer(f, true, now);
            }
        }
        settle(now);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output output) {
        Family to = replyOwner(frame);
        for (Family f : new Family[] {six, four}) {
            if (f.running() && (to == null || to == f)) {
                f.part.lookup().onFrame(frame, f.out);
            }
        }
        settle(frame.timeMicros());
    }

    /**
     * The part a UDP datagram to our port answers, by its DNS ID (both queries share the port, so
     * each reply is judged by its own lookup); an ID neither sent goes to the first part still
     * asking, which tells it as not ours. Null for any other frame (ICMP, a TCP retry's segments):
     * every part still asking looks at it and keeps what is its own.
     */
    private Family replyOwner(ReceivedFrame frame) {
        try {
            UdpInFrame udp = UdpInFrame.parse(frame.bytes());
            if (udp == null || udp.datagram().payload().length < 2) {
                return null;
            }
            byte[] p = udp.datagram().payload();
            int id = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
            for (Family f : new Family[] {six, four}) {
                if (f.running() && f.part.lookup().sentId(id)) {
                    return f;
                }
            }
            return six.running() ? six : four.running() ? four : null;
        } catch (MalformedFrameException e) {
            return null; // the lookups tell what is wrong with it
        }
    }

    @Override
    public void onTimer(long now, Output output) {
        for (Family f : new Family[] {six, four}) {
            if (f.running() && now >= f.part.lookup().nextDeadlineMicros()) {
                f.part.lookup().onTimer(now, f.out);
            }
        }
        settle(now);
    }

    /** Each part that has just ended is told; then RFC 8305 3's rule says whether the attempts may begin. */
    private void settle(long now) {
        for (Family f : new Family[] {six, four}) {
            if (f.running() && f.part.lookup().isDone()) {
                DnsMessage answer = f.part.lookup().answer();
                f.address = answer == null ? null : AddressAnswer.of(name, answer, f.type);
                f.outcome = f.address != null ? Outcome.ADDRESS : answer != null ? Outcome.NO_ADDRESS : Outcome.FAILED;
                Event.Result r = f.out.result();
                f.at = r != null ? r.timeMicros() : now;
                tellAnswer(f, false, now);
            }
        }
        if (ready) {
            return;
        }
        if (six.outcome == Outcome.ADDRESS && !four.part.present()) {
            begin(now, null, null, -1); // -6, or no IPv4 asked: nothing to choose
        } else if (six.outcome == Outcome.ADDRESS) {
            boolean waited = delayEndsAt >= 0;
            begin(now, "aaaa_address", waited
                    ? "the AAAA answer came " + Durations.ms(six.at - four.at) + " into the Resolution Delay: IPv6 " + six.address.ip()
                            + " first (RFC 8305 3)"
                    : (six.part.known() != null ? "the AAAA address is known already (the shell's cache)" : "the AAAA answer came first")
                            + ": IPv6 " + six.address.ip() + " at once (RFC 8305 3)"
                            + (four.running() ? "; the A answer joins when it comes" : ""),
                    waited ? six.at - four.at : -1);
        } else if (six.outcome != Outcome.ASKING || !six.part.present()) {
            if (four.outcome == Outcome.ASKING && four.part.present()) {
                if (six.part.present() && !noAaaaTold) {
                    noAaaaTold = true;
                    resolution(now, "no_aaaa", "no IPv6 address (" + words(six) + "): IPv4 without waiting, as its answer comes"
                            + " (RFC 8305 3)", -1);
                }
                return;
            }
            if (four.outcome == Outcome.ADDRESS && six.part.present() && !noAaaaTold) {
                begin(now, "no_aaaa", "no IPv6 address (" + words(six) + "): IPv4 " + four.address.ip() + " without waiting"
                        + " (RFC 8305 3)", -1);
            } else {
                begin(now, null, null, -1); // one family, or neither had an address: nothing to choose
            }
        } else if (four.outcome == Outcome.ADDRESS) {
            if (delayEndsAt < 0) {
                delayEndsAt = four.at + RESOLUTION_DELAY_MICROS;
                resolution(four.at, "wait_for_aaaa", (four.part.known() != null ? "the A address is known already (the shell's cache)"
                        : "the A answer came first") + ": waiting up to " + RESOLUTION_DELAY_MICROS / 1000
                        + " ms for the AAAA one (RFC 8305 3's Resolution Delay)", -1);
            }
            if (now >= delayEndsAt) {
                begin(delayEndsAt, "delay_over", "no AAAA answer within the " + RESOLUTION_DELAY_MICROS / 1000
                        + " ms Resolution Delay: IPv4 " + four.address.ip() + " at once; a later AAAA answer joins (RFC 8305 3)",
                        RESOLUTION_DELAY_MICROS);
            }
        }
        // else: the A part is over without an address and the AAAA still asked: wait for it
    }

    private void begin(long now, String rule, String text, long waitedMicros) {
        ready = true;
        readyAt = now;
        delayEndsAt = -1;
        pendingAtReady = six.running() ? DnsType.AAAA : four.running() ? DnsType.A : 0;
        if (rule != null) {
            resolution(now, rule, text, waitedMicros);
        }
    }

    private static String words(Family f) {
        if (f.outcome == Outcome.NO_ADDRESS) {
            return f.part.lookup().answer().rcodeName() + ", no AAAA record";
        }
        Event.Result r = f.out.result();
        return r != null && r.summary() != null ? r.summary() : "no answer to AAAA";
    }

    /** A step of RFC 8305 3's rule, as data: {"resolution": {rule, delay_ms, waited_ms?}}. */
    private void resolution(long at, String rule, String text, long waitedMicros) {
        out.emit(new Event.Note(at, Event.Note.Kind.INFO, text, resolutionFields(rule, waitedMicros)));
    }

    /** A note's data for a step of the rule (also the journey's late_joined and late_unused): waitedMicros -1 when none. */
    public static Map<String, Object> resolutionFields(String rule, long waitedMicros) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rule", rule);
        r.put("delay_ms", Durations.msValue(RESOLUTION_DELAY_MICROS));
        if (waitedMicros >= 0) {
            r.put("waited_ms", Durations.msValue(waitedMicros));
        }
        return Map.of("resolution", r);
    }

    /** One part's end, as data: {"dns_answer": {name, type, outcome, address, rcode, after_ms, cached}}. */
    private void tellAnswer(Family f, boolean cached, long now) {
        String type = DnsType.name(f.type);
        DnsMessage answer = f.part.lookup() == null ? null : f.part.lookup().answer();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", name);
        a.put("type", type);
        a.put("outcome", f.outcome.name().toLowerCase(java.util.Locale.ROOT));
        a.put("address", f.address == null ? null : f.address.ip().toString());
        a.put("rcode", answer == null ? null : answer.rcodeName());
        long since = cached || firstSentAt < 0 ? startedAt : firstSentAt;
        a.put("after_ms", Durations.msValue(Math.max(0, f.at - since)));
        a.put("cached", cached);
        String text = switch (f.outcome) {
            case ADDRESS -> name + " is " + f.address.ip() + (f.address.viaAlias() == null ? "" : " (via CNAME "
                    + f.address.viaAlias() + ")") + " (" + type + (cached ? ", the shell's DNS cache, within its TTL)" : "");
            case NO_ADDRESS -> name + " " + type + ": " + answer.rcodeName() + ", no " + type + " record";
            default -> name + " " + type + ": " + (f.out.result() != null && f.out.result().summary() != null
                    ? f.out.result().summary() : "no answer");
        };
        if (!cached) {
            String after = Durations.ms(Math.max(0, f.at - since)) + " after the first query left)";
            text += f.outcome == Outcome.ADDRESS ? ", " + after : " (" + after;
        }
        out.emit(new Event.Note(f.at >= 0 ? f.at : now, Event.Note.Kind.INFO, text, Map.of("dns_answer", a)));
    }

    /** Our output, noting when the first query left. */
    private final class Stamped implements Output {
        @Override
        public long send(byte[] frame, synack.event.Remark remark, boolean routine) {
            return stamped(out.send(frame, remark, routine));
        }

        private long stamped(long at) {
            if (firstSentAt < 0) {
                firstSentAt = at;
            }
            return at;
        }

        @Override
        public long transmit(byte[] frame) {
            return stamped(out.transmit(frame));
        }

        @Override
        public void shown(ReceivedFrame frame, synack.event.Remark remark) {
            out.shown(frame, remark);
        }

        @Override
        public void emit(Event event) {
            out.emit(event);
        }
    }

    @Override
    public void abort(long now, Output output) {
        for (Family f : new Family[] {six, four}) {
            if (f.running()) {
                f.part.lookup().abort(now, f.out);
                f.outcome = Outcome.FAILED;
            }
        }
    }

    /** Stops a query still asked once its answer is no longer wanted (the connection is made): nothing told. */
    public void stop(long now) {
        abort(now, out);
    }

    @Override
    public long nextDeadlineMicros() {
        long next = Long.MAX_VALUE;
        for (Family f : new Family[] {six, four}) {
            if (f.running()) {
                next = Math.min(next, f.part.lookup().nextDeadlineMicros());
            }
        }
        return delayEndsAt >= 0 && !ready ? Math.min(next, delayEndsAt) : next;
    }

    /** Both parts are over. */
    @Override
    public boolean isDone() {
        return !six.running() && !four.running();
    }

    /** Whether the connection attempts may begin (RFC 8305 3's rule above). */
    public boolean ready() {
        return ready;
    }

    /** When they could: the answer's arrival, or the Resolution Delay's end; -1 before. */
    public long readyAt() {
        return readyAt;
    }

    /** The record type still asked when the attempts began (its answer comes later), or 0. */
    public int pendingAtReady() {
        return pendingAtReady;
    }

    /** The family's address (AAAA or A), once its part has one; null otherwise. */
    public AddressAnswer address(int type) {
        return family(type).address;
    }

    /** Whether the part's address came from the cache (not to be learned again). */
    public boolean cached(int type) {
        return family(type).part.known() != null;
    }

    public Outcome outcome(int type) {
        return family(type).part.present() ? family(type).outcome : null;
    }

    /** Whether the family was asked over DNS. */
    public boolean asked(int type) {
        return family(type).part.lookup() != null;
    }

    /** The name server's answer to the family's query (any rcode), or null. */
    public DnsMessage answer(int type) {
        DnsLookup l = family(type).part.lookup();
        return l == null ? null : l.answer();
    }

    /** The family's lookup's own result (its verdict and words when it failed), or null. */
    public Event.Result result(int type) {
        Family f = family(type);
        return f.out == null ? null : f.out.result();
    }

    private Family family(int type) {
        return type == DnsType.AAAA ? six : four;
    }
}
