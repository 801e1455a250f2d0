package synack.cli;

import synack.net.Route;

/**
 * Our end of a live flow as the runner chose it: the kernel's route (interface, source address,
 * next hop, MTU), whether we answer for the source ourselves (-S with an address no interface
 * holds), and our ports (0: the flow asked for none).
 */
public record LocalEnd(Route route, boolean ownsSource, int tcpPort, int udpPort) {}
