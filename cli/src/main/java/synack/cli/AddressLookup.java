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
import synack.net.HostsFile;
import synack.net.NsSwitch;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;

/**
 * A host name given where an address is wanted (syn-probe www.synack.test): asked of the stub
 * resolver's name server with our own frames, as a short story of its own (ARP, query, answer)
 * before the command's main one, on a flow of its own. The run's memory answers first when it
 * holds the name (the shell, within the TTL) and learns the answer; then the hosts file, when
 * nsswitch.conf asks it before DNS (told as a step, as http-get tells it).
 */
final class AddressLookup {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AddressLookup() {}

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
        // the lookup order of the C library: the hosts file first when nsswitch.conf asks it before DNS
        HostsFile hosts = HostsFile.read(HostsFile.DEFAULT);
        NsSwitch order = NsSwitch.read(NsSwitch.DEFAULT);
        Integer fromFile = order.fromFilesFirst(hosts, name);
        if (fromFile != null) {
            HostsFile.Entry e = hosts.lookup(name);
            renderer.accept(new Event.Note(run.now(), Event.Note.Kind.SECTION, hosts.answerText(name, e),
                    hosts.fields(name, e, order.origin())));
            return fromFile;
        }
        int server = run.host().nameserver().orElseThrow(() -> new EnvironmentException(
                "no IPv4 nameserver in /etc/resolv.conf to resolve " + name + ": give an address"));
        String srv = Ip4.toString(server);
        LiveFlow flow = LiveFlow.toPeer(server).udpSourcePort().tcpSourcePort(null)
                .capture(end -> "(udp and src port 53 and dst port " + end.udpPort() + ") or (tcp and src host " + srv
                        + " and src port 53 and dst port " + end.tcpPort() + ")")
                .section(end -> "DNS: " + name + " → ? (@" + srv + ")")
                .arpNextHop();
        try (LivePath path = run.open(flow, renderer)) {
            if (path.stopped()) {
                return null; // the next hop did not answer ARP (told), or Ctrl-C
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
            String failure;
            if (answer == null) {
                failure = r != null && r.summary() != null ? r.summary() : "no answer from the name server";
            } else {
                AddressAnswer a = AddressAnswer.of(name, answer);
                if (a != null) {
                    run.memory().learnedAddress(name, a.address(), a.ttlSeconds());
                    path.session().tell(a.note(r != null ? r.timeMicros() : path.session().now()));
                    return a.address();
                }
                failure = answer.rcodeName() + ", no A record";
            }
            // the contract's codes: a negative answer (NXDOMAIN, no A) is 1, silence is 4
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", false);
            f.put("error", "could not resolve " + name + ": " + failure);
            // a lookup that ended with its own verdict keeps it (ICMP refused, a garbled answer: 1)
            Verdict verdict = answer != null ? Verdict.NEGATIVE : r != null ? r.verdict() : Verdict.NO_ANSWER;
            renderer.accept(new Event.Result(path.session().now(), verdict,
                    List.of("could not resolve " + name + ": " + failure), null, f));
            return null;
        }
    }
}
