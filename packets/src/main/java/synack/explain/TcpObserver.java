package synack.explain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.capture.DecodedFrame;
import synack.event.Event;
import synack.event.EventSink;
import synack.event.Remark;
import synack.wire.IpAddress;
import synack.wire.TcpSegment;

/**
 * The TCP part of {@code synack explain}: the story of every connection of a capture, told as an
 * observer of both ends. Streams are numbered as tshark's tcp.stream (0, 1, ... in order of first
 * appearance; a new SYN on a 4-tuple whose connection had ended, or with another ISN, starts a
 * new one). Side A sent the first SYN (mid-stream: the first sender, assumed); its frames are
 * {@link Event.Direction#OUT}, B's {@link Event.Direction#IN}.
 *
 * <p>For each segment: the frame, then the transitions it caused, then the notes of its findings;
 * then what it adds to the application layer's streams. When a connection is forgotten its
 * {@link TcpFlowSummary} is final: it is emitted at once as an ANSWER note (the line -q prints),
 * added to the {@link TcpTotals}, and kept for the result only among the first {@link #MAX_LISTED}.
 *
 * <p>Memory is bounded whatever the number of connections. An open connection holds a few hundred
 * bytes plus what the analysis needs (unacknowledged segments, capped; out-of-order bytes for the
 * application layer, capped per side and overall); at most {@link #MAX_OPEN} at once, the least
 * recently seen forgotten beyond that. A closed one (both ends CLOSED or TIME_WAIT, reset, refused)
 * sheds all that at once and lingers with its numbers only, so that a late segment (the last ACK
 * again, a RST after the close) is still told against them; it is forgotten after
 * {@link #LINGER_MICROS} of capture time without a segment (2MSL bounds TIME_WAIT), or beyond
 * {@link #MAX_CLOSED}, least recently seen first. A segment for a forgotten 4-tuple starts a new
 * stream.
 */
public final class TcpObserver {
    /** Open connections followed at once (each a few kilobytes at most besides its held bytes). */
    public static final int MAX_OPEN = 10_000;
    /** Closed connections remembered at once for their late segments. */
    public static final int MAX_CLOSED = 10_000;
    /**
     * How long, in capture time since its last segment, a closed connection is remembered: 5 minutes, past 2MSL (RFC 9293's
     * MSL is 2 minutes) and past Linux's longest retransmission timeout (120 s), so that a late segment keeps its stream
     * number (tshark keeps every conversation for the whole file; past this, or past MAX_CLOSED, the numbers may differ).
     */
    public static final long LINGER_MICROS = 300_000_000L;
    /** Summaries kept for the result: the first streams; later ones are told (ANSWER notes) and counted only. */
    public static final int MAX_LISTED = 1_000;
    /** Out-of-order bytes held for the application layer by all connections together. */
    static final long HELD_BUDGET = 8L << 20; // with the other bounds, what a 48 MiB heap (the launcher's) holds

    private final EventSink sink;
    private final StreamListener.Factory applications;
    private final int maxOpen;
    private final int maxClosed;
    private final TcpReassembly.Budget budget = new TcpReassembly.Budget(HELD_BUDGET);
    private final TcpUnacked.Budget unackedBudget = new TcpUnacked.Budget(TcpUnacked.BUDGET_ENTRIES);
    /** Open connections, least recently seen first. */
    private final LinkedHashMap<FlowKey, TcpFlow> flows = new LinkedHashMap<>(1024, 0.75f, true);
    /** Closed connections that linger for late segments, least recently seen first. */
    private final LinkedHashMap<FlowKey, TcpFlow> closed = new LinkedHashMap<>(1024, 0.75f, true);
    /** The summaries of streams below {@link #MAX_LISTED}, by stream number; null while the connection is followed. */
    private final List<TcpFlowSummary> listed = new ArrayList<>();
    private final TcpTotals totals = new TcpTotals();
    private int streams;
    private boolean evictionTold;
    private final FlowKey probe = new FlowKey();
    private final List<Event> pending = new ArrayList<>();
    private final List<Event> opening = new ArrayList<>();
    private boolean finished;

    public TcpObserver(EventSink sink, StreamListener.Factory applications) {
        this(sink, applications, MAX_OPEN, MAX_CLOSED);
    }

    TcpObserver(EventSink sink, StreamListener.Factory applications, int maxOpen) {
        this(sink, applications, maxOpen, MAX_CLOSED);
    }

    TcpObserver(EventSink sink, StreamListener.Factory applications, int maxOpen, int maxClosed) {
        this.sink = sink;
        this.applications = applications;
        this.maxOpen = maxOpen;
        this.maxClosed = maxClosed;
    }

    /** One segment, in capture order (a frame with {@code f.hasIp() && f.tcp() != null}), over IPv4 or IPv6. */
    public void segment(DecodedFrame f) {
        if (finished || !f.hasIp() || f.tcp() == null) {
            return;
        }
        TcpSegment t = f.tcp();
        long now = f.frame().timeMicros();
        forgetLingering(now);
        probe.set(f);
        TcpFlow flow = flows.get(probe);
        if (flow == null) {
            flow = closed.get(probe);
        }
        pending.clear();
        int reusedFrom = -1;
        if (flow != null && startsNewConnection(flow, f)) {
            reusedFrom = flow.stream;
            retire(flow, now);
            flow = null;
        }
        if (flow == null) {
            flow = open(f, now);
            if (reusedFrom >= 0) {
                pending.add(flow.portsReused(f.frame().number(), now, reusedFrom));
            }
        }
        boolean wasClosed = flow.closed();
        Side from = flow.sideOf(f);
        opening.clear();
        opening.addAll(pending);
        pending.clear();
        Remark remark = flow.segment(f, from, pending);
        sink.accept(new Event.Frame(now, from == Side.A ? Event.Direction.OUT : Event.Direction.IN, f.frame().data(), remark, false,
                0, new Event.Captured(f.frame().number(), f.frame().link(), f.frame().originalLength(), flow.stream)));
        // the opening transitions (assumed states) come first, then this segment's own; notes last
        emitTransitionsThenNotes();
        pending.clear();
        opening.clear();
        flow.deliver(f, from, pending);
        for (Event e : pending) {
            sink.accept(e);
        }
        pending.clear();
        if (!wasClosed && flow.closed()) {
            close(flow);
        }
    }

    private void emitTransitionsThenNotes() {
        for (Event e : opening) {
            if (e instanceof Event.Transition) {
                sink.accept(e);
            }
        }
        for (Event e : pending) {
            if (e instanceof Event.Transition) {
                sink.accept(e);
            }
        }
        for (Event e : opening) {
            if (!(e instanceof Event.Transition)) {
                sink.accept(e);
            }
        }
        for (Event e : pending) {
            if (!(e instanceof Event.Transition)) {
                sink.accept(e);
            }
        }
    }

    /** A pure SYN on a known 4-tuple opens a new connection when the old one ended or the ISN differs (tshark's reused ports). */
    private static boolean startsNewConnection(TcpFlow flow, DecodedFrame f) {
        TcpSegment t = f.tcp();
        if (!t.has(TcpSegment.SYN) || t.has(TcpSegment.ACK)) {
            return false;
        }
        if (t.checksum() == synack.wire.ChecksumStatus.WRONG && !f.truncated()) {
            return false;
        }
        TcpEndpoint sender = flow.end(flow.sideOf(f));
        return flow.closed() || sender.baseSet && t.seq() != sender.base;
    }

    private TcpFlow open(DecodedFrame f, long now) {
        IpAddress src = f.source();
        IpAddress dst = f.destination();
        TcpSegment t = f.tcp();
        boolean syn = t.has(TcpSegment.SYN);
        boolean synAck = syn && t.has(TcpSegment.ACK);
        // A began it: the SYN's sender; for a SYN,ACK seen first, the side it answers; else the first sender, assumed
        boolean senderIsA = !synAck;
        IpAddress aIp = senderIsA ? src : dst;
        int aPort = senderIsA ? t.sourcePort() : t.destinationPort();
        IpAddress bIp = senderIsA ? dst : src;
        int bPort = senderIsA ? t.destinationPort() : t.sourcePort();
        if (flows.size() >= maxOpen) {
            evictOldest(now, f.frame().number());
        }
        int stream = streams++;
        TcpFlow flow = new TcpFlow(stream, aIp, aPort, bIp, bPort, !syn, now, applications, sink, budget, unackedBudget);
        if (stream < MAX_LISTED) {
            listed.add(null);
        }
        flows.put(new FlowKey(src, t.sourcePort(), dst, t.destinationPort()), flow);
        if (syn && !synAck) {
            flow.assumeListening();
        } else if (synAck) {
            flow.assumeSynSent(now, pending);
            pending.add(flow.note(Event.Note.Kind.INFO, TcpObservation.SYN_NOT_CAPTURED, f.frame().number(), Side.B, now,
                    "the capture holds B's SYN,ACK but not A's SYN: A is the side it answers", null));
        } else {
            flow.assumeEstablished(now, pending);
            pending.add(flow.note(Event.Note.Kind.INFO, TcpObservation.MID_STREAM, f.frame().number(), Side.A, now,
                    "the capture begins mid-stream: both ends assumed ESTABLISHED, A assumed to be the first sender seen,"
                            + " window scale unknown", null));
        }
        return flow;
    }

    private void evictOldest(long now, long frame) {
        Iterator<Map.Entry<FlowKey, TcpFlow>> it = flows.entrySet().iterator();
        TcpFlow oldest = it.next().getValue();
        it.remove();
        oldest.evicted();
        if (!evictionTold) { // told once: a scan would say it for every connection; the summaries' close path says which
            evictionTold = true;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("layer", "tcp");
            f.put("stream", oldest.stream);
            f.put("frame", frame);
            f.put("observation", TcpObservation.EVICTED.key());
            f.put("open_connections", maxOpen);
            sink.accept(new Event.Note(now, Event.Note.Kind.WARNING, "more than " + maxOpen
                    + " connections open at once: the least recently seen are forgotten (their close is \"evicted\"),"
                    + " their stories end there", f));
        }
        oldest.captureEnded(now);
        forget(oldest, now);
    }

    /** A connection both ends have left: it sheds its heavy state and lingers for late segments. */
    private void close(TcpFlow flow) {
        probe.set(flow.a.ip, flow.a.port, flow.b.ip, flow.b.port);
        FlowKey key = new FlowKey(flow.a.ip, flow.a.port, flow.b.ip, flow.b.port);
        flows.remove(probe);
        flow.shed();
        closed.put(key, flow);
        if (closed.size() > maxClosed) {
            Iterator<TcpFlow> it = closed.values().iterator();
            TcpFlow oldest = it.next();
            it.remove();
            forget(oldest, flow.lastMicros);
        }
    }

    /** Closed connections with no segment for {@link #LINGER_MICROS} of capture time are forgotten. */
    private void forgetLingering(long now) {
        Iterator<TcpFlow> it = closed.values().iterator();
        while (it.hasNext()) {
            TcpFlow oldest = it.next();
            if (now - oldest.lastMicros < LINGER_MICROS) {
                return;
            }
            it.remove();
            forget(oldest, now);
        }
    }

    /** A connection replaced by a new one on its ports: its story is over. */
    private void retire(TcpFlow flow, long now) {
        probe.set(flow.a.ip, flow.a.port, flow.b.ip, flow.b.port);
        if (flows.remove(probe) == null) {
            closed.remove(probe);
        }
        flow.captureEnded(flow.lastMicros);
        forget(flow, now);
    }

    /** The connection's summary is final: counted, listed if among the first, and told as the line -q prints. */
    private void forget(TcpFlow flow, long now) {
        flow.release(); // an evicted or retired connection gives back what it drew on the shared budgets
        TcpFlowSummary s = flow.summary();
        totals.add(s);
        if (s.stream() < MAX_LISTED) {
            listed.set(s.stream(), s);
        }
        sink.accept(new Event.Note(now, Event.Note.Kind.ANSWER, ExplainStory.line(s), s.fields()));
    }

    /** The end of the capture: open connections told as such, application layers told, the last summaries emitted in stream order. */
    public void finish(long endMicros) {
        if (finished) {
            return;
        }
        finished = true;
        List<TcpFlow> live = new ArrayList<>(flows.values());
        live.addAll(closed.values());
        live.sort((x, y) -> Integer.compare(x.stream, y.stream));
        for (TcpFlow flow : live) {
            if (!flow.closed()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("layer", "tcp");
                f.put("stream", flow.stream);
                f.put("observation", TcpObservation.OPEN_AT_END.key());
                f.put("state_a", flow.a.state.name());
                f.put("state_b", flow.b.state.name());
                sink.accept(new Event.Note(endMicros, Event.Note.Kind.INFO, "the capture ends with the connection still open: A in "
                        + flow.a.state.name() + ", B in " + flow.b.state.name(), f));
            }
            flow.captureEnded(endMicros);
        }
        flows.clear();
        closed.clear();
        for (TcpFlow flow : live) {
            forget(flow, endMicros);
        }
    }

    /**
     * The connections of the first {@link #MAX_LISTED} streams, in stream order (those still followed
     * summed up as they stand); {@link #totals()} counts them all.
     */
    public List<TcpFlowSummary> summaries() {
        List<TcpFlowSummary> all = new ArrayList<>(listed);
        for (Map<FlowKey, TcpFlow> table : List.of(flows, closed)) {
            for (TcpFlow flow : table.values()) {
                if (flow.stream < MAX_LISTED) {
                    all.set(flow.stream, flow.summary());
                }
            }
        }
        return Collections.unmodifiableList(all);
    }

    /** The totals of every connection whose summary is final (all of them after {@link #finish}). */
    public TcpTotals totals() {
        return totals;
    }

    /** Connections seen (streams numbered), listed or not. */
    public int connections() {
        return streams;
    }

    /** Open connections followed now (at most {@link #MAX_OPEN}). */
    public int openConnections() {
        return flows.size();
    }

    /** Closed connections remembered now for their late segments (at most {@link #MAX_CLOSED}). */
    public int closedConnections() {
        return closed.size();
    }

    /**
     * A 4-tuple in either direction, of either family: the lower endpoint first, so both directions
     * find the same connection. An address is held as {@link IpAddress} holds it (IPv4 in the low
     * 32 bits), read from the frame in place: the probe is set once per segment without allocating.
     */
    private static final class FlowKey {
        private boolean ipv6;
        private long loHigh;
        private long loLow;
        private int loPort;
        private long hiHigh;
        private long hiLow;
        private int hiPort;

        FlowKey() {
        }

        FlowKey(IpAddress ip1, int port1, IpAddress ip2, int port2) {
            set(ip1, port1, ip2, port2);
        }

        void set(IpAddress ip1, int port1, IpAddress ip2, int port2) {
            set(ip1.ipv6(), ip1.high(), ip1.low(), port1, ip2.high(), ip2.low(), port2);
        }

        void set(DecodedFrame f) {
            TcpSegment t = f.tcp();
            if (f.ip() != null) {
                set(false, 0, Integer.toUnsignedLong(f.ip().source()), t.sourcePort(), 0, Integer.toUnsignedLong(f.ip().destination()),
                        t.destinationPort());
            } else {
                byte[] s = f.ip6().source();
                byte[] d = f.ip6().destination();
                set(true, DecodedFrame.longAt(s, 0), DecodedFrame.longAt(s, 8), t.sourcePort(), DecodedFrame.longAt(d, 0),
                        DecodedFrame.longAt(d, 8), t.destinationPort());
            }
        }

        private void set(boolean v6, long high1, long low1, int port1, long high2, long low2, int port2) {
            ipv6 = v6;
            int c = high1 != high2 ? Long.compareUnsigned(high1, high2)
                    : low1 != low2 ? Long.compareUnsigned(low1, low2) : Integer.compare(port1, port2);
            if (c <= 0) {
                loHigh = high1;
                loLow = low1;
                loPort = port1;
                hiHigh = high2;
                hiLow = low2;
                hiPort = port2;
            } else {
                loHigh = high2;
                loLow = low2;
                loPort = port2;
                hiHigh = high1;
                hiLow = low1;
                hiPort = port1;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FlowKey k && k.loLow == loLow && k.hiLow == hiLow && k.loPort == loPort && k.hiPort == hiPort
                    && k.loHigh == loHigh && k.hiHigh == hiHigh && k.ipv6 == ipv6;
        }

        @Override
        public int hashCode() {
            // every bit of both addresses and ports mixed in (an IPv6 capture whose hosts differ only in the
            // fifth group must not share a bucket); for IPv4 the high halves are 0 and the low ones the addresses
            long h = loLow * 0x9E3779B97F4A7C15L ^ hiLow * 0xC2B2AE3D27D4EB4FL ^ loHigh * 0x165667B19E3779F9L
                    ^ hiHigh * 0x27D4EB2F165667C5L ^ (((long) loPort << 16) | hiPort) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
            return (int) (h ^ (h >>> 32));
        }
    }
}
