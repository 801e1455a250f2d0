package synack.exchange.arp;

/** The states of a neighbour-cache entry as Linux names them (ip neigh), for the ones ARP resolution passes. */
public enum NeighbourState {
    NONE, INCOMPLETE, REACHABLE, FAILED
}
