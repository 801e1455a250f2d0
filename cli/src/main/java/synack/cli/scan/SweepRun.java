package synack.cli.scan;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import synack.cli.ExitCodes;
import synack.cli.LiveOptions;
import synack.cli.LiveSession;
import synack.cli.TcpRun;
import synack.cli.UsageProblem;
import synack.cli.render.Renderer;
import synack.cli.shell.SessionCaches;
import synack.event.Event;
import synack.exchange.arp.ArpResolve;
import synack.exchange.arp.NeighbourState;
import synack.exchange.scan.ProbeSpace;
import synack.exchange.scan.Shard;
import synack.exchange.scan.SipHash;
import synack.exchange.scan.SynSweep;
import synack.link.PcapLink;
import synack.net.Route;
import synack.net.Routing;
import synack.oui.OuiRegistry;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * syn-probe over many probes: routes every target (one interface, one source address), ARPs
 * the next hops as a phase, keeps the kernel's RSTs off our one source port, and runs the
 * stateless {@link SynSweep} with a progress bar on a terminal.
 */
public final class SweepRun {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the command line asked for, checked. */
    public record Plan(List<Integer> hosts, List<Integer> ports, String portsText, long rate, int retries, long waitMicros,
                       Shard shard, Long seed, Set<SynSweep.State> show, Integer sourcePort) {}

    private SweepRun() {}

    public static int run(LiveOptions live, Renderer renderer, ProgressLine progress, Plan plan) {
        // every target routed by the kernel at once (one ip process, however many hosts)
        List<Route> routes = new ArrayList<>(Routing.fromKernel().resolveAll(plan.hosts(), live.interfaceName, live.source));
        String[] why = leftOut(routes);
        Route first = null;
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (why[i] != null) {
                routes.set(i, null);
            } else if (first == null) {
                first = TcpRun.checked(live, r);
            } else if (!r.via().name().equals(first.via().name()) || r.source() != first.source()) {
                throw new UsageProblem("targets " + Ip4.toString(first.destination()) + " and " + Ip4.toString(r.destination())
                        + " leave by different interfaces or source addresses (" + first.via().name() + ", " + r.via().name()
                        + "): sweep them separately or choose one with -i");
            }
        }
        if (first == null) {
            throw new UsageProblem("every target is a broadcast or multicast address");
        }
        boolean owns = TcpRun.ownsSource(live, first);
        int sport = plan.sourcePort() != null ? plan.sourcePort() : TcpRun.randomSourcePort();
        long seed = plan.seed() != null ? plan.seed() : plan.shard().isWhole() ? RANDOM.nextLong() : seedOf(plan);
        ProbeSpace space = new ProbeSpace(plan.hosts(), plan.ports());
        String filter = "tcp and dst port " + sport + " and dst host " + Ip4.toString(first.source());
        try (LiveSession session = TcpRun.open(live, renderer, first, owns, filter, PcapLink.Capture.HEADERS)) {
            session.header(header(plan, space, first, sport, seed), Map.of("interface", first.via().name(),
                    "seed", Long.toUnsignedString(seed)));
            MacAddress[] hops = nextHops(session, routes, renderer);
            if (hops == null) {
                if (renderer.exitCode() < 0) { // stopped during ARP: scripts still get their one result
                    renderer.accept(new Event.Result(synack.time.Clock.SYSTEM.nowMicros(), synack.event.Verdict.INTERRUPTED, List.of(),
                            "interrupted before the sweep began", Map.of("ok", false, "error", "interrupted")));
                }
                return renderer.exitCode();
            }
            TcpRun.guardAgainstKernelRst(session, owns, sport);
            SynSweep sweep = new SynSweep(new SynSweep.Path(first.via().mac(), first.source(), sport, owns), space, hops, why,
                    new SynSweep.Settings(plan.rate(), plan.retries(), plan.waitMicros(), plan.shard(), seed, plan.show(),
                            live.verbose.length > 0), new SipHash(RANDOM.nextLong(), RANDOM.nextLong()));
            progress.watch(sweep);
            return session.run(sweep, progress::tick);
        }
    }

    /**
     * Which targets are not probed, and why. They stay in the probe space (shards elsewhere must
     * number the same hosts). Broadcast and multicast addresses are never probed: no one host
     * answers. This host's own addresses (and 127.0.0.0/8), which the kernel routes through lo,
     * are probed — through lo — when they are all there is to sweep (syn-probe 127.0.0.1 -p-,
     * syn-probe 198.18.1.2 --top-ports 100: the user asks about this host's own ports); in a
     * sweep that also holds other hosts they are left out, as one capture serves one interface
     * and the user is asking about the network.
     */
    static String[] leftOut(List<Route> routes) {
        String[] why = new String[routes.size()];
        boolean onlyLoopback = true;
        for (int i = 0; i < why.length; i++) {
            Route r = routes.get(i);
            if (r.type() == Route.Type.BROADCAST || r.type() == Route.Type.MULTICAST) {
                why[i] = r.type() == Route.Type.BROADCAST ? "a broadcast address" : "a multicast address";
            } else if (!r.loopback()) {
                onlyLoopback = false;
            }
        }
        for (int i = 0; i < why.length && !onlyLoopback; i++) {
            if (why[i] == null && routes.get(i).loopback()) {
                why[i] = "this host's own address";
            }
        }
        return why;
    }

    private static String header(Plan plan, ProbeSpace space, Route first, int sport, long seed) {
        return String.format(Locale.ROOT, "syn-probe %s × %s = %,d probes%s from %s:%d %s — at most %,d SYN/s, %d retr%s, order seed %s",
                space.hostCount() == 1 ? Ip4.toString(space.host(0)) : String.format(Locale.ROOT, "%,d hosts", space.hostCount()),
                space.portCount() == 1 ? "port " + plan.portsText() : String.format(Locale.ROOT, "%,d ports", space.portCount()),
                space.size(), plan.shard().isWhole() ? "" : String.format(Locale.ROOT, ", shard %s asks %,d", plan.shard(),
                        plan.shard().sizeOf(space.size())),
                Ip4.toString(first.source()), sport, first.describe(), plan.rate(), plan.retries(), plan.retries() == 1 ? "y" : "ies",
                Long.toUnsignedString(seed));
    }

    /** Shards that were given no seed agree on one: a hash of the hosts and ports they all sweep. */
    static long seedOf(Plan plan) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (int x : plan.hosts()) {
            h = (h ^ x) * 0x100000001b3L;
        }
        h = (h ^ 0x5eed) * 0x100000001b3L;
        for (int x : plan.ports()) {
            h = (h ^ x) * 0x100000001b3L;
        }
        return h;
    }

    /** Each host's next-hop MAC (null for a host on the link that did not answer ARP); null when there is none at all. */
    private static MacAddress[] nextHops(LiveSession session, List<Route> routes, Renderer renderer) {
        Set<Integer> hopIps = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r != null) {
                hopIps.add(r.nextHop());
            }
        }
        Route anyRoute = routes.stream().filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        Map<Integer, MacAddress> macs = new LinkedHashMap<>();
        if (!anyRoute.needsArp()) { // through lo: zero MACs for every host, told once
            MacAddress mac = TcpRun.tellNoArp(session, anyRoute);
            MacAddress[] out = new MacAddress[routes.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = routes.get(i) == null ? null : mac;
            }
            return out;
        }
        if (hopIps.size() == 1) {
            MacAddress mac = TcpRun.resolveNextHop(session, anyRoute, renderer);
            if (mac == null) {
                return null;
            }
            macs.put(anyRoute.nextHop(), mac);
        } else {
            Route first = anyRoute;
            List<Integer> toAsk = new ArrayList<>();
            for (int ip : hopIps) {
                MacAddress cached = SessionCaches.neighbour(ip);
                if (cached != null) {
                    macs.put(ip, cached);
                } else {
                    toAsk.add(ip);
                }
            }
            if (!toAsk.isEmpty()) {
                ArpResolve arp = new ArpResolve(first.via().mac(), first.source(), toAsk, new ArpResolve.Settings(3, 1_000_000, 1_000_000,
                        1_000), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, true);
                Event.Result r = session.phase(arp, String.format(Locale.ROOT, "ARP %,d on-link target%s and next hops", toAsk.size(),
                        toAsk.size() == 1 ? "" : "s"));
                if (r == null || r.verdict() == synack.event.Verdict.INTERRUPTED) {
                    return null;
                }
                for (int ip : toAsk) {
                    ArpResolve.Entry e = arp.entry(ip);
                    if (e != null && e.state() == NeighbourState.REACHABLE && e.mac() != null) {
                        macs.put(ip, e.mac());
                        SessionCaches.learned(ip, e.mac());
                    }
                }
            }
            if (macs.isEmpty()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", false);
                f.put("error", "no target or next hop answered ARP");
                renderer.accept(new Event.Result(synack.time.Clock.SYSTEM.nowMicros(), synack.event.Verdict.NO_ANSWER,
                        List.of("no target or next hop answered ARP: nothing can be sent"), null, f));
                return null;
            }
        }
        MacAddress[] out = new MacAddress[routes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = routes.get(i) == null ? null : macs.get(routes.get(i).nextHop());
        }
        return out;
    }
}
