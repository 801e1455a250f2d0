package synack.exchange.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;
import java.util.random.RandomGenerator;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.PhaseOutput;
import synack.exchange.arp.ArpResolve;
import synack.exchange.ndp.NdpResolve;
import synack.exchange.tcp.TcpConnection;
import synack.link.ReceivedFrame;
import synack.net.AddressFamily;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * Iterative resolution, as dig +trace and a recursive resolver do it: ask a root server without
 * recursion, follow its referral (NS records and their glue addresses) to the TLD's server, then
 * to the zone's, until a server answers with authority; a CNAME restarts the walk from the root
 * for its target. A referral that names its servers without their addresses (no glue: the server's
 * name lies outside the zone it serves) is followed as a resolver does: a trace of its own from the
 * root finds the server's address first. Each hop is a {@link DnsLookup} (with ARP, or a neighbour
 * solicitation over IPv6, first when a new next hop is needed).
 *
 * <p>One family for the whole walk, our address's, as dig +trace -4 or -6: the root hints'
 * addresses of that family, the glue's A records over IPv4 or AAAA records over IPv6. A referral
 * whose glue has no address of our family (only A glue on an IPv6 walk) is followed as a glueless
 * one: the server's own name is traced from the root for its address of our family (dig asks the
 * stub resolver for it instead); a server with none ends the walk, saying so.
 *
 * <p>Names compare as names ({@link DnsName}, RFC 4343): a server may answer in any case, and a
 * name is inside a zone label by label, not because its text ends the same way.
 */
public final class DnsTrace implements Exchange {
    /**
     * @param tcpOnly every hop asked over TCP from the start (--trace --tcp), not only after a truncated answer
     * @param beforeUdp given each hop's UDP source port before its first query (the CLI holds the port, so the
     *                  kernel answers the server's reply with no ICMP port unreachable); it throws
     *                  EnvironmentException when it cannot (another program holds the port), and another
     *                  port is tried; null: nothing to do
     */
    public record Settings(int retries, long timeoutMicros, int ednsSize, TcpConnection.Config tcp,
                           List<DnsExpectation> expectations, Runnable beforeTcp, boolean tcpOnly, IntConsumer beforeUdp) {
        public Settings(int retries, long timeoutMicros, int ednsSize, TcpConnection.Config tcp, List<DnsExpectation> expectations,
                        Runnable beforeTcp) {
            this(retries, timeoutMicros, ednsSize, tcp, expectations, beforeTcp, false, null);
        }

        public Settings(int retries, long timeoutMicros, int ednsSize, TcpConnection.Config tcp, List<DnsExpectation> expectations,
                        Runnable beforeTcp, boolean tcpOnly) {
            this(retries, timeoutMicros, ednsSize, tcp, expectations, beforeTcp, tcpOnly, null);
        }
    }

    private static final int MAX_HOPS = 20;
    private static final int MAX_CNAMES = 8;
    private static final int MAX_DEPTH = 3; // traces for a server's address, inside traces
    private static final int MAX_PORT_TRIES = 8; // per hop: random ports another program holds, passed over

    private final MacAddress ourMac;
    private final IpAddress ourIp;
    private final AddressFamily family;
    private final String originalName;
    private final int type;
    private final RootHints roots;
    private final Function<IpAddress, IpAddress> nextHopOf;
    private final Map<IpAddress, MacAddress> neighbours;
    private final RandomGenerator random;
    private final Settings settings;

    private String name;
    private String zone = ".";
    private List<RootHints.Server> servers;
    private RootHints.Server server;
    private int hops;
    private int cnames;
    private final List<String> chain = new ArrayList<>();
    private final List<TraceHop> hopLog = new ArrayList<>();
    private Exchange current;
    private PhaseOutput phase;
    private boolean resolvingNextHop;
    private String resolvingServerOf; // the zone whose server's address a trace of its own is finding
    private final int depth;
    private DnsMessage finalAnswer;
    private TraceFailure failure;
    private int serverHops; // hops of the traces that found name servers' addresses
    private long startedAt;
    private boolean done;
    private Output out;

    /** An IPv4 walk (the IPv4 code and its tests). */
    public DnsTrace(MacAddress ourMac, int ourIp, String name, int type, RootHints roots, IntUnaryOperator nextHopOf,
                    Map<Integer, MacAddress> knownNeighbours, RandomGenerator random, Settings settings) {
        this(ourMac, IpAddress.of(ourIp), name, type, roots, ip -> IpAddress.of(nextHopOf.applyAsInt(ip.v4())), ipv4Keys(knownNeighbours),
                random, settings, 0);
    }

    /**
     * A walk over our address's family: only the servers' addresses of that family are asked.
     *
     * @param nextHopOf the next hop towards a server's address (the kernel's route: the router, or the server on the link)
     * @param knownNeighbours next hops whose MACs are known already (the flow's own)
     */
    public DnsTrace(MacAddress ourMac, IpAddress ourIp, String name, int type, RootHints roots, Function<IpAddress, IpAddress> nextHopOf,
                    Map<IpAddress, MacAddress> knownNeighbours, RandomGenerator random, Settings settings) {
        this(ourMac, ourIp, name, type, roots, nextHopOf, knownNeighbours, random, settings, 0);
    }

    private static Map<IpAddress, MacAddress> ipv4Keys(Map<Integer, MacAddress> macs) {
        Map<IpAddress, MacAddress> m = new HashMap<>();
        macs.forEach((ip, mac) -> m.put(IpAddress.of(ip), mac));
        return m;
    }

    private DnsTrace(MacAddress ourMac, IpAddress ourIp, String name, int type, RootHints roots, Function<IpAddress, IpAddress> nextHopOf,
                     Map<IpAddress, MacAddress> knownNeighbours, RandomGenerator random, Settings settings, int depth) {
        this.depth = depth;
        this.ourMac = ourMac;
        this.ourIp = ourIp;
        this.family = AddressFamily.of(ourIp);
        this.originalName = RootHints.absolute(name);
        this.name = this.originalName;
        this.type = type;
        this.roots = roots;
        this.nextHopOf = nextHopOf;
        this.neighbours = new HashMap<>(knownNeighbours);
        this.random = random;
        this.settings = settings;
    }

    @Override
    public void start(long now, Output output) {
        out = output;
        startedAt = now;
        servers = roots.of(family);
        if (servers.isEmpty()) {
            fail(now, TraceFailure.NO_SERVER_ADDRESS, "the root hints give no " + family.label() + " address ("
                    + DnsType.name(family.recordType()) + ") for any root server: a walk over " + family.label() + " cannot start");
            return;
        }
        askNext(now);
    }

    private void askNext(long now) {
        if (hops >= MAX_HOPS) {
            fail(now, TraceFailure.HOP_LIMIT, "more than " + MAX_HOPS + " hops: a referral loop?");
            return;
        }
        server = servers.get(0);
        IpAddress hop = nextHopOf.apply(server.ip());
        MacAddress mac = neighbours.get(hop);
        phase = new PhaseOutput(out);
        if (mac == null) {
            resolvingNextHop = true;
            // a server behind another next hop than the ones asked so far: its MAC first, by ARP or by NDP (RFC 4861 7.2)
            current = family == AddressFamily.IPV6
                    ? new NdpResolve(ourMac, ourIp.bytes(), List.of(hop.bytes()), new ArpResolve.Settings(NdpResolve.MAX_MULTICAST_SOLICIT,
                            NdpResolve.RETRANS_TIMER_MICROS, NdpResolve.RETRANS_TIMER_MICROS, 0), m -> null, false)
                    : new ArpResolve(ourMac, ourIp.v4(), List.of(hop.v4()), new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0),
                            m -> null, false);
        } else {
            resolvingNextHop = false;
            hops++;
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, (depth == 0 ? "" : "(finding " + originalName + ") ") + "hop " + hops
                    + ": ask " + server.name() + " (" + server.ip() + "), a server for " + zone + ", about " + name + " "
                    + DnsType.name(type) + " without recursion" + (settings.tcpOnly() ? ", over TCP" : ""), Map.of()));
            DnsMessage query = DnsMessage.query(random.nextInt(65536), name, type, false, settings.ednsSize());
            int udpPort = udpPort();
            current = new DnsLookup(new DnsLookup.Path(ourMac, mac, ourIp, server.ip(), 53), query,
                    new DnsLookup.Settings(settings.retries(), settings.timeoutMicros(), settings.tcpOnly(), udpPort,
                            settings.tcp(), List.of(), settings.beforeTcp()), random.nextInt(65536), () -> random.nextInt(65536));
        }
        current.start(now, phase);
        advance(now);
    }

    /**
     * A UDP source port of its own for a hop, as dig's (RFC 5452 9.2), held by beforeUdp: one
     * another program holds is passed over for another random one, a few times at most (the last
     * refusal ends the walk, as one-query commands end when their port is taken).
     */
    private int udpPort() {
        for (int tries = 1; ; tries++) {
            int port = 61000 + random.nextInt(4536);
            if (settings.beforeUdp() == null || settings.tcpOnly()) {
                return port;
            }
            try {
                settings.beforeUdp().accept(port);
                return port;
            } catch (synack.net.EnvironmentException taken) {
                if (tries == MAX_PORT_TRIES) {
                    throw taken;
                }
            }
        }
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output output) {
        if (!done && current != null) {
            current.onFrame(frame, phase);
            advance(frame.timeMicros());
        }
    }

    @Override
    public void onTimer(long now, Output output) {
        if (!done && current != null) {
            current.onTimer(now, phase);
            advance(now);
        }
    }

    /** Acts on the finished hop: the next referral, a CNAME to follow, or the answer. */
    private void advance(long now) {
        if (done || current == null || !current.isDone()) {
            return;
        }
        Event.Result r = phase.result();
        if (resolvingServerOf != null) {
            serverAddressFound(now, (DnsTrace) current);
            return;
        }
        if (resolvingNextHop) {
            IpAddress hop = nextHopOf.apply(server.ip());
            MacAddress mac = null;
            if (r != null && r.ok()) {
                if (current instanceof NdpResolve ndp) {
                    NdpResolve.Entry e = ndp.entry(hop.bytes());
                    mac = e == null ? null : e.mac();
                } else {
                    mac = ((ArpResolve) current).entry(hop.v4()).mac();
                }
            }
            if (mac == null) {
                fail(now, TraceFailure.NEXT_HOP_SILENT, "next hop " + hop + " did not answer "
                        + (family == AddressFamily.IPV6 ? "neighbour solicitation" : "ARP"));
                return;
            }
            neighbours.put(hop, mac);
            askNext(now);
            return;
        }
        DnsMessage answer = ((DnsLookup) current).answer();
        if (answer == null) {
            if (servers.size() > 1) {
                out.emit(new Event.Note(now, Event.Note.Kind.WARNING, server.name() + " did not answer; trying the next server for " + zone, Map.of()));
                servers = servers.subList(1, servers.size());
                askNext(now);
                return;
            }
            fail(now, TraceFailure.SERVER_FAILED, r != null && r.summary() != null ? r.summary() : "no answer from " + server.name(),
                    r != null ? r.verdict() : TraceFailure.SERVER_FAILED.verdict());
            return;
        }
        hopLog.add(TraceHop.asked(zone, server, answer));
        if (isLame(answer) && servers.size() > 1) {
            // a lame server (RFC 1034 5.3.3, RFC 4697 2.1): it does not serve the zone it was named for; a resolver
            // asks the zone's next server, as unbound does, instead of taking its error for the zone's answer
            decided(TraceHop.Step.LAME, null);
            out.emit(new Event.Note(now, Event.Note.Kind.WARNING, server.name() + " (" + server.ip() + ") is lame for "
                    + zone + ": " + answer.rcodeName() + "; trying the next server for " + zone, Map.of()));
            servers = servers.subList(1, servers.size());
            askNext(now);
            return;
        }
        // an authoritative answer may carry a CNAME chain; links that stay inside this server's zone
        // (in bailiwick) are trusted as they are, as a resolver would; a link leaving the zone restarts from the root
        while (answer.aa() && type != DnsType.CNAME) {
            DnsMessage.Record link = cnameOf(answer, name);
            if (link == null || !DnsName.isAtOrBelow(link.target(), zone)) {
                break;
            }
            if (++cnames > MAX_CNAMES) {
                fail(now, TraceFailure.CNAME_LIMIT, "more than " + MAX_CNAMES + " CNAMEs in a chain");
                return;
            }
            chain.add(name + " → " + link.target());
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, name + " is an alias (CNAME) of " + link.target() + ", inside " + zone
                    + ": this server's answer already follows it", Map.of()));
            name = RootHints.absolute(link.target());
        }
        List<DnsMessage.Record> direct = answer.answers().stream()
                .filter(x -> DnsName.same(x.name(), name) && (x.type() == type || type == DnsType.ANY)).toList();
        if (!direct.isEmpty() || answer.rcode() != 0) {
            decided(answer.rcode() != 0 ? TraceHop.Step.NEGATIVE : TraceHop.Step.ANSWER, null);
            finish(now, answer);
            return;
        }
        DnsMessage.Record cname = cnameOf(answer, name);
        if (cname != null) {
            if (++cnames > MAX_CNAMES) {
                fail(now, TraceFailure.CNAME_LIMIT, "more than " + MAX_CNAMES + " CNAMEs in a chain");
                return;
            }
            chain.add(name + " → " + cname.target());
            decided(TraceHop.Step.CNAME, cname.target());
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, name + " is an alias (CNAME) of " + cname.target()
                    + ": start again from the root for the target", Map.of()));
            name = RootHints.absolute(cname.target());
            zone = ".";
            servers = roots.of(family);
            askNext(now);
            return;
        }
        List<DnsMessage.Record> ns = answer.authority().stream().filter(x -> x.type() == DnsType.NS).toList();
        if (ns.isEmpty() || answer.aa()) {
            decided(TraceHop.Step.NO_DATA, null);
            finish(now, answer);
            return;
        }
        String child = RootHints.absolute(ns.get(0).name());
        // closer means strictly below the zone we asked about, and still above (or at) the name: a referral to
        // the same zone would ask the same servers the same question again, a loop only the hop limit would end
        if (!DnsName.isBelow(child, zone) || !DnsName.isAtOrBelow(name, child)) {
            fail(now, TraceFailure.LAME_REFERRAL, "lame referral from " + server.name() + ": " + child + " is not closer to " + name
                    + " than " + zone);
            return;
        }
        List<RootHints.Server> next = new ArrayList<>();
        boolean otherFamilyGlue = false;
        for (DnsMessage.Record n : ns) {
            if (!DnsName.same(n.name(), child)) {
                continue; // NS records of another zone are no part of this referral
            }
            String target = RootHints.absolute(n.target());
            // glue counts only inside the zone of the server that gave it (its bailiwick): the server for test. may
            // not say where ns.example. is, or anyone could send us to an address of their choosing (RFC 5452 6)
            List<DnsMessage.Record> glue = answer.additional().stream().filter(a -> DnsName.same(a.name(), target)
                    && DnsName.isAtOrBelow(a.name(), zone)).toList();
            glue.stream().map(DnsTrace::addressOf).filter(ip -> ip != null && family.holds(ip)).findFirst()
                    .ifPresent(ip -> next.add(new RootHints.Server(target, ip)));
            otherFamilyGlue |= glue.stream().map(DnsTrace::addressOf).anyMatch(ip -> ip != null && !family.holds(ip));
        }
        if (next.isEmpty()) {
            findServerAddress(now, child, RootHints.absolute(ns.get(0).target()), otherFamilyGlue);
            return;
        }
        decided(TraceHop.Step.REFERRAL, child);
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, "referral: " + child + " is delegated to " + next.get(0).name() + " ("
                + next.get(0).ip() + ")" + (next.size() > 1 ? " and " + (next.size() - 1) + " more" : "")
                + " — the glue in ADDITIONAL gives the address", Map.of()));
        zone = child;
        servers = next;
        askNext(now);
    }

    private static final int SERVFAIL = 2, NOTIMP = 4, REFUSED = 5;

    /** SERVFAIL, NOTIMP or REFUSED without authority: the server cannot or will not answer for the zone, not a verdict on the name. */
    private static boolean isLame(DnsMessage answer) {
        return !answer.aa() && (answer.rcode() == SERVFAIL || answer.rcode() == NOTIMP || answer.rcode() == REFUSED);
    }

    /** What the last hop came to. */
    private void decided(TraceHop.Step step, String target) {
        int last = hopLog.size() - 1;
        hopLog.set(last, hopLog.get(last).ended(step, target));
    }

    /** The address an A or AAAA record holds, or null for another record (or a malformed one). */
    private static IpAddress addressOf(DnsMessage.Record r) {
        if (r.type() == DnsType.A && r.rdata().length == 4) {
            return IpAddress.of(r.address());
        }
        return r.type() == DnsType.AAAA && r.rdata().length == 16 ? IpAddress.of(r.rdata()) : null;
    }

    /**
     * A referral without glue of our family: trace the server's own name from the root for its
     * address of our family, then go on with the zone.
     *
     * @param otherFamilyGlue the referral did give an address, of the other family only
     */
    private void findServerAddress(long now, String child, String serverName, boolean otherFamilyGlue) {
        if (depth >= MAX_DEPTH) {
            fail(now, TraceFailure.GLUELESS_TOO_DEEP, "referral to " + child + " names " + serverName
                    + " without its address, and finding it needs more than " + MAX_DEPTH + " traces inside each other");
            return;
        }
        String record = DnsType.name(family.recordType());
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, "referral: " + child + " is delegated to " + serverName
                + (otherFamilyGlue ? ", with no " + family.label() + " address for it (its glue is of the other family only, and this walk"
                        + " asks " + family.label() + " servers)" : ", with no address for it (no glue: the name lies outside " + child + ")")
                + ": first find " + serverName + " " + record + ", from the root", Map.of()));
        resolvingServerOf = child;
        phase = new PhaseOutput(out);
        current = new DnsTrace(ourMac, ourIp, serverName, family.recordType(), roots, nextHopOf, neighbours, random,
                new Settings(settings.retries(), settings.timeoutMicros(), settings.ednsSize(), settings.tcp(), List.of(),
                        settings.beforeTcp(), settings.tcpOnly(), settings.beforeUdp()), depth + 1);
        current.start(now, phase);
        advance(now);
    }

    private void serverAddressFound(long now, DnsTrace inner) {
        String child = resolvingServerOf;
        resolvingServerOf = null;
        neighbours.putAll(inner.neighbours);
        serverHops += inner.hops + inner.serverHops;
        DnsMessage a = inner.finalAnswer;
        // the last address of our family: the end of a CNAME chain, when the name is an alias
        IpAddress address = a == null ? null : a.answers().stream().map(DnsTrace::addressOf)
                .filter(ip -> ip != null && family.holds(ip)).reduce((first, second) -> second).orElse(null);
        if (address == null) {
            String record = DnsType.name(family.recordType());
            // the inner trace's reason is the reason (a glueless loop, a lame server…); the verdict stays this one's
            fail(now, inner.failure != null ? inner.failure : TraceFailure.NO_SERVER_ADDRESS, a != null && a.rcode() == 0
                    ? inner.originalName + ", the server for " + child + ", has no " + family.label() + " address (its " + record
                    + " answer is empty): a walk over " + family.label() + " cannot go on"
                    : "could not find the " + family.label() + " address of " + inner.originalName + ", the server for " + child,
                    TraceFailure.NO_SERVER_ADDRESS.verdict());
            return;
        }
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, inner.originalName + " is " + address + ": back to "
                + child + " and " + name, Map.of()));
        zone = child;
        servers = List.of(new RootHints.Server(inner.originalName, address));
        askNext(now);
    }

    private static DnsMessage.Record cnameOf(DnsMessage answer, String owner) {
        return answer.answers().stream().filter(x -> DnsName.same(x.name(), owner) && x.type() == DnsType.CNAME)
                .findFirst().orElse(null);
    }

    private void finish(long now, DnsMessage answer) {
        done = true;
        finalAnswer = answer;
        List<String> unmet = DnsExpectation.unmet(settings.expectations(), answer);
        Verdict exit = DnsExpectation.verdict(settings.expectations(), answer, unmet);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", exit == Verdict.OK);
        f.put("name", originalName);
        f.put("type", DnsType.name(type));
        f.put("rcode", answer.rcodeName());
        f.put("answers", RecordFields.of(answer.answers()));
        f.put("cnames", chain);
        f.put("family", family.key());
        f.put("hops", hops());
        f.put("server_address_hops", serverHops);
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        if (!settings.expectations().isEmpty()) {
            f.put("unmet", unmet);
        }
        String summary = originalName + " " + DnsType.name(type) + ": " + answer.rcodeName() + " after " + hops + " hop"
                + (hops == 1 ? "" : "s") + " from the root" + (chain.isEmpty() ? "" : " and " + chain.size() + " CNAME")
                + (serverHops == 0 ? "" : " (and " + serverHops + " more to find a name server's address)")
                + ", in " + Durations.human(now - startedAt) + (unmet.isEmpty() ? "" : "; expectation not met: " + String.join(", ", unmet));
        out.emit(new Event.Result(now, exit, AnswerText.data(answer.answers()), summary, f));
    }

    private List<Map<String, Object>> hops() {
        return hopLog.stream().map(TraceHop::fields).toList();
    }

    private void fail(long now, TraceFailure why, String words) {
        fail(now, why, words, why.verdict());
    }

    private void fail(long now, TraceFailure why, String words, Verdict verdict) {
        done = true;
        failure = why;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", false);
        f.put("error", words);
        f.put("family", family.key());
        f.put("hops", hops());
        out.emit(new Event.Result(now, verdict, List.of(), words, f));
    }

    @Override
    public void abort(long now, Output output) {
        if (!done) {
            if (current != null) {
                current.abort(now, phase);
            }
            done = true;
            out.emit(new Event.Result(now, Verdict.INTERRUPTED, List.of(), "interrupted", Map.of("ok", false)));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        return done || current == null ? Long.MAX_VALUE : current.nextDeadlineMicros();
    }

    @Override
    public boolean isDone() {
        return done;
    }

    /** The authoritative answer the trace ended with (whatever its rcode), or null. */
    public DnsMessage answer() {
        return finalAnswer;
    }

    /** Why the trace ended without an answer, or null. */
    public TraceFailure failure() {
        return failure;
    }

    /** The questions asked, in order: the trace's own hops (not those of the traces that found servers' addresses). */
    public List<TraceHop> hopsTaken() {
        return List.copyOf(hopLog);
    }

    /** The CNAME links followed, "alias → target". */
    public List<String> cnameChain() {
        return List.copyOf(chain);
    }
}
