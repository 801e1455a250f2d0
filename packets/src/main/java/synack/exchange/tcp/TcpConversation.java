package synack.exchange.tcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Remark;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.Frames;
import synack.wire.IcmpMessage;
import synack.wire.Ipv4Packet;
import synack.wire.Ipv6Packet;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * One TCP connection from our side, framed onto Ethernet: open it, optionally send data, then
 * close it the way the plan says (FIN, or RST), narrating every segment with its seq/ack
 * arithmetic and both sides' states. Used by handshake and fin-teardown.
 */
public final class TcpConversation implements Exchange {
    public enum Ending { CLOSE, RST }

    /**
     * Where the frames go: our MAC/IP, the next hop's MAC, the peer's IP (both of one family: the
     * segments go over IPv4 or IPv6 as they are); ownsSource = answer ARP for our IP.
     */
    public record Path(MacAddress ourMac, IpAddress ourIp, MacAddress nextHopMac, IpAddress peerIp, boolean ownsSource) {
        /** An IPv4 path. */
        public Path(MacAddress ourMac, int ourIp, MacAddress nextHopMac, int peerIp, boolean ownsSource) {
            this(ourMac, IpAddress.of(ourIp), nextHopMac, IpAddress.of(peerIp), ownsSource);
        }
    }

    /**
     * @param send       data to send once established (may be empty)
     * @param idleMicros how long to wait for the peer to close first after our data, before we close
     * @param complete   when the bytes received so far make a whole answer, we close at once (null: wait)
     */
    public record Plan(byte[] send, Ending ending, long idleMicros, String command, Predicate<byte[]> complete) {
        public Plan(byte[] send, Ending ending, long idleMicros, String command) {
            this(send, ending, idleMicros, command, null);
        }
    }

    private final Path path;
    private final TcpApp app;
    private final String command;
    private final TcpConnection tcp;
    private final Control control = new Direct();
    private final List<byte[]> arrived = new ArrayList<>();
    private long receivedBytes;
    private PlanApp planApp;
    private Output out;
    private final List<Event> pending = new ArrayList<>();
    private boolean buffering;
    private long lastSentAt = Long.MIN_VALUE; // the stamp of the latest frame we sent
    private boolean routineData;
    private int ipId;
    private long startedAt;
    private long establishedAt = -1;
    private long synSentAt = -1;
    private long synAckRtt = -1;
    /** Each SYN we sent: when, and the TSval it carried (-1 without timestamps); the SYN,ACK's echo may name one. */
    private final List<long[]> syns = new ArrayList<>();
    /** Which SYN (1-based) the RTT is measured from; 0 when no SYN can be named (Karn's rule). */
    private int rttSyn;
    private long idleUntil = Long.MAX_VALUE;
    private boolean closing;
    private boolean done;
    private boolean everEstablished;
    private String unreachable; // what an ICMP error said, when it ended the attempt
    private long now;

    public TcpConversation(Path path, TcpConnection.Config config, Plan plan, int firstIpId) {
        this(path, config, new PlanApp(plan), plan.command(), firstIpId);
        this.planApp = (PlanApp) app;
    }

    public TcpConversation(Path path, TcpConnection.Config config, TcpApp app, String command, int firstIpId) {
        this.path = path;
        this.app = app;
        this.command = command;
        this.ipId = firstIpId;
        this.tcp = new TcpConnection(config, new Listener());
    }

    /**
     * What an application may do with the connection. An interface, so that a layer between TCP
     * and the application (TLS) can hand the application its own: send() that encrypts, close()
     * that says close_notify before our FIN.
     */
    public interface Control {
        void send(byte[] data, long t);

        void close(long t);

        void abort(long t, String why);

        /** Calls the application's idle() after this long without data (again after each arrival). */
        void idleIn(long micros, long t);

        void note(String text, long t);

        /** A note of some kind with its data: {@code fields} go to JSON as they are. */
        void note(Event.Note.Kind kind, String text, Map<String, Object> fields, long t);

        /** A heading in the story: one per layer or phase (HTTP request, HTTP response, teardown). */
        void section(String title, long t);

        /** A state machine above TCP moved (a TLS handshake's states): told like TCP's transitions. */
        void transition(String subject, String from, String to, String cause, boolean inferred, String why, long t);

        /** Bulk transfer: data segments and their ACKs are told only with -v, and ACKs are delayed (every second segment). */
        void routineData(boolean on);

        /** Whether {@link #routineData} is on: the layers above tell their routine apart too. */
        boolean routine();

        TcpConnection connection();
    }

    /** The connection's own Control: straight onto TCP. */
    private final class Direct implements Control {
        @Override
        public void send(byte[] data, long t) {
            tcp.send(data, t);
        }

        @Override
        public void close(long t) {
            closing = true;
            idleUntil = Long.MAX_VALUE;
            tcp.close(t);
        }

        @Override
        public void abort(long t, String why) {
            closing = true;
            idleUntil = Long.MAX_VALUE;
            tcp.abort(t, why);
        }

        @Override
        public void idleIn(long micros, long t) {
            idleUntil = t + micros;
        }

        @Override
        public void note(String text, long t) {
            out.emit(new Event.Note(t, Event.Note.Kind.INFO, text, Map.of()));
        }

        @Override
        public void note(Event.Note.Kind kind, String text, Map<String, Object> fields, long t) {
            out.emit(new Event.Note(t, kind, text, fields));
        }

        @Override
        public void section(String title, long t) {
            out.emit(new Event.Note(t, Event.Note.Kind.SECTION, title, Map.of()));
        }

        @Override
        public void transition(String subject, String from, String to, String cause, boolean inferred, String why, long t) {
            out.emit(new Event.Transition(t, subject, Event.Endpoint.LOCAL, from, to, cause, inferred, why, false));
        }

        @Override
        public void routineData(boolean on) {
            routineData = on;
            tcp.delayAcks(on ? 2_000 : 0);
        }

        @Override
        public boolean routine() {
            return routineData;
        }

        @Override
        public TcpConnection connection() {
            return tcp;
        }
    }

    private final class Listener implements TcpListener {
        @Override
        public long send(TcpSegment segment, Remark annotation) {
            byte[] frame = Frames.tcp(path.ourMac(), path.nextHopMac(), path.ourIp(), path.peerIp(), ipId++ & 0xffff, segment);
            boolean routine = routineData && isRoutine(segment) && tcp.state() == TcpState.ESTABLISHED && !closing;
            if (buffering) {
                // an answer to the segment being processed: it leaves at once, and is told after that segment
                long t = out.transmit(frame);
                lastSentAt = Math.max(lastSentAt, t);
                pending.add(new Event.Frame(t, Event.Direction.OUT, frame, annotation, routine));
                return t;
            }
            long t = out.send(frame, annotation, routine);
            lastSentAt = Math.max(lastSentAt, t);
            if (segment.has(TcpSegment.SYN) && !segment.has(TcpSegment.ACK)) {
                if (synSentAt < 0) {
                    synSentAt = t;
                }
                syns.add(new long[] {t, segment.options().hasTimestamps() ? segment.options().tsValue() : -1});
            }
            return t;
        }

        @Override
        public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {
            Event e = new Event.Transition(now, peer ? "server" : "client", peer ? Event.Endpoint.PEER : Event.Endpoint.LOCAL,
                    from.name(), to.name(), cause, inferred, why, false);
            if (buffering) {
                pending.add(e);
            } else {
                out.emit(e);
            }
        }

        @Override
        public void note(Event.Note.Kind kind, String text) {
            Event e = new Event.Note(now, kind, text, Map.of());
            if (buffering) {
                pending.add(e);
            } else {
                out.emit(e);
            }
        }

        @Override
        public void delivered(byte[] data) {
            arrived.add(data);
        }
    }

    /** In bulk mode, segments that only carry data or acknowledge it are the routine of a transfer. */
    private static boolean isRoutine(TcpSegment s) {
        return (s.flags() & (TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST)) == 0;
    }

    @Override
    public void start(long nowMicros, Output output) {
        this.out = output;
        this.now = nowMicros;
        startedAt = nowMicros;
        out.emit(new Event.Note(nowMicros, Event.Note.Kind.INFO, "server LISTEN (assumed: we expect a listener on port "
                + tcp.config().remotePort() + ")", Map.of()));
        tcp.connect(nowMicros);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output output) {
        now = frame.timeMicros();
        Frames.Tcp parsed;
        try {
            Frames.Icmp icmp = Frames.parseIcmp(frame.bytes());
            if (icmp != null) {
                onIcmp(frame, icmp);
                return;
            }
            Frames.Icmp6 icmp6 = path.peerIp().ipv6() ? Frames.parseIcmp6(frame.bytes()) : null;
            if (icmp6 != null) {
                onIcmp6(frame, icmp6);
                return;
            }
            parsed = Frames.parseTcp(frame.bytes(), frame.tcpChecksum());
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
            return;
        }
        if (parsed == null || !parsed.between(path.peerIp(), path.ourIp())
                || parsed.segment().sourcePort() != tcp.config().remotePort()
                || parsed.segment().destinationPort() != tcp.config().localPort()) {
            return; // not this connection (the capture filter is narrow; this is a stray)
        }
        TcpState before = tcp.state();
        // on the wire before our latest frame left, read only after it was sent (the app sent while this one waited)
        boolean late = now < lastSentAt;
        buffering = true;
        TcpArrival arrival;
        try {
            arrival = tcp.onSegment(parsed.segment(), now);
        } finally {
            buffering = false;
        }
        if (late) {
            flushLateTransitions();
        }
        Remark note = arrival.remark();
        if (before == TcpState.SYN_SENT && tcp.state() == TcpState.ESTABLISHED) {
            note = Remark.builder().add(note).words(", " + handshakeRtt(parsed.segment())).build();
        }
        if (routineData && isRoutine(parsed.segment()) && tcp.state() == TcpState.ESTABLISHED && !closing
                && !outOfTheOrdinary(arrival.kind())) {
            out.emit(new Event.Frame(frame.timeMicros(), Event.Direction.IN, frame.bytes(), note, true));
        } else {
            out.shown(frame, note);
        }
        flushPending();
        if (tcp.state() == TcpState.ESTABLISHED && establishedAt < 0) {
            establishedAt = tcp.establishedAt();
            everEstablished = true;
            app.established(control, now);
        }
        if (!arrived.isEmpty()) {
            List<byte[]> batch = new ArrayList<>(arrived);
            arrived.clear();
            for (byte[] data : batch) {
                receivedBytes += data.length;
                if (!closing) {
                    app.received(control, data, now);
                }
            }
        }
        if (tcp.state() == TcpState.CLOSE_WAIT && !closing) {
            closing = true;
            app.peerFinished(control, now);
        }
        checkDone(now);
    }

    /**
     * The SYN,ACK's RTT, and the words for it. After a retransmitted SYN, Karn's rule (RFC 6298
     * section 3): a SYN,ACK cannot say which SYN it answers, unless its timestamp echo names one
     * (RFC 7323 4.1: TSecr is the TSval of the segment it acknowledges); else the RTT is unknown.
     */
    private String handshakeRtt(TcpSegment synAck) {
        if (syns.size() == 1) {
            rttSyn = 1;
            synAckRtt = now - syns.get(0)[0];
            return "RTT " + Durations.ms(synAckRtt);
        }
        long echo = synAck.options().hasTimestamps() ? synAck.options().tsEcho() : -1;
        int named = 0;
        for (int i = 0; i < syns.size() && echo >= 0; i++) {
            if (syns.get(i)[1] == echo) {
                named = named == 0 ? i + 1 : -1; // two SYNs with one TSval: the echo names neither
            }
        }
        if (named > 0) {
            rttSyn = named;
            synAckRtt = now - syns.get(named - 1)[0];
            return "RTT " + Durations.ms(synAckRtt) + " from SYN " + named + " of " + syns.size()
                    + " (its timestamp echo names it; no RTO sample from a retransmitted SYN, Karn's rule)";
        }
        synAckRtt = -1;
        return "RTT unknown: " + syns.size() + " SYNs were sent and the SYN,ACK cannot say which it answers"
                + " (Karn's rule, RFC 6298 section 3)";
    }

    /** Data that came out of order or again: worth telling even in the routine of a bulk transfer. */
    private static boolean outOfTheOrdinary(TcpArrival.Kind kind) {
        return kind == TcpArrival.Kind.OUT_OF_ORDER || kind == TcpArrival.Kind.DUPLICATE || kind == TcpArrival.Kind.PARTLY_DUPLICATE;
    }

    /** Sends the buffered answers and events in the order they belong: after the segment that caused them. */
    private void flushPending() {
        for (Event e : pending) {
            out.emit(e instanceof Event.Transition t ? stamped(t) : e);
        }
        pending.clear();
    }

    /**
     * A segment that was on the wire before our latest frame left: told at its wire time, it comes
     * before that frame and the transition it carried. The transitions it caused are told first,
     * so they follow what was told last (that latest frame of ours): each starts where the last
     * ended; the segment itself and our answers to it keep their own times.
     */
    private void flushLateTransitions() {
        for (var it = pending.iterator(); it.hasNext(); ) {
            if (it.next() instanceof Event.Transition t) {
                out.emit(stamped(t));
                it.remove();
            }
        }
    }

    private Event.Transition stamped(Event.Transition t) {
        return new Event.Transition(now, t.subject(), t.endpoint(), t.from(), t.to(), t.cause(), t.inferred(), t.why(), false);
    }

    /** An ICMP error quoting one of our segments: unreachable ends a connection attempt, fragmentation needed lowers the path MTU. */
    private void onIcmp(ReceivedFrame frame, Frames.Icmp icmp) {
        IcmpMessage m = icmp.message();
        IcmpMessage.Quoted q = m.quoted();
        if (path.ourIp().ipv6() || m.type() != IcmpMessage.UNREACHABLE || q == null || q.protocol() != Ipv4Packet.PROTO_TCP
                || q.source() != path.ourIp().v4() || q.destination() != path.peerIp().v4()
                || q.sourcePort() != tcp.config().localPort() || q.destinationPort() != tcp.config().remotePort()) {
            return; // about someone else's packet
        }
        buffering = true;
        Remark note;
        try {
            note = tcp.onIcmpUnreachable(m.code(), m.nextHopMtu(), q.tcpSeq(), m.meaning() + " from "
                    + IpAddress.of(icmp.ip().source()), now);
        } finally {
            buffering = false;
        }
        if (tcp.state() == TcpState.CLOSED && !everEstablished) {
            unreachable = m.meaning() + " from " + IpAddress.of(icmp.ip().source()) + " (ICMP type 3 code " + m.code() + ")";
        }
        out.shown(frame, note);
        flushPending();
        checkDone(now);
    }

    /**
     * An ICMPv6 error quoting one of our segments (RFC 4443): destination unreachable ends a
     * connection attempt as IPv4's does; packet too big lowers the path MTU (RFC 8201).
     */
    private void onIcmp6(ReceivedFrame frame, Frames.Icmp6 icmp) {
        Icmpv6Message m = icmp.message();
        if (!m.isError() || (m.type() != Icmpv6Message.DESTINATION_UNREACHABLE && m.type() != Icmpv6Message.PACKET_TOO_BIG)) {
            return; // NDP, echo, time exceeded: not about our connection's fate
        }
        Icmpv6Message.Invoking q = m.invoking();
        if (q == null || q.protocol() != Ipv6Packet.TCP || !IpAddress.of(q.source()).equals(path.ourIp())
                || !IpAddress.of(q.destination()).equals(path.peerIp())
                || q.sourcePort() != tcp.config().localPort() || q.destinationPort() != tcp.config().remotePort()) {
            return; // about someone else's packet
        }
        buffering = true;
        Remark note;
        String meaning = m.meaning() + " from " + icmp.source();
        try {
            note = m.type() == Icmpv6Message.PACKET_TOO_BIG
                    ? tcp.onPacketTooBig(m.mtu(), (int) q.tcpSeq(), now)
                    : tcp.onIcmpUnreachable(Ipv4Codes.of(m.code()), 0, (int) q.tcpSeq(), meaning, now);
        } finally {
            buffering = false;
        }
        if (tcp.state() == TcpState.CLOSED && !everEstablished) {
            unreachable = meaning + " (ICMPv6 type " + m.type() + " code " + m.code() + ")";
        }
        out.shown(frame, note);
        flushPending();
        checkDone(now);
    }

    /** ICMPv6 destination-unreachable codes (RFC 4443 3.1) as the IPv4 codes TCP reacts to alike (as Linux maps them). */
    private static final class Ipv4Codes {
        static int of(int code6) {
            return switch (code6) {
                case 4 -> 3;   // port unreachable: refused
                case 1, 5, 6 -> 13;  // administratively prohibited, source address failed policy, reject route
                default -> 1;  // no route, beyond scope, address unreachable, source policy: host unreachable
            };
        }
    }

    @Override
    public void onTimer(long nowMicros, Output output) {
        now = nowMicros;
        if (nowMicros >= idleUntil && !closing) {
            idleUntil = Long.MAX_VALUE;
            app.idle(control, nowMicros);
        }
        if (nowMicros >= tcp.nextDeadline()) {
            tcp.onTimer(nowMicros);
        }
        checkDone(nowMicros);
    }

    private void checkDone(long t) {
        if (tcp.state() == TcpState.CLOSED && !done) {
            done = true;
            out.emit(result(t));
        }
    }

    private Event.Result result(long t) {
        Map<String, Object> f = new LinkedHashMap<>();
        String why = tcp.closedBecause();
        boolean refused = tcp.outcome() == TcpOutcome.REFUSED;
        Verdict verdict = verdict(tcp.outcome());
        f.put("ok", verdict == Verdict.OK);
        f.put("peer", path.peerIp().withPort(tcp.config().remotePort()));
        f.put("local", path.ourIp().withPort(tcp.config().localPort()));
        f.put("established", everEstablished);
        f.put("outcome", why);
        f.put("isn", Integer.toUnsignedLong(tcp.iss()));
        if (everEstablished) {
            f.put("peer_isn", Integer.toUnsignedLong(tcp.irs()));
            f.put("rtt_ms", synAckRtt >= 0 ? Durations.msValue(synAckRtt) : null);
            if (syns.size() > 1 && rttSyn > 0) {
                f.put("rtt_from_syn", rttSyn);
            }
            f.put("established_ms", Durations.msValue(establishedAt - synSentAt));
        }
        f.put("syns_sent", syns.size());
        f.put("bytes_received", receivedBytes);
        f.put("elapsed_ms", Durations.msValue(t - startedAt));
        String line;
        if (unreachable != null) {
            f.put("icmp", unreachable);
            line = path.peerIp().withPort(tcp.config().remotePort()) + (refused ? " refused the connection: " : " unreachable: ")
                    + unreachable;
        } else if (refused) {
            line = path.peerIp().withPort(tcp.config().remotePort()) + " refused the connection (RST)";
        } else if (!everEstablished) {
            line = "no answer from " + path.peerIp().withPort(tcp.config().remotePort()) + " to "
                    + syns.size() + " SYN" + (syns.size() == 1 ? "" : "s");
        } else {
            line = command + " " + path.peerIp().withPort(tcp.config().remotePort()) + ": established in "
                    + Durations.ms(establishedAt - synSentAt) + " (" + (synAckRtt >= 0 ? "RTT " + Durations.ms(synAckRtt)
                            + (syns.size() > 1 ? " from SYN " + rttSyn : "") : "RTT unknown: Karn's rule") + "), " + why
                    + " after " + Durations.human(t - startedAt)
                    + (receivedBytes > 0 ? ", " + receivedBytes + " bytes received" : "");
        }
        List<String> lines = new ArrayList<>(List.of(line));
        app.describe(f, lines);
        return new Event.Result(t, verdict, lines, null, f);
    }

    /** What the connection's end amounts to; the application's own check decides a clean close. */
    private Verdict verdict(TcpOutcome outcome) {
        return switch (outcome) {
            case TIME_WAIT_OVER, PASSIVE_CLOSE, ABORTED -> everEstablished && app.satisfied() ? Verdict.OK : Verdict.NEGATIVE;
            // silence after every retry; once it had answered the handshake, the peer gave an answer, then failed us
            case TIMED_OUT -> everEstablished ? Verdict.NEGATIVE : Verdict.NO_ANSWER;
            case INTERRUPTED -> Verdict.INTERRUPTED;
            // our side closed, the peer's never did: not a clean close, whatever was exchanged before
            case PEER_NEVER_CLOSED -> Verdict.NEGATIVE;
            case REFUSED, RESET_BY_PEER, UNREACHABLE, CLOSED_BEFORE_HANDSHAKE, OPEN -> Verdict.NEGATIVE;
        };
    }

    @Override
    public void abort(long nowMicros, Output output) {
        now = nowMicros;
        if (!done) {
            if (tcp.state() != TcpState.CLOSED) {
                tcp.interrupt(nowMicros);
            }
            done = true;
            out.emit(result(nowMicros).interrupted("interrupted: the connection was reset"));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        return done ? Long.MAX_VALUE : Math.min(idleUntil, tcp.nextDeadline());
    }

    @Override
    public boolean isDone() {
        return done;
    }

    public TcpConnection connection() {
        return tcp;
    }

    /** What the owner may do with the open connection (from the runner's thread only). */
    public Control control() {
        return control;
    }

    /** What the simple plans received (DNS over TCP reads its answer here). */
    public byte[] received() {
        return planApp != null ? planApp.received() : new byte[0];
    }

}
