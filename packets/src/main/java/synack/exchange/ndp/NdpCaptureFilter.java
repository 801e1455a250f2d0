package synack.exchange.ndp;

/**
 * The BPF expressions (tcpdump's language) the live capture adds for each NDP exchange, so the
 * kernel hands us only the messages the exchange reads.
 *
 * <p>{@code ip6[40]} is the byte right after the 40-byte fixed IPv6 header: the ICMPv6 type only
 * when no extension header comes first. libpcap's {@code icmp6} checks the fixed header's next
 * header alone, too. NDP messages carry no extension headers in practice (a hop-by-hop header
 * would need a router alert, which NDP does not use; RFC 6980 forbids fragmented NDP), so an NDP
 * message behind one is not captured: the cost of a filter the kernel can run cheaply.
 */
public final class NdpCaptureFilter {
    private NdpCaptureFilter() {}

    /** For {@link NdpResolve}: neighbour advertisements (type 136). */
    public static String resolve() {
        return "icmp6 and ip6[40] == 136";
    }

    /** For {@link DuplicateAddressProbe}: advertisements (136) and other hosts' probes (solicitations, 135). */
    public static String duplicateAddressProbe() {
        return "icmp6 and (ip6[40] == 135 or ip6[40] == 136)";
    }

    /** For {@link RouterDiscovery}: router advertisements (type 134). */
    public static String routerDiscovery() {
        return "icmp6 and ip6[40] == 134";
    }
}
