package synack.cli.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import synack.cli.DurationConverter;
import synack.cli.LiveFlow;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.UsageProblem;
import synack.cli.render.Renderer;
import synack.event.Durations;
import synack.exchange.Exchange;
import synack.exchange.arp.ArpAnnounce;
import synack.exchange.arp.ArpProbe;
import synack.exchange.arp.ArpResolve;
import synack.link.PcapLink;
import synack.net.LocalInterface;
import synack.net.Route;
import synack.net.Routing;
import synack.net.Targets;
import synack.oui.OuiRegistry;
import synack.wire.Ip4;

@Command(name = "arp-resolve", aliases = "ndp-resolve", sortOptions = false, mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {
            "Ask the segment who has an IPv4 address (ARP who-has) and narrate the is-at reply,",
            "the neighbour entry's states (NONE -> INCOMPLETE -> REACHABLE, or FAILED) and the RTT.",
            "An IPv6 address is asked with neighbour discovery (RFC 4861: a neighbour solicitation to its solicited-node",
            "multicast address; the advertisement's R/S/O flags told); --probe of an IPv6 address is duplicate-address",
            "detection (RFC 4862), --routers -i IFACE asks the link's routers (router solicitation and advertisements).",
            "ndp-resolve is the same command under the name IPv6 users look for.",
            "After the reply it listens on a short settle window, 10 times the RTT and at least 10 ms (--settle), for a",
            "second MAC answering for the address: an address conflict. A second holder hears the same broadcast and",
            "answers as fast as its kernel answers ARP, within microseconds to a few ms; --listen-out listens to the end",
            "of the request's window (--interval, or --timeout after the last) for a slow one. ARP replies carry no ID: a reply that",
            "comes after a retry is timed from the latest request and told ambiguous (it may answer an earlier one).",
            "A CIDR block or range sweeps every address and lists the hosts that answer (like arp-scan): by default 2 rounds",
            "500 ms apart, then 500 ms more, at most 2000 frames/s (arp-scan: 2 tries, 500 ms, then 750 ms, 2 ms apart)."},
        footer = {"", "Exit status: 0 every target answered (a sweep: at least one host answered; --probe: the address is free),",
            "1 some target did not answer, or more than one MAC answered for an address (a conflict; --probe: the address",
            "is in use), 2 usage, 3 environment, 130 interrupted.",
            "", "Examples:", "  synack arp-resolve 198.18.1.1", "  synack arp-resolve -q 198.18.1.0/24",
            "  synack arp-resolve --probe 198.18.1.9", "  synack arp-resolve --announce -i c0",
            "  synack ndp-resolve 2001:db8:1::1", "  synack ndp-resolve --probe 2001:db8:1::9", "  synack ndp-resolve --routers -i c0"})
public final class ArpResolveCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", arity = "0..*",
            description = "IPv4 address, CIDR block (198.18.1.0/24) or range (198.18.1.10-20); or IPv6 addresses.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "3",
            description = "Requests per target before it is FAILED (default: ${DEFAULT-VALUE}; a sweep: 2); announcements with --announce.")
    int count;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between rounds of requests (default: ${DEFAULT-VALUE}; a sweep: 500ms); with --probe, fixes the RFC 5227 random 1-2 s.")
    long intervalMicros;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How long to wait after the last request (default: ${DEFAULT-VALUE}; a sweep: 500ms; --probe: RFC 5227's 2s).")
    Long timeoutMicros;

    @Option(names = "--settle", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to listen after the answer for a second host holding the address (default: 10 times the RTT,"
                    + " at least 10ms; never past the reply window).")
    Long settleMicros;

    @Option(names = "--listen-out", description = "Listen to the end of the reply window after the answer (the old, thorough"
            + " conflict check: a second holder slower than the settle window is caught too).")
    boolean listenOut;

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "2000",
            description = "Frames per second at most, for sweeps (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--announce", description = "Send gratuitous ARP for our own address (-S or the interface's), nothing else.")
    boolean announce;

    @Option(names = "--probe", description = "RFC 5227 duplicate-address probe of TARGET (IPv6: RFC 4862 DAD): is the address free to use?")
    boolean probe;

    @Option(names = "--routers", description = "IPv6: solicit the routers on the link (-i IFACE) and narrate their advertisements.")
    boolean routers;

    @Mixin
    LiveOptions live;

    @Override
    public Integer call() {
        validate();
        LiveRun run = LiveRun.of(spec, live);
        Renderer renderer = run.narration("arp-resolve");
        if (announce) {
            if (live.source != null && live.source.ipv6()) {
                throw new UsageProblem("-S " + live.source + " is an IPv6 address: --announce is gratuitous ARP, IPv4's (give an IPv4 -S)");
            }
            return announce(run, renderer);
        }
        if (routers || targets.stream().anyMatch(t -> t.indexOf(':') >= 0)) {
            return new NeighbourDiscovery(run, renderer, live, targets, routers, probe,
                    new NeighbourDiscovery.Timing(countGiven() ? count : null, intervalGiven() ? intervalMicros : null,
                            timeoutGiven() ? timeoutMicros : null, listenOut ? ArpResolve.Settings.WHOLE_WINDOW
                            : settleMicros != null ? settleMicros : ArpResolve.Settings.SETTLE)).run();
        }
        Routing routing = run.host().routing();
        List<Integer> addresses;
        try {
            addresses = Targets.parse(targets);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        if (!addresses.isEmpty()) {
            run.requireSourceFamily(synack.wire.IpAddress.of(addresses.get(0))); // ARP is IPv4's: an IPv6 -S cannot ask it
        }
        boolean sweep = Targets.isSweep(targets);
        Route route = arpRoute(run, routing, addresses, sweep);
        if (!route.onLink()) {
            throw new UsageProblem(Ip4.toString(addresses.get(0)) + " is not on a directly attached network (" + route.how()
                    + "): ARP reaches only the local segment; resolve the next hop instead: arp-resolve "
                    + Ip4.toString(route.nextHop()));
        }
        Map<String, Object> headerFields = new LinkedHashMap<>();
        headerFields.put("interface", route.via().name());
        headerFields.put("source", Ip4.toString(route.source()));
        headerFields.put("mac", route.via().mac().toString());
        if (probe) {
            return probe(run, route, renderer, addresses, headerFields);
        }
        String skipped = null;
        if (sweep && addresses.remove((Integer) route.source())) {
            skipped = Ip4.toString(route.source());
        }
        if (sweep) {
            // arp-scan's pace: 2 tries, each answer awaited 500 ms (LAN replies take well under 1 ms)
            count = countGiven() ? count : SWEEP_COUNT;
            intervalMicros = intervalGiven() ? intervalMicros : SWEEP_WAIT_MICROS;
            timeoutMicros = timeoutGiven() ? timeoutMicros : SWEEP_WAIT_MICROS;
        }
        OuiRegistry oui = new OuiRegistry(OuiRegistry.DEFAULT_FILE);
        long gap = sweep ? 1_000_000L / Math.max(1, rate) : 0;
        long listen = listenOut ? ArpResolve.Settings.WHOLE_WINDOW : settleMicros != null ? settleMicros : ArpResolve.Settings.SETTLE;
        ArpResolve exchange = new ArpResolve(route.via().mac(), route.source(), addresses,
                new ArpResolve.Settings(count, intervalMicros, timeoutMicros, gap, listen), oui::vendorOf, sweep);
        String what = sweep ? "sweep of " + addresses.size() + " addresses (" + String.join(" ", targets) + ")"
                + (skipped != null ? ", skipping our own " + skipped : "")
                : String.join(" ", targets);
        String plan = count == 1 ? "1 request, then wait " + Durations.human(timeoutMicros)
                : "up to " + count + (sweep ? " rounds " : " requests ") + Durations.human(intervalMicros) + " apart, then wait "
                + Durations.human(timeoutMicros);
        String header = "arp-resolve " + what + " " + route.describe() + " — " + plan
                + (sweep ? ", at most " + rate + " frames/s" : "");
        return runLive(run, renderer, route, "arp and ether dst " + route.via().mac(), header, headerFields, exchange);
    }

    /**
     * The route ARP goes out by: the kernel's for the (first) target. A sweep's first targets may be
     * ours (through lo): the next few are tried. Through lo there is no ARP at all — except for
     * --probe of one of our own addresses, which asks the link that holds it whether another host
     * claims it too.
     */
    private Route arpRoute(LiveRun run, Routing routing, List<Integer> addresses, boolean sweep) {
        Route first = null;
        for (int i = 0; i < (sweep ? Math.min(8, addresses.size()) : 1); i++) {
            Route r = routing.resolve(addresses.get(i), live.interfaceName, live.source4());
            if (!r.loopback()) {
                return r;
            }
            first = first != null ? first : r;
        }
        int target = first.destination();
        String t = Ip4.toString(target);
        if ((target >>> 24) == 127 || !first.local()) {
            throw new UsageProblem(t + " is reached through " + first.via().name() + " (loopback): loopback has no ARP, its frames carry"
                    + " zero MACs (" + first.how() + ")");
        }
        LocalInterface holder = live.interfaceName != null ? run.host().interfaceNamed(live.interfaceName).requireUp()
                : run.host().interfaces().stream().filter(itf -> !itf.loopback() && itf.owns(target)).findFirst().orElse(null);
        if (!probe || holder == null) {
            throw new UsageProblem(t + " is this host's own address" + (holder != null ? " on " + holder.name() : "")
                    + " (the kernel routes it through lo, where there is no ARP)"
                    + (holder != null ? "; to ask whether another host claims it too: arp-resolve --probe " + t : ""));
        }
        return new Route(holder.requireUp(), live.source != null ? live.source4() : target, target, target, true,
                "our own address on " + holder.name());
    }

    /** A sweep's defaults when not given (see the description). */
    static final int SWEEP_COUNT = 2;
    static final long SWEEP_WAIT_MICROS = 500_000;

    private void validate() {
        if (count < 1 || count > 1000) {
            throw new UsageProblem("--count must be 1 to 1000, not " + count);
        }
        if (rate < 1 || rate > 1_000_000) {
            throw new UsageProblem("--rate must be 1 to 1000000 frames per second, not " + rate);
        }
        if (listenOut && settleMicros != null) {
            throw new UsageProblem("choose one of --settle and --listen-out");
        }
        if (settleMicros != null && settleMicros <= 0) {
            throw new UsageProblem("--settle must be more than 0");
        }
        if (announce && probe) {
            throw new UsageProblem("choose one of --announce and --probe");
        }
        if (routers && (announce || probe || !targets.isEmpty())) {
            throw new UsageProblem("--routers takes no TARGET, --probe or --announce: it asks the routers of the link (-i IFACE)");
        }
        if (routers) {
            return;
        }
        if (announce && !targets.isEmpty()) {
            throw new UsageProblem("--announce takes no TARGET: it announces our own address (-S to choose it)");
        }
        if (!announce && targets.isEmpty()) {
            throw new UsageProblem("missing TARGET: an IPv4 address, CIDR block or range");
        }
        if (probe && (targets.size() != 1 || Targets.isSweep(targets))) {
            throw new UsageProblem("--probe takes exactly one address");
        }
    }

    private int announce(LiveRun run, Renderer renderer) {
        if (live.interfaceName == null) {
            throw new UsageProblem("--announce needs an interface: -i IFACE");
        }
        // no route to ask about: the interface named, and our address on it (or -S)
        LocalInterface via = run.host().interfaceNamed(live.interfaceName).requireUp();
        if (via.loopback()) {
            throw new UsageProblem(via.name() + " is loopback: it has no ARP to announce on");
        }
        if (live.source == null && via.addresses().isEmpty()) {
            throw new synack.net.EnvironmentException("interface " + via.name() + " has no IPv4 address; give one with -S/--source");
        }
        int src = live.source != null ? live.source4() : via.addresses().get(0).ip();
        Route route = new Route(via, src, src, src, true, "announce on " + via.name());
        int n = countGiven() ? count : 2; // RFC 5227 ANNOUNCE_NUM
        Exchange exchange = new ArpAnnounce(route.via().mac(), route.source(), n, intervalGiven() ? intervalMicros : 2_000_000);
        String header = "arp-resolve --announce " + Ip4.toString(route.source()) + " is-at " + route.via().mac() + " on "
                + route.via().name() + " — " + n + " gratuitous ARP";
        return runLive(run, renderer, route, "arp and ether dst " + route.via().mac(), header, Map.of(), exchange);
    }

    private int probe(LiveRun run, Route route, Renderer renderer, List<Integer> addresses, Map<String, Object> headerFields) {
        Random random = new Random();
        int probes = countGiven() ? count : 3; // RFC 5227 PROBE_NUM
        // RFC 5227 2.1.1: a random 0..PROBE_WAIT first, then probes PROBE_MIN..PROBE_MAX apart; a shorter
        // --interval shortens the first wait with it (0..interval)
        ArpProbe.Settings s = intervalGiven()
                ? new ArpProbe.Settings(probes, (long) (random.nextDouble() * Math.min(intervalMicros, ArpProbe.Settings.PROBE_WAIT_MICROS)),
                        () -> intervalMicros, timeoutGiven() ? timeoutMicros : 2_000_000L)
                : ArpProbe.Settings.rfc5227(probes, () -> 1_000_000L + (long) (random.nextDouble() * 1_000_000L),
                        timeoutGiven() ? timeoutMicros : 2_000_000L, random);
        String header = "arp-resolve --probe " + Ip4.toString(addresses.get(0)) + " via " + route.via().name() + " ("
                + route.via().mac() + ") — " + probes + " RFC 5227 probes, then wait " + Durations.human(s.waitMicros());
        return runLive(run, renderer, route, "arp", header, headerFields, new ArpProbe(route.via().mac(), addresses.get(0), s));
    }

    /**
     * What ARP needs of a capture: its frames are 42 bytes (60 padded, 64 with a VLAN tag) and the
     * filter lets in nothing else, so a 1,518-byte snaplen never cuts one (-w writes them whole, as
     * before). Small slots make a small ring: 512 KiB holds 300 replies (a sweep's burst) and is
     * ~0.6 MiB resident, where whole-frame slots of 128 KiB made {@link PcapLink.Capture#WHOLE} 16 MiB.
     */
    public static final PcapLink.Capture ARP_CAPTURE = new PcapLink.Capture(1518, 512 * 1024, false);

    /** ARP is of the segment only: the frames on the route's interface, no next hop to ask. */
    private static int runLive(LiveRun run, Renderer renderer, Route route, String filter, String header,
                               Map<String, Object> fields, Exchange exchange) {
        return run.run(LiveFlow.onSegment(route).capture(end -> filter).size(ARP_CAPTURE).header(end -> header, end -> fields), renderer, path -> exchange);
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private boolean countGiven() {
        return given("--count");
    }

    private boolean intervalGiven() {
        return given("--interval");
    }

    private boolean timeoutGiven() {
        return given("--timeout");
    }
}
