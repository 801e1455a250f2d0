package synack.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.net.Unpredictable;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.dns.AddressAnswer;
import synack.exchange.dns.DnsLookup;
import synack.net.AddressFamily;
import synack.net.EnvironmentException;
import synack.net.NameSources;
import synack.net.ResolvConf;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.IpAddress;

/**
 * A host name given where an address is wanted (syn-probe www.synack.test): the run's memory
 * answers first when it holds the name (the shell, within the TTL); then the C library's order,
 * nsswitch.conf's hosts line walked by {@link NameSources} (the hosts file, DNS, the hosts file
 * after DNS when the order goes on), each step told. The family the command wants decides the
 * hosts file's lines read and the record asked (A for IPv4, AAAA for IPv6). DNS is asked of the
 * stub resolver's first name server (resolv.conf's order, over whichever family it is, as glibc
 * does) with our own frames, as a short story of its own (ARP or NDP, query, answer) before the
 * command's main one, on a flow of its own; its answer is learned.
 */
final class AddressLookup {

    private AddressLookup() {}

    /** Why DNS gave no address: in words, and the verdict the contract gives it (a negative answer 1, silence 4). */
    private record DnsFailure(String text, Verdict verdict) {}

    /** The name's first A record (IPv4 callers), as {@link #address(LiveRun, Renderer, String, AddressFamily)}. */
    static Integer address(LiveRun run, Renderer renderer, String name) {
        IpAddress ip = address(run, renderer, name, AddressFamily.IPV4);
        return ip == null ? null : ip.v4();
    }

    /**
     * The name's first address of {@code family} (an A record for IPv4, AAAA for IPv6), or null
     * when there is none — after a result saying why (a negative answer, or no answer) — or when
     * interrupted (no result: the caller's 130).
     */
    static IpAddress address(LiveRun run, Renderer renderer, String name, AddressFamily family) {
        DnsMessage query;
        try {
            query = DnsMessage.query(Unpredictable.nextInt(65536), name, family.recordType(), true, 1232);
        } catch (IllegalArgumentException e) { // the user's name cannot be a DNS name (a label over 63 octets)
            throw new UsageProblem("not a host name: " + name + " (" + e.getMessage() + ")");
        }
        IpAddress cached = run.memory().address(name, family);
        if (cached != null) {
            return cached;
        }
        List<ResolvConf.Nameserver> servers = run.host().nameservers();
        IpAddress server = ResolvConf.first(servers, null).map(ResolvConf.Nameserver::address).orElse(null);
        NameSources sources = NameSources.system(server, family);
        DnsFailure[] dnsFailure = {null};
        NameSources.Walk w = sources.resolve(name, (n, srv) -> ask(run, renderer, n, srv, query, family, dnsFailure),
                step -> renderer.accept(new Event.Note(run.now(), step.section() ? Event.Note.Kind.SECTION : Event.Note.Kind.INFO,
                        step.text(), step.fields())));
        if (w == null) {
            return null; // the next hop did not answer ARP or NDP (told), or Ctrl-C
        }
        if (w.outcome() == NameSources.Outcome.RESOLVED) {
            return w.resolved();
        }
        if (server == null) {
            throw new EnvironmentException(ResolvConf.firstScoped(servers, null)
                    .map(s -> "the name server " + s + " in /etc/resolv.conf has a scope id, which synack does not follow; ")
                    .orElse("no nameserver in /etc/resolv.conf ") + "to resolve " + name + ": give an address");
        }
        DnsFailure dns = dnsFailure[0];
        String failure = dns == null ? w.why() : w.outcome() == NameSources.Outcome.NOT_RESOLVED ? dns.text() + "; " + w.why() : dns.text();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", false);
        f.put("error", "could not resolve " + name + ": " + failure);
        renderer.accept(new Event.Result(run.now(), dns == null ? Verdict.NEGATIVE : dns.verdict(), List.of("could not resolve " + name
                + ": " + failure), null, f));
        return null;
    }

    /** DNS's step: the query and its answer told on a flow of its own; what it came to for the walk, null when stopped. */
    private static NameSources.DnsAnswer ask(LiveRun run, Renderer renderer, String name, IpAddress server, DnsMessage query,
                                             AddressFamily family, DnsFailure[] failed) {
        String type = DnsType.name(family.recordType());
        LiveFlow flow = LiveFlow.toPeer(server).udpSourcePort().tcpSourcePort(null).size(TcpRun.CONVERSATION) // a TCP answer's window
                .capture(end -> "(udp and src port 53 and dst port " + end.udpPort() + ") or (tcp and src host " + server
                        + " and src port 53 and dst port " + end.tcpPort() + ")")
                .section(end -> "DNS: " + name + (family == AddressFamily.IPV6 ? " AAAA" : "") + " → ? (@" + server + ")")
                .arpNextHop();
        try (LivePath path = run.open(flow, renderer)) {
            if (path.stopped()) {
                return null;
            }
            LocalEnd end = path.end();
            DnsLookup lookup = new DnsLookup(new DnsLookup.Path(end.route().via().mac(), path.nextHop(), end.route().sourceAddress(),
                    server, 53), query, new DnsLookup.Settings(2, 2_000_000, false, end.udpPort(),
                            TcpRun.dnsTcpConfig(end.tcpPort(), 53, end.route().mss()), List.of(), path::guardTcpPort),
                    Unpredictable.nextInt(65536));
            Event.Result r = path.session().capture(lookup);
            if (Interrupts.requested()) {
                return null;
            }
            DnsMessage answer = lookup.answer();
            if (answer == null) {
                // a lookup that ended with its own verdict keeps it (ICMP refused, a garbled answer: 1); silence is 4
                failed[0] = new DnsFailure(r != null && r.summary() != null ? r.summary() : "no answer from the name server",
                        r != null ? r.verdict() : Verdict.NO_ANSWER);
                return NameSources.DnsAnswer.none();
            }
            AddressAnswer a = AddressAnswer.of(name, answer, family.recordType());
            if (a != null) {
                run.memory().learnedAddress(name, a.ip(), a.ttlSeconds());
                path.session().tell(a.note(r != null ? r.timeMicros() : path.session().now()));
                return NameSources.DnsAnswer.found(a.ip());
            }
            failed[0] = new DnsFailure(answer.rcodeName() + ", no " + type + " record", Verdict.NEGATIVE);
            return NameSources.DnsAnswer.negative();
        }
    }
}
