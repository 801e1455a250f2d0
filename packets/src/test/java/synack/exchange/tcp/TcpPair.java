package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import synack.event.Event;
import synack.event.Remark;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Two {@link TcpConnection}s back to back over a tiny in-test wire on virtual time: every segment
 * goes through its bytes (toBytes, then parse at arrival, so checksums are real), arrives one
 * latency later, and may be dropped, duplicated or delayed by a seeded random source or a rule.
 * The driver delivers arrivals in order of arrival time and fires timers when their deadline
 * comes; every loop is bounded by a step count and a virtual-time cap, so nothing can hang.
 */
final class TcpPair {
    static final int IP_A = 0x0a000001;
    static final int IP_B = 0x0a000002;
    static final int PORT_A = 40_000;
    static final int PORT_B = 80;
    static final long T0 = 10_000_000L;
    static final int MAX_STEPS = 10_000;
    static final long MINUTE = 60_000_000L;

    record Transition(long at, boolean peer, String from, String to, String cause, boolean inferred) {}

    record Sent(long at, TcpSegment segment, Remark remark) {
        /** The remark's words, numbers absolute. */
        String annotation() {
            return remark.text();
        }
    }

    record Note(Event.Note.Kind kind, String text) {}

    private record Packet(long arrivesAt, long order, End from, End to, byte[] bytes) {}

    /** One side: its connection and everything it told its listener. */
    final class End implements TcpListener {
        final String name;
        final int ip;
        End other;
        TcpConnection conn;
        final List<Transition> transitions = new ArrayList<>();
        final List<Sent> sent = new ArrayList<>();
        final List<Note> notes = new ArrayList<>();
        /** What each segment that reached this side was, in order. */
        final List<TcpArrival> arrivals = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int deliveries;
        /** When set, this side closes as soon as it is in CLOSE_WAIT (a passive close). */
        boolean closeOnFin;

        End(String name, int ip) {
            this.name = name;
            this.ip = ip;
        }

        @Override
        public long send(TcpSegment segment, Remark remark) {
            sent.add(new Sent(now, segment, remark));
            transmit(this, segment);
            return now;
        }

        @Override
        public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {
            transitions.add(new Transition(now, peer, from.name(), to.name(), cause, inferred));
        }

        @Override
        public void note(Event.Note.Kind kind, String text) {
            notes.add(new Note(kind, text));
        }

        @Override
        public void delivered(byte[] data) {
            received.writeBytes(data);
            deliveries++;
        }

        /** Our own states in order, starting with CLOSED. */
        List<String> states() {
            return path(false);
        }

        /** The peer's states as this side inferred them, starting with LISTEN. */
        List<String> peerStates() {
            return path(true);
        }

        private List<String> path(boolean peer) {
            List<String> p = new ArrayList<>();
            for (Transition t : transitions) {
                if (t.peer() != peer) {
                    continue;
                }
                if (p.isEmpty()) {
                    p.add(t.from());
                }
                p.add(t.to());
            }
            return p;
        }

        /** The virtual time of the last move of our own state to {@code state}. */
        long timeOf(TcpState state) {
            long at = -1;
            for (Transition t : transitions) {
                if (!t.peer() && t.to().equals(state.name())) {
                    at = t.at();
                }
            }
            if (at < 0) {
                fail(name + " never reached " + state + ": " + states());
            }
            return at;
        }

        List<Sent> sentWith(int flag) {
            List<Sent> r = new ArrayList<>();
            for (Sent s : sent) {
                if (s.segment().has(flag)) {
                    r.add(s);
                }
            }
            return r;
        }

        Sent lastSent() {
            return sent.get(sent.size() - 1);
        }

        /** Hands a segment straight to this side's connection, now, bypassing the wire. */
        TcpArrival feed(TcpSegment segment) {
            TcpArrival c = conn.onSegment(segment, now);
            arrivals.add(c);
            return c;
        }

        TcpArrival lastArrival() {
            return arrivals.get(arrivals.size() - 1);
        }

        /** The sent segments with these flags exactly, in order. */
        List<Sent> sentExactly(int flags) {
            List<Sent> r = new ArrayList<>();
            for (Sent s : sent) {
                if (s.segment().flags() == flags) {
                    r.add(s);
                }
            }
            return r;
        }

        TcpSegment segment(int seq, int ack, int flags, byte[] data) {
            return TcpSegment.of(other.conn.config().localPort(), conn.config().localPort(), seq, ack, flags, 501,
                    TcpSegment.Options.NONE, data);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    long now = T0;
    final long latency;
    final End a = new End("active", IP_A);
    final End b = new End("passive", IP_B);
    private final PriorityQueue<Packet> queue =
            new PriorityQueue<>(Comparator.comparingLong(Packet::arrivesAt).thenComparingLong(Packet::order));
    private long order;
    private Random random;
    private double drop;
    private double duplicate;
    private double reorder;
    /** Segments for which this answers true never reach the wire (a targeted loss, or a capture). */
    BiPredicate<End, TcpSegment> dropRule = (from, seg) -> false;
    int dropped;
    int steps;
    /** Called after every step, for the applications on both ends. */
    Runnable app = () -> { };

    TcpPair(TcpConnection.Config active, TcpConnection.Config passive, long latencyMicros) {
        this.latency = latencyMicros;
        a.other = b;
        b.other = a;
        a.conn = new TcpConnection(active, a);
        b.conn = new TcpConnection(passive, b);
    }

    /** Default configs, ISNs chosen by the caller, 10 ms one way. */
    TcpPair(int issA, int issB) {
        this(TcpConnection.Config.defaults(PORT_A, PORT_B, issA), TcpConnection.Config.defaults(PORT_B, PORT_A, issB), 10_000);
    }

    TcpPair() {
        this(0x1000_0000, 0x2000_0000);
    }

    static TcpConnection.Config config(int localPort, int remotePort, int iss, int mss, long minRto) {
        TcpConnection.Config d = TcpConnection.Config.defaults(localPort, remotePort, iss);
        return new TcpConnection.Config(localPort, remotePort, iss, mss, d.windowScale(), d.sackPermitted(), d.timestamps(),
                d.receiveWindow(), d.mslMicros(), d.initialRtoMicros(), minRto, d.maxRtoMicros(), d.maxRetries());
    }

    TcpPair faults(long seed, double dropP, double duplicateP, double reorderP) {
        this.random = new Random(seed);
        this.drop = dropP;
        this.duplicate = duplicateP;
        this.reorder = reorderP;
        return this;
    }

    /** Drops the first segment the rule matches, and only that one. */
    TcpPair dropOnce(BiPredicate<End, TcpSegment> rule) {
        boolean[] done = {false};
        dropRule = (from, seg) -> {
            if (!done[0] && rule.test(from, seg)) {
                done[0] = true;
                return true;
            }
            return false;
        };
        return this;
    }

    private void transmit(End from, TcpSegment segment) {
        if (dropRule.test(from, segment)) {
            dropped++;
            return;
        }
        if (random != null && random.nextDouble() < drop) {
            dropped++;
            return;
        }
        byte[] bytes = segment.toBytes(from.ip, from.other.ip);
        long at = now + latency;
        if (random != null && random.nextDouble() < reorder) {
            at += 1 + random.nextInt((int) (2 * latency));
        }
        queue.add(new Packet(at, order++, from, from.other, bytes));
        if (random != null && random.nextDouble() < duplicate) {
            queue.add(new Packet(at + 1 + random.nextInt((int) latency), order++, from, from.other, bytes.clone()));
        }
    }

    /** Passive open on b, active open on a, at the current instant. */
    void open() {
        b.conn.listen();
        a.conn.connect(now);
    }

    /** Opens and runs until both sides are ESTABLISHED. */
    void handshake() {
        open();
        runUntil(() -> a.conn.state() == TcpState.ESTABLISHED && b.conn.state() == TcpState.ESTABLISHED, MINUTE);
        if (a.conn.state() != TcpState.ESTABLISHED || b.conn.state() != TcpState.ESTABLISHED) {
            fail("no handshake: " + a.states() + " / " + b.states());
        }
    }

    int inFlight() {
        return queue.size();
    }

    /** Forgets everything on the wire (as if it were all lost). */
    void clearWire() {
        queue.clear();
    }

    /** One arrival or one timer; false when nothing is left before the cap. */
    boolean step(long capMicros) {
        Packet p = queue.peek();
        long arrival = p == null ? Long.MAX_VALUE : p.arrivesAt();
        long timer = Math.min(a.conn.nextDeadline(), b.conn.nextDeadline());
        long t = Math.min(arrival, timer);
        if (t == Long.MAX_VALUE || t > capMicros) {
            return false;
        }
        if (++steps > MAX_STEPS) {
            fail("more than " + MAX_STEPS + " steps: " + a.states() + " / " + b.states());
        }
        now = Math.max(now, t);
        if (arrival <= timer) {
            queue.poll();
            TcpSegment seg;
            try {
                seg = TcpSegment.parse(p.bytes(), p.from().ip, p.to().ip);
            } catch (MalformedFrameException e) {
                throw new AssertionError("our own segment does not parse", e);
            }
            p.to().arrivals.add(p.to().conn.onSegment(seg, now));
        } else {
            for (End e : List.of(a, b)) {
                if (e.conn.nextDeadline() <= now) {
                    e.conn.onTimer(now);
                }
            }
        }
        for (End e : List.of(a, b)) {
            if (e.closeOnFin && e.conn.state() == TcpState.CLOSE_WAIT) {
                e.conn.close(now);
            }
        }
        app.run();
        return true;
    }

    /** Steps until {@code done}, nothing is left to do, or {@code forMicros} of virtual time pass. */
    void runUntil(BooleanSupplier done, long forMicros) {
        long cap = now + forMicros;
        while (!done.getAsBoolean() && step(cap)) {
            // bounded by MAX_STEPS and the cap
        }
    }

    /** Steps until nothing is on the wire and no timer is set (or the cap). */
    void runUntilIdle(long forMicros) {
        long cap = now + forMicros;
        while (step(cap)) {
            // bounded by MAX_STEPS and the cap
        }
    }

    /** Moves virtual time on without events (the caller knows nothing is due). */
    void advance(long micros) {
        now += micros;
    }

    static byte[] pattern(int n, long seed) {
        byte[] d = new byte[n];
        new Random(seed).nextBytes(d);
        return d;
    }
}
