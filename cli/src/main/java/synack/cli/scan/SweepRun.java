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
import synack.net.LocalInterface;
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
        Routing routing = Routing.fromKernel();
        // our own addresses stay in the probe space (shards elsewhere must number the same hosts)
        // but are not probed: the kernel, not the wire, would answer for them
        boolean[] own = ownAddresses(plan.hosts());
        List<Route> routes = new ArrayList<>(plan.hosts().size());
        Route first = null;
        for (int i = 0; i < plan.hosts().size(); i++) {
            int host = plan.hosts().get(i);
            if (own[i]) {
                routes.add(null);
                continue;
            }
            Route r = routing.resolve(host, live.interfaceName, live.source);
            if (first == null) {
                first = r;
            } else if (!r.via().name().equals(first.via().name()) || r.source() != first.source()) {
                throw new UsageProblem("targets " + Ip4.toString(first.destination()) + " and " + Ip4.toString(host)
                        + " leave by different interfaces or source addresses (" + first.via().name() + ", " + r.via().name()
                        + "): sweep them separately or choose one with -i");
            }
            routes.add(r);
        }
        if (first == null) {
            throw new UsageProblem("every target is one of this host's own addresses");
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
                    renderer.accept(new Event.Result(synack.exchange.Clock.SYSTEM.nowMicros(), ExitCodes.INTERRUPTED, List.of(),
                            "interrupted before the sweep began", Map.of("ok", false, "error", "interrupted")));
                }
                return renderer.exitCode();
            }
            String[] why = new String[hops.length];
            for (int i = 0; i < why.length; i++) {
                why[i] = own[i] ? "this host's own address" : null;
            }
            TcpRun.guardAgainstKernelRst(session, owns, sport);
            SynSweep sweep = new SynSweep(new SynSweep.Path(first.via().mac(), first.source(), sport, owns), space, hops, why,
                    new SynSweep.Settings(plan.rate(), plan.retries(), plan.waitMicros(), plan.shard(), seed, plan.show(),
                            live.verbose.length > 0), new SipHash(RANDOM.nextLong(), RANDOM.nextLong()));
            progress.watch(sweep);
            return session.run(sweep, progress::tick);
        }
    }

    /** Which targets are addresses of this host (any interface). */
    private static boolean[] ownAddresses(List<Integer> hosts) {
        List<LocalInterface> interfaces = new ArrayList<>();
        for (String name : LocalInterface.names()) {
            try {
                interfaces.add(LocalInterface.byName(name));
            } catch (RuntimeException e) {
                // not Ethernet (lo) or gone: it holds none of the targets we could send to
            }
        }
        boolean[] own = new boolean[hosts.size()];
        for (int i = 0; i < own.length; i++) {
            int h = hosts.get(i);
            own[i] = interfaces.stream().anyMatch(itf -> itf.owns(h));
        }
        return own;
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
                if (r == null || r.exitCode() == ExitCodes.INTERRUPTED) {
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
                renderer.accept(new Event.Result(synack.exchange.Clock.SYSTEM.nowMicros(), ExitCodes.NO_ANSWER,
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
