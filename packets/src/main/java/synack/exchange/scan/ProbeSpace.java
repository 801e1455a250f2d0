package synack.exchange.scan;

import java.util.Arrays;
import java.util.List;
import synack.wire.Ip4;

/**
 * Every (host, port) pair of a sweep, numbered host-major: index = host × ports + port. Maps
 * both ways without storing the pairs: index → address and port for sending, address and port
 * → index for a reply (a binary search over the hosts, a 65,536-entry table for the ports).
 */
public final class ProbeSpace {
    private final int[] hosts;
    private final int[] ports;
    private final int[] sortedHosts;
    private final int[] hostAtSorted;
    private final int[] portIndex = new int[65536];

    public ProbeSpace(List<Integer> hostList, List<Integer> portList) {
        if (hostList.isEmpty() || portList.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one host and one port");
        }
        hosts = hostList.stream().mapToInt(Integer::intValue).toArray();
        ports = portList.stream().mapToInt(Integer::intValue).toArray();
        Arrays.fill(portIndex, -1);
        for (int i = 0; i < ports.length; i++) {
            if (portIndex[ports[i]] >= 0) {
                throw new IllegalArgumentException("port " + ports[i] + " given twice");
            }
            portIndex[ports[i]] = i;
        }
        Integer[] order = new Integer[hosts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Integer.compareUnsigned(hosts[x], hosts[y]));
        sortedHosts = new int[hosts.length];
        hostAtSorted = new int[hosts.length];
        for (int i = 0; i < order.length; i++) {
            sortedHosts[i] = hosts[order[i]] ^ Integer.MIN_VALUE; // flipped sign bit: unsigned order as signed
            hostAtSorted[i] = order[i];
            if (i > 0 && sortedHosts[i] == sortedHosts[i - 1]) {
                throw new IllegalArgumentException("host " + Ip4.toString(hosts[order[i]]) + " given twice");
            }
        }
    }

    public long size() {
        return (long) hosts.length * ports.length;
    }

    public int hostCount() {
        return hosts.length;
    }

    public int portCount() {
        return ports.length;
    }

    public int host(int hostIndex) {
        return hosts[hostIndex];
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
        int at = Arrays.binarySearch(sortedHosts, address ^ Integer.MIN_VALUE);
        return at < 0 ? -1 : hostAtSorted[at];
    }

    /** The probe for this address and port, or -1 when the sweep never asked it. */
    public long indexOf(int address, int port) {
        int h = hostIndex(address);
        int p = port < 0 || port > 65535 ? -1 : portIndex[port];
        return h < 0 || p < 0 ? -1 : (long) h * ports.length + p;
    }
}
