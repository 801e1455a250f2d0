package synack.net;

import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * How a frame to {@code destination} leaves this host, as the kernel decided it: the interface,
 * our source address, and the next hop whose MAC the frame is addressed to (the destination
 * itself when it is on the link, else the gateway). {@code type} is the kernel's route type: a
 * {@link Type#LOCAL} route (127.0.0.0/8, or one of this host's own addresses) goes through lo.
 * {@code mtu} is the route's MTU (a route's {@code mtu} metric or cached path MTU, else the
 * interface's), {@code mss} the TCP MSS to advertise over it. {@code how} says where each choice
 * came from, for messages.
 */
public record Route(LocalInterface via, int source, int destination, int nextHop, boolean onLink, String how,
                    Type type, int mtu, int mss) {
    /** The kernel's route types that matter here; OTHER for the rest (e.g. anycast). */
    public enum Type { UNICAST, LOCAL, BROADCAST, MULTICAST, OTHER }

    /** Linux's largest MSS: an IPv4 datagram holds at most 65,535 bytes, less 40 of IPv4 and TCP headers. */
    public static final int MAX_MSS = 65_535 - 40;

    /** A unicast route over {@code via} at the interface's MTU (for tests and -i paths that need no kernel answer). */
    public Route(LocalInterface via, int source, int destination, int nextHop, boolean onLink, String how) {
        this(via, source, destination, nextHop, onLink, how, Type.UNICAST, via.mtu(),
                mssFor(via.mtu()));
    }

    /** The MSS for an MTU: less 40 bytes of headers, at most 65,495 (lo's MTU is 65,536, as Linux caps it). */
    public static int mssFor(int mtu) {
        return Math.max(0, Math.min(mtu, 65_535) - 40);
    }

    /** To this host itself (127.0.0.0/8 or one of our addresses): through lo. */
    public boolean local() {
        return type == Type.LOCAL;
    }

    /** Through the loopback device: zero MACs, no ARP. */
    public boolean loopback() {
        return via.loopback();
    }

    /** Whether the next hop's MAC must be asked with ARP (a unicast route on an Ethernet link). */
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
        if (type == Type.MULTICAST) {
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
            default -> onLink ? "on-link" : "next hop " + Ip4.toString(nextHop);
        };
        return "via " + via.name() + " (" + Ip4.toString(source) + ", " + via.mac() + "), " + hop
                + (mtu != 1500 ? ", mtu " + mtu : "");
    }
}
