package synack.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.net.Unpredictable;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpWarmup;
import synack.link.PcapLink;
import synack.net.Route;
import synack.wire.IpAddress;

/**
 * The flow of a TCP conversation with one peer (our port, the peer's segments to it, the next
 * hop, the RST guard) on the {@link LiveRun}, and the TCP settings the commands share.
 */
public final class TcpRun {

    private TcpRun() {}

    public static int randomSourcePort() {
        return LiveRun.randomPort();
    }

    public static int randomIsn() {
        return Unpredictable.nextInt();
    }

    /**
     * A TCP conversation's ring: what the peer may send before we answer is our whole receive window (64,240
     * bytes: 44 full segments when they come one per frame, offloads off), so its slots (63) hold a window and
     * spare; {@link LiveFlow#EXCHANGE}'s 31 would drop frames if we were held up while a window came in.
     */
    public static final PcapLink.Capture CONVERSATION = new PcapLink.Capture(PcapLink.SNAPLEN, 4 * 1024 * 1024, false);

    /**
     * The capture of a conversation that our RST ends as soon as it is established (handshake --rst): the
     * peer sends its SYN,ACK and, a server that speaks first, its greeting (a banner: one segment) before our RST
     * reaches it, and nothing after: {@link LiveFlow#ONE_ANSWER}. A server that sent a whole initial window (ten
     * segments, RFC 6928) at once would find its last ones dropped by the kernel, counted and told.
     */
    public static PcapLink.Capture capture(TcpConversation.Plan plan) {
        return plan.ending() == TcpConversation.Ending.RST && plan.send().length == 0 ? LiveFlow.ONE_ANSWER : CONVERSATION;
    }

    /** Our port ({@code sourcePort} or random), the peer's segments to it, the next hop asked, the kernel's RSTs held off. */
    public static LiveFlow flow(String command, IpAddress peerIp, int peerPort, Integer sourcePort) {
        return flow(command, peerIp, peerPort, sourcePort, CONVERSATION);
    }

    static LiveFlow flow(String command, IpAddress peerIp, int peerPort, Integer sourcePort, PcapLink.Capture capture) {
        String peer = peerIp.toString();
        return LiveFlow.toPeer(peerIp).tcpSourcePort(sourcePort).size(capture)
                .capture(end -> "tcp and src host " + peer + " and src port " + peerPort + " and dst port " + end.tcpPort())
                .header(end -> header(command, end.route(), end.tcpPort(), peerIp, peerPort),
                        end -> Map.of("interface", end.route().via().name()))
                .arpNextHop().guardTcpPort();
    }

    /** Where a conversation's frames go, once its flow is open. */
    public static TcpConversation.Path path(LivePath path, IpAddress peerIp) {
        LocalEnd end = path.end();
        return new TcpConversation.Path(end.route().via().mac(), end.route().sourceAddress(), path.nextHop(), peerIp, end.ownsSource());
    }

    /** handshake and fin-teardown: one conversation as the plan says, told from SYN to the last ACK. */
    public static int conversation(LiveRun run, String command, TcpOptions tcp, Renderer renderer, IpAddress peerIp, int peerPort,
                                   TcpConversation.Plan plan) {
        return run.run(flow(command, peerIp, peerPort, tcp.sourcePort, capture(plan)), renderer, path -> {
            TcpWarmup.run(peerIp.ipv6());
            return new TcpConversation(path(path, peerIp), config(tcp, path.end().tcpPort(), peerPort, path.end().route().mss()), plan,
                    Unpredictable.nextInt(65536));
        });
    }

    /** handshake --keep in the shell: the connection stays open, kept by the run's keeper, after the prompt returns. */
    public static int keep(LiveRun run, TcpOptions tcp, Renderer renderer, IpAddress peerIp, int peerPort) {
        LivePath path = run.open(flow("handshake --keep", peerIp, peerPort, tcp.sourcePort), renderer);
        ConnectionKeeper.Kept k;
        try {
            if (path.stopped()) {
                path.close();
                return LiveRun.exitCode(renderer);
            }
            TcpWarmup.run(peerIp.ipv6());
            k = run.keeper().keep(path.session(), path(path, peerIp), config(tcp, path.end().tcpPort(), peerPort, path.end().route().mss()));
        } catch (RuntimeException e) {
            path.close();
            throw e;
        }
        if (k.established()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", true);
            f.put("connection", k.id());
            f.put("peer", peerIp.withPort(peerPort));
            f.put("state", "ESTABLISHED");
            renderer.accept(new Event.Result(run.now(), Verdict.OK,
                    List.of("connection " + k.id() + " to " + peerIp.withPort(peerPort) + " is open (ESTABLISHED)"), null, f));
            return ExitCodes.OK;
        }
        return k.result() == null ? ExitCodes.NO_ANSWER : ExitCodes.of(k.result().verdict());
    }

    /** @param mss the route's: {@link Route#mss()} (its MTU less 40 over IPv4, less 60 over IPv6) */
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

    public static String header(String command, Route route, int sourcePort, IpAddress peerIp, int peerPort) {
        return command + " " + route.sourceAddress().withPort(sourcePort) + " → " + peerIp.withPort(peerPort)
                + " " + route.describe();
    }
}
