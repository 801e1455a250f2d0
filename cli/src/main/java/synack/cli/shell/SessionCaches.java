package synack.cli.shell;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import synack.cli.SessionMemory;
import synack.time.Clock;
import synack.wire.MacAddress;

/**
 * What the shell remembers between commands, as a host's kernel does: the neighbour cache (an
 * answered ARP stays REACHABLE for 30 s, Linux's base_reachable_time) and the DNS answers (for
 * their TTL). One-liners remember nothing: each tells its whole story. The runner reads them as
 * the run's {@link SessionMemory} ({@link #MEMORY}), handed to it in the shell's RunContext.
 */
public final class SessionCaches {
    public static final long REACHABLE_MICROS = 30_000_000;

    private record Neighbour(MacAddress mac, long learnedAt) {}

    private record Address(int ip, long expiresAt) {}

    private static final Map<Integer, Neighbour> NEIGHBOURS = new HashMap<>();
    private static final Map<String, Address> ADDRESSES = new HashMap<>();

    private static final java.util.Set<String> HOSTS = new java.util.TreeSet<>();

    private SessionCaches() {}

    /** The shell's memory as the runner asks it. */
    public static final SessionMemory MEMORY = new SessionMemory() {
        @Override
        public MacAddress neighbour(int ip) {
            return SessionCaches.neighbour(ip);
        }

        @Override
        public long neighbourAgeMicros(int ip) {
            return ageMicros(ip);
        }

        @Override
        public void learnedNeighbour(int ip, MacAddress mac) {
            learned(ip, mac);
        }

        @Override
        public Integer address(String host) {
            return SessionCaches.address(host);
        }

        @Override
        public void learnedAddress(String host, int ip, long ttlSeconds) {
            learned(host, ip, ttlSeconds);
        }
    };

    /** Remembers the addresses, names and URLs typed in the shell, for TAB to offer again. */
    public static synchronized void seen(String[] words) {
        for (String w : words) {
            String v = w.startsWith("@") ? w.substring(1) : w;
            if (synack.wire.Ip4.isAddress(v) || v.startsWith("http://")
                    || (v.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+\\.?") && !v.matches("[0-9.]+"))) {
                HOSTS.add(v);
            }
        }
    }

    public static synchronized java.util.List<String> hostsSeen() {
        return java.util.List.copyOf(HOSTS);
    }

    /** The MAC of a neighbour answered within the last 30 s, or null (always null outside the shell). */
    public static synchronized MacAddress neighbour(int ip) {
        Neighbour n = NEIGHBOURS.get(ip);
        if (!KeptConnections.inShell() || n == null || Clock.SYSTEM.nowMicros() - n.learnedAt > REACHABLE_MICROS) {
            return null;
        }
        return n.mac;
    }

    public static synchronized long ageMicros(int ip) {
        Neighbour n = NEIGHBOURS.get(ip);
        return n == null ? -1 : Clock.SYSTEM.nowMicros() - n.learnedAt;
    }

    public static synchronized void learned(int ip, MacAddress mac) {
        NEIGHBOURS.put(ip, new Neighbour(mac, Clock.SYSTEM.nowMicros()));
    }

    /** An address the shell resolved before and whose TTL has not run out, or null. */
    public static synchronized Integer address(String host) {
        Address a = ADDRESSES.get(host.toLowerCase(Locale.ROOT));
        if (!KeptConnections.inShell() || a == null || Clock.SYSTEM.nowMicros() >= a.expiresAt) {
            return null;
        }
        return a.ip;
    }

    public static synchronized void learned(String host, int ip, long ttlSeconds) {
        ADDRESSES.put(host.toLowerCase(Locale.ROOT), new Address(ip, Clock.SYSTEM.nowMicros() + ttlSeconds * 1_000_000));
    }
}
