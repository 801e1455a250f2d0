package synack.net;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import synack.wire.Ip4;

/**
 * Chooses interface, source address and next hop for a destination the way the kernel does:
 * the routing table picks interface and gateway; the kernel itself picks the source (we ask it
 * by connecting a UDP socket, which sends nothing). -i and -S override.
 */
public final class Routing {
    private final RouteTable table;

    public Routing(RouteTable table) {
        this.table = table;
    }

    public static Routing fromKernel() {
        return new Routing(RouteTable.read());
    }

    /**
     * @param interfaceName null to let the routing table choose
     * @param source null to let the kernel choose
     */
    public Route resolve(int destination, String interfaceName, Integer source) {
        if (interfaceName != null) {
            return resolveOn(LocalInterface.byName(interfaceName).requireUp(), destination, source);
        }
        RouteTable.Entry entry = table.lookup(destination).orElseThrow(() -> new EnvironmentException(
                "no route to " + Ip4.toString(destination) + " (see: ip route; or choose an interface with -i)"));
        LocalInterface via = LocalInterface.byName(entry.interfaceName()).requireUp();
        if (via.owns(destination)) {
            throw new EnvironmentException(Ip4.toString(destination) + " is this host's own address on " + via.name());
        }
        int src = source != null ? source : kernelSource(destination, via);
        int nextHop = entry.viaGateway() ? entry.gateway() : destination;
        String how = "route " + Ip4.toString(entry.destination()) + "/" + entry.prefixLength()
                + (entry.viaGateway() ? " via " + Ip4.toString(entry.gateway()) : "") + " dev " + via.name();
        return new Route(via, src, destination, nextHop, !entry.viaGateway(), how);
    }

    private Route resolveOn(LocalInterface via, int destination, Integer source) {
        LocalInterface.Address facing = via.addressFacing(destination);
        int src;
        if (source != null) {
            src = source;
        } else if (facing != null) {
            src = facing.ip();
        } else if (!via.addresses().isEmpty()) {
            src = via.addresses().get(0).ip();
        } else {
            throw new EnvironmentException("interface " + via.name() + " has no IPv4 address; give one with -S/--source");
        }
        if (facing != null) {
            return new Route(via, src, destination, destination, true, "subnet " + facing + " on " + via.name());
        }
        var entry = table.lookupVia(via.name(), destination);
        if (entry.isPresent() && entry.get().viaGateway()) {
            return new Route(via, src, destination, entry.get().gateway(), false,
                    "route via " + Ip4.toString(entry.get().gateway()) + " dev " + via.name());
        }
        return new Route(via, src, destination, destination, true, "assumed on-link on " + via.name() + " (-i)");
    }

    /** The source address the kernel would use; connecting a UDP socket sends nothing. */
    private static int kernelSource(int destination, LocalInterface via) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(Ip4.toInet(destination), 9));
            int src = Ip4.fromInet(probe.getLocalAddress());
            if (src == 0) {
                throw new EnvironmentException("no route to " + Ip4.toString(destination));
            }
            return src;
        } catch (IOException | IllegalArgumentException e) {
            if (!via.addresses().isEmpty()) {
                return via.addresses().get(0).ip();
            }
            throw new EnvironmentException("no route to " + Ip4.toString(destination) + ": " + e.getMessage(), e);
        }
    }
}
