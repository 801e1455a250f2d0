package synack.exchange.arp;

/**
 * The states of a neighbour-cache entry as Linux names them (ip neigh), for the ones ARP and
 * neighbour discovery pass. STALE (RFC 4861 7.3.2): the MAC is known but unconfirmed, as an
 * unsolicited advertisement leaves it.
 */
public enum NeighbourState {
    NONE, INCOMPLETE, REACHABLE, STALE, FAILED
}
