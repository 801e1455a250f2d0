package synack.cli;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpWarmup;
import synack.link.PcapLink;
import synack.net.Route;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * The flow of a TCP conversation with one peer (our port, the peer's segments to it, the next
 * hop, the RST guard) on the {@link LiveRun}, and the TCP settings the commands share. The
 * static session helpers below the line are the older way, kept for http-get until it moves
 * onto the runner: they open on the kernel with no session memory.
 */
public final class TcpRun {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TcpRun() {}

    public static int randomSourcePort() {
        return LiveRun.randomPort();
    }

    public static int randomIsn() {
        return RANDOM.nextInt();
    }

    /** Our port ({@code sourcePort} or random), the peer's segments to it, the next hop asked, the kernel's RSTs held off. */
    public static LiveFlow flow(String command, int peerIp, int peerPort, Integer sourcePort) {
        String peer = Ip4.toString(peerIp);
        return LiveFlow.toPeer(peerIp).tcpSourcePort(sourcePort)
                .capture(end -> "tcp and src host " + peer + " and src port " + peerPort + " and dst port " + end.tcpPort())
                .header(end -> header(command, end.route(), end.tcpPort(), peerIp, peerPort),
                        end -> Map.of("interface", end.route().via().name()))
                .arpNextHop().guardTcpPort();
    }

    /** Where a conversation's frames go, once its flow is open. */
    public static TcpConversation.Path path(LivePath path, int peerIp) {
        LocalEnd end = path.end();
        return new TcpConversation.Path(end.route().via().mac(), end.route().source(), path.nextHop(), peerIp, end.ownsSource());
    }

    /** handshake and fin-teardown: one conversation as the plan says, told from SYN to the last ACK. */
    public static int conversation(LiveRun run, String command, TcpOptions tcp, Renderer renderer, int peerIp, int peerPort,
                                   TcpConversation.Plan plan) {
        return run.run(flow(command, peerIp, peerPort, tcp.sourcePort), renderer, path -> {
            TcpWarmup.run();
            return new TcpConversation(path(path, peerIp), config(tcp, path.end().tcpPort(), peerPort, path.end().route().mss()), plan,
                    RANDOM.nextInt(65536));
        });
    }

    /** handshake --keep in the shell: the connection stays open, kept by the run's keeper, after the prompt returns. */
    public static int keep(LiveRun run, TcpOptions tcp, Renderer renderer, int peerIp, int peerPort) {
        LivePath path = run.open(flow("handshake --keep", peerIp, peerPort, tcp.sourcePort), renderer);
        ConnectionKeeper.Kept k;
        try {
            if (path.stopped()) {
                path.close();
                return LiveRun.exitCode(renderer);
            }
            TcpWarmup.run();
            k = run.keeper().keep(path.session(), path(path, peerIp), config(tcp, path.end().tcpPort(), peerPort, path.end().route().mss()));
        } catch (RuntimeException e) {
            path.close();
            throw e;
        }
        if (k.established()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", true);
            f.put("connection", k.id());
            f.put("peer", Ip4.toString(peerIp) + ":" + peerPort);
            f.put("state", "ESTABLISHED");
            renderer.accept(new Event.Result(run.now(), Verdict.OK,
                    List.of("connection " + k.id() + " to " + Ip4.toString(peerIp) + ":" + peerPort + " is open (ESTABLISHED)"), null, f));
            return ExitCodes.OK;
        }
        return k.result() == null ? ExitCodes.NO_ANSWER : ExitCodes.of(k.result().verdict());
    }

    /** @param mss the route's: {@link Route#mss()} (its MTU less 40, at most 65,495) */
    public static TcpConnection.Config config(TcpOptions o, int sourcePort, int peerPort, int mss) {
        return TcpConnection.Config.defaults(sourcePort, peerPort, randomIsn()).withMsl(o.mslMicros).withRetries(o.retries)
                .withInitialRto(o.initialRtoMicros).withMss(mss);
    }

    /** DNS over TCP when an answer is truncated: a short TIME_WAIT, the usual retries, the route's MSS. */
    public static TcpConnection.Config dnsTcpConfig(int sourcePort, int serverPort, int mss) {
        TcpOptions o = new TcpOptions();
        o.retries = 5;
        o.initialRtoMicros = 1_000_000;
        o.mslMicros = 100_000;
        return config(o, sourcePort, serverPort, mss);
    }

    public static String header(String command, Route route, int sourcePort, int peerIp, int peerPort) {
        return command + " " + Ip4.toString(route.source()) + ":" + sourcePort + " → " + Ip4.toString(peerIp) + ":" + peerPort
                + " " + route.describe();
    }

    // ---- the older static helpers, for http-get and NameLookup until they move onto LiveRun ----

    private static LiveRun kernelRun(LiveOptions live) {
        return new LiveRun(live, RunContext.ONE_LINER, System.out, System.err);
    }

    public static LiveSession open(LiveOptions live, Renderer renderer, Route route, int peerIp, boolean ownsSource, String extraFilter) {
        return open(live, renderer, route, ownsSource, extraFilter, PcapLink.Capture.WHOLE);
    }

    /**
     * A conversation's session along {@code route}: the runner's filter and set-up, with nothing of
     * a next hop yet. {@code ownsSource} is the runner's own reckoning ({@link #ownsSource}).
     */
    public static LiveSession open(LiveOptions live, Renderer renderer, Route route, boolean ownsSource, String extraFilter,
                                   PcapLink.Capture capture) {
        return kernelRun(live).open(LiveFlow.along(route).capture(end -> extraFilter).size(capture), renderer).session();
    }

    /** Routes to the peer as the kernel would; -S with an address no interface holds means we answer ARP for it ourselves. */
    public static Route route(LiveOptions live, int peerIp) {
        return kernelRun(live).route(peerIp);
    }

    /** What a conversation with one peer cannot use: a broadcast or multicast route, or a foreign -S over lo. */
    public static Route checked(LiveOptions live, Route route) {
        return kernelRun(live).checked(route);
    }

    /** -S with an address this host does not hold: the kernel will not answer for it, so we do (ARP, and no RST rule). */
    public static boolean ownsSource(LiveOptions live, Route route) {
        return kernelRun(live).ownsSource();
    }

    /** The line told instead of the ARP phase when the next hop's MAC needs no asking (lo's zero MACs). */
    public static String noArpNote(Route route) {
        return NextHops.noArpNote(route);
    }

    /** Tells {@link #noArpNote} as a phase of its own and returns the MAC the frames carry. */
    public static MacAddress tellNoArp(LiveSession session, Route route) {
        return NextHops.tellNoArp(session, route);
    }

    /** ARPs the next hop as the first phase; null (and a result) when it does not answer. No session memory: see LiveRun. */
    public static MacAddress resolveNextHop(LiveSession session, Route route, Renderer renderer) {
        return NextHops.one(session, route, renderer, SessionMemory.NONE);
    }

    /** Keeps the kernel from resetting our hand-made connection, unless it does not know our address at all. */
    public static void guardAgainstKernelRst(LiveSession session, boolean ownsSource, int sourcePort) {
        if (!ownsSource) {
            session.onClose(LiveHost.KERNEL.keepKernelRstsOff(sourcePort));
        }
    }
}
