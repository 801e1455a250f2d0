package synack.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntPredicate;
import synack.wire.Ip4;

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
    private final IntPredicate hostHolds;
    private final Map<String, LocalInterface> seen = new HashMap<>();

    /**
     * @param interfaces reads an interface by name (failing with the user's one line)
     * @param hostHolds whether an address is this host's own (the kernel's local table)
     */
    public Routing(RouteSource kernel, Function<String, LocalInterface> interfaces, IntPredicate hostHolds) {
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

    /**
     * @param interfaceName null to let the kernel choose
     * @param source null to let the kernel choose
     */
    public Route resolve(int destination, String interfaceName, Integer source) {
        Integer from = checked(interfaceName, source);
        return route(kernel.get(destination, from, interfaceName), destination, source, from);
    }

    /** {@link #resolve} for many destinations at once (one ip process), in order. */
    public List<Route> resolveAll(List<Integer> destinations, String interfaceName, Integer source) {
        Integer from = checked(interfaceName, source);
        List<KernelRoute> answers = kernel.getAll(destinations, from, interfaceName);
        List<Route> out = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            out.add(route(answers.get(i), destinations.get(i), source, from));
        }
        return out;
    }

    /** Whether {@code ip} is one of this host's own addresses (so the kernel answers for it). */
    public boolean hostHolds(int ip) {
        return hostHolds.test(ip);
    }

    /** -i must name an interface that is up; -S is asked about only when it is ours. */
    private Integer checked(String interfaceName, Integer source) {
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

    private Route route(KernelRoute k, int destination, Integer source, Integer from) {
        LocalInterface via = iface(k.dev()).requireUp();
        Integer src = source != null ? source : k.prefsrc() != null ? k.prefsrc() : k.from();
        if (src == null) {
            if (via.addresses().isEmpty()) {
                throw new EnvironmentException("interface " + via.name() + " has no IPv4 address; give one with -S/--source");
            }
            src = via.addresses().get(0).ip();
        }
        Route.Type type = switch (k.type()) {
            case KernelRoute.UNICAST -> Route.Type.UNICAST;
            case "local" -> Route.Type.LOCAL;
            case "broadcast" -> Route.Type.BROADCAST;
            case "multicast" -> Route.Type.MULTICAST;
            default -> Route.Type.OTHER;
        };
        int nextHop = k.gateway() != null ? k.gateway() : destination;
        int mtu = k.mtu() > 0 ? k.mtu() : via.mtu();
        int mss = k.advmss() > 0 ? Math.min(k.advmss(), Route.mssFor(mtu)) : Route.mssFor(mtu);
        String how = k.how() + (source != null && from == null
                ? "; -S " + Ip4.toString(source) + " is no address of this host, so this is the route for the kernel's own source" : "");
        return new Route(via, src, destination, nextHop, k.gateway() == null, how, type, mtu, mss);
    }
}
