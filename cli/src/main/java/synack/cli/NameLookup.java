package synack.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.exchange.Clock;
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

    /** The name's first A record (null when interrupted); a usage problem when there is none (the name is the user's input). */
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
            session.tell(new Event.Note(Clock.SYSTEM.nowMicros(), "section", "DNS: " + name + " → ? (@" + Ip4.toString(server) + ")",
                    Map.of()));
            MacAddress hop = TcpRun.resolveNextHop(session, route, renderer);
            if (hop == null && Interrupts.requested()) {
                return null;
            }
            if (hop == null) {
                throw new EnvironmentException("cannot reach the name server " + Ip4.toString(server) + " to resolve " + name);
            }
            DnsMessage query = DnsMessage.query(RANDOM.nextInt(65536), name, DnsType.A, true, 1232);
            DnsLookup lookup = new DnsLookup(new DnsLookup.Path(route.via().mac(), hop, route.source(), server, 53), query,
                    new DnsLookup.Settings(2, 2_000_000, false, udpPort, TcpRun.dnsTcpConfig(tcpPort, 53), List.of(),
                            () -> TcpRun.guardAgainstKernelRst(session, owns, tcpPort)), RANDOM.nextInt(65536));
            Event.Result r = session.capture(lookup);
            if (Interrupts.requested()) {
                return null;
            }
            DnsMessage answer = lookup.answer();
            if (answer != null) {
                for (DnsMessage.Record rec : answer.answers()) {
                    if (rec.type() == DnsType.A) {
                        int ip = Ip4.parse(rec.rdataText());
                        synack.cli.shell.SessionCaches.learned(name, ip, rec.ttl());
                        session.tell(new Event.Note(Clock.SYSTEM.nowMicros(), "info", name + " is " + rec.rdataText(), Map.of()));
                        return ip;
                    }
                }
                throw new UsageProblem("'" + name + "' has no IPv4 address (" + answer.rcodeName() + ")");
            }
            throw new EnvironmentException("no answer from " + Ip4.toString(server) + " for " + name
                    + (r != null && r.summary() != null ? ": " + r.summary() : ""));
        }
    }
}
