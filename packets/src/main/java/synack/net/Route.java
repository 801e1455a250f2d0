package synack.net;

import synack.wire.Ip4;

/**
 * How a frame to {@code destination} leaves this host: the interface, our source address, and the
 * next hop whose MAC the frame is addressed to (the destination itself when it is on the link,
 * else the gateway). {@code how} says where each choice came from, for the header line.
 */
public record Route(LocalInterface via, int source, int destination, int nextHop, boolean onLink, String how) {
    public String describe() {
        String hop = onLink ? "on-link" : "next hop " + Ip4.toString(nextHop);
        return "via " + via.name() + " (" + Ip4.toString(source) + ", " + via.mac() + "), " + hop;
    }
}
