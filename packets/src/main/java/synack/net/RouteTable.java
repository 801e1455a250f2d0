package synack.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's main IPv4 routing table as /proc/net/route shows it (for the reader's own network
 * namespace), and the kernel's choice among its entries: the longest matching prefix, then the
 * lowest metric. Policy rules (ip rule) and other tables are not consulted.
 */
public final class RouteTable {
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    /** One row: destination/prefix via gateway (0 when the destination is on the link) on an interface. */
    public record Entry(String interfaceName, int destination, int prefixLength, int gateway, int metric, boolean up) {
        public boolean viaGateway() {
            return gateway != 0;
        }

        boolean matches(int address) {
            int mask = synack.wire.Ip4.mask(prefixLength);
            return (address & mask) == (destination & mask);
        }
    }

    private final List<Entry> entries;

    public RouteTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static RouteTable read() {
        try {
            return parse(Files.readString(Path.of("/proc/net/route")));
        } catch (IOException e) {
            throw new EnvironmentException("cannot read the routing table (/proc/net/route): " + e.getMessage(), e);
        }
    }

    /** Parses /proc/net/route: addresses are little-endian hex, as the kernel prints them on x86. */
    public static RouteTable parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            int dst = fromProc(f[1]);
            int gw = fromProc(f[2]);
            int flags = Integer.parseInt(f[3], 16);
            int metric = Integer.parseInt(f[6]);
            int mask = fromProc(f[7]);
            int flagsGateway = (flags & RTF_GATEWAY) != 0 ? gw : 0;
            entries.add(new Entry(f[0], dst, Integer.bitCount(mask), flagsGateway, metric, (flags & RTF_UP) != 0));
        }
        return new RouteTable(entries);
    }

    private static int fromProc(String hex) {
        return Integer.reverseBytes((int) Long.parseLong(hex, 16));
    }

    public Optional<Entry> lookup(int destination) {
        Entry best = null;
        for (Entry e : entries) {
            if (!e.up() || !e.matches(destination)) {
                continue;
            }
            if (best == null || e.prefixLength() > best.prefixLength()
                    || (e.prefixLength() == best.prefixLength() && e.metric() < best.metric())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The best route to {@code destination} that leaves through {@code interfaceName} (for -i). */
    public Optional<Entry> lookupVia(String interfaceName, int destination) {
        List<Entry> on = entries.stream().filter(e -> e.interfaceName().equals(interfaceName)).toList();
        return new RouteTable(on).lookup(destination);
    }

    public List<Entry> entries() {
        return entries;
    }
}
