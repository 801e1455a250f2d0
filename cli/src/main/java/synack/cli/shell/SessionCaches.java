package synack.cli.shell;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import synack.cli.SessionMemory;
import synack.net.AddressFamily;
import synack.time.Clock;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * What the shell remembers between commands, as a host's kernel does: the neighbour cache and the
 * DNS answers (for their TTL), of both families. A neighbour that answered — an ARP reply, or a
 * neighbour advertisement (RFC 4861 7.2.5) — is trusted for 30 s, the time Linux keeps it
 * REACHABLE (base_reachable_time; RFC 4861's REACHABLE_TIME is the same 30 s); after that the
 * kernel would hold it STALE and probe before trusting it again, and the shell simply asks again.
 * An IPv6 neighbour is known by its whole address, a link-local one on its interface only. A
 * name's A and AAAA answers are two facts, each kept for its own TTL. One-liners remember nothing:
 * each tells its whole story. The runner reads them as the run's {@link SessionMemory}
 * ({@link #MEMORY}), handed to it in the shell's RunContext.
 */
public final class SessionCaches implements SessionMemory {
    public static final long REACHABLE_MICROS = 30_000_000;

    /** A neighbour's key: its address, and for a link-local one the interface it is on ("" otherwise). */
    private record NeighbourKey(IpAddress ip, String scope) {
        static NeighbourKey of(IpAddress ip, String interfaceName) {
            return new NeighbourKey(ip, ip.ipv6() && ip.isLinkLocal() && interfaceName != null ? interfaceName : "");
        }
    }

    private record Neighbour(MacAddress mac, long learnedAt) {}

    private record NameKey(String host, AddressFamily family) {
        static NameKey of(String host, AddressFamily family) {
            return new NameKey(host.toLowerCase(Locale.ROOT), family);
        }
    }

    private record Address(IpAddress ip, long expiresAt) {}

    /** The shell's memory as the runner asks it (nothing outside the shell). */
    public static final SessionCaches MEMORY = new SessionCaches(Clock.SYSTEM, KeptConnections::inShell);

    private static final Set<String> HOSTS = new TreeSet<>();

    private final Clock clock;
    private final java.util.function.BooleanSupplier active;
    private final Map<NeighbourKey, Neighbour> neighbours = new HashMap<>();
    private final Map<NameKey, Address> addresses = new HashMap<>();

    /** @param active false: remembers but answers nothing (a one-liner that reached this memory by mistake) */
    SessionCaches(Clock clock, java.util.function.BooleanSupplier active) {
        this.clock = clock;
        this.active = active;
    }

    /** Remembers the addresses (of both families), names and URLs typed in the shell, for TAB to offer again. */
    public static synchronized void seen(String[] words) {
        for (String w : words) {
            String v = w.startsWith("@") ? w.substring(1) : w;
            if (IpAddress.isAddress(v) || v.startsWith("http://") || v.startsWith("https://")
                    || (v.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+\\.?") && !v.matches("[0-9.]+"))) {
                HOSTS.add(v);
            }
        }
    }

    public static synchronized List<String> hostsSeen() {
        return List.copyOf(HOSTS);
    }

    @Override
    public MacAddress neighbour(int ip) {
        return neighbour(IpAddress.of(ip), null);
    }

    @Override
    public long neighbourAgeMicros(int ip) {
        return neighbourAgeMicros(IpAddress.of(ip), null);
    }

    @Override
    public void learnedNeighbour(int ip, MacAddress mac) {
        learnedNeighbour(IpAddress.of(ip), null, mac);
    }

    /** The MAC of a neighbour that answered within the last 30 s, or null. */
    @Override
    public synchronized MacAddress neighbour(IpAddress ip, String interfaceName) {
        Neighbour n = neighbours.get(NeighbourKey.of(ip, interfaceName));
        if (!active.getAsBoolean() || n == null || clock.nowMicros() - n.learnedAt > REACHABLE_MICROS) {
            return null;
        }
        return n.mac;
    }

    @Override
    public synchronized long neighbourAgeMicros(IpAddress ip, String interfaceName) {
        Neighbour n = neighbours.get(NeighbourKey.of(ip, interfaceName));
        return n == null ? -1 : clock.nowMicros() - n.learnedAt;
    }

    @Override
    public synchronized void learnedNeighbour(IpAddress ip, String interfaceName, MacAddress mac) {
        neighbours.put(NeighbourKey.of(ip, interfaceName), new Neighbour(mac, clock.nowMicros()));
        if (neighbours.size() >= neighboursPruneAt) {
            long now = clock.nowMicros();
            neighbours.values().removeIf(n -> now - n.learnedAt > REACHABLE_MICROS); // never answered again: asked anew
            neighboursPruneAt = nextPrune(neighbours.size());
        }
    }

    /**
     * When the next prune is due: when the map has doubled since this one (at least {@link #PRUNE_FROM}),
     * so a long session's sweeps keep only what is still trusted, at a cost per learning that stays
     * constant on average (a prune walks the map once, after as many learnings as it kept).
     */
    static int nextPrune(int kept) {
        return Math.max(PRUNE_FROM, 2 * kept);
    }

    static final int PRUNE_FROM = 256;
    private int neighboursPruneAt = PRUNE_FROM;
    private int addressesPruneAt = PRUNE_FROM;

    /** How many neighbours and names are held, expired or not (for the tests of pruning). */
    synchronized int held() {
        return neighbours.size() + addresses.size();
    }

    @Override
    public Integer address(String host) {
        IpAddress ip = address(host, AddressFamily.IPV4);
        return ip == null ? null : ip.v4();
    }

    @Override
    public void learnedAddress(String host, int ip, long ttlSeconds) {
        learnedAddress(host, IpAddress.of(ip), ttlSeconds);
    }

    /** An address of {@code family} the shell resolved before and whose TTL has not run out, or null. */
    @Override
    public synchronized IpAddress address(String host, AddressFamily family) {
        Address a = addresses.get(NameKey.of(host, family));
        if (!active.getAsBoolean() || a == null || clock.nowMicros() >= a.expiresAt) {
            return null;
        }
        return a.ip;
    }

    @Override
    public synchronized void learnedAddress(String host, IpAddress address, long ttlSeconds) {
        addresses.put(NameKey.of(host, AddressFamily.of(address)), new Address(address, clock.nowMicros() + ttlSeconds * 1_000_000));
        if (addresses.size() >= addressesPruneAt) {
            long now = clock.nowMicros();
            addresses.values().removeIf(a -> now >= a.expiresAt); // past its TTL: asked anew
            addressesPruneAt = nextPrune(addresses.size());
        }
    }
}
