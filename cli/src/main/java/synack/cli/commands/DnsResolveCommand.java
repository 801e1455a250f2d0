package synack.cli.commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import synack.net.Unpredictable;
import synack.cli.DurationConverter;
import synack.cli.LiveFlow;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.LocalEnd;
import synack.cli.TcpRun;
import synack.cli.TcpTarget;
import synack.cli.UsageProblem;
import synack.exchange.dns.DnsBulk;
import synack.exchange.dns.DnsExpectation;
import synack.exchange.dns.DnsLookup;
import synack.exchange.dns.DnsTrace;
import synack.exchange.dns.RootHints;
import synack.net.AddressFamily;
import synack.net.EnvironmentException;
import synack.net.ResolvConf;
import synack.net.Routing;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.IpAddress;

@Command(name = "dns-resolve", sortOptions = false, mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Ask a DNS server a question with hand-built UDP frames, like dig: the query and the answer with",
            "their header flags (QR AA TC RD RA), rcode and every section with TTLs, the transaction's states",
            "(QUERY_SENT → ANSWERED, → RETRY, → TIMED_OUT). A truncated answer (TC) is asked again over synack's own TCP."},
        footer = {"", "Arguments in any order, as dig takes them: NAME ('.' is the root), TYPE (A AAAA CNAME MX NS TXT SOA SRV PTR",
            "CAA DS DNSKEY RRSIG NSEC HTTPS SVCB ANY, or TYPEnnn), @SERVER. A name in Unicode (an IDN) is asked in its",
            "punycode form (java.net.IDN, as dig does), and the header shows both.",
            "Each retry goes from the same port with an ID of its own: a late reply says which try it answers, and its",
            "RTT is timed from that try. A FORMERR to a query with EDNS is asked again without EDNS, as dig does.",
            "--trace takes --tcp (every hop over TCP); it starts from the root hints, so @SERVER is refused (give",
            "--root-hints FILE). -f is UDP only and one server's: -f with --tcp or --trace is refused.",
            "@SERVER is an IPv4 or IPv6 address (@2001:db8:2::2 or @[2001:db8:2::2]); without it, resolv.conf's first name",
            "server is asked, of the family -4 or -6 names when given (as dig). --trace walks one family: with -6 only the",
            "root hints' and the glue's IPv6 addresses (AAAA) are asked, with -4 only IPv4 ones (A); with neither, the family",
            "the host has a route for, IPv4 when it has both (dig +trace picks either at random at each hop). A referral",
            "without glue of that family: the server's name is traced from the root for its address of that family first.",
            "Exit status: 0 answered (and every --expect held), 1 NXDOMAIN/SERVFAIL/REFUSED, an --expect unmet, or",
            "replies that arrived but could not be used (malformed, or without our question: the server did answer,",
            "so it is not silence), 2 usage, 3 environment, 4 no reply at all after every retry, 130 interrupted.", "", "Examples:",
            "  synack dns-resolve www.synack.test", "  synack dns-resolve @198.18.2.2 synack.test MX",
            "  synack dns-resolve -x 198.18.2.2", "  synack dns-resolve -6 www.synack.test AAAA",
            "  synack dns-resolve @2001:db8:2::2 www.synack.test AAAA", "  synack dns-resolve -q big.synack.test TXT --no-edns",
            "  synack dns-resolve --trace -6 --root-hints FILE www.synack.test",
            "  synack dns-resolve www.synack.test --expect A=198.18.2.2"})
public final class DnsResolveCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ARG", arity = "0..*", description = "NAME, TYPE and @SERVER, in any order.")
    List<String> args = new ArrayList<>();

    @Option(names = "-x", paramLabel = "ADDR", description = "Reverse lookup: ask PTR of ADDR's in-addr.arpa (IPv4) or ip6.arpa (IPv6) name.")
    String reverse;

    @Option(names = "-4", description = "Ask over IPv4 only, as dig -4: resolv.conf's first IPv4 name server (an IPv6 @SERVER is refused).")
    boolean onlyIpv4;

    @Option(names = "-6", description = "Ask over IPv6 only, as dig -6: resolv.conf's first IPv6 name server (an IPv4 @SERVER is refused).")
    boolean onlyIpv6;

    /** What TAB offers for -t (the shell and the generated completions). */
    static final class RecordTypes extends java.util.ArrayList<String> {
        RecordTypes() {
            super(List.of("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "SRV", "PTR", "CAA", "DS", "DNSKEY", "RRSIG", "NSEC",
                    "HTTPS", "SVCB", "ANY"));
        }
    }

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", completionCandidates = RecordTypes.class,
            description = "Record type (default: A, or PTR with -x).")
    String typeOption;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Wait for each try (default: ${DEFAULT-VALUE}).")
    long timeoutMicros;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "2", description = "Tries after the first (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--no-recurse", description = "Clear RD: ask the server only what it knows itself.")
    boolean noRecurse;

    @Option(names = "--no-edns", description = "No EDNS0 OPT record: answers are limited to 512 bytes over UDP.")
    boolean noEdns;

    @Option(names = "--bufsize", paramLabel = "BYTES", defaultValue = BUFSIZE,
            description = "EDNS0 UDP payload size we advertise (default: ${DEFAULT-VALUE}, the DNS flag day 2020 value).")
    int bufsize;

    @Option(names = "--tcp", description = "Ask over TCP from the start.")
    boolean tcp;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "53", description = "The server's port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--expect", paramLabel = "TYPE=VALUE",
            description = "Exit 1 unless the answer holds this record (A=198.18.2.2, MX=10 mail.synack.test) or RCODE=NXDOMAIN. Repeatable.")
    List<String> expect = new ArrayList<>();

    @Option(names = "--trace", description = "Resolve iteratively from the root, like dig +trace: follow each referral and its glue, and CNAMEs; over IPv4 or IPv6 (-4/-6).")
    boolean trace;

    @Option(names = "--root-hints", paramLabel = "FILE",
            description = "Root servers for --trace, in zone-file form (default: /usr/share/dns/root.hints; the lab writes its own).")
    Path rootHints;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Resolve every name in FILE (one 'NAME [TYPE]' per line, - for stdin), answers as they arrive.")
    String file;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = IN_FLIGHT,
            description = {"With -f: queries outstanding at once at most (default: ${DEFAULT-VALUE}). The number in flight starts at 16",
                "and adapts, as TCP's window: it grows while answers come back promptly and backs off when the server's",
                "queue lengthens (the RTT grows) or a try goes unanswered; a try is asked again after the RTO the answers",
                "measure (at least 50 ms, at most --timeout, which the last try waits whole)."})
    int inFlight;

    @Mixin
    LiveOptions live;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LiveRun run = LiveRun.of(spec, live);
        String name = null;
        Integer type = null;
        String typeWord = null;
        IpAddress server = null;
        for (String a : args) {
            if (a.startsWith("@")) {
                server = serverArgument(a.substring(1));
            } else if (type == null && isType(a)) {
                type = DnsType.parse(a); // before or after the name, as dig takes it
                typeWord = a;
            } else if (name == null) {
                name = a;
            } else if (type == null) {
                throw new UsageProblem("unknown record type: " + a + " (" + String.join(" ", new RecordTypes()) + ")");
            } else {
                throw new UsageProblem("unexpected argument: " + a);
            }
        }
        if (name == null && typeWord != null && reverse == null && file == null) {
            name = typeWord; // a lone word that is also a type's name ("ns", "mx") is the name asked, as before
            type = null;
        }
        if (reverse != null) {
            if (!IpAddress.isAddress(reverse)) {
                throw new UsageProblem("-x wants an IPv4 or IPv6 address, not '" + reverse + "'");
            }
            name = reverseName(IpAddress.parse(reverse));
            type = type == null ? DnsType.PTR : type;
        }
        if (onlyIpv4 && onlyIpv6) {
            throw new UsageProblem("-4 and -6 do not go together: give one, or neither to ask resolv.conf's first name server");
        }
        AddressFamily only = onlyIpv4 ? AddressFamily.IPV4 : onlyIpv6 ? AddressFamily.IPV6 : null;
        if (server != null && only != null && !only.holds(server)) {
            throw new UsageProblem("-" + (only == AddressFamily.IPV6 ? "6" : "4") + " asks over " + only.label() + " only, and @"
                    + server + " is an " + AddressFamily.of(server).label() + " address");
        }
        // -S keeps the question to its family, as -4 / -6 do (http-get's rule): resolv.conf's first server
        // and the root hints are taken of -S's family, not found to be of the other one after the fact
        String onlyBy = only == null ? null : only == AddressFamily.IPV6 ? "-6" : "-4"; // the option that chose the family
        String bySource = null; // "-S ADDR" when -S chose it
        IpAddress source = live.source;
        if (source != null && only != null && !only.holds(source)) {
            throw new UsageProblem("-S " + source + " is an " + AddressFamily.of(source).label() + " address and " + onlyBy
                    + " asks for the other family: leave out one of them");
        }
        if (source != null && only == null) {
            only = AddressFamily.of(source); // an @SERVER of the other family is refused by the route (-S's one line)
            bySource = "-S " + source;
            onlyBy = bySource;
        }
        if (typeOption != null) {
            type = parseType(typeOption);
        }
        String written = name; // as the user wrote it: an IDN goes on the wire as punycode
        name = name == null ? null : ascii(name);
        TcpTarget.port(port, "--port");
        // options that would otherwise be silently ignored: each is refused in one line
        if (file != null && trace) {
            throw new UsageProblem("-f and --trace do not go together: -f asks one server many names; trace one name at a time");
        }
        if (file != null && tcp) {
            throw new UsageProblem("-f asks over UDP only (many queries in flight from one port): --tcp is not supported with it");
        }
        if (trace && server != null) {
            throw new UsageProblem("--trace starts from the root hints, not from @" + server
                    + ": give --root-hints FILE to start elsewhere");
        }
        if (trace && port != 53) {
            throw new UsageProblem("--trace asks every server on port 53: --port is not supported with it");
        }
        if (file != null) {
            return bulk(run, server, only, bySource, type == null ? DnsType.A : type, name);
        }
        if (name == null) {
            throw new UsageProblem("missing NAME (or -x ADDR)");
        }
        checkName(name);
        if (retries < 0 || retries > 10) {
            throw new UsageProblem("--retries must be 0 to 10, not " + retries);
        }
        if (bufsize < 512 || bufsize > 65535) {
            throw new UsageProblem("--bufsize must be 512 to 65535, not " + bufsize);
        }
        List<DnsExpectation> expectations = new ArrayList<>();
        for (String e : expect) {
            try {
                expectations.add(DnsExpectation.parse(e));
            } catch (IllegalArgumentException ex) {
                throw new UsageProblem(ex.getMessage());
            }
        }
        if (trace) {
            return trace(run, name, type == null ? DnsType.A : type, expectations, written, only, onlyBy);
        }
        IpAddress srvIp = server != null ? server : nameserver(run, only, bySource);
        int qtype = type == null ? DnsType.A : type;
        DnsMessage query = DnsMessage.query(Unpredictable.nextInt(65536), name, qtype, !noRecurse, noEdns ? 0 : bufsize);
        var renderer = run.narration("dns-resolve");
        String srv = srvIp.toString();
        String asked = name + (written.equals(name) ? "" : " (" + written + ")");
        LiveFlow flow = LiveFlow.toPeer(srvIp).udpSourcePort().tcpSourcePort(null).size(oneNameCapture(noEdns ? 512 : bufsize))
                .capture(end -> "(udp and src port " + port + " and dst host " + end.route().sourceAddress() + ")"
                        + " or (tcp and src host " + srv + " and src port " + port + " and dst port " + end.tcpPort() + ")")
                .header(end -> "dns-resolve " + asked + " " + DnsType.name(qtype) + " @" + srvIp.withPort(port) + " over "
                        + AddressFamily.of(srvIp).label() + " from " + end.route().sourceAddress().withPort(end.udpPort()) + " "
                        + end.route().describe() + " — "
                        + (noRecurse ? "no recursion" : "recursion desired") + (noEdns ? ", no EDNS" : ", EDNS0 udp=" + bufsize),
                        end -> Map.of("interface", end.route().via().name()))
                .arpNextHop();
        return run.run(flow, renderer, path -> {
            LocalEnd end = path.end();
            // the kernel's RSTs are held off our TCP port only if a truncated answer sends us there
            return new DnsLookup(new DnsLookup.Path(end.route().via().mac(), path.nextHop(), end.route().sourceAddress(), srvIp, port),
                    query,
                    new DnsLookup.Settings(retries, timeoutMicros, tcp, end.udpPort(), TcpRun.dnsTcpConfig(end.tcpPort(), port,
                            end.route().mss()), expectations, path::guardTcpPort),
                    Unpredictable.nextInt(65536));
        });
    }

    /**
     * One name's capture. A UDP answer is one frame at the default --bufsize (1232), three fragments at 4096;
     * a TCP answer (--tcp, or after a truncated one) comes as the server's initial window (ten segments, RFC
     * 6928) and then a few segments per ACK of ours, which {@link LiveFlow#FEW_FRAMES}'s 16 slots hold as we
     * read them (2 MiB resident; {@link LiveFlow#EXCHANGE}'s 32 were 4 of a one-liner's ~54 MiB peak). Only a UDP answer of more than 4096 bytes comes as a burst that
     * nothing paces (up to 45 fragments): the TCP conversation's ring (64 slots). Whatever finds the ring
     * full is dropped by the kernel and counted, and the story says so; a TCP segment lost so is sent again.
     */
    public static synack.link.PcapLink.Capture oneNameCapture(int bufsize) {
        return bufsize <= 4096 ? LiveFlow.FEW_FRAMES : TcpRun.CONVERSATION;
    }

    /**
     * The stub resolver's name server, when no @SERVER is given: resolv.conf's first (of {@code only}'s
     * family: -4/-6, or -S's, which {@code bySource} names, null for -4/-6 or neither).
     */
    private static IpAddress nameserver(LiveRun run, AddressFamily only, String bySource) {
        return nameserver(run.host().nameservers(), only, bySource);
    }

    static IpAddress nameserver(List<ResolvConf.Nameserver> servers, AddressFamily only) {
        return nameserver(servers, only, null);
    }

    /**
     * resolv.conf's first name server of {@code only}'s family (null: of either, in the file's
     * order, as dig takes it). One with a scope id (fe80::1%eth0) is passed over: synack does not
     * follow scope ids, and says so when no other is left.
     */
    static IpAddress nameserver(List<ResolvConf.Nameserver> servers, AddressFamily only, String bySource) {
        String of = only == null ? "" : only.label() + " ";
        String fix = bySource == null ? "name a server with @ADDR"
                : "name a server with @ADDR, or give -S of the other family (" + bySource + " asks over " + only.label() + ")";
        return ResolvConf.first(servers, only).map(ResolvConf.Nameserver::address).orElseThrow(() -> new EnvironmentException(
                ResolvConf.firstScoped(servers, only).map(s -> "the " + of + "name server " + s + " in /etc/resolv.conf has a scope id"
                        + " (a link-local address on " + s.zone() + "), which synack does not follow: " + fix)
                        .orElse("no " + of + "nameserver in /etc/resolv.conf: " + fix)));
    }

    /** @SERVER as dig takes it: an IPv4 or IPv6 address, an IPv6 one also in brackets (@[2001:db8::2]). */
    static IpAddress serverArgument(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (bare.indexOf('%') >= 0) {
            throw new UsageProblem("@" + text + ": a scope id (%IFACE) is not supported; give a global IPv6 address");
        }
        if (!IpAddress.isAddress(bare)) {
            throw new UsageProblem("@SERVER must be an IPv4 or IPv6 address, not '" + text + "'");
        }
        return IpAddress.parse(bare);
    }

    /** The PTR name of an address: 2.2.18.198.in-addr.arpa, or the nibbles of an IPv6 one under ip6.arpa (RFC 3596). */
    static String reverseName(IpAddress ip) {
        byte[] b = ip.bytes();
        StringBuilder s = new StringBuilder();
        for (int i = b.length - 1; i >= 0; i--) {
            if (ip.ipv6()) {
                s.append(Character.forDigit(b[i] & 0xf, 16)).append('.').append(Character.forDigit((b[i] >>> 4) & 0xf, 16)).append('.');
            } else {
                s.append(b[i] & 0xff).append('.');
            }
        }
        return s + (ip.ipv6() ? "ip6.arpa" : "in-addr.arpa");
    }

    private int bulk(LiveRun run, IpAddress server, AddressFamily only, String bySource, int defaultType, String extraName) {
        if (inFlight < 1 || inFlight > 10_000) {
            throw new UsageProblem("--in-flight must be 1 to 10000, not " + inFlight);
        }
        List<String> lines;
        try {
            lines = file.equals("-") ? new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).lines().toList()
                    : java.nio.file.Files.readAllLines(Path.of(file));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new UsageProblem("cannot read " + file + ": " + e.getMessage());
        }
        List<DnsBulk.Question> questions = new ArrayList<>();
        if (extraName != null) {
            checkName(extraName);
            questions.add(new DnsBulk.Question(ascii(extraName), defaultType));
        }
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            int hash = raw.indexOf('#');
            String line = (hash < 0 ? raw : raw.substring(0, hash)).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = words(line);
            try {
                f[0] = ascii(f[0]);
                checkName(f[0]);
            } catch (UsageProblem e) {
                throw new UsageProblem(file + ":" + lineNo + ": " + e.getMessage());
            }
            int t = defaultType;
            if (f.length > 1) {
                try {
                    t = DnsType.parse(f[1]);
                } catch (IllegalArgumentException e) {
                    throw new UsageProblem(file + ":" + lineNo + ": " + e.getMessage());
                }
            }
            questions.add(new DnsBulk.Question(f[0], t));
        }
        if (questions.isEmpty()) {
            throw new UsageProblem(file + " holds no names");
        }
        IpAddress srvIp = server != null ? server : nameserver(run, only, bySource);
        var renderer = run.narration("dns-resolve");
        int names = questions.size();
        LiveFlow flow = LiveFlow.toPeer(srvIp).udpSourcePort().size(bulkCapture(inFlight, noEdns ? 512 : bufsize))
                .capture(end -> "udp and src port " + port + " and dst port " + end.udpPort())
                .header(end -> "dns-resolve -f " + file + ": " + names + " names @" + srvIp.withPort(port) + " over "
                        + AddressFamily.of(srvIp).label() + " from port " + end.udpPort() + ", in flight adapting, at most " + inFlight + " " + end.route().describe(),
                        end -> Map.of("interface", end.route().via().name()))
                .arpNextHop();
        return run.run(flow, renderer, path -> new DnsBulk(
                new DnsLookup.Path(path.end().route().via().mac(), path.nextHop(), path.end().route().sourceAddress(), srvIp, port),
                questions,
                new DnsBulk.Settings(inFlight, retries, timeoutMicros, !noRecurse, noEdns ? 0 : bufsize, path.end().udpPort()),
                Unpredictable.asRandom()));
    }

    /**
     * The capture for -f: a frame as big as the largest answer we invite (the EDNS size we advertise, whole on a link
     * with a large MTU such as loopback) or a full Ethernet frame (a fragment of a larger one), and a ring with a slot for
     * every answer the window may have outstanding and as many again for a burst. The ring is mapped whole into our
     * memory: sized to the cap, not to the largest run.
     */
    /** The defaults of --in-flight and --bufsize, named for the guess of a bulk run's ring made before they are parsed. */
    private static final String IN_FLIGHT = "500";
    private static final String BUFSIZE = "1232";

    /** The capture -f opens with the default --in-flight and --bufsize (a one-liner's warm-up activates it while picocli parses). */
    public static synack.link.PcapLink.Capture bulkCapture() {
        return bulkCapture(Integer.parseInt(IN_FLIGHT), Integer.parseInt(BUFSIZE));
    }

    static synack.link.PcapLink.Capture bulkCapture(int cap, int answerBytes) {
        int snaplen = Math.max(1518, answerBytes + 100); // Ethernet, VLAN, IPv4 with options, UDP
        int bytes = 1 << 20;
        // at most 64 MiB (resident in full): beyond that a huge --in-flight with a huge --bufsize gets fewer slots
        // than it asks for, and the window, which backs off on loss, finds what the ring can take
        while (bytes < MAX_BULK_RING && new synack.link.PcapLink.Capture(snaplen, bytes, false).slots() < 2L * cap + 64) {
            bytes *= 2;
        }
        return new synack.link.PcapLink.Capture(snaplen, bytes, false);
    }

    private static final int MAX_BULK_RING = 64 << 20;

    private int trace(LiveRun run, String name, int qtype, List<DnsExpectation> expectations, String written, AddressFamily only,
            String onlyBy) {
        Path hintsFile = rootHints != null ? rootHints : RootHints.DEBIAN;
        RootHints hints;
        try {
            hints = RootHints.read(hintsFile);
        } catch (java.io.IOException e) {
            throw new UsageProblem("cannot read root hints " + hintsFile + ": " + e.getMessage()
                    + (rootHints == null ? " (give --root-hints FILE)" : ""));
        }
        TraceStart start = traceStart(run, hints, hintsFile, only, onlyBy);
        RootHints.Server firstRoot = hints.of(start.family()).get(0);
        var renderer = run.narration("dns-resolve");
        Routing routing = run.host().routing();
        LiveFlow flow = LiveFlow.along(start.route()).tcpSourcePort(null).size(TcpRun.CONVERSATION)
                .capture(end -> "(udp and src port 53 and dst host " + end.route().sourceAddress() + ")"
                        + " or (tcp and src port 53 and dst port " + end.tcpPort() + ")")
                .header(end -> "dns-resolve --trace " + name + (written.equals(name) ? "" : " (" + written + ")") + " "
                        + DnsType.name(qtype) + (tcp ? " over TCP" : "") + " over " + start.family().label() + " (" + start.why()
                        + ") from the root (" + firstRoot.name() + " " + firstRoot.ip() + ", " + hintsFile + ") "
                        + end.route().describe(), end -> Map.of("interface", end.route().via().name()))
                .arpNextHop();
        return run.run(flow, renderer, path -> {
            LocalEnd end = path.end();
            IpAddress us = end.route().sourceAddress();
            String via = end.route().via().name();
            // each server's next hop as the kernel routes it from our address (the router, or the server on the link);
            // the flow's own next hop is known already
            return new DnsTrace(end.route().via().mac(), us, name, qtype, hints,
                    ip -> routing.resolve(ip, via, us).nextHopAddress(),
                    Map.of(end.route().nextHopAddress(), path.nextHop()), Unpredictable.asRandom(), new DnsTrace.Settings(retries, timeoutMicros,
                            noEdns ? 0 : bufsize, TcpRun.dnsTcpConfig(end.tcpPort(), 53, end.route().mss()), expectations,
                            path::guardTcpPort, tcp, udpPort -> path.session().claimUdpPort(us, udpPort)));
        });
    }

    /** The family a trace walks over, why, and the route to its first root server. */
    record TraceStart(AddressFamily family, String why, synack.net.Route route) {}

    /**
     * -4 or -6 as given, or -S's family ({@code onlyBy} names which; the root hints must have an
     * address of that family); with none, the family the host has a route for, IPv4 when it has
     * both. dig +trace, given neither, picks among the servers' addresses of both families at
     * random at each hop (dig 9.18, seen in the lab); one family for the whole walk keeps the story
     * on one path, and says which it was.
     */
    private static TraceStart traceStart(LiveRun run, RootHints hints, Path hintsFile, AddressFamily only, String onlyBy) {
        if (only != null) {
            List<RootHints.Server> roots = hints.of(only);
            if (roots.isEmpty()) {
                throw new UsageProblem("the root hints " + hintsFile + " give no " + only.label() + " address ("
                        + DnsType.name(only.recordType()) + ") for any root server: " + onlyBy
                        + " cannot start there (leave it out, or give --root-hints FILE)");
            }
            return new TraceStart(only, onlyBy, run.route(roots.get(0).ip()));
        }
        List<RootHints.Server> v4 = hints.of(AddressFamily.IPV4);
        List<RootHints.Server> v6 = hints.of(AddressFamily.IPV6);
        // a family that cannot start (no route, or a route a conversation cannot use) leaves the walk to the other;
        // with neither, the IPv4 reason is told (the one a user of an IPv4-only host expects)
        RuntimeException noV4 = null;
        RuntimeException noV6 = null;
        synack.net.Route route4 = null;
        synack.net.Route route6 = null;
        if (!v4.isEmpty()) {
            try {
                route4 = run.route(v4.get(0).ip());
            } catch (EnvironmentException | UsageProblem e) {
                noV4 = e;
            }
        }
        if (!v6.isEmpty()) {
            try {
                route6 = run.route(v6.get(0).ip());
            } catch (EnvironmentException | UsageProblem e) {
                noV6 = e;
            }
        }
        if (route4 != null) {
            return new TraceStart(AddressFamily.IPV4, v6.isEmpty() ? "the root hints give IPv4 addresses only"
                    : route6 != null ? "the host has routes of both families: IPv4 first, and for the whole walk"
                    : "no IPv6 route to " + v6.get(0).ip(), route4);
        }
        if (route6 != null) {
            return new TraceStart(AddressFamily.IPV6, v4.isEmpty() ? "the root hints give IPv6 addresses only"
                    : "no IPv4 route to " + v4.get(0).ip(), route6);
        }
        throw noV4 != null ? noV4 : noV6 != null ? noV6 : new EnvironmentException("no route to any root server in " + hintsFile);
    }

    private static boolean isType(String s) {
        try {
            DnsType.parse(s);
            return !s.contains(".");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int parseType(String s) {
        try {
            return DnsType.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
    }

    /** An IDN to its punycode form (RFC 3490, java.net.IDN, as dig does on a terminal); an ASCII name as it is. */
    private static String ascii(String name) {
        if (name.chars().allMatch(c -> c < 0x80)) {
            return name;
        }
        try {
            return java.net.IDN.toASCII(name, java.net.IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem("not a domain name: '" + name + "' (" + e.getMessage() + "; give its punycode form, xn--...)");
        }
    }

    private static void checkName(String name) {
        if (name.equals(".")) {
            return; // the root: ". NS", ". SOA"
        }
        String n = name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253 || n.startsWith(".") || n.contains("..")) {
            throw new UsageProblem("not a domain name: '" + name + "'");
        }
        for (int start = 0, dot; start <= n.length(); start = dot + 1) {
            dot = n.indexOf('.', start);
            dot = dot < 0 ? n.length() : dot;
            if (dot - start > 63) {
                throw new UsageProblem("label '" + n.substring(start, dot) + "' is longer than 63 characters");
            }
        }
        for (int i = 0; i < n.length(); i++) { // by hand, not a regex: -f checks ten thousand names before the JIT wakes
            char c = n.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '*' || c == '.' || c == '-')) {
                throw new UsageProblem("not a domain name: '" + name + "' (letters, digits, '-', '_' and dots)");
            }
        }
    }

    /** A line's words, split on whitespace (String.split would compile its pattern for every line). */
    private static String[] words(String line) {
        List<String> w = new ArrayList<>(2);
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                w.add(line.substring(start, i));
            }
        }
        return w.toArray(new String[0]);
    }
}
