package synack.cli;

import synack.wire.MacAddress;

/**
 * A flow opened: the session capturing for it, our end, and the next hop's MAC — what an
 * exchange is built from. {@link #stopped()} when the story ended before the exchange (the next
 * hop did not answer, and that result is told; or Ctrl-C).
 */
public final class LivePath implements AutoCloseable {
    private final LiveSession session;
    private final LocalEnd end;
    private final LiveHost host;
    private MacAddress[] nextHops;
    private boolean guarded;

    LivePath(LiveSession session, LocalEnd end, LiveHost host) {
        this.session = session;
        this.end = end;
        this.host = host;
    }

    void nextHops(MacAddress[] macs) {
        this.nextHops = macs;
    }

    public LiveSession session() {
        return session;
    }

    public LocalEnd end() {
        return end;
    }

    /** True when there is no exchange to run: the next hop did not answer (told), or the user stopped it. */
    public boolean stopped() {
        return nextHops == null;
    }

    /** The next hop's MAC (the only route's; a flow that asked none: the route's own, e.g. zero through lo). */
    public MacAddress nextHop() {
        return nextHops[0];
    }

    /** Each route's next-hop MAC, in the flow's order (null for a target left out or silent). */
    public MacAddress[] nextHops() {
        return nextHops;
    }

    /**
     * Keeps the kernel from resetting our TCP port, once, unless it does not know our address at
     * all (-S no interface holds). A DNS lookup calls it just before it falls back to TCP.
     */
    public void guardTcpPort() {
        if (!guarded && !end.ownsSource()) {
            session.onClose(host.keepKernelRstsOff(end.tcpPort(), end.route().ipv6()));
        }
        guarded = true;
    }

    @Override
    public void close() {
        session.close();
    }
}
