package synack.net;

import synack.wire.Ip6;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * How a frame to {@code destination} leaves this host, as the kernel decided it: the interface,
 * our source address, and the next hop whose MAC the frame is addressed to (the destination
 * itself when it is on the link, else the gateway). {@code type} is the kernel's route type: a
 * {@link Type#LOCAL} route (127.0.0.0/8, or one of this host's own addresses) goes through lo.
 * {@code mtu} is the route's MTU (a route's {@code mtu} metric or cached path MTU, else the
 * interface's), {@code mss} the TCP MSS to advertise over it. {@code how} says where each choice
 * came from, for messages. The addresses are of one family: IPv4 code takes them as the ints
 * {@link #source()}, {@link #destination()} and {@link #nextHop()}; code for both families
 * takes the {@link IpAddress} components.
 */
public record Route(LocalInterface via, IpAddress sourceAddress, IpAddress destinationAddress, IpAddress nextHopAddress,
                    boolean onLink, String how, Type type, int mtu, int mss) {
    /** The kernel's route types that matter here; OTHER for the rest (e.g. anycast). */
    public enum Type { UNICAST, LOCAL, BROADCAST, MULTICAST, OTHER }

    /** Linux's largest MSS: an IPv4 datagram holds at most 65,535 bytes, less 40 of IPv4 and TCP headers. */
    public static final int MAX_MSS = 65_535 - 40;

    /** An IPv4 route (for the IPv4 code and its tests). */
    public Route(LocalInterface via, int source, int destination, int nextHop, boolean onLink, String how, Type type, int mtu,
                 int mss) {
        this(via, IpAddress.of(source), IpAddress.of(destination), IpAddress.of(nextHop), onLink, how, type, mtu, mss);
    }

    /** A unicast IPv4 route over {@code via} at the interface's MTU (for tests and -i paths that need no kernel answer). */
    public Route(LocalInterface via, int source, int destination, int nextHop, boolean onLink, String how) {
        this(via, source, destination, nextHop, onLink, how, Type.UNICAST, via.mtu(),
                mssFor(via.mtu()));
    }

    public Route {
        if (sourceAddress.ipv6() != destinationAddress.ipv6() || nextHopAddress.ipv6() != destinationAddress.ipv6()) {
            throw new IllegalArgumentException("a route's addresses are of one family: " + sourceAddress + ", "
                    + destinationAddress + ", " + nextHopAddress);
        }
    }

    /** The MSS for an IPv4 MTU: less 40 bytes of headers, at most 65,495 (lo's MTU is 65,536, as Linux caps it). */
    public static int mssFor(int mtu) {
        return Math.max(0, Math.min(mtu, 65_535) - 40);
    }

    /** The MSS for an IPv6 MTU: less 60 bytes (a 40-byte IPv6 header, RFC 8200; no jumbograms). */
    public static int mssFor6(int mtu) {
        return Math.max(0, Math.min(mtu, 65_535 + 40) - 60);
    }

    public boolean ipv6() {
        return destinationAddress.ipv6();
    }

    /** Our IPv4 source address (IPv4 code only). */
    public int source() {
        return sourceAddress.v4();
    }

    /** The IPv4 destination (IPv4 code only). */
    public int destination() {
        return destinationAddress.v4();
    }

    /** The IPv4 next hop (IPv4 code only). */
    public int nextHop() {
        return nextHopAddress.v4();
    }

    /** To this host itself (127.0.0.0/8 or one of our addresses): through lo. */
    public boolean local() {
        return type == Type.LOCAL;
    }

    /** Through the loopback device: zero MACs, no ARP. */
    public boolean loopback() {
        return via.loopback();
    }

    /** Whether the next hop's MAC must be asked (ARP, or NDP over IPv6): a unicast route on an Ethernet link. */
    public boolean needsArp() {
        return nextHopMac() == null;
    }

    /**
     * The next hop's MAC when it is known without ARP: 00:00:00:00:00:00 through lo, ff:ff:ff:ff:ff:ff
     * for a broadcast route, 01:00:5e + the low 23 bits for multicast (RFC 1112); else null.
     */
    public MacAddress nextHopMac() {
        if (loopback()) {
            return MacAddress.ZERO;
        }
        if (type == Type.BROADCAST) {
            return MacAddress.BROADCAST;
        }
        if (type == Type.MULTICAST && ipv6()) {
            return Ip6.multicastMac(destinationAddress.bytes()); // 33:33 + the low 32 bits (RFC 2464 7)
        }
        if (type == Type.MULTICAST) {
            int destination = destination();
            return MacAddress.of(new byte[] {0x01, 0x00, 0x5e, (byte) ((destination >>> 16) & 0x7f), (byte) (destination >>> 8),
                (byte) destination});
        }
        return null;
    }

    public String describe() {
        String hop = switch (type) {
            case LOCAL -> "local";
            case BROADCAST -> "broadcast";
            case MULTICAST -> "multicast";
            default -> onLink ? "on-link" : "next hop " + nextHopAddress;
        };
        return "via " + via.name() + " (" + sourceAddress + ", " + via.mac() + "), " + hop
                + (mtu != 1500 ? ", mtu " + mtu : "");
    }
}
