package synack.exchange.tcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Remark;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.IcmpMessage;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Half-open probes (the SYN scan): a SYN to each port and no handshake. SYN,ACK → open, and we
 * RST so the server frees its SYN_RECEIVED slot; RST → closed; an ICMP unreachable quoting our
 * SYN (its ports and our ISN, RFC 5927) → filtered (which type and code); silence after every retry → filtered. Ports are probed
 * in rounds paced by {@code gap}; each round re-asks only the silent ones.
 */
public final class SynProbe implements Exchange {
    public record Settings(int retries, long timeoutMicros, long gapMicros) {}

    /** Our end and the peer's, both of one family: the probes go over IPv4 or IPv6 as the addresses are. */
    public record Path(MacAddress ourMac, MacAddress nextHopMac, IpAddress ourIp, IpAddress peerIp, int sourcePort, int iss) {
        /** An IPv4 path. */
        public Path(MacAddress ourMac, MacAddress nextHopMac, int ourIp, int peerIp, int sourcePort, int iss) {
            this(ourMac, nextHopMac, IpAddress.of(ourIp), IpAddress.of(peerIp), sourcePort, iss);
        }
    }

    public enum Verdict {
        OPEN, CLOSED, FILTERED;

        /** The word results and transitions use ("open"), the same under every locale. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final class Probe {
        final int port;
        int sent;
        long lastSentAt;
        Verdict verdict;
        String reason = "";
        long rtt = -1;

        Probe(int port) {
            this.port = port;
        }
    }

    private final Path path;
    private final Settings settings;
    private final Map<Integer, Probe> probes = new LinkedHashMap<>();
    private List<Probe> round = List.of();
    private int roundNumber;
    private int cursor;
    private long nextSendAt;
    private long roundEndsAt = Long.MAX_VALUE;
    private long startedAt;
    private int ipId;
    private boolean done;

    public SynProbe(Path path, List<Integer> ports, Settings settings, int firstIpId) {
        this.path = path;
        this.settings = settings;
        this.ipId = firstIpId;
        for (int p : ports) {
            probes.put(p, new Probe(p));
        }
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        nextRound(now, out);
        onTimer(now, out);
    }

    private void nextRound(long now, Output out) {
        round = probes.values().stream().filter(p -> p.verdict == null).toList();
        if (round.isEmpty() || roundNumber > settings.retries()) {
            finish(now, out);
            return;
        }
        roundNumber++;
        cursor = 0;
        nextSendAt = now;
        roundEndsAt = Long.MAX_VALUE;
        if (roundNumber > 1) {
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, "retry " + (roundNumber - 1) + " of " + settings.retries() + ": "
                    + round.size() + " port" + (round.size() == 1 ? "" : "s") + " still silent", Map.of()));
        }
    }

    @Override
    public void onTimer(long now, Output out) {
        while (!done) {
            if (cursor < round.size() && nextSendAt <= now) {
                Probe p = round.get(cursor++);
                if (p.verdict == null) {
                    sendSyn(p, now, out);
                    nextSendAt = now + settings.gapMicros();
                }
                if (cursor == round.size()) {
                    roundEndsAt = now + settings.timeoutMicros();
                }
            } else if (cursor >= round.size() && now >= roundEndsAt) {
                nextRound(now, out);
            } else {
                return;
            }
        }
    }

    private void sendSyn(Probe p, long now, Output out) {
        p.sent++;
        TcpSegment syn = TcpSegment.of(path.sourcePort(), p.port, path.iss(), 0, TcpSegment.SYN, 64240,
                new TcpSegment.Options(path.ourIp().ipv6() ? 1440 : 1460, -1, false, -1, -1, List.of()), new byte[0]);
        p.lastSentAt = out.send(frame(syn), p.sent == 1
                ? Remark.builder().words("probe port " + p.port + " (ISN ").seq(path.iss(), 0).words(")").build()
                : Remark.of("probe port " + p.port + ", try " + p.sent));
        if (p.sent == 1) {
            out.emit(new Event.Transition(p.lastSentAt, "port " + p.port, Event.Endpoint.LOCAL, "UNKNOWN", "PROBING",
                    "SYN sent", false, "a SYN asks the port to open a connection; what comes back tells its state", false));
        }
    }

    private byte[] frame(TcpSegment seg) {
        return Frames.tcp(path.ourMac(), path.nextHopMac(), path.ourIp(), path.peerIp(), ipId++ & 0xffff, seg);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        try {
            Frames.Tcp tcp = Frames.parseTcp(frame.bytes(), frame.tcpChecksum());
            if (tcp != null) {
                if (tcp.between(path.peerIp(), path.ourIp())) {
                    onTcp(frame, tcp.segment(), out);
                }
                return;
            }
            if (path.ourIp().ipv6()) {
                Frames.Icmp6 icmp6 = Frames.parseIcmp6(frame.bytes());
                if (icmp6 != null && IpAddress.of(icmp6.ip().destination()).equals(path.ourIp())) {
                    onIcmp6(frame, icmp6, out);
                }
                return;
            }
            Frames.Icmp icmp = Frames.parseIcmp(frame.bytes());
            if (icmp != null && icmp.ip().destination() == path.ourIp().v4()) {
                onIcmp(frame, icmp.ip(), icmp.message(), out);
            }
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
        }
    }

    private void onTcp(ReceivedFrame frame, TcpSegment seg, Output out) {
        Probe p = probes.get(seg.sourcePort());
        if (p == null || seg.destinationPort() != path.sourcePort() || p.sent == 0) {
            return;
        }
        if (!seg.has(TcpSegment.ACK) || seg.ack() != path.iss() + 1) {
            out.shown(frame, Remark.builder().words("ignored: ack ").seq(seg.ack(), seg.ack() - path.iss())
                    .words(" is not our ISN + 1 = ").seq(path.iss() + 1, 1).build());
            return;
        }
        long now = frame.timeMicros();
        if (p.verdict != null) {
            out.shown(frame, "duplicate answer for port " + p.port + " (already " + p.verdict.word() + ")");
            return;
        }
        p.rtt = now - p.lastSentAt;
        Remark ackMath = Remark.builder().add(new AckArithmetic(path.iss(), 0, 1, AckArithmetic.Reason.OUR_SYN).bare())
                .words(", RTT " + Durations.ms(p.rtt)).build();
        if (seg.has(TcpSegment.SYN)) {
            out.shown(frame, ackMath);
            out.emit(new Event.Transition(now, "server", Event.Endpoint.PEER, "LISTEN", "SYN_RECEIVED",
                    "it answered port " + p.port + " with SYN,ACK", true, "a listener answers a SYN with its own SYN and an ACK", false));
            verdict(p, Verdict.OPEN, "SYN,ACK", now, out);
            TcpSegment rst = TcpSegment.of(path.sourcePort(), p.port, path.iss() + 1, 0, TcpSegment.RST, 0,
                    TcpSegment.Options.NONE, new byte[0]);
            out.send(frame(rst), Remark.builder().words("RST at seq ").seq(path.iss() + 1, 1)
                    .words(": we never complete the handshake").build());
            out.emit(new Event.Transition(now, "server", Event.Endpoint.PEER, "SYN_RECEIVED", "LISTEN",
                    "our RST frees the half-open slot", true, "a RST in the window discards the embryonic connection", false));
        } else if (seg.has(TcpSegment.RST)) {
            out.shown(frame, Remark.builder().add(ackMath).words(": nobody listens").build());
            verdict(p, Verdict.CLOSED, "RST", now, out);
        } else {
            out.shown(frame, "ignored: neither SYN,ACK nor RST");
        }
        if (probes.values().stream().allMatch(x -> x.verdict != null)) {
            finish(now, out);
        }
    }

    private void onIcmp(ReceivedFrame frame, Ipv4Packet ip, IcmpMessage icmp, Output out) {
        IcmpMessage.Quoted q = icmp.quoted();
        if (icmp.type() != IcmpMessage.UNREACHABLE || q == null || q.protocol() != Ipv4Packet.PROTO_TCP
                || q.source() != path.ourIp().v4() || q.destination() != path.peerIp().v4() || q.sourcePort() != path.sourcePort()) {
            return; // about someone else's packet
        }
        filtered(frame, q.destinationPort(), q.tcpSeq(), "ICMP " + icmp.meaning() + " (type 3 code " + icmp.code() + ") from "
                + IpAddress.of(ip.source()), out);
    }

    /** ICMPv6 destination unreachable quoting our SYN (RFC 4443 3.1): filtered, as nmap reads it. */
    private void onIcmp6(ReceivedFrame frame, Frames.Icmp6 icmp, Output out) {
        Icmpv6Message m = icmp.message();
        Icmpv6Message.Invoking q = m.type() == Icmpv6Message.DESTINATION_UNREACHABLE ? m.invoking() : null;
        if (q == null || q.protocol() != Ipv6Packet.TCP || !IpAddress.of(q.source()).equals(path.ourIp())
                || !IpAddress.of(q.destination()).equals(path.peerIp()) || q.sourcePort() != path.sourcePort()) {
            return; // NDP, echo, or about someone else's packet
        }
        filtered(frame, q.destinationPort(), (int) q.tcpSeq(), "ICMPv6 " + m.meaning() + " (type 1 code " + m.code() + ") from "
                + icmp.source(), out);
    }

    /** An ICMP error quoting the probe of {@code port}: believed only when it quotes our ISN. */
    private void filtered(ReceivedFrame frame, int port, int quotedSeq, String reason, Output out) {
        Probe p = probes.get(port);
        if (p == null || p.sent == 0 || p.verdict != null) {
            return;
        }
        if (quotedSeq != path.iss()) {
            // RFC 5927: an error is believed only if it quotes what we sent; anyone can forge the ports
            out.shown(frame, Remark.builder().words("ignored: it quotes seq ").seq(quotedSeq, quotedSeq - path.iss())
                    .words(", not our probe's ISN ").seq(path.iss(), 0).build());
            return;
        }
        long now = frame.timeMicros();
        p.rtt = now - p.lastSentAt;
        out.shown(frame, "quotes our SYN to port " + p.port + ", RTT " + Durations.ms(p.rtt));
        verdict(p, Verdict.FILTERED, reason, now, out);
        if (probes.values().stream().allMatch(x -> x.verdict != null)) {
            finish(now, out);
        }
    }

    private void verdict(Probe p, Verdict v, String reason, long now, Output out) {
        p.verdict = v;
        p.reason = reason;
        out.emit(new Event.Transition(now, "port " + p.port, Event.Endpoint.LOCAL, "PROBING", v.word(), reason,
                false, switch (v) {
                    case OPEN -> "a SYN,ACK means a socket listens: the port is open";
                    case CLOSED -> "a RST,ACK for our SYN means the host is there but nothing listens";
                    case FILTERED -> "something between us (or the host's firewall) stops the SYN";
                }, false));
    }

    private void finish(long now, Output out) {
        if (done) {
            return;
        }
        for (Probe p : probes.values()) {
            if (p.verdict == null) {
                verdict(p, Verdict.FILTERED, "no answer to " + p.sent + " SYN" + (p.sent == 1 ? "" : "s"), now, out);
            }
        }
        done = true;
        out.emit(result(now));
    }

    private Event.Result result(long now) {
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> ports = new ArrayList<>();
        int open = 0;
        int answered = 0;
        for (Probe p : probes.values()) {
            String state = p.verdict == null ? "unknown" : p.verdict.word();
            lines.add(String.format(Locale.ROOT, "%-9s %-8s %s", p.port + "/tcp", state,
                    p.rtt >= 0 ? p.reason + ", RTT " + Durations.ms(p.rtt) : p.reason));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("port", p.port);
            m.put("state", state);
            m.put("reason", p.reason);
            m.put("rtt_ms", p.rtt >= 0 ? Durations.msValue(p.rtt) : null);
            m.put("probes", p.sent);
            ports.add(m);
            if (p.verdict == Verdict.OPEN) {
                open++;
            }
            if (p.rtt >= 0) {
                answered++;
            }
        }
        boolean ok = open == probes.size();
        synack.event.Verdict exit = ok ? synack.event.Verdict.OK : answered == 0 ? synack.event.Verdict.NO_ANSWER : synack.event.Verdict.NEGATIVE;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", ok);
        f.put("host", path.peerIp().toString());
        f.put("ports", ports);
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        String summary = probes.size() > 1 ? open + " of " + probes.size() + " ports open on " + path.peerIp()
                + " in " + Durations.human(now - startedAt) : null;
        return new Event.Result(now, exit, lines, summary, f);
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            Event.Result r = result(now);
            out.emit(r.interrupted("interrupted"));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        if (done) {
            return Long.MAX_VALUE;
        }
        return cursor < round.size() ? nextSendAt : roundEndsAt;
    }

    @Override
    public boolean isDone() {
        return done;
    }
}
