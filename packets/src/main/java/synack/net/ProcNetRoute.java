package synack.net;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/**
 * The fallback where iproute2 is not installed: the main table from /proc/net/route (longest
 * prefix, then lowest metric), 127.0.0.0/8 and the addresses our interfaces hold taken as local
 * (through lo), and the source the kernel would use asked of a connected UDP socket (which sends
 * nothing). Policy rules, other tables and route MTUs are not seen; every answer says so.
 */
public final class ProcNetRoute implements RouteSource {
    static final String CAVEAT = " (read from /proc/net/route: ip (iproute2) is not installed, so policy rules and route MTUs"
            + " are not consulted)";

    private final RouteTable table;
    private final Supplier<List<LocalInterface>> interfaces;
    private final Function<Integer, Integer> kernelSource;

    ProcNetRoute(RouteTable table, Supplier<List<LocalInterface>> interfaces, Function<Integer, Integer> kernelSource) {
        this.table = table;
        this.interfaces = interfaces;
        this.kernelSource = kernelSource;
    }

    public static ProcNetRoute read() {
        return new ProcNetRoute(RouteTable.read(), LocalInterface::readable, ProcNetRoute::kernelSource);
    }

    @Override
    public KernelRoute get(IpAddress to, IpAddress source, String oif) {
        if (to.ipv6()) {
            throw new EnvironmentException("no route to " + to + ": IPv6 routes are asked of the kernel with ip (iproute2),"
                    + " which is not installed (apt-get install iproute2)");
        }
        int destination = to.v4();
        Integer from = source == null ? null : source.v4();
        List<LocalInterface> all = interfaces.get();
        if ((destination >>> 24) == 127 || all.stream().anyMatch(i -> i.owns(destination))) {
            int src = from != null ? from : (destination >>> 24) == 127 ? Ip4.parse("127.0.0.1") : destination;
            return answer("local", destination, null, "lo", src, "local " + Ip4.toString(destination) + " dev lo");
        }
        if (oif != null) {
            LocalInterface via = all.stream().filter(i -> i.name().equals(oif)).findFirst().orElse(null);
            LocalInterface.Address facing = via == null ? null : via.addressFacing(destination);
            Integer src = from != null ? from : facing != null ? Integer.valueOf(facing.ip())
                    : via != null && !via.addresses().isEmpty() ? Integer.valueOf(via.addresses().get(0).ip()) : null;
            if (facing != null) {
                return answer(KernelRoute.UNICAST, destination, null, oif, src, "subnet " + facing + " on " + oif);
            }
            var entry = table.lookupVia(oif, destination);
            if (entry.isPresent() && entry.get().viaGateway()) {
                return answer(KernelRoute.UNICAST, destination, entry.get().gateway(), oif, src,
                        "route via " + Ip4.toString(entry.get().gateway()) + " dev " + oif);
            }
            return answer(KernelRoute.UNICAST, destination, null, oif, src, "assumed on-link on " + oif + " (-i)");
        }
        RouteTable.Entry entry = table.lookup(destination).orElseThrow(() -> new EnvironmentException(
                "no route to " + Ip4.toString(destination) + " in /proc/net/route (see: ip route; or choose an interface with -i;"
                        + " ip (iproute2) is not installed to ask the kernel itself)"));
        Integer src = from != null ? from : kernelSource.apply(destination);
        if (src == null) {
            src = all.stream().filter(i -> i.name().equals(entry.interfaceName()) && !i.addresses().isEmpty())
                    .map(i -> i.addresses().get(0).ip()).findFirst().orElse(null);
        }
        return answer(KernelRoute.UNICAST, destination, entry.viaGateway() ? entry.gateway() : null, entry.interfaceName(), src,
                "route " + Ip4.toString(entry.destination()) + "/" + entry.prefixLength()
                        + (entry.viaGateway() ? " via " + Ip4.toString(entry.gateway()) : "") + " dev " + entry.interfaceName());
    }

    private static KernelRoute answer(String type, int destination, Integer gateway, String dev, Integer src, String how) {
        return new KernelRoute(type, IpAddress.of(destination), gateway == null ? null : IpAddress.of(gateway), dev,
                src == null ? null : IpAddress.of(src), null, 0, 0, List.of(), how + CAVEAT);
    }

    /** The source address the kernel would use; connecting a UDP socket sends nothing. Null when it will not say. */
    private static Integer kernelSource(int destination) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(Ip4.toInet(destination), 9));
            int src = Ip4.fromInet(probe.getLocalAddress());
            return src == 0 ? null : src;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
