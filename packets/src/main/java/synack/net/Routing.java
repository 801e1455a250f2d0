package synack.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import synack.wire.IpAddress;

/**
 * Chooses interface, source address, next hop and MTU for a destination by asking the kernel
 * ({@code ip -j route get}, see {@link IpRouteGet}): its local table, policy rules and route
 * metrics decide, as they would for a socket of ours. -i becomes {@code oif}; -S becomes
 * {@code from} when it is one of this host's addresses (an address no interface holds cannot be
 * asked about: the route is then the one for the kernel's own source, and -S is used on it).
 * Only where iproute2 is missing does /proc/net/route decide ({@link ProcNetRoute}), and says so.
 */
public final class Routing {
    private static Optional<IpRouteGet> ip;

    private final RouteSource kernel;
    private final Function<String, LocalInterface> interfaces;
    private final Predicate<IpAddress> hostHolds;
    private final Map<String, LocalInterface> seen = new HashMap<>();

    /**
     * @param interfaces reads an interface by name (failing with the user's one line)
     * @param hostHolds whether an address is this host's own (the kernel's local table)
     */
    public Routing(RouteSource kernel, Function<String, LocalInterface> interfaces, Predicate<IpAddress> hostHolds) {
        this.kernel = kernel;
        this.interfaces = interfaces;
        this.hostHolds = hostHolds;
    }

    public static synchronized Routing fromKernel() {
        if (ip == null) {
            ip = IpRouteGet.find();
        }
        RouteSource source = ip.isPresent() ? ip.get() : ProcNetRoute.read();
        return new Routing(source, LocalInterface::byName, LocalInterface::hostHolds);
    }

    /** The kernel's own answer for {@code destination}, without -S or -i: what {@link #knowing} is given. */
    public KernelRoute ask(IpAddress destination) {
        return kernel.get(destination, null, null);
    }

    /**
     * This routing with one answer known already: {@code destination}'s route as the kernel chose it
     * without -S or -i, asked moments before (by a one-liner's warm-up thread while its command line is
     * parsed: one process fewer on the way to the first frame); every other question goes to the kernel.
     */
    public Routing knowing(IpAddress destination, KernelRoute answer) {
        return new Routing(new Known(kernel, destination, answer), interfaces, hostHolds);
    }

    /** A route source that answers one question from what it was told (fields compared: a record's equals bootstraps). */
    private static final class Known implements RouteSource {
        private final RouteSource kernel;
        private final IpAddress destination;
        private final KernelRoute answer;

        Known(RouteSource kernel, IpAddress destination, KernelRoute answer) {
            this.kernel = kernel;
            this.destination = destination;
            this.answer = answer;
        }

        @Override
        public KernelRoute get(IpAddress d, IpAddress from, String oif) {
            boolean same = from == null && oif == null && d.ipv6() == destination.ipv6() && d.high() == destination.high()
                    && d.low() == destination.low();
            return same ? answer : kernel.get(d, from, oif);
        }

        @Override
        public java.util.List<KernelRoute> getAll(java.util.List<IpAddress> destinations, IpAddress from, String oif) {
            return kernel.getAll(destinations, from, oif); // many at once: the kernel's one process, as without
        }
    }

    /**
     * @param interfaceName null to let the kernel choose
     * @param source null to let the kernel choose
     */
    public Route resolve(IpAddress destination, String interfaceName, IpAddress source) {
        if (source != null && source.ipv6() != destination.ipv6()) {
            throw new EnvironmentException("-S " + source + " and " + destination + " are of different families:"
                    + " give a source of the destination's family");
        }
        IpAddress from = checked(interfaceName, source);
        return route(kernel.get(destination, from, interfaceName), destination, source, from);
    }

    /** {@link #resolve(IpAddress, String, IpAddress)} for IPv4 code. */
    public Route resolve(int destination, String interfaceName, Integer source) {
        return resolve(IpAddress.of(destination), interfaceName, source == null ? null : IpAddress.of(source));
    }

    /** {@link #resolve} for many IPv4 destinations at once (one ip process), in order. */
    public List<Route> resolveAll(List<Integer> destinations, String interfaceName, Integer source) {
        List<IpAddress> all = new ArrayList<>(destinations.size());
        for (int d : destinations) {
            all.add(IpAddress.of(d));
        }
        return resolveAllOf(all, interfaceName, source == null ? null : IpAddress.of(source));
    }

    /** {@link #resolve} for many destinations at once (one ip process), in order. */
    public List<Route> resolveAllOf(List<IpAddress> destinations, String interfaceName, IpAddress source) {
        IpAddress from = checked(interfaceName, source);
        List<KernelRoute> answers = kernel.getAll(destinations, from, interfaceName);
        List<Route> out = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            out.add(route(answers.get(i), destinations.get(i), source, from));
        }
        return out;
    }

    /** Whether {@code ip} is one of this host's own addresses (so the kernel answers for it). */
    public boolean hostHolds(IpAddress ip) {
        return hostHolds.test(ip);
    }

    /** -i must name an interface that is up; -S is asked about only when it is ours. */
    private IpAddress checked(String interfaceName, IpAddress source) {
        if (interfaceName != null) {
            iface(interfaceName).requireUp();
        }
        return source != null && hostHolds.test(source) ? source : null;
    }

    private LocalInterface iface(String name) {
        LocalInterface i = seen.get(name);
        if (i == null) {
            i = interfaces.apply(name);
            seen.put(name, i);
        }
        return i;
    }

    private Route route(KernelRoute k, IpAddress destination, IpAddress source, IpAddress from) {
        LocalInterface via = iface(k.dev()).requireUp();
        IpAddress src = source != null ? source : k.prefsrc() != null ? k.prefsrc() : k.from();
        if (src == null) {
            List<IpAddress> held = destination.ipv6() ? via.ipv6Addresses().stream().map(LocalInterface.Address6::ip).toList()
                    : via.addresses().stream().map(a -> IpAddress.of(a.ip())).toList();
            if (held.isEmpty()) {
                throw new EnvironmentException("interface " + via.name() + " has no " + (destination.ipv6() ? "IPv6" : "IPv4")
                        + " address; give one with -S/--source");
            }
            src = held.get(0);
        }
        Route.Type type = switch (k.type()) {
            case KernelRoute.UNICAST -> Route.Type.UNICAST;
            case "local" -> Route.Type.LOCAL;
            case "broadcast" -> Route.Type.BROADCAST;
            case "multicast" -> Route.Type.MULTICAST;
            default -> Route.Type.OTHER;
        };
        IpAddress nextHop = k.gateway() != null ? k.gateway() : destination;
        int mtu = k.mtu() > 0 ? k.mtu() : via.mtu();
        int mssOfMtu = destination.ipv6() ? Route.mssFor6(mtu) : Route.mssFor(mtu);
        int mss = k.advmss() > 0 ? Math.min(k.advmss(), mssOfMtu) : mssOfMtu;
        String how = k.how() + (source != null && from == null
                ? "; -S " + source + " is no address of this host, so this is the route for the kernel's own source" : "");
        return new Route(via, src, destination, nextHop, k.gateway() == null, how, type, mtu, mss);
    }
}
