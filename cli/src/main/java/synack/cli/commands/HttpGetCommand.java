package synack.cli.commands;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import synack.cli.DurationConverter;
import synack.cli.ExitCodes;
import synack.cli.Interrupts;
import synack.cli.LiveOptions;
import synack.cli.LiveSession;
import synack.cli.NameLookup;
import synack.cli.TcpOptions;
import synack.cli.TcpRun;
import synack.cli.UsageProblem;
import synack.cli.render.JsonRenderer;
import synack.cli.render.QuietRenderer;
import synack.cli.render.Renderer;
import synack.cli.render.Style;
import synack.cli.render.TextRenderer;
import synack.event.Durations;
import synack.event.Event;
import synack.time.Clock;
import synack.exchange.arp.ArpResolve;
import synack.exchange.dns.DnsLookup;
import synack.link.PcapLink;
import synack.exchange.http.HttpApp;
import synack.exchange.http.HttpRequest;
import synack.exchange.http.HttpUrl;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpWarmup;
import synack.net.EnvironmentException;
import synack.net.ResolvConf;
import synack.net.Route;
import synack.net.Routing;
import synack.oui.OuiRegistry;
import synack.wire.Ip4;
import synack.wire.MacAddress;

@Command(name = "http-get", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The whole journey of a URL, by hand: resolve the name (DNS), ARP the next hop, the three-way",
            "handshake, the HTTP/1.1 request, the response segment by segment with our ACKs, then the four-way close —",
            "each phase told with its time, the messages with their parts labelled, and a curl-like timing summary."},
        footer = {"", "Exit status: 0 every response arrived (status < 400, and every --expect held), 1 a status >= 400,",
            "an --expect unmet, refused or reset, 2 usage (bad URL), 3 environment, 4 no answer / --max-time, 130 interrupted.",
            "The body: -o FILE; -q prints just the body; when stdout is not a terminal the raw body goes to stdout",
            "and the narration to stderr (as curl does). --json tells events only and hashes the body.", "", "Examples:",
            "  synack http-get http://www.synack.test/", "  synack http-get -q http://198.18.2.2/hello.txt",
            "  synack http-get -L --expect-status 200 http://www.synack.test/old"})
public final class HttpGetCommand implements Callable<Integer> {
    private static final SecureRandom RANDOM = new SecureRandom();

    private String dnsFailure = "no answer from the name server";
    private int dnsExit = ExitCodes.NO_ANSWER;

    @Parameters(paramLabel = "URL", arity = "1..*", description = "http:// URLs; several on one host share one keep-alive connection.")
    List<String> urls = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Add a request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-I", "--head"}, description = "Send HEAD instead of GET: the response head only.")
    boolean head;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the body to FILE.")
    Path output;

    @Option(names = "--compressed", description = "Ask for gzip/deflate (Accept-Encoding) and decode the body.")
    boolean compressed;

    @Option(names = {"-L", "--location"}, description = "Follow redirects (3xx with Location).")
    boolean follow;

    @Option(names = "--max-redirs", paramLabel = "N", defaultValue = "5", description = "Redirects followed at most (default: ${DEFAULT-VALUE}).")
    int maxRedirects;

    @Option(names = {"-m", "--max-time"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long in all (exit 4).")
    Long maxTimeMicros;

    @Option(names = "--expect-status", paramLabel = "CODE", description = "Exit 1 unless the (last) status is CODE, or in a class like 2xx.")
    String expectStatus;

    @Option(names = "--expect-body", paramLabel = "REGEX", description = "Exit 1 unless the (last) body matches REGEX (searched in its first 16 MB).")
    String expectBody;

    @Mixin
    TcpOptions tcp;

    @Mixin
    LiveOptions live;

    @Override
    public Integer call() throws IOException {
        List<HttpUrl> parsed = new ArrayList<>();
        for (String u : urls) {
            try {
                parsed.add(HttpUrl.parse(u));
            } catch (IllegalArgumentException e) {
                throw new UsageProblem(e.getMessage());
            }
        }
        Pattern bodyPattern = null;
        if (expectBody != null) {
            try {
                bodyPattern = Pattern.compile(expectBody);
            } catch (PatternSyntaxException e) {
                throw new UsageProblem("--expect-body is not a regular expression: " + e.getDescription());
            }
        }
        if (expectStatus != null && !expectStatus.matches("[1-5]([0-9]{2}|xx)")) {
            throw new UsageProblem("--expect-status wants a code like 200 or a class like 2xx, not '" + expectStatus + "'");
        }
        for (HttpUrl u : parsed) {
            if (!Ip4.isAddress(u.host()) && !u.host().matches("[a-z0-9_.-]+")) {
                throw new UsageProblem("not a host name: " + u.host());
            }
        }
        try {
            HttpRequest.get(parsed.get(0), head, compressed, true, headers);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        boolean bodyToStdout = output == null && !live.json && (live.quiet || System.console() == null);
        PrintStream narration = bodyToStdout ? System.err : System.out;
        long start = Clock.SYSTEM.nowMicros();
        Renderer renderer = live.json ? new JsonRenderer(System.out, "http-get", start)
                : live.quiet ? new QuietRenderer(new PrintStream(OutputStream.nullOutputStream()), System.err, true)
                : new TextRenderer(narration, new Style(Style.wanted(live.noColor) && !bodyToStdout), live.verbose.length, live.explain,
                        tcp.relative);
        OutputStream body = null;
        try {
            if (output != null) {
                try {
                    body = new BufferedOutputStream(new FileOutputStream(output.toFile()), 1 << 16);
                } catch (IOException e) {
                    throw new UsageProblem("cannot write " + output + ": " + e.getMessage());
                }
            } else if (bodyToStdout) {
                body = new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16);
            }
            return journey(parsed, renderer, body, bodyPattern, start);
        } finally {
            if (body != null) {
                body.flush();
                if (output != null) {
                    body.close();
                }
            }
        }
    }

    private int journey(List<HttpUrl> targets, Renderer renderer, OutputStream body, Pattern bodyPattern, long start) {
        Routing routing = Routing.fromKernel();
        HttpUrl first = targets.get(0);
        Integer dnsServer = Ip4.isAddress(first.host()) ? null : ResolvConf.firstNameserver(Path.of("/etc/resolv.conf"))
                .orElseThrow(() -> new EnvironmentException("no IPv4 nameserver in /etc/resolv.conf to resolve " + first.host()));
        int firstHop = dnsServer != null ? dnsServer : Ip4.parse(first.host());
        Route route = TcpRun.route(live, firstHop);
        Map<String, Integer> addresses = new HashMap<>();
        long nameLookup = 0;
        if (dnsServer != null && route.loopback() && live.interfaceName == null
                && synack.cli.shell.SessionCaches.address(first.host()) == null) {
            // the name server is this host's own (127.0.0.53, a local dnsmasq): ask it through lo in a
            // capture of its own first, then capture where the web server is
            long t0 = Clock.SYSTEM.nowMicros();
            Integer ip = NameLookup.address(live, renderer, first.host());
            if (ip == null) { // told (exit 1 or 4), or Ctrl-C
                return renderer.exitCode() < 0 ? ExitCodes.INTERRUPTED : renderer.exitCode();
            }
            nameLookup = Clock.SYSTEM.nowMicros() - t0;
            addresses.put(first.host(), ip);
            firstHop = ip;
            route = TcpRun.route(live, ip);
        }
        boolean owns = TcpRun.ownsSource(live, route);
        final int sport = TcpRun.randomSourcePort();
        int dnsPort = TcpRun.randomSourcePort();
        String filter = "(udp and src port 53 and dst port " + dnsPort + ") or (tcp and dst port " + sport + ")";
        Map<Integer, MacAddress> neighbours = new HashMap<>();
        try (LiveSession session = TcpRun.open(live, renderer, route, owns, filter, PcapLink.Capture.BULK)) {
            if (maxTimeMicros != null) {
                session.deadline(start + maxTimeMicros);
            }
            start = Clock.SYSTEM.nowMicros() - nameLookup; // the timings count from here, as curl's do from its start
            session.header("http-get " + String.join(" ", urls) + " from " + Ip4.toString(route.source()) + " on " + route.via().name()
                    + " (" + route.via().mac() + ")" + (route.mtu() != 1500 ? ", mtu " + route.mtu() : ""),
                    Map.of("interface", route.via().name()));
            HttpUrl url = first;
            List<HttpUrl> batch = new ArrayList<>(targets);
            int redirects = 0;
            boolean guarded = false;
            Event.Result tcpResult;
            HttpApp app;
            long connectStarted;
            while (true) {
                Integer ip = Ip4.isAddress(url.host()) ? Integer.valueOf(Ip4.parse(url.host())) : addresses.get(url.host());
                if (ip == null && synack.cli.shell.SessionCaches.address(url.host()) != null) {
                    ip = synack.cli.shell.SessionCaches.address(url.host());
                    section(session, "DNS: " + url.host() + " is " + Ip4.toString(ip) + " (the shell's DNS cache, within its TTL)");
                }
                if (ip == null) {
                    long t0 = Clock.SYSTEM.nowMicros();
                    ip = resolve(session, routing, route, url.host(), dnsServer, dnsPort, neighbours, renderer);
                    nameLookup += Clock.SYSTEM.nowMicros() - t0;
                    if (ip == null) {
                        return finish(session, renderer, null, null, "could not resolve " + url.host() + ": " + dnsFailure,
                                dnsExit, start, nameLookup, 0);
                    }
                    addresses.put(url.host(), ip);
                }
                Route to = sameInterface(route, TcpRun.checked(live, routing.resolve(ip, live.interfaceName, live.source)));
                MacAddress hop = neighbours.get(to.nextHop());
                if (hop == null && !to.needsArp()) {
                    hop = TcpRun.tellNoArp(session, to);
                    neighbours.put(to.nextHop(), hop);
                }
                if (hop == null) {
                    section(session, "ARP: " + (to.onLink() ? Ip4.toString(ip) : "next hop " + Ip4.toString(to.nextHop())));
                    hop = arp(session, to);
                    if (hop == null) {
                        return finish(session, renderer, null, null, "next hop " + Ip4.toString(to.nextHop()) + " did not answer ARP",
                                ExitCodes.NEGATIVE, start, nameLookup, 0);
                    }
                    neighbours.put(to.nextHop(), hop);
                }
                HttpUrl here = url;
                List<HttpRequest> requests = new ArrayList<>();
                List<HttpUrl> sameHost = batch.stream().filter(u -> u.host().equals(here.host()) && u.port() == here.port()).toList();
                for (int i = 0; i < sameHost.size(); i++) {
                    requests.add(HttpRequest.get(sameHost.get(i), head, compressed, true, headers));
                }
                batch.removeAll(sameHost);
                section(session, "TCP handshake with " + Ip4.toString(ip) + ":" + url.port());
                if (!guarded) {
                    // every connection of this run reuses our port: ours finished TIME_WAIT before the next one opens
                    TcpRun.guardAgainstKernelRst(session, owns, sport);
                    guarded = true;
                }
                TcpWarmup.run();
                app = new HttpApp(requests, compressed, body);
                connectStarted = Clock.SYSTEM.nowMicros();
                TcpConversation conv = new TcpConversation(new TcpConversation.Path(route.via().mac(), to.source(), hop, ip, owns),
                        TcpRun.config(tcp, sport, url.port(), to.mss()).withReceiveWindow(receiveWindow(to.mss())), app, "http-get", RANDOM.nextInt(65536));
                tcpResult = session.capture(conv);
                if (Interrupts.requested() || session.pastDeadline() || tcpResult == null) {
                    break;
                }
                HttpApp.Response last = app.responses().isEmpty() ? null : app.responses().get(app.responses().size() - 1);
                String location = last == null ? null : last.header("Location");
                if (follow && last != null && last.status() >= 300 && last.status() < 400 && location != null && batch.isEmpty()) {
                    if (++redirects > maxRedirects) {
                        return finish(session, renderer, tcpResult, app, "more than " + maxRedirects + " redirects", 1, start, nameLookup,
                                connectStarted);
                    }
                    try {
                        url = url.resolve(location);
                    } catch (IllegalArgumentException e) {
                        return finish(session, renderer, tcpResult, app, "cannot follow Location '" + location + "': " + e.getMessage(), 1,
                                start, nameLookup, connectStarted);
                    }
                    section(session, "redirect " + redirects + ": " + last.status() + " → " + url);
                    batch.add(url);
                    continue;
                }
                if (!batch.isEmpty()) {
                    url = batch.get(0);
                    continue;
                }
                break;
            }
            if (session.pastDeadline()) {
                return finish(session, renderer, tcpResult, app, "--max-time reached", ExitCodes.NO_ANSWER, start, nameLookup, connectStarted);
            }
            if (Interrupts.requested()) {
                return ExitCodes.INTERRUPTED;
            }
            return finish(session, renderer, tcpResult, app, null, -1, start, nameLookup, connectStarted, bodyPattern);
        }
    }

    private static void section(LiveSession session, String title) {
        session.tell(new Event.Note(Clock.SYSTEM.nowMicros(), Event.Note.Kind.SECTION, title, Map.of()));
    }

    private Integer resolve(LiveSession session, Routing routing, Route route, String host, int server, int dnsPort,
                            Map<Integer, MacAddress> neighbours, Renderer renderer) {
        Route toServer = sameInterface(route, TcpRun.checked(live, routing.resolve(server, live.interfaceName, live.source)));
        MacAddress hop = neighbours.get(toServer.nextHop());
        if (hop == null && !toServer.needsArp()) {
            hop = TcpRun.tellNoArp(session, toServer);
            neighbours.put(toServer.nextHop(), hop);
        }
        if (hop == null) {
            section(session, "ARP: " + (toServer.onLink() ? "the name server " + Ip4.toString(server)
                    : "next hop " + Ip4.toString(toServer.nextHop()) + ", to reach the name server"));
            hop = arp(session, toServer);
            if (hop == null) {
                return null;
            }
            neighbours.put(toServer.nextHop(), hop);
        }
        section(session, "DNS: " + host + " → ?");
        // the same port for a truncated answer's TCP retry: the session's filter has no room for another
        NameLookup.Answer a = NameLookup.ask(session, new DnsLookup.Path(route.via().mac(), hop, toServer.source(), server, 53), host,
                dnsPort, dnsPort, toServer.mss(), null);
        if (a.address() == null) {
            dnsFailure = a.failure();
            if (a.serverAnswered()) {
                dnsExit = ExitCodes.NEGATIVE; // the name server answered: the name has no address
            }
        }
        return a.address();
    }

    /** One capture serves one interface: a later host the kernel routes elsewhere cannot be reached from it. */
    private static Route sameInterface(Route session, Route to) {
        if (!to.via().name().equals(session.via().name())) {
            throw new EnvironmentException(Ip4.toString(to.destination()) + " is reached through " + to.via().name() + " (" + to.how()
                    + ") but this capture is on " + session.via().name() + ": one run serves one interface; fetch it on its own"
                    + " (by address, or with -i)");
        }
        return to;
    }

    private static MacAddress arp(LiveSession session, Route to) {
        MacAddress cached = synack.cli.shell.SessionCaches.neighbour(to.nextHop());
        if (cached != null) {
            session.tell(new Event.Note(Clock.SYSTEM.nowMicros(), Event.Note.Kind.INFO, Ip4.toString(to.nextHop()) + " is-at " + cached
                    + " from the shell's neighbour cache: no ARP needed", Map.of()));
            return cached;
        }
        ArpResolve arp = new ArpResolve(to.via().mac(), to.source(), List.of(to.nextHop()),
                new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0), new OuiRegistry(OuiRegistry.DEFAULT_FILE)::vendorOf, false);
        Event.Result r = session.capture(arp);
        if (r == null || !r.ok()) {
            return null;
        }
        synack.cli.shell.SessionCaches.learned(to.nextHop(), arp.entry(to.nextHop()).mac());
        return arp.entry(to.nextHop()).mac();
    }

    private int finish(LiveSession session, Renderer renderer, Event.Result tcpResult, HttpApp app, String failure, int failureExit,
                       long start, long nameLookup, long connectStarted) {
        return finish(session, renderer, tcpResult, app, failure, failureExit, start, nameLookup, connectStarted, null);
    }

    private int finish(LiveSession session, Renderer renderer, Event.Result tcpResult, HttpApp app, String failure, int failureExit,
                       long start, long nameLookup, long connectStarted, Pattern bodyPattern) {
        long now = Clock.SYSTEM.nowMicros();
        Map<String, Object> f = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        int exit;
        String summary;
        HttpApp.Response last = app == null || app.responses().isEmpty() ? null : app.responses().get(app.responses().size() - 1);
        if (failure != null) {
            exit = failureExit;
            summary = failure;
        } else if (last == null) {
            exit = tcpResult == null ? ExitCodes.NO_ANSWER : !tcpResult.ok() ? ExitCodes.of(tcpResult.verdict()) : 1;
            summary = tcpResult == null ? "no response" : String.join("; ", tcpResult.lines())
                    + (app != null && app.error() != null ? "; " + app.error() : "");
        } else {
            List<String> unmet = new ArrayList<>();
            if (expectStatus != null) {
                String code = Integer.toString(last.status());
                boolean held = expectStatus.endsWith("xx") ? code.charAt(0) == expectStatus.charAt(0) : code.equals(expectStatus);
                if (!held) {
                    unmet.add("status " + expectStatus + " (got " + last.status() + ")");
                }
            } else if (last.status() >= 400) {
                unmet.add("a status below 400 (got " + last.status() + " " + last.reason() + ")");
            }
            if (bodyPattern != null && !bodyPattern.matcher(new String(last.preview(), StandardCharsets.UTF_8)).find()) {
                unmet.add("body matching /" + bodyPattern.pattern() + "/");
            }
            boolean tcpOk = tcpResult != null && tcpResult.ok();
            exit = !unmet.isEmpty() || !app.satisfied() ? 1 : tcpOk ? 0 : tcpResult == null ? ExitCodes.NO_ANSWER : ExitCodes.of(tcpResult.verdict());
            long total = now - start;
            long ttfb = last.firstByteAt() - start;
            long connect = tcpResult != null && tcpResult.fields().get("established_ms") instanceof Double d ? (long) (d * 1000) : -1;
            long bytes = app.responses().stream().mapToLong(HttpApp.Response::bodyBytes).sum();
            double seconds = Math.max(1, last.completeAt() - last.sentAt()) / 1e6; // curl's speed: size over request to end
            summary = String.format(Locale.ROOT, "%d %s  %s — %d bytes; name lookup %s, connect %s, first byte %s, total %s",
                    last.status(), last.reason(), last.url(), bytes, Durations.ms(nameLookup), connect >= 0 ? Durations.ms(connect) : "-",
                    Durations.ms(ttfb), Durations.ms(total))
                    + (last.bodyBytes() >= 100_000 ? String.format(Locale.ROOT, ", %.1f MB/s", last.bodyBytes() / seconds / 1e6) : "")
                    + (unmet.isEmpty() ? "" : "; expected " + String.join(", ", unmet))
                    + (app.error() != null ? "; " + app.error() : "");
            f.put("status", last.status());
            f.put("reason", last.reason());
            f.put("url", last.url().toString());
            f.put("bytes", bytes);
            f.put("sha256", last.sha256());
            Map<String, Object> timing = new LinkedHashMap<>();
            timing.put("namelookup_ms", Durations.msValue(nameLookup));
            timing.put("connect_ms", connect >= 0 ? Durations.msValue(connect) : null);
            timing.put("ttfb_ms", Durations.msValue(ttfb));
            timing.put("total_ms", Durations.msValue(total));
            timing.put("mb_per_s", Math.round(last.bodyBytes() / seconds / 1e4) / 100.0);
            f.put("timing", timing);
            if (!unmet.isEmpty()) {
                f.put("unmet", unmet);
            }
            app.describe(f, lines);
            if (tcpResult != null) {
                f.put("tcp", tcpResult.fields().get("outcome"));
            }
        }
        f.put("ok", exit == 0);
        session.tell(new Event.Result(now, ExitCodes.verdict(exit), List.of(), summary, f));
        return exit;
    }

    /**
     * The window we advertise: 4 MiB, or less when our capture ring could not hold that much in
     * small segments — a window larger than the ring loses segments in our own capture, which
     * the sender then retransmits: loss we caused ourselves.
     */
    static int receiveWindow(int mss) {
        return Math.min(4 << 20, PcapLink.Capture.BULK.absorbableBytes(mss));
    }
}
