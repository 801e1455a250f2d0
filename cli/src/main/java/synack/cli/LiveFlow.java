package synack.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import synack.link.PcapLink;
import synack.net.Route;
import synack.wire.IpAddress;

/**
 * What a live exchange needs of its run, declared once: where its frames go, which of our ports
 * it uses, what its capture must let in, how its story opens, whether the next hop's MAC must be
 * asked first, and whether the kernel must be kept from resetting our TCP port. {@link LiveRun}
 * does the rest, in the same order for every command: route, source, ports, filter, session,
 * header, next hop, RST guard, exchange, exit code — with -w, Ctrl-C cleanup and ARP answered
 * for an -S address that no interface holds.
 */
public final class LiveFlow {
    /**
     * A one-liner's capture unless its command chooses another: whole frames, a 2 MiB ring. The ring is
     * resident memory (the kernel maps every page), and libpcap gives a whole-frame slot a 128 KiB block
     * (a 64 KiB super-frame and its header) and sizes the ring in frames, not blocks: {@link
     * PcapLink.Capture#WHOLE}'s 8 MiB became 127 slots and 16 MiB resident (measured in /proc/PID/smaps:
     * 16,384 kB on the socket's mapping), a quarter of a one-liner's peak RSS. 2 MiB is 31 slots (4 MiB
     * resident): a one-liner's peer sends what one exchange allows before we answer (a SYN,ACK, an answer,
     * at most an initial window of ten segments or super-frames), and we read as frames come in.
     */
    public static final PcapLink.Capture EXCHANGE = new PcapLink.Capture(PcapLink.SNAPLEN, 2 * 1024 * 1024, false);

    /**
     * A capture for an exchange whose peer can send a few frames at most before it is over, whole frames
     * all the same: libpcap makes 1 MiB 16 slots of the largest frame an interface with offloads hands over
     * (each in a 128 KiB block: the socket's mapping is 2,048 kB in /proc/PID/smaps), 2 MiB resident instead
     * of {@link #EXCHANGE}'s 4 or a conversation's 8.
     * A frame that comes while every slot is full is dropped by the kernel and counted; the story then
     * says how many our capture lost (Runner's warning), as for any ring. No frame is cut: the snaplen
     * is the same whole-frame one.
     */
    public static final PcapLink.Capture FEW_FRAMES = new PcapLink.Capture(PcapLink.SNAPLEN, 1024 * 1024, false);

    /**
     * A capture for one answer: a SYN,ACK our RST ends at once (handshake --rst), one port's answer (syn-probe of one
     * port), with its next hop's ARP or NDP and a retransmission or two. 512 KiB is 8 whole-frame slots, 1 MiB resident
     * instead of {@link #FEW_FRAMES}'s 2 (a one-liner's peak RSS, issue 14); a frame that finds them full is dropped,
     * counted and told, as for any ring.
     */
    public static final PcapLink.Capture ONE_ANSWER = new PcapLink.Capture(PcapLink.SNAPLEN, 512 * 1024, false);

    /** What {@link #FEW_FRAMES} holds with room to spare for ARP, ICMP and a retransmission. */
    public static final int FEW_FRAMES_ANSWERS = 10;

    /** Which next hops are asked before the exchange. */
    enum NextHop { NONE, ONE, MANY }

    final IpAddress peer;
    final Route route;
    final boolean segmentOnly;
    boolean tcpPort;
    Integer tcpPortGiven;
    boolean udpPort;
    Function<LocalEnd, String> capture = end -> "";
    PcapLink.Capture size = EXCHANGE;
    Function<LocalEnd, String> header;
    Function<LocalEnd, Map<String, Object>> headerFields = end -> Map.of();
    boolean headerIsSection;
    NextHop nextHop = NextHop.NONE;
    List<Route> routes;
    boolean guardTcpPort;
    String stoppedEarly;

    private LiveFlow(IpAddress peer, Route route, boolean segmentOnly) {
        this.peer = peer;
        this.route = route;
        this.segmentOnly = segmentOnly;
    }

    /**
     * A conversation with one host, routed as the kernel would route it (one host: not a
     * broadcast or multicast address). Its capture also takes ARP and ICMP for us.
     */
    public static LiveFlow toPeer(int ip) {
        return toPeer(IpAddress.of(ip));
    }

    /** As {@link #toPeer(int)}, over IPv4 or IPv6 as the address is. */
    public static LiveFlow toPeer(IpAddress ip) {
        return new LiveFlow(ip, null, false);
    }

    /** A conversation along a route chosen already (a sweep's first target stands for all). */
    public static LiveFlow along(Route route) {
        return new LiveFlow(null, route, false);
    }

    /** Frames of the route's segment only, on its interface (ARP): no peer, no ICMP, no next hop. */
    public static LiveFlow onSegment(Route route) {
        return new LiveFlow(null, route, true);
    }

    /** A TCP source port of ours: {@code given} (checked: 1-65535) or, when null, a random one in 61000-65535. */
    public LiveFlow tcpSourcePort(Integer given) {
        this.tcpPort = true;
        this.tcpPortGiven = given;
        return this;
    }

    /** A random UDP source port of ours, held for the session (the kernel then answers no ICMP to its replies). */
    public LiveFlow udpSourcePort() {
        this.udpPort = true;
        return this;
    }

    /** The capture's clauses for the exchange's own frames (the runner adds ARP, ICMP and fragments for us). */
    public LiveFlow capture(Function<LocalEnd, String> clauses) {
        this.capture = clauses;
        return this;
    }

    /** How much of each frame the capture keeps, and how big its ring is (default: whole frames, {@link #EXCHANGE}). */
    public LiveFlow size(PcapLink.Capture size) {
        this.size = size;
        return this;
    }

    /** The story's opening line and its JSON fields. */
    public LiveFlow header(Function<LocalEnd, String> text, Function<LocalEnd, Map<String, Object>> fields) {
        this.header = text;
        this.headerFields = fields;
        this.headerIsSection = false;
        return this;
    }

    /** A title for this part of a longer story instead of a header (a name looked up before the command's own exchange). */
    public LiveFlow section(Function<LocalEnd, String> title) {
        this.header = title;
        this.headerIsSection = true;
        return this;
    }

    /** The next hop's MAC is asked first (an ARP phase; the shell's memory; none through lo). */
    public LiveFlow arpNextHop() {
        this.nextHop = NextHop.ONE;
        return this;
    }

    /** The next hops of every route are asked first (a sweep's targets); a null route is a target left out. */
    public LiveFlow arpNextHops(List<Route> routes) {
        this.nextHop = NextHop.MANY;
        this.routes = routes;
        return this;
    }

    /** The kernel is kept from resetting our TCP port from the moment the next hop is known. */
    public LiveFlow guardTcpPort() {
        this.guardTcpPort = true;
        return this;
    }

    /** Stopped (Ctrl-C) before the exchange began: still one result, with this summary (for scripts). */
    public LiveFlow resultWhenStoppedEarly(String summary) {
        this.stoppedEarly = summary;
        return this;
    }
}
