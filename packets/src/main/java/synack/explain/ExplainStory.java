package synack.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Verdict;
import synack.wire.Ip4;

/**
 * The end of {@code synack explain}: one line per TCP connection, DNS transaction and the ARP
 * total (what -q prints), the whole summaries for --json, and the --expect checks, judged on the
 * summaries' numbers. A check that does not hold makes the verdict NEGATIVE (exit 1).
 */
public final class ExplainStory {
    private ExplainStory() {}

    public static Event.Result result(Explainer x, Explainer.Seen seen, ExplainChecks checks) {
        List<TcpFlowSummary> flows = x.tcp().summaries();
        List<DnsExchangeSummary> dns = x.dns().exchanges();
        List<HttpExchangeSummary> http = x.applications().exchanges();
        ArpSummary arp = x.arp().summary();
        List<String> lines = new ArrayList<>();
        for (TcpFlowSummary f : flows) {
            lines.add(line(f));
        }
        for (DnsExchangeSummary d : dns) {
            lines.add(line(d));
        }
        if (arp.requests() + arp.announcements() + arp.probes() > 0) {
            lines.add("arp: " + arp.requests() + " who-has (" + arp.retries() + " retries), " + arp.answered() + " answered, "
                    + arp.unanswered() + " unanswered, " + arp.conflicts() + " conflicts, " + arp.announcements() + " announcements, "
                    + arp.probes() + " probes");
        }
        List<ExplainChecks.Outcome> outcomes = judge(checks, flows, http);
        boolean held = outcomes.stream().allMatch(ExplainChecks.Outcome::held);
        for (ExplainChecks.Outcome o : outcomes) {
            if (!o.held()) {
                lines.add("check failed: " + o.detail());
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", held);
        f.put("file", seen.file());
        f.put("frames", seen.frames());
        if (seen.matched() != seen.frames()) {
            f.put("matched", seen.matched());
        }
        f.put("bytes", seen.bytes());
        f.put("duration_ms", Math.max(0, seen.lastMicros() - seen.firstMicros()) / 1000.0);
        f.put("problems", seen.problems());
        f.put("tcp", flows.stream().map(TcpFlowSummary::fields).toList());
        f.put("dns", dns.stream().map(ExplainStory::fields).toList());
        f.put("http", http.stream().map(ExplainStory::fields).toList());
        f.put("arp", fields(arp));
        if (checks.any()) {
            f.put("checks", outcomes.stream().map(o -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("check", o.kind().name().toLowerCase(Locale.ROOT));
                c.put("held", o.held());
                c.put("detail", o.detail());
                return (Object) c;
            }).toList());
        }
        String summary = seen.frames() + " frames" + (seen.matched() != seen.frames() ? " (" + seen.matched() + " matched the filter)" : "")
                + " over " + Durations.human(Math.max(0, seen.lastMicros() - seen.firstMicros())) + ": " + flows.size()
                + " TCP connection" + (flows.size() == 1 ? "" : "s") + ", " + http.size() + " HTTP exchange" + (http.size() == 1 ? "" : "s")
                + ", " + dns.size() + " DNS transaction" + (dns.size() == 1 ? "" : "s")
                + (seen.problems() > 0 ? "; the file had " + seen.problems() + " problem" + (seen.problems() == 1 ? "" : "s") : "")
                + (checks.any() ? (held ? "; every check held" : "; a check did not hold") : "");
        return new Event.Result(seen.lastMicros(), held ? Verdict.OK : Verdict.NEGATIVE, lines, summary, f);
    }

    static List<ExplainChecks.Outcome> judge(ExplainChecks c, List<TcpFlowSummary> flows, List<HttpExchangeSummary> http) {
        List<ExplainChecks.Outcome> out = new ArrayList<>();
        if (c.noRetransmissions()) {
            int n = flows.stream().mapToInt(TcpFlowSummary::retransmissions).sum();
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.NO_RETRANSMISSIONS, n == 0, n + " retransmitted segment" + (n == 1 ? "" : "s")
                    + (n == 0 ? "" : " (" + flows.stream().filter(f -> f.retransmissions() > 0).map(f -> "tcp." + f.stream() + ": "
                    + f.retransmissions()).reduce((a, b) -> a + ", " + b).orElse("") + ")")));
        }
        if (c.noResets()) {
            List<String> reset = flows.stream().filter(f -> f.closePath() == TcpClosePath.RESET_BY_A || f.closePath() == TcpClosePath.RESET_BY_B
                    || f.closePath() == TcpClosePath.REFUSED).map(f -> "tcp." + f.stream() + " " + f.closePath().key()).toList();
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.NO_RESETS, reset.isEmpty(), reset.isEmpty() ? "no connection reset"
                    : reset.size() + " reset: " + String.join(", ", reset)));
        }
        if (c.handshakeMaxMs() != null) {
            List<TcpFlowSummary> shaken = flows.stream().filter(f -> f.handshakeRttMicros() >= 0).toList();
            long worst = shaken.stream().mapToLong(TcpFlowSummary::handshakeRttMicros).max().orElse(-1);
            boolean ok = !shaken.isEmpty() && worst <= c.handshakeMaxMs() * 1000;
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.HANDSHAKE_MS, ok, shaken.isEmpty() ? "no three-way handshake in the capture"
                    : "slowest handshake " + Durations.human(worst) + " of " + shaken.size() + " (at most " + c.handshakeMaxMs() + " ms asked)"));
        }
        if (c.status() != null) {
            List<HttpExchangeSummary> answered = http.stream().filter(h -> h.status() > 0).toList();
            List<String> other = answered.stream().filter(h -> !c.statusMatches(h.status()))
                    .map(h -> h.status() + " for " + h.method() + " " + h.target() + " (tcp." + h.stream() + ")").toList();
            boolean ok = !answered.isEmpty() && other.isEmpty();
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.STATUS, ok, answered.isEmpty() ? "no HTTP response in the capture"
                    : other.isEmpty() ? answered.size() + " responses, all " + c.status() : String.join(", ", other) + " (" + c.status() + " expected)"));
        }
        return out;
    }

    static String line(TcpFlowSummary f) {
        StringBuilder sb = new StringBuilder("tcp.").append(f.stream()).append(' ').append(Ip4.toString(f.aIp())).append(':').append(f.aPort())
                .append(" → ").append(Ip4.toString(f.bIp())).append(':').append(f.bPort()).append(": ")
                .append(f.framesA() + f.framesB()).append(" frames, ").append(f.dataBytesA()).append(" / ").append(f.dataBytesB())
                .append(" data bytes A→B / B→A");
        if (f.handshakeRttMicros() >= 0) {
            sb.append(", handshake ").append(Durations.human(f.handshakeRttMicros()));
        }
        if (f.retransmissions() > 0) {
            sb.append(", ").append(f.retransmissions()).append(" retransmissions");
        }
        int dup = f.count(TcpFinding.DUPLICATE_ACK);
        if (dup > 0) {
            sb.append(", ").append(dup).append(" duplicate ACKs");
        }
        int zero = f.count(TcpFinding.ZERO_WINDOW);
        if (zero > 0) {
            sb.append(", ").append(zero).append(" zero windows");
        }
        if (f.lostInCaptureBytes() > 0) {
            sb.append(", ").append(f.lostInCaptureBytes()).append(" bytes not in the capture");
        }
        sb.append(", ").append(f.closePath().key().replace('_', ' '));
        sb.append(" (A ").append(f.finalStateA()).append(", B ").append(f.finalStateB()).append(')');
        if (f.startedMidStream()) {
            sb.append(", began before the capture");
        }
        return sb.toString();
    }

    static String line(DnsExchangeSummary d) {
        String q = (d.name() == null ? "(no question)" : d.name()) + (d.type() >= 0 ? " " + synack.wire.DnsType.name(d.type()) : "");
        return "dns." + d.index() + " " + Ip4.toString(d.clientIp()) + ":" + d.clientPort() + " → " + Ip4.toString(d.serverIp()) + ":"
                + d.serverPort() + " " + d.transport().name().toLowerCase(Locale.ROOT) + " id " + d.id() + " " + q + ": "
                + (d.answered() ? d.rcode() + ", " + d.answers() + " answer" + (d.answers() == 1 ? "" : "s")
                        + (d.rttMicros() >= 0 ? " in " + Durations.human(d.rttMicros()) : "") : "no answer in the capture")
                + (d.truncated() ? ", truncated" + (d.retriedOverTcpStream() >= 0 ? " (retried over tcp." + d.retriedOverTcpStream() + ")" : "") : "");
    }

    static Map<String, Object> fields(DnsExchangeSummary d) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("index", d.index());
        f.put("client", Ip4.toString(d.clientIp()) + ":" + d.clientPort());
        f.put("server", Ip4.toString(d.serverIp()) + ":" + d.serverPort());
        f.put("transport", d.transport().name().toLowerCase(Locale.ROOT));
        f.put("id", d.id());
        f.put("name", d.name());
        f.put("type", d.type() >= 0 ? synack.wire.DnsType.name(d.type()) : null);
        f.put("rcode", d.rcode());
        f.put("answers", d.answers());
        f.put("rtt_ms", d.rttMicros() >= 0 ? d.rttMicros() / 1000.0 : null);
        f.put("queries", d.queries());
        f.put("truncated", d.truncated());
        if (d.tcpStream() >= 0) {
            f.put("stream", d.tcpStream());
        }
        if (d.retriedOverTcpStream() >= 0) {
            f.put("retried_over_stream", d.retriedOverTcpStream());
        }
        f.put("state", d.state().name());
        return f;
    }

    static Map<String, Object> fields(HttpExchangeSummary h) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("stream", h.stream());
        f.put("exchange", h.exchange());
        f.put("method", h.method());
        f.put("target", h.target());
        f.put("status", h.status() > 0 ? h.status() : null);
        f.put("ttfb_ms", h.ttfbMicros() >= 0 ? h.ttfbMicros() / 1000.0 : null);
        f.put("total_ms", h.totalMicros() >= 0 ? h.totalMicros() / 1000.0 : null);
        f.put("request_body_bytes", h.requestBodyBytes());
        f.put("response_body_bytes", h.responseBodyBytes());
        f.put("complete", h.complete());
        return f;
    }

    static Map<String, Object> fields(ArpSummary a) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("requests", a.requests());
        f.put("retries", a.retries());
        f.put("answered", a.answered());
        f.put("unanswered", a.unanswered());
        f.put("conflicts", a.conflicts());
        f.put("announcements", a.announcements());
        f.put("probes", a.probes());
        return f;
    }
}
