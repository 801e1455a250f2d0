package synack.cli;

import synack.net.AddressFamily;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * What a run may remember from the runs before it, as a host's kernel does: the neighbours that
 * answered ARP or a neighbour solicitation, and the names that were resolved. The shell remembers
 * (see its SessionCaches); a one-liner remembers nothing ({@link #NONE}) and tells its whole
 * story every time. The runner hands this to the code that resolves next hops and names, so that
 * code never reaches into the shell.
 */
public interface SessionMemory {
    /** The MAC of a neighbour that answered recently enough to be trusted still, or null. */
    MacAddress neighbour(int ip);

    /** How long ago the neighbour's answer came, in microseconds (-1: never). */
    long neighbourAgeMicros(int ip);

    void learnedNeighbour(int ip, MacAddress mac);

    /**
     * A neighbour of either family, as {@link #neighbour(int)}: an IPv6 one is known by its whole
     * address, and a link-local one on its interface only (fe80::1 on one link is not fe80::1 on
     * another; RFC 4291 2.5.6). A memory that keeps IPv4 only (the default) knows no IPv6 neighbour.
     */
    default MacAddress neighbour(IpAddress ip, String interfaceName) {
        return ip.ipv6() ? null : neighbour(ip.v4());
    }

    /** As {@link #neighbourAgeMicros(int)}, for a neighbour of either family. */
    default long neighbourAgeMicros(IpAddress ip, String interfaceName) {
        return ip.ipv6() ? -1 : neighbourAgeMicros(ip.v4());
    }

    /** A neighbour's answer (ARP reply or neighbour advertisement) on {@code interfaceName}. */
    default void learnedNeighbour(IpAddress ip, String interfaceName, MacAddress mac) {
        if (!ip.ipv6()) {
            learnedNeighbour(ip.v4(), mac);
        }
    }

    /** An IPv4 address resolved before whose TTL has not run out, or null. */
    Integer address(String host);

    void learnedAddress(String host, int ip, long ttlSeconds);

    /**
     * An address of {@code family} resolved before whose TTL has not run out, or null: a name is
     * remembered per family (its A and its AAAA answer are two facts). A memory that keeps IPv4
     * only (the default) remembers no IPv6 address.
     */
    default IpAddress address(String host, AddressFamily family) {
        if (family == AddressFamily.IPV6) {
            return null;
        }
        Integer ip = address(host);
        return ip == null ? null : IpAddress.of(ip);
    }

    /** The address {@code host} resolved to, of its family; a memory that keeps IPv4 only (the default) forgets an IPv6 one. */
    default void learnedAddress(String host, IpAddress address, long ttlSeconds) {
        if (!address.ipv6()) {
            learnedAddress(host, address.v4(), ttlSeconds);
        }
    }

    /** A one-liner's memory: it knows nothing and keeps nothing. */
    SessionMemory NONE = new SessionMemory() {
        @Override
        public MacAddress neighbour(int ip) {
            return null;
        }

        @Override
        public long neighbourAgeMicros(int ip) {
            return -1;
        }

        @Override
        public void learnedNeighbour(int ip, MacAddress mac) {}

        @Override
        public Integer address(String host) {
            return null;
        }

        @Override
        public void learnedAddress(String host, int ip, long ttlSeconds) {}
    };
}
