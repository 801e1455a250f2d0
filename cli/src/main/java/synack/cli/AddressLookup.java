package synack.cli;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.dns.AddressAnswer;
import synack.exchange.dns.DnsLookup;
import synack.net.EnvironmentException;
import synack.net.NameSources;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;

/**
 * A host name given where an address is wanted (syn-probe www.synack.test): the run's memory
 * answers first when it holds the name (the shell, within the TTL); then the C library's order,
 * nsswitch.conf's hosts line walked by {@link NameSources} (the hosts file, DNS, the hosts file
 * after DNS when the order goes on), each step told. DNS is asked of the stub resolver's name
 * server with our own frames, as a short story of its own (ARP, query, answer) before the
 * command's main one, on a flow of its own; its answer is learned.
 */
final class AddressLookup {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AddressLookup() {}

    /** Why DNS gave no address: in words, and the verdict the contract gives it (a negative answer 1, silence 4). */
    private record DnsFailure(String text, Verdict verdict) {}

    /**
     * The name's first A record, or null when there is none — after a result saying why (a
     * negative answer, or no answer) — or when interrupted (no result: the caller's 130).
     */
    static Integer address(LiveRun run, Renderer renderer, String name) {
        DnsMessage query;
        try {
            query = DnsMessage.query(RANDOM.nextInt(65536), name, DnsType.A, true, 1232);
        } catch (IllegalArgumentException e) { // the user's name cannot be a DNS name (a label over 63 octets)
            throw new UsageProblem("not a host name: " + name + " (" + e.getMessage() + ")");
        }
        Integer cached = run.memory().address(name);
        if (cached != null) {
            return cached;
        }
        Integer server = run.host().nameserver().orElse(null);
        NameSources sources = NameSources.system(server);
        DnsFailure[] dnsFailure = {null};
        NameSources.Walk w = sources.resolve(name, (n, srv) -> ask(run, renderer, n, srv, query, dnsFailure),
                step -> renderer.accept(new Event.Note(run.now(), step.section() ? Event.Note.Kind.SECTION : Event.Note.Kind.INFO,
                        step.text(), step.fields())));
        if (w == null) {
            return null; // the next hop did not answer ARP (told), or Ctrl-C
        }
        if (w.outcome() == NameSources.Outcome.RESOLVED) {
            return w.address();
        }
        if (server == null) {
            throw new EnvironmentException("no IPv4 nameserver in /etc/resolv.conf to resolve " + name + ": give an address");
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
    private static NameSources.DnsAnswer ask(LiveRun run, Renderer renderer, String name, int server, DnsMessage query,
                                             DnsFailure[] failed) {
        String srv = Ip4.toString(server);
        LiveFlow flow = LiveFlow.toPeer(server).udpSourcePort().tcpSourcePort(null)
                .capture(end -> "(udp and src port 53 and dst port " + end.udpPort() + ") or (tcp and src host " + srv
                        + " and src port 53 and dst port " + end.tcpPort() + ")")
                .section(end -> "DNS: " + name + " → ? (@" + srv + ")")
                .arpNextHop();
        try (LivePath path = run.open(flow, renderer)) {
            if (path.stopped()) {
                return null;
            }
            LocalEnd end = path.end();
            DnsLookup lookup = new DnsLookup(new DnsLookup.Path(end.route().via().mac(), path.nextHop(), end.route().source(), server, 53),
                    query, new DnsLookup.Settings(2, 2_000_000, false, end.udpPort(),
                            TcpRun.dnsTcpConfig(end.tcpPort(), 53, end.route().mss()), List.of(), path::guardTcpPort),
                    RANDOM.nextInt(65536));
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
            AddressAnswer a = AddressAnswer.of(name, answer);
            if (a != null) {
                run.memory().learnedAddress(name, a.address(), a.ttlSeconds());
                path.session().tell(a.note(r != null ? r.timeMicros() : path.session().now()));
                return NameSources.DnsAnswer.found(a.address());
            }
            failed[0] = new DnsFailure(answer.rcodeName() + ", no A record", Verdict.NEGATIVE);
            return NameSources.DnsAnswer.negative();
        }
    }
}
