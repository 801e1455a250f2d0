package synack.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.arp.ArpResolve;
import synack.exchange.arp.NeighbourState;
import synack.net.Route;
import synack.oui.OuiRegistry;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.exchange.ndp.NdpResolve;
import synack.wire.MacAddress;

/**
 * The MAC our frames go to, found before the exchange: asked with ARP (IPv4) or a neighbour
 * solicitation (IPv6) as a phase of the story, taken from the run's memory when the neighbour
 * answered recently (the shell, both families), or known without
 * asking (lo's zero MACs, broadcast, multicast) and told as such.
 */
final class NextHops {
    private NextHops() {}

    /** Tells the phase that needs no ARP (NoArpNeeded) and returns the MAC the frames carry. */
    static MacAddress tellNoArp(LiveSession session, Route route) {
        session.tell(synack.exchange.arp.NoArpNeeded.note(session.now(), route));
        return route.nextHopMac();
    }

    /** The route's next hop, ARPed as the first phase; null (and a negative result told) when it does not answer, or on Ctrl-C. */
    static MacAddress one(LiveSession session, Route route, Renderer renderer, SessionMemory memory) {
        if (!route.needsArp()) {
            return tellNoArp(session, route);
        }
        MacAddress cached = fromMemory(session, route, memory);
        if (cached != null) {
            return cached;
        }
        if (route.ipv6()) {
            return oneByNdp(session, route, renderer, memory);
        }
        ArpResolve arp = new ArpResolve(route.via().mac(), route.source(), List.of(route.nextHop()),
                new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, false);
        Event.Result r = session.phase(arp, route.onLink() ? "ARP " + Ip4.toString(route.nextHop())
                : "ARP next hop " + Ip4.toString(route.nextHop()) + " (gateway)");
        if (r == null || !r.ok()) {
            if (r != null && r.verdict() != Verdict.INTERRUPTED) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", false);
                f.put("error", "next hop " + Ip4.toString(route.nextHop()) + " did not answer ARP");
                // OUTPUT.md: no ARP reply is a negative answer (1), as arp-resolve says it
                renderer.accept(new Event.Result(r.timeMicros(), Verdict.NEGATIVE,
                        List.of("next hop " + Ip4.toString(route.nextHop()) + " did not answer ARP: nothing can be sent"), null, f));
            }
            return null;
        }
        memory.learnedNeighbour(route.nextHopAddress(), route.via().name(), arp.entry(route.nextHop()).mac());
        return arp.entry(route.nextHop()).mac();
    }

    /**
     * Over IPv6 the next hop's MAC is asked with a neighbour solicitation (RFC 4861 7.2) as a
     * phase of the story: to the router's link-local address the kernel learned from its router
     * advertisement, or to the host itself on the link.
     */
    private static MacAddress oneByNdp(LiveSession session, Route route, Renderer renderer, SessionMemory memory) {
        IpAddress hop = route.nextHopAddress();
        NdpResolve ndp = new NdpResolve(route.via().mac(), route.sourceAddress().bytes(), List.of(hop.bytes()),
                new ArpResolve.Settings(NdpResolve.MAX_MULTICAST_SOLICIT, NdpResolve.RETRANS_TIMER_MICROS,
                        NdpResolve.RETRANS_TIMER_MICROS, 0), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, false);
        Event.Result r = session.phase(ndp, route.onLink() ? "NDP " + hop : "NDP next hop " + hop + " (router)");
        NdpResolve.Entry e = ndp.entry(hop.bytes());
        if (r == null || !r.ok() || e == null || e.mac() == null) {
            if (r != null && r.verdict() != Verdict.INTERRUPTED) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", false);
                f.put("error", "next hop " + hop + " did not answer neighbour solicitation");
                // OUTPUT.md: no answer to neighbour discovery is a negative answer (1), as ARP's is
                renderer.accept(new Event.Result(r.timeMicros(), Verdict.NEGATIVE,
                        List.of("next hop " + hop + " did not answer neighbour solicitation: nothing can be sent"), null, f));
            }
            return null;
        }
        memory.learnedNeighbour(hop, route.via().name(), e.mac());
        return e.mac();
    }

    /**
     * The next hop's MAC from the run's memory (the shell), told as such, or null. A remembered
     * neighbour is one that answered within the last 30 s: the kernel's REACHABLE (RFC 4861's
     * REACHABLE_TIME, Linux's base_reachable_time), used without asking as the kernel uses a
     * REACHABLE entry; an older one would be STALE, and is asked again.
     */
    private static MacAddress fromMemory(LiveSession session, Route route, SessionMemory memory) {
        IpAddress hop = route.nextHopAddress();
        String link = route.via().name();
        MacAddress cached = memory.neighbour(hop, link);
        if (cached != null) {
            session.tell(synack.exchange.arp.NeighbourCacheNote.note(session.now(), hop, link, cached, memory.neighbourAgeMicros(hop, link)));
        }
        return cached;
    }

    /**
     * Each route's next-hop MAC (null for a route left out, or a host on the link that did not
     * answer); null when there is none at all (told) or on Ctrl-C. One next hop for all is
     * asked as {@link #one} asks it; several are asked together in one phase: ARP over IPv4,
     * neighbour solicitations over IPv6 (a sweep of on-link hosts).
     */
    static MacAddress[] many(LiveSession session, List<Route> routes, Renderer renderer, SessionMemory memory) {
        Set<IpAddress> hops = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r != null) {
                hops.add(r.nextHopAddress());
            }
        }
        Route anyRoute = routes.stream().filter(Objects::nonNull).findFirst().orElseThrow();
        Map<IpAddress, MacAddress> macs = new LinkedHashMap<>();
        if (!anyRoute.needsArp()) { // through lo: zero MACs for every host, told once
            MacAddress mac = tellNoArp(session, anyRoute);
            MacAddress[] out = new MacAddress[routes.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = routes.get(i) == null ? null : mac;
            }
            return out;
        }
        if (hops.size() == 1) {
            MacAddress mac = one(session, anyRoute, renderer, memory);
            if (mac == null) {
                return null;
            }
            macs.put(anyRoute.nextHopAddress(), mac);
        } else {
            boolean asked = anyRoute.ipv6() ? askByNdp(session, anyRoute, hops, macs, memory) : askByArp(session, anyRoute, hops, macs, memory);
            if (!asked) {
                return null;
            }
            if (macs.isEmpty()) {
                String protocol = anyRoute.ipv6() ? "neighbour solicitation" : "ARP";
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", false);
                f.put("error", "no target or next hop answered " + protocol);
                // OUTPUT.md: no ARP reply is a negative answer (1), for one next hop or all of a sweep's
                renderer.accept(new Event.Result(session.now(), Verdict.NEGATIVE,
                        List.of("no target or next hop answered " + protocol + ": nothing can be sent"), null, f));
                return null;
            }
        }
        MacAddress[] out = new MacAddress[routes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = routes.get(i) == null ? null : macs.get(routes.get(i).nextHopAddress());
        }
        return out;
    }

    /** Several IPv4 next hops: the shell's memory first, the rest in one ARP phase; false on Ctrl-C. */
    private static boolean askByArp(LiveSession session, Route anyRoute, Set<IpAddress> hops, Map<IpAddress, MacAddress> macs,
                                    SessionMemory memory) {
        List<Integer> toAsk = new ArrayList<>();
        for (IpAddress hop : hops) {
            int ip = hop.v4();
            MacAddress cached = memory.neighbour(hop, anyRoute.via().name());
            if (cached != null) {
                macs.put(hop, cached);
            } else {
                toAsk.add(ip);
            }
        }
        if (toAsk.isEmpty()) {
            return true;
        }
        ArpResolve arp = new ArpResolve(anyRoute.via().mac(), anyRoute.source(), toAsk, new ArpResolve.Settings(3, 1_000_000,
                1_000_000, 1_000), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, true);
        Event.Result r = session.phase(arp, String.format(Locale.ROOT, "ARP %,d on-link target%s and next hops", toAsk.size(),
                toAsk.size() == 1 ? "" : "s"));
        if (r == null || r.verdict() == Verdict.INTERRUPTED) {
            return false;
        }
        for (int ip : toAsk) {
            ArpResolve.Entry e = arp.entry(ip);
            if (e != null && e.state() == NeighbourState.REACHABLE && e.mac() != null) {
                macs.put(IpAddress.of(ip), e.mac());
                memory.learnedNeighbour(IpAddress.of(ip), anyRoute.via().name(), e.mac());
            }
        }
        return true;
    }

    /**
     * Several IPv6 next hops (hosts on the link, and perhaps a router): one phase of neighbour
     * solicitations (RFC 4861 7.2), each to its solicited-node multicast address, paced as
     * arp-resolve's sweep; false on Ctrl-C.
     */
    private static boolean askByNdp(LiveSession session, Route anyRoute, Set<IpAddress> hops, Map<IpAddress, MacAddress> macs,
                                    SessionMemory memory) {
        String link = anyRoute.via().name();
        List<byte[]> toAsk = new ArrayList<>();
        List<IpAddress> asked = new ArrayList<>();
        for (IpAddress hop : hops) {
            MacAddress cached = memory.neighbour(hop, link);
            if (cached != null) {
                macs.put(hop, cached);
            } else {
                toAsk.add(hop.bytes());
                asked.add(hop);
            }
        }
        if (toAsk.isEmpty()) {
            return true;
        }
        NdpResolve ndp = new NdpResolve(anyRoute.via().mac(), anyRoute.sourceAddress().bytes(), toAsk,
                new ArpResolve.Settings(NdpResolve.MAX_MULTICAST_SOLICIT, NdpResolve.RETRANS_TIMER_MICROS,
                        NdpResolve.RETRANS_TIMER_MICROS, 1_000), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, true);
        Event.Result r = session.phase(ndp, String.format(Locale.ROOT, "NDP %,d on-link target%s and next hops", toAsk.size(),
                toAsk.size() == 1 ? "" : "s"));
        if (r == null || r.verdict() == Verdict.INTERRUPTED) {
            return false;
        }
        for (IpAddress hop : asked) {
            NdpResolve.Entry e = ndp.entry(hop.bytes());
            if (e != null && e.state() == NeighbourState.REACHABLE && e.mac() != null) {
                macs.put(hop, e.mac());
                memory.learnedNeighbour(hop, link, e.mac());
            }
        }
        return true;
    }
}
