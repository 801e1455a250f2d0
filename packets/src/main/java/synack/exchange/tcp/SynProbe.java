package synack.exchange.tcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.IcmpMessage;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.Seq;
import synack.wire.TcpSegment;

/**
 * Half-open probes (the SYN scan): a SYN to each port and no handshake. SYN,ACK → open, and we
 * RST so the server frees its SYN_RECEIVED slot; RST → closed; an ICMP unreachable quoting our
 * SYN → filtered (which type and code); silence after every retry → filtered. Ports are probed
 * in rounds paced by {@code gap}; each round re-asks only the silent ones.
 */
public final class SynProbe implements Exchange {
    public record Settings(int retries, long timeoutMicros, long gapMicros) {}

    public record Path(MacAddress ourMac, MacAddress nextHopMac, int ourIp, int peerIp, int sourcePort, int iss) {}

    public enum Verdict { OPEN, CLOSED, FILTERED }

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
                new TcpSegment.Options(1460, -1, false, -1, -1, List.of()), new byte[0]);
        p.lastSentAt = out.send(frame(syn), p.sent == 1 ? "probe port " + p.port + " (ISN " + Seq.str(path.iss()) + ")"
                : "probe port " + p.port + ", try " + p.sent);
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
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() != EthernetFrame.TYPE_IPV4) {
                return;
            }
            Ipv4Packet ip = Ipv4Packet.parse(eth.payload());
            if (ip.destination() != path.ourIp()) {
                return;
            }
            if (ip.protocol() == Ipv4Packet.PROTO_TCP && ip.source() == path.peerIp()) {
                onTcp(frame, TcpSegment.parse(ip.payload(), ip.source(), ip.destination()), out);
            } else if (ip.protocol() == Ipv4Packet.PROTO_ICMP) {
                onIcmp(frame, ip, IcmpMessage.parse(ip.payload()), out);
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
            out.shown(frame, "ignored: ack " + Seq.str(seg.ack()) + " is not our ISN + 1 = " + Seq.str(path.iss() + 1));
            return;
        }
        long now = frame.timeMicros();
        if (p.verdict != null) {
            out.shown(frame, "duplicate answer for port " + p.port + " (already " + p.verdict.name().toLowerCase(java.util.Locale.ROOT) + ")");
            return;
        }
        p.rtt = now - p.lastSentAt;
        String ackMath = "ack = " + Seq.str(path.iss()) + " + 1, RTT " + Durations.ms(p.rtt);
        if (seg.has(TcpSegment.SYN)) {
            out.shown(frame, ackMath);
            out.emit(new Event.Transition(now, "server", Event.Endpoint.PEER, "LISTEN", "SYN_RECEIVED",
                    "it answered port " + p.port + " with SYN,ACK", true, "a listener answers a SYN with its own SYN and an ACK", false));
            verdict(p, Verdict.OPEN, "SYN,ACK", now, out);
            TcpSegment rst = TcpSegment.of(path.sourcePort(), p.port, path.iss() + 1, 0, TcpSegment.RST, 0,
                    TcpSegment.Options.NONE, new byte[0]);
            out.send(frame(rst), "RST at seq " + Seq.str(path.iss() + 1) + ": we never complete the handshake");
            out.emit(new Event.Transition(now, "server", Event.Endpoint.PEER, "SYN_RECEIVED", "LISTEN",
                    "our RST frees the half-open slot", true, "a RST in the window discards the embryonic connection", false));
        } else if (seg.has(TcpSegment.RST)) {
            out.shown(frame, ackMath + ": nobody listens");
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
                || q.destination() != path.peerIp() || q.sourcePort() != path.sourcePort()) {
            return;
        }
        Probe p = probes.get(q.destinationPort());
        if (p == null || p.sent == 0 || p.verdict != null) {
            return;
        }
        long now = frame.timeMicros();
        p.rtt = now - p.lastSentAt;
        out.shown(frame, "quotes our SYN to port " + p.port + ", RTT " + Durations.ms(p.rtt));
        verdict(p, Verdict.FILTERED, "ICMP " + icmp.meaning() + " (type 3 code " + icmp.code() + ") from "
                + Ip4.toString(ip.source()), now, out);
        if (probes.values().stream().allMatch(x -> x.verdict != null)) {
            finish(now, out);
        }
    }

    private void verdict(Probe p, Verdict v, String reason, long now, Output out) {
        p.verdict = v;
        p.reason = reason;
        out.emit(new Event.Transition(now, "port " + p.port, Event.Endpoint.LOCAL, "PROBING", v.name().toLowerCase(java.util.Locale.ROOT), reason,
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
            String state = p.verdict == null ? "unknown" : p.verdict.name().toLowerCase(java.util.Locale.ROOT);
            lines.add(String.format("%-9s %-8s %s", p.port + "/tcp", state,
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
        f.put("host", Ip4.toString(path.peerIp()));
        f.put("ports", ports);
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        String summary = probes.size() > 1 ? open + " of " + probes.size() + " ports open on " + Ip4.toString(path.peerIp())
                + " in " + Durations.human(now - startedAt) : null;
        return new Event.Result(now, exit, lines, summary, f);
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            Event.Result r = result(now);
            out.emit(new Event.Result(now, synack.event.Verdict.INTERRUPTED, r.lines(), "interrupted", r.fields()));
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
