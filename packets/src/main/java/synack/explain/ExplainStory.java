package synack.explain;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Verdict;

/**
 * The end of {@code synack explain}: the lines -q prints beyond the connections' (those stream as
 * ANSWER notes while the capture is read: one per connection when its summary is final), the
 * summaries of the first connections, DNS transactions and HTTP exchanges for --json with how many
 * there were in all, and the --expect checks, judged on running totals. A check that does not hold
 * makes the verdict NEGATIVE (exit 1). Nothing here grows with the number of connections.
 */
public final class ExplainStory {
    private ExplainStory() {}

    public static Event.Result result(Explainer x, Explainer.Seen seen, ExplainChecks checks) {
        List<TcpFlowSummary> flows = x.tcp().summaries();
        TcpTotals tcp = x.tcp().totals();
        long connections = x.tcp().connections();
        List<DnsExchangeSummary> dns = x.dns().exchanges();
        long transactions = x.dns().transactions();
        List<HttpExchangeSummary> http = x.applications().exchanges();
        HttpTotals httpTotals = x.applications().totals();
        ArpSummary arp = x.arp().summary();
        List<String> lines = new ArrayList<>(); // what -q prints besides the answers: the checks that did not hold
        List<ExplainChecks.Outcome> outcomes = judge(checks, tcp, httpTotals);
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
        // the lists are mapped to fields one at a time, as the renderer writes them
        f.put("tcp", mapped(flows, TcpFlowSummary::fields));
        f.put("tcp_connections", connections);
        f.put("tcp_not_listed", connections - flows.size());
        f.put("dns", mapped(dns, ExplainStory::fields));
        f.put("dns_transactions", transactions);
        f.put("dns_not_listed", transactions - dns.size());
        f.put("http", mapped(http, ExplainStory::fields));
        f.put("http_exchanges", httpTotals.exchanges());
        f.put("http_not_listed", httpTotals.exchanges() - http.size());
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
        long exchanges = httpTotals.exchanges();
        String summary = seen.frames() + " frames" + (seen.matched() != seen.frames() ? " (" + seen.matched() + " matched the filter)" : "")
                + " over " + Durations.human(Math.max(0, seen.lastMicros() - seen.firstMicros())) + ": " + connections
                + " TCP connection" + (connections == 1 ? "" : "s") + ", " + exchanges + " HTTP exchange" + (exchanges == 1 ? "" : "s")
                + ", " + transactions + " DNS transaction" + (transactions == 1 ? "" : "s")
                + (seen.problems() > 0 ? "; the file had " + seen.problems() + " problem" + (seen.problems() == 1 ? "" : "s") : "")
                + (checks.any() ? (held ? "; every check held" : "; a check did not hold") : "");
        return new Event.Result(seen.lastMicros(), held ? Verdict.OK : Verdict.NEGATIVE, lines, summary, f);
    }

    /** A list seen through {@code map}: each element mapped when read, none kept. */
    private static <T> List<Object> mapped(List<T> list, Function<T, Object> map) {
        return new AbstractList<>() {
            @Override
            public Object get(int i) {
                return map.apply(list.get(i));
            }

            @Override
            public int size() {
                return list.size();
            }
        };
    }

    /**
     * The DNS transactions and the ARP total as answers (-q's lines after the TCP connections', which
     * stream as each connection ends), told at the end of the capture: none with --flow N (one connection's story).
     */
    public static List<Event.Note> answers(Explainer x, long endMicros) {
        List<Event.Note> out = new ArrayList<>();
        if (x.settings().stream() != null) {
            return out;
        }
        List<DnsExchangeSummary> dns = x.dns().exchanges();
        for (DnsExchangeSummary d : dns) {
            out.add(new Event.Note(endMicros, Event.Note.Kind.ANSWER, line(d), Map.of("layer", "dns", "index", d.index())));
        }
        long transactions = x.dns().transactions();
        if (transactions > dns.size()) {
            out.add(new Event.Note(endMicros, Event.Note.Kind.ANSWER, "dns: " + (transactions - dns.size())
                    + " more transactions, not listed", Map.of("layer", "dns", "not_listed", transactions - dns.size())));
        }
        ArpSummary arp = x.arp().summary();
        if (arp.requests() + arp.announcements() + arp.probes() > 0) {
            out.add(new Event.Note(endMicros, Event.Note.Kind.ANSWER, "arp: " + arp.requests() + " who-has (" + arp.retries()
                    + " retries), " + arp.answered() + " answered, " + arp.unanswered() + " unanswered, " + arp.conflicts()
                    + " conflicts, " + arp.announcements() + " announcements, " + arp.probes() + " probes", Map.of("layer", "arp")));
        }
        return out;
    }

    static List<ExplainChecks.Outcome> judge(ExplainChecks c, TcpTotals tcp, HttpTotals http) {
        List<ExplainChecks.Outcome> out = new ArrayList<>();
        if (c.noRetransmissions()) {
            long n = tcp.retransmissions();
            String named = tcp.retransmittingExamples().stream().map(e -> "tcp." + e.stream() + ": " + e.retransmissions())
                    .collect(Collectors.joining(", "));
            long more = tcp.retransmittingConnections() - tcp.retransmittingExamples().size();
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.NO_RETRANSMISSIONS, n == 0, n + " retransmitted segment" + (n == 1 ? "" : "s")
                    + (n == 0 ? "" : " (" + named + (more > 0 ? ", and " + more + " more connections" : "") + ")")));
        }
        if (c.noResets()) {
            long n = tcp.resets();
            String named = tcp.resetExamples().stream().map(e -> "tcp." + e.stream() + " " + e.closePath().key())
                    .collect(Collectors.joining(", "));
            long more = n - tcp.resetExamples().size();
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.NO_RESETS, n == 0, n == 0 ? "no connection reset"
                    : n + " reset: " + named + (more > 0 ? ", and " + more + " more" : "")));
        }
        if (c.handshakeMaxMs() != null) {
            long shaken = tcp.handshakes();
            long worst = tcp.slowestHandshakeMicros();
            boolean ok = shaken > 0 && worst <= c.handshakeMaxMs() * 1000;
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.HANDSHAKE_MS, ok, shaken == 0 ? "no three-way handshake in the capture"
                    : "slowest handshake " + Durations.human(worst) + " of " + shaken + " (at most " + c.handshakeMaxMs() + " ms asked)"));
        }
        if (c.status() != null) {
            List<String> other = new ArrayList<>();
            for (Map.Entry<Integer, HttpTotals.Status> e : http.statuses().entrySet()) {
                if (!c.statusMatches(e.getKey())) {
                    HttpExchangeSummary h = e.getValue().first();
                    long more = e.getValue().count() - 1;
                    other.add(e.getKey() + " for " + h.method() + " " + h.target() + " (tcp." + h.stream() + ")"
                            + (more > 0 ? " and " + more + " more" : ""));
                }
            }
            boolean ok = http.answered() > 0 && other.isEmpty();
            out.add(new ExplainChecks.Outcome(ExplainChecks.Kind.STATUS, ok, http.answered() == 0 ? "no HTTP response in the capture"
                    : other.isEmpty() ? http.answered() + " responses, all " + c.status() : String.join(", ", other) + " (" + c.status() + " expected)"));
        }
        return out;
    }

    static String line(TcpFlowSummary f) {
        StringBuilder sb = new StringBuilder("tcp.").append(f.stream()).append(' ').append(f.aIp().withPort(f.aPort()))
                .append(" → ").append(f.bIp().withPort(f.bPort())).append(": ")
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
        return "dns." + d.index() + " " + d.clientIp().withPort(d.clientPort()) + " → " + d.serverIp().withPort(d.serverPort()) + " " + d.transport().name().toLowerCase(Locale.ROOT) + " id " + d.id() + " " + q + ": "
                + (d.answered() ? d.rcode() + ", " + d.answers() + " answer" + (d.answers() == 1 ? "" : "s")
                        + (d.rttMicros() >= 0 ? " in " + Durations.human(d.rttMicros()) : "") : "no answer in the capture")
                + (d.truncated() ? ", truncated" + (d.retriedOverTcpStream() >= 0 ? " (retried over tcp." + d.retriedOverTcpStream() + ")" : "") : "");
    }

    static Map<String, Object> fields(DnsExchangeSummary d) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("index", d.index());
        f.put("client", d.clientIp().withPort(d.clientPort()));
        f.put("server", d.serverIp().withPort(d.serverPort()));
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
