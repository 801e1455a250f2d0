package synack.cli.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.cli.LiveFlow;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.UsageProblem;
import synack.cli.render.Renderer;
import synack.event.Durations;
import synack.exchange.Exchange;
import synack.exchange.arp.ArpResolve;
import synack.exchange.ndp.DuplicateAddressProbe;
import synack.exchange.ndp.NdpCaptureFilter;
import synack.exchange.ndp.NdpResolve;
import synack.exchange.ndp.RouterDiscovery;
import synack.net.LocalInterface;
import synack.net.Route;
import synack.oui.OuiRegistry;
import synack.wire.IpAddress;

/**
 * The IPv6 half of arp-resolve (and ndp-resolve): neighbour solicitation for addresses (RFC
 * 4861 7.2), duplicate-address detection for --probe (RFC 4862 5.4), router solicitation for
 * --routers (RFC 4861 6.3.7). Like ARP, all of it is of the link only: the route's interface,
 * no next hop.
 */
final class NeighbourDiscovery {
    /** What the user gave of arp-resolve's timing options (null: the RFC's default for the exchange). */
    record Timing(Integer count, Long intervalMicros, Long timeoutMicros, long listenMicros) {}

    private final LiveRun run;
    private final Renderer renderer;
    private final LiveOptions live;
    private final List<String> targets;
    private final boolean routers;
    private final boolean probe;
    private final Timing timing;

    NeighbourDiscovery(LiveRun run, Renderer renderer, LiveOptions live, List<String> targets, boolean routers, boolean probe,
                       Timing timing) {
        this.run = run;
        this.renderer = renderer;
        this.live = live;
        this.targets = targets;
        this.routers = routers;
        this.probe = probe;
        this.timing = timing;
    }

    int run() {
        if (live.source != null) {
            throw new UsageProblem("-S " + live.source + (live.source.ipv6() ? ":" : " is an IPv4 address:")
                    + " neighbour discovery speaks from the interface's own IPv6 address (leave out -S)");
        }
        return routers ? routers() : probe ? probe() : resolve();
    }

    /** The targets, every one an IPv6 address (a prefix is no sweep here: a /64 holds 2^64 addresses). */
    private List<IpAddress> addresses() {
        List<IpAddress> out = new ArrayList<>();
        for (String t : targets) {
            if (t.indexOf(':') < 0) {
                throw new UsageProblem("'" + t + "' is IPv4 and the others IPv6: one family per run (ARP or neighbour discovery)");
            }
            if (t.contains("/")) {
                throw new UsageProblem("'" + t + "': an IPv6 prefix is not swept (a /64 holds 2^64 addresses): give the addresses");
            }
            IpAddress a;
            try {
                a = IpAddress.parse(t);
            } catch (IllegalArgumentException e) {
                throw new UsageProblem(e.getMessage());
            }
            if (a.isMulticast()) {
                throw new UsageProblem(a + " is multicast: it maps to a MAC (33:33 + its last 32 bits), nobody resolves it");
            }
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The route to the first target: the link it is on (a link-local address needs -i: every link has fe80::/64). */
    private Route route(IpAddress target) {
        if (target.isLinkLocal() && live.interfaceName == null) {
            throw new UsageProblem(target + " is link-local: every link has fe80::/64, so name the link with -i IFACE");
        }
        Route r = run.host().routing().resolve(target, live.interfaceName, null);
        if (r.loopback()) {
            LocalInterface holder = holderOf(target);
            if (!probe || holder == null) {
                throw new UsageProblem(target + " is this host's own address" + (holder != null ? " on " + holder.name() : "")
                        + " (the kernel routes it through lo, where there is no neighbour discovery)"
                        + (holder != null ? "; to ask whether another host claims it too: ndp-resolve --probe " + target : ""));
            }
            return onLink(holder, target, "our own address on " + holder.name());
        }
        if (!r.onLink()) {
            throw new UsageProblem(target + " is not on a directly attached network (" + r.how() + "): neighbour discovery reaches"
                    + " only the local link; resolve the next hop instead: ndp-resolve " + r.nextHopAddress()
                    + (r.nextHopAddress().isLinkLocal() ? " -i " + r.via().name() : ""));
        }
        return r;
    }

    private LocalInterface holderOf(IpAddress target) {
        if (live.interfaceName != null) {
            return run.host().interfaceNamed(live.interfaceName).requireUp();
        }
        return run.host().interfaces().stream().filter(i -> !i.loopback())
                .filter(i -> i.ipv6Addresses().stream().anyMatch(a -> a.ip().equals(target))).findFirst().orElse(null);
    }

    private static Route onLink(LocalInterface via, IpAddress target, String how) {
        IpAddress source = via.linkLocal6() != null ? via.linkLocal6() : IpAddress.parse("::");
        return new Route(via, source, target, target, true, how, Route.Type.UNICAST, via.mtu(), Route.mssFor6(via.mtu()));
    }

    private int resolve() {
        List<IpAddress> addresses = addresses();
        Route route = route(addresses.get(0));
        int count = timing.count() != null ? timing.count() : NdpResolve.MAX_MULTICAST_SOLICIT;
        long interval = timing.intervalMicros() != null ? timing.intervalMicros() : NdpResolve.RETRANS_TIMER_MICROS;
        long wait = timing.timeoutMicros() != null ? timing.timeoutMicros() : NdpResolve.RETRANS_TIMER_MICROS;
        List<byte[]> asked = new ArrayList<>();
        for (IpAddress a : addresses) {
            asked.add(a.bytes());
        }
        OuiRegistry oui = new OuiRegistry(OuiRegistry.DEFAULT_FILE);
        NdpResolve exchange = new NdpResolve(route.via().mac(), route.sourceAddress().bytes(), asked,
                new ArpResolve.Settings(count, interval, wait, 0, timing.listenMicros()), oui::vendorOf, false);
        String plan = count == 1 ? "1 solicitation, then wait " + Durations.human(wait)
                : "up to " + count + " solicitations " + Durations.human(interval) + " apart, then wait " + Durations.human(wait);
        String header = "ndp-resolve " + String.join(" ", targets) + " " + route.describe() + " — " + plan;
        return runLive(route, NdpCaptureFilter.resolve(), header, fields(route), exchange);
    }

    private int probe() {
        List<IpAddress> addresses = addresses();
        if (addresses.size() != 1) {
            throw new UsageProblem("--probe takes exactly one address");
        }
        IpAddress target = addresses.get(0);
        Route route = route(target);
        DuplicateAddressProbe.Settings rfc = DuplicateAddressProbe.Settings.rfc4862();
        DuplicateAddressProbe.Settings s = new DuplicateAddressProbe.Settings(timing.count() != null ? timing.count() : rfc.count(),
                timing.intervalMicros() != null ? timing.intervalMicros() : rfc.intervalMicros());
        String header = "ndp-resolve --probe " + target + " via " + route.via().name() + " (" + route.via().mac() + ") — "
                + s.count() + " RFC 4862 duplicate-address probe" + (s.count() == 1 ? "" : "s") + " from ::"
                + (s.count() == 1 ? "" : ", " + Durations.human(s.intervalMicros()) + " apart") + ", then wait "
                + Durations.human(s.intervalMicros());
        return runLive(route, NdpCaptureFilter.duplicateAddressProbe(), header, fields(route),
                new DuplicateAddressProbe(route.via().mac(), target.bytes(), s));
    }

    private int routers() {
        if (live.interfaceName == null) {
            throw new UsageProblem("--routers asks the routers of one link: name it with -i IFACE");
        }
        LocalInterface via = run.host().interfaceNamed(live.interfaceName).requireUp();
        if (via.loopback()) {
            throw new UsageProblem(via.name() + " is loopback: it has no routers to ask");
        }
        IpAddress allRouters = IpAddress.parse("ff02::2");
        Route route = onLink(via, allRouters, "all routers on " + via.name());
        RouterDiscovery.Settings rfc = RouterDiscovery.Settings.rfc4861();
        RouterDiscovery.Settings s = new RouterDiscovery.Settings(timing.count() != null ? timing.count() : rfc.count(),
                timing.intervalMicros() != null ? timing.intervalMicros() : rfc.intervalMicros(),
                timing.timeoutMicros() != null ? timing.timeoutMicros() : rfc.lastWaitMicros(), rfc.settleMicros());
        String header = "ndp-resolve --routers on " + via.name() + " (" + route.sourceAddress() + ", " + via.mac() + ") — up to "
                + s.count() + " router solicitation" + (s.count() == 1 ? "" : "s") + " " + Durations.human(s.intervalMicros()) + " apart";
        OuiRegistry oui = new OuiRegistry(OuiRegistry.DEFAULT_FILE);
        return runLive(route, NdpCaptureFilter.routerDiscovery(), header, fields(route),
                new RouterDiscovery(via.mac(), route.sourceAddress().bytes(), s, oui::vendorOf));
    }

    private static Map<String, Object> fields(Route route) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("interface", route.via().name());
        f.put("source", route.sourceAddress().toString());
        f.put("mac", route.via().mac().toString());
        return f;
    }

    /** Neighbour discovery is of the link only: the frames on the route's interface, no next hop to ask. */
    private int runLive(Route route, String filter, String header, Map<String, Object> fields, Exchange exchange) {
        return run.run(LiveFlow.onSegment(route).capture(end -> filter).header(end -> header, end -> fields), renderer, path -> exchange);
    }
}
