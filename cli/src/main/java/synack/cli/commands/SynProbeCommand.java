package synack.cli.commands;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import synack.cli.DurationConverter;
import synack.cli.LiveFlow;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.TcpRun;
import synack.cli.TcpTarget;
import synack.cli.UsageProblem;
import synack.cli.render.QuietRenderer;
import synack.cli.render.Renderer;
import synack.cli.scan.FormattedAnswers;
import synack.cli.scan.ProgressLine;
import synack.cli.scan.ScanFormat;
import synack.cli.scan.SweepRun;
import synack.exchange.scan.Shard;
import synack.exchange.scan.SynSweep;
import synack.exchange.tcp.SynProbe;
import synack.net.Ports;
import synack.net.Targets;
import synack.net.TopPorts;
import synack.wire.Ip4;

@Command(name = "syn-probe", sortOptions = false, mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Half-open probes: a SYN to each port, no handshake. SYN,ACK → open (then RST, so the server",
            "frees its SYN_RECEIVED slot); RST → closed; ICMP unreachable → filtered (type and code shown);",
            "silence after every retry → filtered.", "",
            "One host and up to " + SynProbeCommand.NARRATED_MAX + " ports: every frame is told, with the RTT of each answer.", "",
            "More (or --sweep): a stateless sweep. Each SYN's sequence number is a keyed SipHash of its addresses",
            "and ports, so a reply is checked (ack = hash + 1) without a table of probes; the order is a keyed",
            "shuffle of every (host, port); the rate is a schedule, not a hope; retries re-ask only the silent.",
            "Open ports stream as they are found, a progress bar runs on a terminal, a summary ends it."},
        footer = {"", "Ports: -p 22,80,1000-2000; -p- is all 65,536 ports 0-65535 as masscan counts them (nmap's -p- is",
            "1-65535; write -p 1-65535 for that); --top-ports N takes the N most often open (nmap's frequency list).",
            "", "Exit status: 0 every port open (a few ports) / some port open (a sweep); 1 closed or filtered only;",
            "2 usage; 3 environment; 4 no answer at all; 130 interrupted.", "", "Examples:",
            "  synack syn-probe 198.18.2.2 -p 80",
            "  synack syn-probe 198.18.2.2 -p- --rate 100000",
            "  synack syn-probe 198.18.3.0/24 --top-ports 100 --format list",
            "  synack syn-probe 2001:db8:1::/120 -p 22,80,443",
            "  synack syn-probe 198.18.2.2 -p- --shard 0/3 --json    # and 1/3, 2/3 elsewhere"})
public final class SynProbeCommand implements Callable<Integer> {
    static final int NARRATED_MAX = 16;

    @Parameters(arity = "1..*", paramLabel = "HOST",
            description = {"Targets: addresses, names, ranges (198.18.1.10-20) and CIDR blocks (198.18.3.0/24);",
                "IPv6 addresses, ranges (2001:db8::1-ff) and prefixes up to a /112 (65,536 addresses: a /64's 2^64 is no sweep).",
                "One family per run (one source address, one kind of frame): sweep IPv4 and IPv6 targets separately."})
    List<String> hosts;

    @Option(names = {"-p", "--ports"}, paramLabel = "PORTS",
            description = "Ports: a list and ranges, e.g. 22,80,1000-2000; '-' (as in -p-) for all of 0-65535.")
    String ports;

    @Option(names = "--top-ports", paramLabel = "N", description = "The N ports most often found open (1-1000).")
    Integer topPorts;

    @Option(names = "--rate", paramLabel = "PPS",
            description = "SYNs per second at most (default: 1000 for a few ports, 10000 for a sweep).")
    Long rate;

    @Option(names = "--retries", paramLabel = "N",
            description = "Extra SYNs to a silent port (default: 1 for a few ports, 2 for a sweep).")
    Integer retries;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Wait for answers after each round of SYNs (default: ${DEFAULT-VALUE}); a sweep waits twice the "
                    + "slowest answer seen, at least 100ms and at most this.")
    long timeoutMicros;

    @Option(names = "--source-port", paramLabel = "PORT",
            description = "Our source port (default: random in 61000-65535).")
    Integer sourcePort;

    @Option(names = "--sweep", description = "A sweep even for a few ports: streamed results and a summary, no frames.")
    boolean sweep;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Only shard I of N (counted from 0): N runs with the same targets, ports and seed ask every probe once.")
    String shard;

    @Option(names = "--seed", paramLabel = "N",
            description = "Keys the probe order (default: random; with --shard, derived from the targets and ports so shards agree).")
    Long seed;

    @Option(names = "--show", paramLabel = "STATES", split = ",", completionCandidates = ShowStates.class,
            description = "Which ports a sweep lists as found: open, closed, filtered, all (default: open).")
    List<String> show;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", completionCandidates = Formats.class,
            description = "How a sweep writes each port: text, list (host:port, nothing else on stdout), grep (nmap -oG lines).")
    String format;

    @Option(names = "--no-progress", description = "No progress bar (shown only when stderr is a terminal).")
    boolean noProgress;

    @Mixin
    LiveOptions live;

    @Spec
    CommandSpec spec;

    static final class ShowStates extends java.util.ArrayList<String> {
        ShowStates() {
            super(List.of("open", "closed", "filtered", "all"));
        }
    }

    static final class Formats extends java.util.ArrayList<String> {
        Formats() {
            super(List.of("text", "list", "grep"));
        }
    }

    @Override
    public Integer call() {
        ScanFormat scanFormat = ScanFormat.parse(format);
        Set<SynSweep.State> states = show == null ? EnumSet.of(SynSweep.State.OPEN) : states(show);
        Shard part = shard == null ? Shard.WHOLE : parse(() -> Shard.parse(shard));
        List<Integer> portList = portList();
        long pps = rate != null ? rate : 0;
        if (rate != null && (rate < 1 || rate > 10_000_000)) {
            throw new UsageProblem("--rate must be 1 to 10000000 SYNs per second, not " + rate);
        }
        if (retries != null && (retries < 0 || retries > 10)) {
            throw new UsageProblem("--retries must be 0 to 10, not " + retries);
        }
        if (sourcePort != null) {
            TcpTarget.port(sourcePort, "--source-port");
        }
        boolean isSweep = sweep || hosts.size() > 1 || Targets.isSweep(hosts) || portList.size() > NARRATED_MAX || shard != null
                || seed != null || show != null || scanFormat != ScanFormat.TEXT;
        LiveRun run = LiveRun.of(spec, live);
        Renderer base = scanFormat != ScanFormat.TEXT && !live.json
                ? QuietRenderer.linesOnStdout(run.out(), run.err()) // the lines are the output; the summary goes to stderr
                : run.narration("syn-probe");
        ProgressLine progress = new ProgressLine(new FormattedAnswers(base, scanFormat, !states.equals(EnumSet.of(SynSweep.State.OPEN))),
                run.err(), isSweep && !noProgress && !live.json && ProgressLine.stderrIsTerminal());
        if (!isSweep && hosts.stream().anyMatch(SynProbeCommand::isIpv6)) {
            // one IPv6 host, a few ports: every frame told
            return narrated(run, progress, TcpTarget.host(hosts.get(0)), portList, pps == 0 ? 1000 : pps, retries == null ? 1 : retries);
        }
        List<synack.wire.IpAddress> targets = targets(run, progress);
        if (targets == null) { // a name that did not resolve (its result is told), or Ctrl-C
            return LiveRun.exitCode(progress);
        }
        if (!targets.isEmpty()) {
            run.requireSourceFamily(targets.get(0)); // a sweep is of one family: its first target's
        }
        if (!isSweep) {
            return narrated(run, progress, targets.get(0), portList, pps == 0 ? 1000 : pps,
                    retries == null ? 1 : retries);
        }
        if (part.count() > 1 && (long) targets.size() * portList.size() < part.count()) {
            throw new UsageProblem("--shard " + part + " splits " + (long) targets.size() * portList.size() + " probes into more parts than probes");
        }
        long probes = part.sizeOf((long) targets.size() * portList.size());
        if (probes > SynSweep.MAX_PROBES) {
            throw new UsageProblem(String.format(Locale.ROOT, "%,d probes is more than one run holds (%,d): split the sweep with --shard I/N",
                    probes, SynSweep.MAX_PROBES));
        }
        String portsText = ports != null ? ports : "top " + topPorts;
        return SweepRun.run(run, progress, progress, new SweepRun.Plan(targets, portList, portsText, pps == 0 ? 10_000 : pps,
                retries == null ? 2 : retries, timeoutMicros, part, seed, states, sourcePort));
    }

    /** An IPv6 address as given: bare (2001:db8::2) or in brackets ([2001:db8::2]); a prefix is a sweep's. */
    private static boolean isIpv6(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.indexOf(':') >= 0 && (synack.wire.IpAddress.isAddress(h) || h.contains("/"));
    }

    private interface Parse<T> {
        T get();
    }

    /** The library's parsers (ports, targets, shards) answer a bad text with an IllegalArgumentException: here it is the user's. */
    private static <T> T parse(Parse<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
    }

    private static Set<SynSweep.State> states(List<String> names) {
        Set<SynSweep.State> out = EnumSet.noneOf(SynSweep.State.class);
        for (String n : names) {
            switch (n.trim().toLowerCase(Locale.ROOT)) {
                case "all" -> out.addAll(EnumSet.allOf(SynSweep.State.class));
                case "open" -> out.add(SynSweep.State.OPEN);
                case "closed" -> out.add(SynSweep.State.CLOSED);
                case "filtered" -> out.add(SynSweep.State.FILTERED);
                default -> throw new UsageProblem("--show takes open, closed, filtered or all, not '" + n + "'");
            }
        }
        return out;
    }

    private List<Integer> portList() {
        if (ports == null && topPorts == null) {
            throw new UsageProblem("which ports? give -p PORTS (e.g. -p 80, -p 1-1024, -p- for all) or --top-ports N");
        }
        // first mention wins, in order; a bitmap, not a set of 65,536 boxed ports, for -p-
        java.util.BitSet seen = new java.util.BitSet(65536);
        List<Integer> out = new ArrayList<>();
        for (List<Integer> some : List.of(ports != null ? parse(() -> Ports.parse(ports, true)) : List.<Integer>of(),
                topPorts != null ? parse(() -> TopPorts.top(topPorts)) : List.<Integer>of())) {
            for (Integer p : some) {
                if (!seen.get(p)) {
                    seen.set(p);
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * Addresses, ranges and blocks (and IPv6 prefixes) as written; names asked of the name server
     * first (null when one fails, or on Ctrl-C). One family per run: a mix is the user's to split.
     */
    private List<synack.wire.IpAddress> targets(LiveRun run, Renderer renderer) {
        Set<synack.wire.IpAddress> out = new LinkedHashSet<>();
        for (String h : hosts) {
            List<synack.wire.IpAddress> some;
            if (Targets.isIpv6(h)) {
                some = parse(() -> Targets.parse6(h));
            } else if (h.matches("[0-9./-]+")) {
                some = parse(() -> Targets.parse(h)).stream().map(synack.wire.IpAddress::of).toList();
            } else if (h.matches("[A-Za-z0-9_.-]+")) {
                Integer ip = run.address(renderer, h);
                if (ip == null) {
                    return null;
                }
                some = List.of(synack.wire.IpAddress.of(ip));
            } else {
                throw new UsageProblem("'" + h + "' is not an address, range, CIDR block or host name");
            }
            synack.wire.IpAddress first = out.isEmpty() ? null : out.iterator().next();
            parse(() -> {
                Targets.checkOneFamily(first, some);
                return null;
            });
            out.addAll(some);
            if (out.size() > Targets.MAX_ADDRESSES) {
                throw new UsageProblem("more than " + Targets.MAX_ADDRESSES + " hosts; split the sweep");
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * A narrated probe's capture: each port answers once (SYN,ACK, RST or an ICMP error; a second SYN only
     * re-asks a silent port), and no data comes, so one port takes {@link LiveFlow#ONE_ANSWER}, up to {@link
     * LiveFlow#FEW_FRAMES_ANSWERS} ports {@link LiveFlow#FEW_FRAMES}; more take the one-liners' usual ring.
     */
    public static synack.link.PcapLink.Capture narratedCapture(int ports) {
        return ports <= 1 ? LiveFlow.ONE_ANSWER : ports <= LiveFlow.FEW_FRAMES_ANSWERS ? LiveFlow.FEW_FRAMES : LiveFlow.EXCHANGE;
    }

    /** A few ports of one host: every SYN and answer told. */
    private int narrated(LiveRun run, Renderer renderer, synack.wire.IpAddress peer, List<Integer> portList, long pps, int tries) {
        if (portList.contains(0)) {
            throw new UsageProblem("port 0 is for sweeps (add --sweep); a narrated probe takes 1-65535");
        }
        LiveFlow flow = LiveFlow.toPeer(peer).tcpSourcePort(sourcePort).size(narratedCapture(portList.size()))
                .capture(end -> "tcp and src host " + peer + " and dst port " + end.tcpPort())
                .header(end -> "syn-probe " + peer + " ports " + (ports != null ? ports : "top " + topPorts) + " from "
                        + end.route().sourceAddress().withPort(end.tcpPort()) + " " + end.route().describe() + " — " + (tries + 1)
                        + " SYN" + (tries == 0 ? "" : "s") + " at most per port, at most " + pps + "/s",
                        end -> Map.of("interface", end.route().via().name()))
                .arpNextHop().guardTcpPort();
        return run.run(flow, renderer, path -> new SynProbe(new SynProbe.Path(path.end().route().via().mac(), path.nextHop(),
                path.end().route().sourceAddress(), peer, path.end().tcpPort(), TcpRun.randomIsn()),
                portList, new SynProbe.Settings(tries, timeoutMicros, 1_000_000L / pps), 1));
    }
}
