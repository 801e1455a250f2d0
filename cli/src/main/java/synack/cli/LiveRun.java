package synack.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import synack.net.Unpredictable;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.net.Route;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * The one live-command runner. A command declares its exchange's {@link LiveFlow}; this does
 * what every live command does around it, once: route (as the kernel would), source (ours, or
 * an -S address we answer ARP for), ports (a TCP port, a UDP port held), the capture filter
 * (the exchange's clauses, ARP and ICMP for us, later fragments), the session (privilege, -w,
 * Ctrl-C cleanup, lo's intake), the header, the next hop's MAC (an ARP phase, or the shell's
 * memory), the RST guard, then the exchange, and the exit code from its result's verdict.
 * Output goes where picocli says (getOut/getErr), so commands run in-process in tests; the
 * machine, the memory and the connection keeper come from the {@link RunContext}.
 */
public final class LiveRun {

    private final LiveOptions live;
    private final RunContext context;
    private final PrintStream out;
    private final PrintStream err;

    public LiveRun(LiveOptions live, RunContext context, PrintStream out, PrintStream err) {
        this.live = live;
        this.context = context;
        this.out = out;
        this.err = err;
    }

    /** The runner for a command parsed by {@code spec}: its options, its command line's context and streams. */
    public static LiveRun of(CommandSpec spec, LiveOptions live) {
        CommandLine cli = spec.commandLine();
        return new LiveRun(live, RunContext.of(spec), WriterStream.buffered(cli.getOut()), WriterStream.printStream(cli.getErr()));
    }

    public LiveOptions options() {
        return live;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public LiveHost host() {
        return context.host();
    }

    public SessionMemory memory() {
        return context.memory();
    }

    public ConnectionKeeper keeper() {
        return context.keeper();
    }

    /** Microseconds on the host's clock: a story's start. */
    public long now() {
        return context.host().clock().nowMicros();
    }

    /** The renderer the options ask for (--json, -q, text), writing to this run's streams. */
    public Renderer narration(String command) {
        return narration(command, false);
    }

    /** @param relativeSeq --relative: TCP sequence numbers counted from each side's ISN */
    public Renderer narration(String command, boolean relativeSeq) {
        return Narration.forOptions(live, relativeSeq, command, now(), out, err);
    }

    /** Routes to the peer as the kernel would (-i and -S taken into account), checked for a conversation. */
    public Route route(int peer) {
        return route(IpAddress.of(peer));
    }

    /**
     * As {@link #route(int)}, for a peer of either family: -S, of the peer's family, picks the
     * route as {@code ip route get DST from SRC} does (for IPv6 too: a policy rule or a
     * source-specific route may send it another way than the kernel's own source would go).
     */
    public Route route(IpAddress peer) {
        requireSourceFamily(peer);
        return checked(context.host().routing().resolve(peer, live.interfaceName, live.source));
    }

    /** -S and the peer are of one family, or the run stops here with the user's one line (exit 2). */
    public void requireSourceFamily(IpAddress peer) {
        if (live.source != null && live.source.ipv6() != peer.ipv6()) {
            throw new UsageProblem(sourceMismatch(live.source, peer));
        }
    }

    /** The one line for an -S of the other family than the target's. */
    public static String sourceMismatch(IpAddress source, IpAddress peer) {
        return "-S " + source + " is an " + synack.net.AddressFamily.of(source).label() + " address and " + peer + " an "
                + synack.net.AddressFamily.of(peer).label() + " one: give -S of the target's family, or leave out -S";
    }

    /** What a conversation with one peer cannot use: a broadcast or multicast route, or a foreign -S over lo. */
    public Route checked(Route route) {
        if (route.type() == Route.Type.BROADCAST || route.type() == Route.Type.MULTICAST) {
            throw new UsageProblem(route.destinationAddress() + " is a " + route.type().name().toLowerCase(Locale.ROOT)
                    + " address (" + route.how() + "): a conversation needs one host");
        }
        if (route.loopback() && live.source != null && !context.host().holds(live.source)) {
            throw new UsageProblem("-S " + live.source + " is no address of this host: through lo the kernel answers it"
                    + " by its own route, not back through lo (leave out -S for " + route.destinationAddress() + ")");
        }
        return route;
    }

    /**
     * -S with an address this host does not hold: the kernel will not answer for it, so we do
     * (ARP, or over IPv6 the neighbour solicitations for it), and no RST rule is needed.
     */
    public boolean ownsSource() {
        return live.source != null && !context.host().holds(live.source);
    }

    static int randomPort() {
        return 61000 + Unpredictable.nextInt(65536 - 61000);
    }

    /**
     * Opens the flow: everything up to the exchange. The caller closes the path (try-with-resources);
     * when it is {@link LivePath#stopped()} there is nothing to run and the story is told.
     */
    public LivePath open(LiveFlow flow, Renderer renderer) {
        Route route = flow.route != null ? flow.route : route(flow.peer);
        boolean owns = !flow.segmentOnly && ownsSource();
        int tcpPort = !flow.tcpPort ? 0 : flow.tcpPortGiven != null ? TcpTarget.port(flow.tcpPortGiven, "--source-port") : randomPort();
        int udpPort = flow.udpPort ? randomPort() : 0;
        LocalEnd end = new LocalEnd(route, owns, tcpPort, udpPort);
        LiveSession session = flow.segmentOnly
                ? LiveSession.open(context.host(), live, renderer, route.via(), flow.capture.apply(end), flow.size, err)
                : conversation(end, flow.capture.apply(end), flow.size, renderer);
        LivePath path = new LivePath(session, end, context.host());
        try {
            if (udpPort != 0) {
                session.claimUdpPort(route.sourceAddress(), udpPort);
            }
            if (flow.header != null) {
                String text = flow.header.apply(end);
                if (flow.headerIsSection) {
                    session.tell(new Event.Note(session.now(), Event.Note.Kind.SECTION, text, Map.of()));
                } else {
                    session.header(text, flow.headerFields.apply(end));
                }
            }
            MacAddress[] hops = switch (flow.nextHop) {
                case NONE -> new MacAddress[] {route.nextHopMac()};
                case ONE -> {
                    MacAddress mac = NextHops.one(session, route, renderer, context.memory());
                    yield mac == null ? null : new MacAddress[] {mac};
                }
                case MANY -> NextHops.many(session, flow.routes, renderer, context.memory());
            };
            path.nextHops(hops);
            if (hops == null) {
                if (flow.stoppedEarly != null && renderer.exitCode() < 0) { // stopped during ARP: scripts still get their one result
                    renderer.accept(new Event.Result(session.now(), Verdict.INTERRUPTED, List.of(), flow.stoppedEarly,
                            Map.of("ok", false, "error", "interrupted")));
                }
                return path;
            }
            if (flow.guardTcpPort) {
                path.guardTcpPort();
            }
            return path;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * A session for a conversation with a peer: the exchange's clauses, ARP to our MAC and ICMP
     * to our source — over IPv6 ICMPv6: the errors about our segments, and the neighbour
     * advertisements that answer our solicitations (the kernel answers the solicitations for our
     * own address itself). ARP to our MAC over IPv6 too: a later part of the story may go over
     * IPv4 (http-get's name server, its next URL). An -S no interface holds is answered for by us
     * (see {@link #answerForOwnedSource}); lo takes our frames in for its length.
     */
    private LiveSession conversation(LocalEnd end, String clauses, synack.link.PcapLink.Capture size, Renderer renderer) {
        Route route = end.route();
        String filter = "(arp and ether dst " + route.via().mac() + ") or (" + clauses + ")"
                + (route.ipv6() ? " or (icmp6 and dst host " + route.sourceAddress() + ")"
                        : " or (icmp and dst host " + Ip4.toString(route.source()) + ")")
                + (end.ownsSource() ? ownedSourceClause() : "");
        LiveSession session = LiveSession.open(context.host(), live, renderer, route.via(), filter, size, err);
        if (end.ownsSource()) {
            answerForOwnedSource(session, route.via().mac());
        }
        if (route.loopback()) {
            try {
                session.onClose(context.host().takeInOnLoopback());
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    /**
     * What asks for an -S no interface holds: ARP who-has for an IPv4 one, the neighbour
     * solicitations for an IPv6 one, which go to its solicited-node group (RFC 4861 7.2.2).
     */
    private String ownedSourceClause() {
        return live.source.ipv6()
                ? " or (icmp6 and dst host " + IpAddress.of(synack.wire.Ip6.solicitedNode(live.source.bytes())) + ")"
                : " or (arp and arp[24:4] = " + Integer.toUnsignedString(live.source.v4()) + ")";
    }

    /** Nobody else will answer for an -S no interface holds: we do, ARP or neighbour solicitations, whatever the exchange. */
    private void answerForOwnedSource(LiveSession session, MacAddress ours) {
        if (live.source.ipv6()) {
            session.answerNeighbourSolicitationsFor(live.source, ours);
        } else {
            session.answerArpFor(live.source.v4(), ours);
        }
    }

    /** Opens the flow, runs the exchange built on it, and returns the exit code its result asks for. */
    public int run(LiveFlow flow, Renderer renderer, Function<LivePath, Exchange> exchange) {
        return run(flow, renderer, exchange, () -> { });
    }

    /** As {@link #run(LiveFlow, Renderer, Function)}, calling {@code between} before each wait (a progress bar's tick). */
    public int run(LiveFlow flow, Renderer renderer, Function<LivePath, Exchange> exchange, Runnable between) {
        try (LivePath path = open(flow, renderer)) {
            if (path.stopped()) {
                return exitCode(renderer);
            }
            path.session().run(exchange.apply(path), between);
            return exitCode(renderer);
        }
    }

    /** A host name where an address is wanted, asked of the name server first (see {@link AddressLookup}). */
    public Integer address(Renderer renderer, String name) {
        return AddressLookup.address(this, renderer, name);
    }

    /** As {@link #address(Renderer, String)}, for an address of {@code family}: AAAA asked for IPv6 (see {@link AddressLookup}). */
    public IpAddress address(Renderer renderer, String name, synack.net.AddressFamily family) {
        return AddressLookup.address(this, renderer, name, family);
    }

    /**
     * The exit code of a story told: 130 when the user stopped it, else what its result's verdict
     * maps to (ExitCodes.of), or 4 when no result came at all.
     */
    public static int exitCode(Renderer renderer) {
        if (Interrupts.requested()) {
            return ExitCodes.INTERRUPTED;
        }
        return renderer.exitCode() < 0 ? ExitCodes.NO_ANSWER : renderer.exitCode();
    }
}
