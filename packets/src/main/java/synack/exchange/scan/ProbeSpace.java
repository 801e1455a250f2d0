package synack.exchange.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/**
 * Every (host, port) pair of a sweep, numbered host-major: index = host × ports + port. Maps
 * both ways without storing the pairs: index → address and port for sending, address and port
 * → index for a reply (a binary search over the hosts, a 65,536-entry table for the ports).
 * One family per sweep: IPv4 hosts are kept as ints (the fast path a masscan-rate sweep needs),
 * IPv6 hosts as the two halves of their 128 bits.
 */
public final class ProbeSpace {
    private final boolean ipv6;
    private final int[] hosts;        // IPv4
    private final long[] highs;       // IPv6: the first 64 bits of each host
    private final long[] lows;        // IPv6: the last 64 bits
    private final int[] sortedHosts;  // IPv4: ascending (sign bit flipped)
    private final IpAddress[] sorted6; // IPv6: ascending
    private final int[] hostAtSorted;
    private final int[] ports;
    private final int[] portIndex = new int[65536];

    /** IPv4 hosts as ints. */
    public ProbeSpace(List<Integer> hostList, List<Integer> portList) {
        this(false, hostList.stream().mapToInt(Integer::intValue).toArray(), null, portList);
    }

    /** Hosts of one family (all IPv4 or all IPv6: a sweep sends one kind of frame). */
    public static ProbeSpace of(List<IpAddress> hostList, List<Integer> portList) {
        if (hostList.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one host and one port");
        }
        boolean v6 = hostList.get(0).ipv6();
        for (IpAddress a : hostList) {
            if (a.ipv6() != v6) {
                throw new IllegalArgumentException("one family per sweep: " + hostList.get(0) + " and " + a
                        + " are not both IPv4 or both IPv6");
            }
        }
        if (!v6) {
            return new ProbeSpace(false, hostList.stream().mapToInt(IpAddress::v4).toArray(), null, portList);
        }
        return new ProbeSpace(true, null, hostList.toArray(new IpAddress[0]), portList);
    }

    private ProbeSpace(boolean ipv6, int[] v4, IpAddress[] v6, List<Integer> portList) {
        int count = ipv6 ? v6.length : v4.length;
        if (count == 0 || portList.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one host and one port");
        }
        this.ipv6 = ipv6;
        ports = portList.stream().mapToInt(Integer::intValue).toArray();
        Arrays.fill(portIndex, -1);
        for (int i = 0; i < ports.length; i++) {
            if (portIndex[ports[i]] >= 0) {
                throw new IllegalArgumentException("port " + ports[i] + " given twice");
            }
            portIndex[ports[i]] = i;
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        hostAtSorted = new int[count];
        if (!ipv6) {
            hosts = v4;
            highs = null;
            lows = null;
            sorted6 = null;
            Arrays.sort(order, (x, y) -> Integer.compareUnsigned(hosts[x], hosts[y]));
            sortedHosts = new int[count];
            for (int i = 0; i < order.length; i++) {
                sortedHosts[i] = hosts[order[i]] ^ Integer.MIN_VALUE; // flipped sign bit: unsigned order as signed
                hostAtSorted[i] = order[i];
                if (i > 0 && sortedHosts[i] == sortedHosts[i - 1]) {
                    throw new IllegalArgumentException("host " + Ip4.toString(hosts[order[i]]) + " given twice");
                }
            }
        } else {
            hosts = null;
            sortedHosts = null;
            highs = new long[count];
            lows = new long[count];
            for (int i = 0; i < count; i++) {
                highs[i] = v6[i].high();
                lows[i] = v6[i].low();
            }
            Arrays.sort(order, (x, y) -> v6[x].compareTo(v6[y]));
            sorted6 = new IpAddress[count];
            for (int i = 0; i < order.length; i++) {
                sorted6[i] = v6[order[i]];
                hostAtSorted[i] = order[i];
                if (i > 0 && sorted6[i].equals(sorted6[i - 1])) {
                    throw new IllegalArgumentException("host " + sorted6[i] + " given twice");
                }
            }
        }
    }

    public boolean ipv6() {
        return ipv6;
    }

    public long size() {
        return (long) hostCount() * ports.length;
    }

    public int hostCount() {
        return ipv6 ? highs.length : hosts.length;
    }

    public int portCount() {
        return ports.length;
    }

    /** The IPv4 host's address as an int (IPv4 sweeps only). */
    public int host(int hostIndex) {
        return hosts[hostIndex];
    }

    /** The IPv6 host's first 64 bits (IPv6 sweeps only). */
    public long high(int hostIndex) {
        return highs[hostIndex];
    }

    /** The IPv6 host's last 64 bits (IPv6 sweeps only). */
    public long low(int hostIndex) {
        return lows[hostIndex];
    }

    /** The host's address, of either family. */
    public IpAddress address(int hostIndex) {
        return ipv6 ? new IpAddress(true, highs[hostIndex], lows[hostIndex]) : IpAddress.of(hosts[hostIndex]);
    }

    /** The host as text: dotted quad, or RFC 5952 for IPv6. */
    public String hostText(int hostIndex) {
        return ipv6 ? address(hostIndex).toString() : Ip4.toString(hosts[hostIndex]);
    }

    /** Every host, in the order given. */
    public List<IpAddress> addresses() {
        List<IpAddress> out = new ArrayList<>(hostCount());
        for (int h = 0; h < hostCount(); h++) {
            out.add(address(h));
        }
        return out;
    }

    public int hostIndexOf(long probe) {
        return (int) (probe / ports.length);
    }

    public int hostOf(long probe) {
        return hosts[(int) (probe / ports.length)];
    }

    public int portOf(long probe) {
        return ports[(int) (probe % ports.length)];
    }

    /** The host's number in this sweep, or -1 when the address is not a target. */
    public int hostIndex(int address) {
        if (ipv6) {
            return -1;
        }
        int at = Arrays.binarySearch(sortedHosts, address ^ Integer.MIN_VALUE);
        return at < 0 ? -1 : hostAtSorted[at];
    }

    /** As {@link #hostIndex(int)}, for an address of either family (-1 for the other family). */
    public int hostIndex(IpAddress address) {
        if (address.ipv6() != ipv6) {
            return -1;
        }
        if (!ipv6) {
            return hostIndex(address.v4());
        }
        int at = Arrays.binarySearch(sorted6, address);
        return at < 0 ? -1 : hostAtSorted[at];
    }

    /** The probe for this address and port, or -1 when the sweep never asked it. */
    public long indexOf(int address, int port) {
        return probeOf(hostIndex(address), port);
    }

    /** As {@link #indexOf(int, int)}, for an address of either family. */
    public long indexOf(IpAddress address, int port) {
        return probeOf(hostIndex(address), port);
    }

    private long probeOf(int h, int port) {
        int p = port < 0 || port > 65535 ? -1 : portIndex[port];
        return h < 0 || p < 0 ? -1 : (long) h * ports.length + p;
    }
}
