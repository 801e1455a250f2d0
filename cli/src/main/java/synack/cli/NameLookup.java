package synack.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.time.Clock;
import synack.exchange.dns.DnsLookup;
import synack.net.EnvironmentException;
import synack.net.ResolvConf;
import synack.net.Route;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * A host name given where an address is wanted: asked of the resolv.conf name server with our
 * own frames, as a short story of its own (ARP, query, answer) before the command's main one.
 */
public final class NameLookup {
    private static final SecureRandom RANDOM = new SecureRandom();

    private NameLookup() {}

    /**
     * The name's first A record, or null when there is none — after a result saying why (exit 1
     * for a negative answer, 4 for no answer) — or when interrupted (no result: the caller's 130).
     */
    public static Integer address(LiveOptions live, Renderer renderer, String name) {
        Integer cached = synack.cli.shell.SessionCaches.address(name);
        if (cached != null) {
            return cached;
        }
        int server = ResolvConf.firstNameserver(Path.of("/etc/resolv.conf")).orElseThrow(() -> new EnvironmentException(
                "no IPv4 nameserver in /etc/resolv.conf to resolve " + name + ": give an address"));
        Route route = TcpRun.route(live, server);
        boolean owns = TcpRun.ownsSource(live, route);
        int udpPort = TcpRun.randomSourcePort();
        int tcpPort = TcpRun.randomSourcePort();
        String filter = "(udp and src port 53 and dst port " + udpPort + ") or (tcp and src host " + Ip4.toString(server)
                + " and src port 53 and dst port " + tcpPort + ")";
        try (LiveSession session = TcpRun.open(live, renderer, route, server, owns, filter)) {
            session.tell(new Event.Note(Clock.SYSTEM.nowMicros(), Event.Note.Kind.SECTION, "DNS: " + name + " → ? (@" + Ip4.toString(server) + ")",
                    Map.of()));
            MacAddress hop = TcpRun.resolveNextHop(session, route, renderer);
            if (hop == null) {
                return null; // the next hop did not answer ARP (told, exit 4), or Ctrl-C
            }
            Answer a = ask(session, new DnsLookup.Path(route.via().mac(), hop, route.source(), server, 53), name, udpPort, tcpPort,
                    route.mss(), () -> TcpRun.guardAgainstKernelRst(session, owns, tcpPort));
            if (Interrupts.requested()) {
                return null;
            }
            if (a.address() != null) {
                return a.address();
            }
            // the contract's codes: a negative answer (NXDOMAIN, no A) is 1, silence is 4
            Map<String, Object> f = new java.util.LinkedHashMap<>();
            f.put("ok", false);
            f.put("error", "could not resolve " + name + ": " + a.failure());
            renderer.accept(new Event.Result(Clock.SYSTEM.nowMicros(), a.serverAnswered() ? synack.event.Verdict.NEGATIVE : synack.event.Verdict.NO_ANSWER,
                    List.of("could not resolve " + name + ": " + a.failure()), null, f));
            return null;
        }
    }

    /** What a name server said of a name's A record: the address, or why there is none. */
    public record Answer(Integer address, String failure, boolean serverAnswered) {}

    /**
     * Asks the name server on {@code path} for {@code name}'s A record inside an open session
     * (recursion desired, EDNS0; over TCP from {@code tcpPort} when the answer is truncated), tells
     * the address found (and the alias it came through), and keeps it in the shell's DNS cache.
     * {@code mss} is the route's to the name server.
     */
    public static Answer ask(LiveSession session, DnsLookup.Path path, String name, int udpPort, int tcpPort, int mss,
                             Runnable beforeTcp) {
        DnsMessage query = DnsMessage.query(RANDOM.nextInt(65536), name, DnsType.A, true, 1232);
        DnsLookup lookup = new DnsLookup(path, query, new DnsLookup.Settings(2, 2_000_000, false, udpPort,
                TcpRun.dnsTcpConfig(tcpPort, path.serverPort(), mss), List.of(), beforeTcp), RANDOM.nextInt(65536));
        session.claimUdpPort(path.ourIp(), udpPort);
        Event.Result r = session.capture(lookup);
        DnsMessage answer = lookup.answer();
        if (answer == null) {
            return new Answer(null, r != null && r.summary() != null ? r.summary() : "no answer from the name server", false);
        }
        String asked = answer.questions().get(0).name();
        for (DnsMessage.Record rec : answer.answers()) {
            if (rec.type() == DnsType.A) {
                int ip = Ip4.parse(rec.rdataText());
                synack.cli.shell.SessionCaches.learned(name, ip, rec.ttl());
                session.tell(new Event.Note(r != null ? r.timeMicros() : Clock.SYSTEM.nowMicros(), Event.Note.Kind.INFO, name + " is " + rec.rdataText()
                        + (rec.name().equalsIgnoreCase(asked) ? "" : " (via CNAME " + rec.name() + ")"), Map.of()));
                return new Answer(ip, null, true);
            }
        }
        return new Answer(null, answer.rcodeName() + ", no A record", true);
    }
}
