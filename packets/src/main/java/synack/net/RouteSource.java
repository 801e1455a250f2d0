package synack.net;

import java.util.ArrayList;
import java.util.List;
import synack.wire.IpAddress;

/**
 * Where the routing decision comes from: the kernel asked with {@code ip -j route get}
 * ({@link IpRouteGet}), or — only where iproute2 is not installed — the main table read from
 * /proc/net/route ({@link ProcNetRoute}).
 */
public interface RouteSource {
    /**
     * The route to {@code destination}, as the kernel would choose it for a packet from
     * {@code from} (null: any of ours) leaving by {@code oif} (null: the kernel chooses).
     *
     * @throws EnvironmentException when there is no route (the CLI's exit 3, one line)
     */
    KernelRoute get(IpAddress destination, IpAddress from, String oif);

    /** The routes to many destinations in order, failing as {@link #get} does at the first without one. */
    default List<KernelRoute> getAll(List<IpAddress> destinations, IpAddress from, String oif) {
        List<KernelRoute> out = new ArrayList<>(destinations.size());
        for (IpAddress d : destinations) {
            out.add(get(d, from, oif));
        }
        return out;
    }
}
