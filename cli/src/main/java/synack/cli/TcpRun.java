package synack.cli;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.exchange.arp.ArpResolve;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.net.KernelRstFilter;
import synack.net.LocalInterface;
import synack.net.LoopbackIntake;
import synack.net.Route;
import synack.net.Routing;
import synack.oui.OuiRegistry;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * What every TCP command does before its own exchange: choose the route, ARP the next hop (a
 * narrated phase), keep the kernel's RSTs off our port (or own the -S address), then run it.
 */
public final class TcpRun {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TcpRun() {}

    /** Everything known once the next hop answered. */
    public record Prepared(Route route, MacAddress nextHopMac, boolean ownsSource, int sourcePort) {}

    public static int randomSourcePort() {
        return 61000 + RANDOM.nextInt(65536 - 61000);
    }

    public static int randomIsn() {
        return RANDOM.nextInt();
    }

    public static LiveSession open(LiveOptions live, Renderer renderer, Route route, int peerIp, boolean ownsSource, String extraFilter) {
        return open(live, renderer, route, ownsSource, extraFilter, synack.link.PcapLink.Capture.WHOLE);
    }

    public static LiveSession open(LiveOptions live, Renderer renderer, Route route, boolean ownsSource, String extraFilter,
                                   synack.link.PcapLink.Capture capture) {
        String filter = "(arp and ether dst " + route.via().mac() + ")"
                + (ownsSource ? " or (arp and arp[24:4] = " + Integer.toUnsignedString(route.source()) + ")" : "")
                + " or (" + extraFilter + ")"
                + " or (icmp and dst host " + Ip4.toString(route.source()) + ")";
        LiveSession session = LiveSession.open(live, renderer, route.via(), filter, capture);
        if (ownsSource) {
            session.answerArpFor(route.source(), route.via().mac()); // nobody else will: no interface holds it
        }
        if (route.loopback()) {
            try {
                session.onClose(LoopbackIntake.install());
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    /** Routes to the peer as the kernel would; -S with an address no interface holds means we answer ARP for it ourselves. */
    public static Route route(LiveOptions live, int peerIp) {
        return checked(live, Routing.fromKernel().resolve(peerIp, live.interfaceName, live.source));
    }

    /** What a conversation with one peer cannot use: a broadcast or multicast route, or a foreign -S over lo. */
    public static Route checked(LiveOptions live, Route route) {
        if (route.type() == Route.Type.BROADCAST || route.type() == Route.Type.MULTICAST) {
            throw new UsageProblem(Ip4.toString(route.destination()) + " is a " + route.type().name().toLowerCase(java.util.Locale.ROOT)
                    + " address (" + route.how() + "): a conversation needs one host");
        }
        if (route.loopback() && live.source != null && !LocalInterface.hostHolds(live.source)) {
            throw new UsageProblem("-S " + Ip4.toString(live.source) + " is no address of this host: through lo the kernel answers it"
                    + " by its own route, not back through lo (leave out -S for " + Ip4.toString(route.destination()) + ")");
        }
        return route;
    }

    /** -S with an address this host does not hold: the kernel will not answer for it, so we do (ARP, and no RST rule). */
    public static boolean ownsSource(LiveOptions live, Route route) {
        return live.source != null && !LocalInterface.hostHolds(live.source);
    }

    /** The line told instead of the ARP phase when the next hop's MAC needs no asking (lo's zero MACs). */
    public static String noArpNote(Route route) {
        if (route.loopback()) {
            boolean own = route.local() && (route.destination() >>> 24) != 127;
            return "loopback: " + (own ? Ip4.toString(route.destination()) + " is this host's own address, so the kernel routes it through lo;"
                    + " frames go through lo" : "frames go through " + route.via().name()) + " with zero MACs, no ARP"
                    + " (lo takes them in with accept_local and route_localnet on, until the end of this run)";
        }
        return route.type().name().toLowerCase(java.util.Locale.ROOT) + ": frames go to " + route.nextHopMac() + ", no ARP";
    }

    /** Tells {@link #noArpNote} as a phase of its own and returns the MAC the frames carry. */
    public static MacAddress tellNoArp(LiveSession session, Route route) {
        session.tell(new Event.Note(synack.time.Clock.SYSTEM.nowMicros(), Event.Note.Kind.PHASE, noArpNote(route),
                Map.of("phase", route.loopback() ? "loopback" : route.type().name().toLowerCase(java.util.Locale.ROOT), "exit", 0)));
        return route.nextHopMac();
    }

    /** ARPs the next hop as the first phase; null (and a result) when it does not answer. */
    public static MacAddress resolveNextHop(LiveSession session, Route route, Renderer renderer) {
        if (!route.needsArp()) {
            return tellNoArp(session, route);
        }
        MacAddress cached = synack.cli.shell.SessionCaches.neighbour(route.nextHop());
        if (cached != null) {
            session.tell(new Event.Note(synack.time.Clock.SYSTEM.nowMicros(), Event.Note.Kind.INFO, "next hop " + Ip4.toString(route.nextHop())
                    + " is-at " + cached + " from the shell's neighbour cache (REACHABLE, learned "
                    + synack.event.Durations.human(synack.cli.shell.SessionCaches.ageMicros(route.nextHop())) + " ago): no ARP needed",
                    Map.of()));
            return cached;
        }
        ArpResolve arp = new ArpResolve(route.via().mac(), route.source(), List.of(route.nextHop()),
                new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, false);
        Event.Result r = session.phase(arp, route.onLink() ? "ARP " + Ip4.toString(route.nextHop())
                : "ARP next hop " + Ip4.toString(route.nextHop()) + " (gateway)");
        if (r == null || !r.ok()) {
            if (r != null && r.verdict() != synack.event.Verdict.INTERRUPTED) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", false);
                f.put("error", "next hop " + Ip4.toString(route.nextHop()) + " did not answer ARP");
                // OUTPUT.md: no ARP reply is a negative answer (1), as arp-resolve says it
                renderer.accept(new Event.Result(r.timeMicros(), synack.event.Verdict.NEGATIVE,
                        List.of("next hop " + Ip4.toString(route.nextHop()) + " did not answer ARP: nothing can be sent"), null, f));
            }
            return null;
        }
        synack.cli.shell.SessionCaches.learned(route.nextHop(), arp.entry(route.nextHop()).mac());
        return arp.entry(route.nextHop()).mac();
    }

    /** Keeps the kernel from resetting our hand-made connection, unless it does not know our address at all. */
    public static void guardAgainstKernelRst(LiveSession session, boolean ownsSource, int sourcePort) {
        if (!ownsSource) {
            session.onClose(KernelRstFilter.install(sourcePort));
        }
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

    /** handshake --keep in the shell: the connection stays open on its own thread after the prompt returns. */
    public static int keep(LiveOptions live, TcpOptions tcp, Renderer renderer, int peerIp, int peerPort) {
        Route route = route(live, peerIp);
        boolean owns = ownsSource(live, route);
        int sport = tcp.sourcePort != null ? TcpTarget.port(tcp.sourcePort, "--source-port") : randomSourcePort();
        String filter = "tcp and src host " + Ip4.toString(peerIp) + " and src port " + peerPort + " and dst port " + sport;
        LiveSession session = open(live, renderer, route, peerIp, owns, filter);
        MacAddress hop;
        try {
            session.header(header("handshake --keep", route, sport, peerIp, peerPort), Map.of("interface", route.via().name()));
            hop = resolveNextHop(session, route, renderer);
            if (hop == null) {
                session.close();
                return renderer.exitCode() < 0 ? ExitCodes.INTERRUPTED : renderer.exitCode();
            }
            guardAgainstKernelRst(session, owns, sport);
            synack.exchange.tcp.TcpWarmup.run();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        TcpConversation conv = new TcpConversation(new TcpConversation.Path(route.via().mac(), route.source(),
                hop, peerIp, owns), config(tcp, sport, peerPort, route.mss()), new synack.cli.shell.KeptConnections.KeepApp(),
                "handshake", RANDOM.nextInt(65536));
        synack.cli.shell.KeptConnections.Kept k = synack.cli.shell.KeptConnections.start(conv, session, peerIp, peerPort);
        if (k.state() == synack.exchange.tcp.TcpState.ESTABLISHED) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", true);
            f.put("connection", k.id());
            f.put("peer", Ip4.toString(peerIp) + ":" + peerPort);
            f.put("state", "ESTABLISHED");
            renderer.accept(new Event.Result(synack.time.Clock.SYSTEM.nowMicros(), synack.event.Verdict.OK,
                    List.of("connection " + k.id() + " to " + Ip4.toString(peerIp) + ":" + peerPort + " is open (ESTABLISHED)"), null, f));
            return ExitCodes.OK;
        }
        return k.result() == null ? ExitCodes.NO_ANSWER : ExitCodes.of(k.result().verdict());
    }

    public static int conversation(String command, LiveOptions live, TcpOptions tcp, Renderer renderer, int peerIp, int peerPort,
                                   TcpConversation.Plan plan) {
        Route route = route(live, peerIp);
        boolean owns = ownsSource(live, route);
        int sport = tcp.sourcePort != null ? TcpTarget.port(tcp.sourcePort, "--source-port") : randomSourcePort();
        String filter = "tcp and src host " + Ip4.toString(peerIp) + " and src port " + peerPort + " and dst port " + sport;
        try (LiveSession session = open(live, renderer, route, peerIp, owns, filter)) {
            session.header(header(command, route, sport, peerIp, peerPort), Map.of("interface", route.via().name()));
            MacAddress hop = resolveNextHop(session, route, renderer);
            if (hop == null) {
                return renderer.exitCode() < 0 ? ExitCodes.INTERRUPTED : renderer.exitCode();
            }
            guardAgainstKernelRst(session, owns, sport);
            synack.exchange.tcp.TcpWarmup.run();
            TcpConversation conv = new TcpConversation(
                    new TcpConversation.Path(route.via().mac(), route.source(), hop, peerIp, owns),
                    config(tcp, sport, peerPort, route.mss()), plan, RANDOM.nextInt(65536));
            return session.run(conv);
        }
    }
}
