package synack.exchange.scan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.wire.MacAddress;

/**
 * What a sweep found, per host and in total, and the result it ends with: the counts a script
 * reads (JSON fields) and the summary a person reads (a line per host, then the totals).
 * {@link SynSweep} does the sending and the checking; this only counts and reports.
 */
final class SweepTally {
    /** How the sending went, for the last line: probes of this shard, SYNs sent, time spent, passes. */
    record Sending(long probes, long sent, long sendingMicros, int passes, long elapsedMicros, long askedPps, Shard shard, long seed) {}

    private static final int MAX_HOSTS_LISTED = 20;

    private final ProbeSpace space;
    private final MacAddress[] nextHop;
    private final String[] whyNotProbed;
    private final int[] openByHost;
    private final int[] closedByHost;
    private final int[] icmpByHost;
    private final int[] probesByHost;
    private final List<SynSweep.Open> open = new ArrayList<>();
    private final Map<String, Integer> icmpReasons = new LinkedHashMap<>();

    long liveProbes; // probes to hosts we could send to, counted in the first pass
    long notSent;
    long answered;
    long closed;
    long icmpFiltered;
    long duplicates;
    long forged;
    long malformed;

    SweepTally(ProbeSpace space, MacAddress[] nextHop, String[] whyNotProbed) {
        this.space = space;
        this.nextHop = nextHop;
        this.whyNotProbed = whyNotProbed != null ? whyNotProbed : new String[space.hostCount()];
        this.openByHost = new int[space.hostCount()];
        this.closedByHost = new int[space.hostCount()];
        this.icmpByHost = new int[space.hostCount()];
        this.probesByHost = new int[space.hostCount()];
    }

    void probing(int hostIndex) {
        liveProbes++;
        probesByHost[hostIndex]++;
    }

    void open(int hostIndex, SynSweep.Open o) {
        answered++;
        openByHost[hostIndex]++;
        open.add(o);
    }

    void closed(int hostIndex) {
        answered++;
        closedByHost[hostIndex]++;
        closed++;
    }

    void filteredByIcmp(int hostIndex, String reason) {
        answered++;
        icmpByHost[hostIndex]++;
        icmpFiltered++;
        icmpReasons.merge(reason, 1, Integer::sum);
    }

    long silent() {
        return liveProbes - answered;
    }

    int openCount() {
        return open.size();
    }

    /**
     * The sweep's one result. OK when a port was found open, negative when only closed or filtered
     * ones were, no answer when nothing answered; interrupted when the user stopped it.
     * {@code fewSilent}: the silent probes by name, when there are few enough to list.
     */
    Event.Result result(long now, Sending s, List<Long> fewSilent, boolean interrupted) {
        long filtered = icmpFiltered + silent();
        int hostsNotProbed = 0;
        for (MacAddress m : nextHop) {
            hostsNotProbed += m == null ? 1 : 0;
        }
        synack.event.Verdict exit = interrupted ? synack.event.Verdict.INTERRUPTED : !open.isEmpty() ? synack.event.Verdict.OK : answered > 0 ? synack.event.Verdict.NEGATIVE : synack.event.Verdict.NO_ANSWER;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", exit == synack.event.Verdict.OK);
        f.put("hosts", space.hostCount());
        f.put("hosts_not_probed", hostsNotProbed);
        f.put("not_sent", notSent);
        f.put("ports_per_host", space.portCount());
        f.put("probes", s.probes());
        f.put("shard", s.shard().toString());
        f.put("seed", Long.toUnsignedString(s.seed()));
        f.put("open", open.size());
        f.put("closed", closed);
        f.put("filtered", filtered);
        f.put("filtered_icmp", icmpFiltered);
        f.put("filtered_silent", silent());
        f.put("sent", s.sent());
        f.put("passes", s.passes());
        f.put("elapsed_ms", Durations.msValue(s.elapsedMicros()));
        f.put("sending_ms", Durations.msValue(s.sendingMicros()));
        f.put("rate_pps", Math.round(rate(s.sent(), s.sendingMicros())));
        f.put("rate_asked_pps", s.askedPps());
        f.put("duplicates", duplicates);
        f.put("forged", forged);
        f.put("malformed", malformed);
        List<Map<String, Object>> openList = new ArrayList<>();
        List<SynSweep.Open> sorted = new ArrayList<>(open);
        // by address (IpAddress's order: numeric, IPv6's 128 bits too), then port: the same list whatever order answers came in
        sorted.sort(java.util.Comparator.comparing(SynSweep.Open::host).thenComparingInt(SynSweep.Open::port));
        for (SynSweep.Open o : sorted) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", o.host().toString());
            m.put("port", o.port());
            m.put("rtt_ms", o.rttMicros() < 0 ? null : Durations.msValue(o.rttMicros()));
            m.put("ttl", o.ttl());
            openList.add(m);
        }
        f.put("open_ports", openList);
        return new Event.Result(now, exit, List.of(), summary(s, fewSilent, filtered, hostsNotProbed), f);
    }

    private String summary(Sending s, List<Long> fewSilent, long filtered, int hostsNotProbed) {
        StringBuilder out = new StringBuilder();
        boolean many = space.hostCount() > MAX_HOSTS_LISTED; // then only the hosts with something open
        for (int h = 0; h < space.hostCount(); h++) {
            if (nextHop[h] == null) {
                if (!many) {
                    out.append(space.hostText(h)).append(": not probed (").append(whyNotProbed[h] != null ? whyNotProbed[h]
                            : space.ipv6() ? "no neighbour advertisement" : "no ARP reply").append(")\n");
                }
                continue;
            }
            if (many && openByHost[h] == 0) {
                continue;
            }
            long hostSilent = probesByHost[h] - openByHost[h] - closedByHost[h] - icmpByHost[h];
            out.append(String.format(Locale.ROOT, "%s: %,d open, %,d closed, %,d filtered%s\n", space.hostText(h),
                    openByHost[h], closedByHost[h], icmpByHost[h] + hostSilent, filteredDetail(h, fewSilent)));
        }
        // a rate over a handful of SYNs measures start-up, not sending: shown from 100 on
        String rate = s.sent() < 100 ? "" : String.format(Locale.ROOT, " at %,.0f/s (asked %,d/s)", rate(s.sent(), s.sendingMicros()),
                s.askedPps());
        out.append(String.format(Locale.ROOT, "%,d probe%s to %,d host%s%s in %s: %,d open, %,d closed, %,d filtered — %,d SYN%s sent%s, "
                        + "%d pass%s", s.probes(), s.probes() == 1 ? "" : "s", space.hostCount(), space.hostCount() == 1 ? "" : "s",
                s.shard().isWhole() ? "" : " (shard " + s.shard() + ")", Durations.human(s.elapsedMicros()), open.size(), closed,
                filtered, s.sent(), s.sent() == 1 ? "" : "s", rate, s.passes(), s.passes() == 1 ? "" : "es"));
        if (notSent > 0) {
            out.append(String.format(Locale.ROOT, "; %,d not sent (host%s not probed)", notSent, hostsNotProbed == 1 ? "" : "s"));
        }
        if (forged + malformed > 0) {
            out.append(String.format(Locale.ROOT, "; %,d forged or stray and %,d malformed replies dropped", forged, malformed));
        }
        return out.toString();
    }

    /** "(82 no-response; 1 by icmp communication administratively prohibited from …)": which ports, when few, and why. */
    private String filteredDetail(int h, List<Long> fewSilent) {
        List<String> parts = new ArrayList<>();
        for (long p : fewSilent) {
            if (space.hostIndexOf(p) == h) {
                parts.add(space.portOf(p) + " no-response");
            }
        }
        if (icmpByHost[h] > 0) {
            parts.add(icmpByHost[h] + " by " + (icmpReasons.size() == 1 ? icmpReasons.keySet().iterator().next() : "ICMP unreachable"));
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }

    static double rate(long count, long micros) {
        return micros <= 0 ? count : count * 1e6 / micros;
    }
}
