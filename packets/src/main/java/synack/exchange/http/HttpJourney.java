package synack.exchange.http;

import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Remark;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.PhaseOutput;
import synack.exchange.arp.ArpResolve;
import synack.exchange.dns.AddressAnswer;
import synack.exchange.dns.AddressQueries;
import synack.exchange.dns.DnsLookup;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpOutcome;
import synack.exchange.tcp.TcpWarmup;
import synack.exchange.tls.TlsApp;
import synack.exchange.tls.TlsFailure;
import synack.exchange.tls.TlsSession;
import synack.exchange.tls.TlsTrust;
import synack.link.ReceivedFrame;
import synack.net.HostsFile;
import synack.net.NameSources;
import synack.net.NsSwitch;
import synack.net.Route;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.exchange.ndp.NdpResolve;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * http-get's whole journey on one link, as one exchange: for each host of the URLs (the URLs on
 * one host:port share a connection) the name is resolved (a cache, else a DNS query to the name
 * server, after ARPing the name server's next hop), the web server's next hop is ARPed, and one
 * TCP connection carries {@link HttpApp} (inside {@link TlsApp} for https://); then a redirect
 * (-L) or the next host. Requests a
 * server left unanswered when it closed go again on a new connection. The sub-exchanges run
 * inside this one with a {@link PhaseOutput}: their frames and notes are told as they happen,
 * their results kept as data. One result ends the story, with curl's timings.
 *
 * <p>Pure: routing, caches and the side effects the run needs (a UDP port held, the kernel's
 * RSTs kept off a TCP port) come through {@link Environment}; time and randomness are given.
 */
public final class HttpJourney implements Exchange {
    /**
     * How each request is built: HEAD or GET (or -X's {@code method}), Accept-Encoding, extra header
     * lines ("Name: value"), the body -d gives (null: none), a condition (--etag-compare, -z), and
     * the cookies: {@code jar} null when the cookie engine is off (no -b, no -c, as curl), and
     * {@code givenCookies} -b's "N=V; N2=V2" (sent on every request, after the jar's, as curl does).
     */
    public record Requests(boolean head, boolean compressed, List<String> headers, String method, byte[] body,
                           Conditional conditional, CookieJar jar, String givenCookies) {
        public Requests {
            headers = List.copyOf(headers);
            conditional = conditional == null ? Conditional.NONE : conditional;
        }

        public Requests(boolean head, boolean compressed, List<String> headers) {
            this(head, compressed, headers, null, null, Conditional.NONE, null, null);
        }

        /** The first request's method: -X's, else HEAD for -I, POST when there is a body, GET. */
        public String firstMethod() {
            return method != null ? method : head ? "HEAD" : body != null ? "POST" : "GET";
        }

        boolean cookieEngine() {
            return jar != null || givenCookies != null;
        }
    }

    /** What a redirect does to the method and the body (RFC 9110 §15.4), and the words for it. */
    public record RedirectRule(String method, boolean withBody, String why) {
        /** The note's data: {"redirect": {status, from_method, method, body: none|kept|dropped}}. */
        public Map<String, Object> fields(int status, String fromMethod, boolean hadBody) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("status", status);
            f.put("from_method", fromMethod);
            f.put("method", method);
            f.put("body", !hadBody ? "none" : withBody ? "kept" : "dropped");
            return Map.of("redirect", f);
        }

        /** 301/302 turn POST into GET (as curl and browsers do), 303 anything but HEAD; 307/308 keep both. */
        public static RedirectRule of(int status, String method, boolean withBody) {
            String body = withBody ? " and body" : "";
            return switch (status) {
                case 301, 302 -> method.equals("POST")
                        ? new RedirectRule("GET", false, status + ": POST becomes GET" + (withBody ? ", the body is dropped" : "")
                                + " (RFC 9110 §15.4." + (status == 301 ? "2" : "3") + ": user agents do, and so does curl)")
                        : new RedirectRule(method, withBody, status + ": the method (" + method + ")" + body + (withBody ? " are" : " is")
                                + " kept (only POST becomes GET)");
                case 303 -> method.equals("HEAD")
                        ? new RedirectRule("HEAD", false, "303 See Other: a HEAD stays a HEAD (RFC 9110 §15.4.4)")
                        : new RedirectRule("GET", false, "303 See Other: " + method + " becomes GET" + (withBody ? ", the body is dropped" : "")
                                + " (RFC 9110 §15.4.4)");
                case 307, 308 -> new RedirectRule(method, withBody, status + ": the method" + body + (withBody ? " are" : " is")
                        + " kept (RFC 9110 §15.4." + (status == 307 ? "8" : "9") + ")");
                default -> new RedirectRule(method, withBody, status + ": the method" + body + " kept");
            };
        }
    }

    /** Our ports: every HTTP connection's (one after the other, each after the last's TIME_WAIT), the DNS query's, and its TCP retry's. */
    public record Ports(int http, int dnsUdp, int dnsTcp, int dnsTcpA) {
        /** With the A query's TCP retry on the port after the first's (tests). */
        public Ports(int http, int dnsUdp, int dnsTcp) {
            this(http, dnsUdp, dnsTcp, dnsTcp + 1);
        }
    }

    /** The TCP configuration for a connection from {@code localPort} to {@code remotePort} over a route with this MSS. */
    @FunctionalInterface
    public interface TcpConfigs {
        TcpConnection.Config of(int localPort, int remotePort, int mss);
    }

    /**
     * @param nameServer       the name server's address (null: none; a name then cannot be resolved)
     * @param ownsSource       we answer ARP for our address ourselves (-S with an address no interface holds)
     * @param maxTimeMicros    the whole run's limit (0: none)
     * @param knownAddresses   names already resolved before the run (told elsewhere)
     * @param priorNameLookupMicros the time those lookups took: the timings count it
     */
    public record Settings(List<HttpUrl> urls, Requests requests, boolean followRedirects, int maxRedirects,
                           HttpExpectations expectations, Integer nameServer, Ports ports, boolean ownsSource,
                           TcpConfigs httpTcp, TcpConfigs dnsTcp, long maxTimeMicros, Map<String, IpAddress> knownAddresses,
                           long priorNameLookupMicros) {
        public Settings {
            urls = List.copyOf(urls);
            knownAddresses = Map.copyOf(knownAddresses);
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("a journey needs at least one URL");
            }
        }
    }

    /** What the journey asks of the host it runs on. Defaults: nothing cached, no side effects. */
    public interface Environment {
        /** How a frame to {@code destination} leaves (the kernel's routing decision), over IPv4 or IPv6. */
        Route route(IpAddress destination);

        /** An address of {@code family} already known for a name (the shell's DNS cache, within its TTL), or null. */
        default IpAddress cachedAddress(String name, synack.net.AddressFamily family) {
            return null;
        }

        /** An address a name's A or AAAA answer gave, for its TTL. */
        default void learnedAddress(String name, IpAddress ip, long ttlSeconds) {}

        /** A neighbour's MAC already known (the shell's neighbour cache), or null: a link-local IPv6 one on {@code interfaceName} only. */
        default MacAddress cachedNeighbour(IpAddress ip, String interfaceName) {
            return null;
        }

        /** How long ago the cached neighbour answered, in microseconds (-1: not known). */
        default long cachedNeighbourAgeMicros(IpAddress ip, String interfaceName) {
            return -1;
        }

        /** A neighbour that answered ARP or a neighbour solicitation on {@code interfaceName}. */
        default void learnedNeighbour(IpAddress ip, String interfaceName, MacAddress mac) {}

        /** The vendor a MAC's OUI names, or null. */
        default String vendorOf(MacAddress mac) {
            return null;
        }

        /** Before the first DNS query from this port: hold it, so the kernel does not answer the reply with ICMP. */
        default void beforeUdp(int ourIp, int port) {}

        /**
         * Whether this host can reach IPv6 addresses (a global IPv6 address on the capture's
         * interface, as glibc's AI_ADDRCONFIG asks): only then is a name's AAAA record asked.
         */
        default boolean ipv6Usable() {
            return false;
        }

        /** -4 / -6: the one family a name's address is asked of (null: both, IPv6 first where it is usable). */
        default synack.net.AddressFamily family() {
            return null;
        }

        /**
         * Before the first SYN from this port and {@code source} (of either family): keep the kernel's
         * RSTs off it. The source decides: a spoofed -S needs no guard, the kernel's own address does
         * (resolv.conf's name server is asked from it).
         */
        default void beforeTcp(int port, IpAddress source) {}

        /** The hosts file to read before (or after) DNS, as {@link #nsSwitch()} orders them; null: DNS alone, nothing told. */
        default HostsFile hostsFile() {
            return null;
        }

        /** nsswitch.conf's order for host names (without a file or a hosts line, glibc's default). */
        default NsSwitch nsSwitch() {
            return NsSwitch.parse("/etc/nsswitch.conf", "");
        }

        /** Whom https:// servers' certificates must lead to (asked at the first https URL): by default the system's store. */
        default TlsTrust tlsTrust() throws TlsTrust.TrustStoreException {
            return TlsTrust.system();
        }
    }

    /** Why the run ended without its answer, when it did. */
    public enum Failure {
        NAME_NOT_RESOLVED, NEXT_HOP_SILENT, UNREACHABLE_HERE, TOO_MANY_REDIRECTS, BAD_LOCATION, MAX_TIME, INTERRUPTED,
        /** https: the server's certificate was not trusted (exit 5). */
        TLS_UNTRUSTED,
        /** https: the handshake failed otherwise (an alert from the server, not TLS at all, a close mid-way). */
        TLS_FAILED
    }

    /** One TCP connection of the run and what it carried; {@code tls} is what its TLS came to (null over plain http). */
    public record Connection(IpAddress peerIp, int peerPort, int localPort, List<HttpRequest> requests, TcpOutcome outcome,
                             String closedBecause, long connectMicros, long establishedAt, List<HttpApp.Response> responses,
                             String httpError, boolean satisfied, Verdict tcpVerdict, List<String> tcpLines, TlsSession tls) {
        public boolean established() {
            return connectMicros >= 0;
        }
    }

    private enum Step { NAME_SERVER_HOP, DNS, SERVER_HOP, CONNECTION }

    private static final String MAX_TIME_REACHED = "--max-time reached";

    private final Settings settings;
    private final Environment env;
    private final OutputStream body;
    private final RandomGenerator random;

    private final Deque<HttpApp.Planned> pending = new ArrayDeque<>();
    private final Map<String, IpAddress> addresses = new HashMap<>();
    private final Map<IpAddress, MacAddress> neighbours = new HashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    private Output out;
    private Exchange current;
    private Step step;
    private PhaseOutput phase;
    private FirstSend firstSend;
    private Route arpRoute;
    private String resolving; // the name being resolved, from its first step on
    private long resolveStartedAt;
    private int sourceAt; // the nsswitch.conf source the name is being asked of
    private AddressQueries queries; // the name's AAAA and A queries, while the DNS step runs
    private AddressQueries background; // their query still asked after the connection attempts began (RFC 8305 3)
    private String backgroundHost;
    // RFC 8305 5: the host whose first address failed (no route here, a silent next hop) while its other
    // family's query is still asked: the run waits for that answer, and fails as told here if it brings none
    private String awaitingFor;
    private Failure awaitingFailure;
    private String awaitingWhy;
    /** Hosts whose second address came during the first's next-hop step: it joins only with a next hop already known. */
    private final java.util.Set<String> lateAlternates = new java.util.HashSet<>();
    private HttpApp app;
    private TlsApp tlsApp; // the connection's TLS, over https (null over http)
    private TlsTrust trust; // asked of the environment at the first https URL
    private TcpConversation conversation;
    private IpAddress connectionIp;
    /** A name's IPv4 address when its IPv6 one goes first: the second attempt of a race (RFC 8305). */
    private final Map<String, IpAddress> alternates = new HashMap<>();
    private ConnectionRace race; // the connection's two attempts, when its host has both families
    private Attempt[] attempts; // the race's attempts, in its order
    private HttpUrl raceUrl; // what the race's connection carries, for an attempt that joins late
    private List<HttpApp.Planned> raceRequests;
    private final java.util.Set<String> guarded = new java.util.HashSet<>();
    private int redirects;
    private long startedAt;
    private long nameLookupMicros;
    private long deadline = Long.MAX_VALUE;
    private boolean done;
    private Failure failure;
    private HttpTiming timing;
    private Event.Result result;

    public HttpJourney(Settings settings, Environment env, OutputStream body, RandomGenerator random) {
        this.settings = settings;
        this.env = env;
        this.body = body;
        this.random = random;
    }

    @Override
    public void start(long now, Output output) {
        out = output;
        startedAt = now - settings.priorNameLookupMicros();
        nameLookupMicros = settings.priorNameLookupMicros();
        if (settings.maxTimeMicros() > 0) {
            deadline = startedAt + settings.maxTimeMicros();
        }
        addresses.putAll(settings.knownAddresses());
        Requests q = settings.requests();
        for (HttpUrl u : settings.urls()) {
            pending.add(new HttpApp.Planned(u, q.firstMethod(), q.body() != null));
        }
        if ("HEAD".equals(q.method())) {
            out.emit(new Event.Note(now, Event.Note.Kind.WARNING, "-X HEAD: the method is HEAD, as asked; -I is the way to ask for a"
                    + " head (curl warns the same). The response is read as a HEAD's: no body, whatever Content-Length says", Map.of()));
        }
        next(now);
        advance(now);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output output) {
        if (!done && background != null) {
            background.onFrame(frame, phase);
            backgroundAdvanced(frame.timeMicros());
        }
        if (!done && current != null) {
            current.onFrame(frame, phase);
            advance(frame.timeMicros());
        }
    }

    @Override
    public void onTimer(long now, Output output) {
        if (done) {
            return;
        }
        if (now >= deadline) {
            if (step == Step.CONNECTION && current == race && race != null && !race.isDone()) {
                race.abort(now, MAX_TIME_REACHED);
            } else if (step == Step.CONNECTION && current == conversation && !current.isDone()) {
                // the connection's RST says why: the limit, not the user (Ctrl-C is abort() below)
                conversation.control().abort(now, MAX_TIME_REACHED);
            }
            stopCurrent(now);
            fail(now, Failure.MAX_TIME, MAX_TIME_REACHED, Verdict.NO_ANSWER);
            return;
        }
        if (background != null && now >= background.nextDeadlineMicros()) {
            background.onTimer(now, phase);
            backgroundAdvanced(now);
        }
        if (!done && current != null && now >= current.nextDeadlineMicros()) {
            current.onTimer(now, phase);
            advance(now);
        }
    }

    @Override
    public void abort(long now, Output output) {
        if (!done) {
            stopCurrent(now);
            fail(now, Failure.INTERRUPTED, "interrupted", Verdict.INTERRUPTED);
        }
    }

    private void stopCurrent(long now) {
        stopBackground(now);
        if (current != null && !current.isDone()) {
            current.abort(now, phase);
        }
        current = null;
    }

    @Override
    public long nextDeadlineMicros() {
        if (done) {
            return Long.MAX_VALUE;
        }
        long next = Math.min(deadline, current == null ? Long.MAX_VALUE : current.nextDeadlineMicros());
        return background == null ? next : Math.min(next, background.nextDeadlineMicros());
    }

    @Override
    public boolean isDone() {
        return done;
    }

    // ------------------------------------------------------------------ the steps

    /** Acts on every step that has finished: each may start the next. */
    private void advance(long now) {
        // the DNS step ends when RFC 8305 3's rule lets the attempts begin, which may be before both answers are in
        while (!done && current != null && (current.isDone() || (current == queries && queries.ready()))) {
            Exchange finished = current;
            current = null;
            switch (step) {
                case NAME_SERVER_HOP, SERVER_HOP -> hopAnswered(finished, now);
                case DNS -> answered(now);
                case CONNECTION -> connectionEnded(now);
            }
            if (!done && current == null) {
                next(now);
            }
        }
    }

    /** Takes the first pending URL one step on: its address, its next hop, its connection; or ends the run. */
    private void next(long now) {
        if (awaitingFor != null) {
            return; // the first address failed: nothing more until the other family's answer comes (backgroundAdvanced)
        }
        if (pending.isEmpty()) {
            finish(now);
            return;
        }
        HttpUrl url = pending.peekFirst().url();
        IpAddress ip = addressOf(url.host(), now);
        if (ip == null) {
            resolve(url.host(), now);
            return;
        }
        IpAddress other = alternates.get(url.host());
        Route to;
        try {
            to = env.route(ip);
        } catch (synack.net.EnvironmentException e) {
            if (other != null) {
                dropFamily(url.host(), ip, e.getMessage(), now); // told: the other family alone
                next(now);
            } else if (!awaitOther(url.host(), Failure.UNREACHABLE_HERE, e.getMessage(), now)) {
                fail(now, Failure.UNREACHABLE_HERE, e.getMessage(), Verdict.NEGATIVE);
            }
            return;
        }
        MacAddress hop = nextHopOf(to, Step.SERVER_HOP, hopTitle(to, ip), now);
        if (hop == null) {
            return;
        }
        other = alternates.get(url.host());
        Route otherTo = other == null ? null : routeOrWhy(other, url.host(), now);
        if (otherTo == null) {
            connect(url, ip, to, hop, null, null, null, now);
            return;
        }
        if (lateAlternates.remove(url.host())) {
            // it came while the first's next hop was asked: the first attempt does not wait for another next hop
            MacAddress known = knownHop(otherTo, now);
            if (known == null) {
                alternates.remove(url.host());
                lateNote(now, "late_unused", other + " came after the lookup ended and its next hop " + otherTo.nextHopAddress()
                        + " is not known yet: not used (the first attempt does not wait to ask it)");
                connect(url, ip, to, hop, null, null, null, now);
            } else {
                connect(url, ip, to, hop, other, otherTo, known, now);
            }
            return;
        }
        MacAddress otherHop = nextHopOf(otherTo, Step.SERVER_HOP, hopTitle(otherTo, other), now);
        if (otherHop != null) {
            connect(url, ip, to, hop, other, otherTo, otherHop, now);
        }
    }

    /**
     * The host's only address so far failed ({@code why}) while its other family's query is still
     * asked: that is this attempt failing, not the run (RFC 8305 5: on to the next address). The
     * run waits for the answer (told); false when no query is still asked for the host.
     */
    private boolean awaitOther(String host, Failure failure, String why, long now) {
        if (background == null || !host.equals(backgroundHost)) {
            return false;
        }
        awaitingFor = host;
        awaitingFailure = failure;
        awaitingWhy = why;
        out.emit(new Event.Note(now, Event.Note.Kind.WARNING, why + ": waiting for the " + DnsType.name(background.pendingAtReady())
                + " answer, still to come (RFC 8305 5: the next address)", Map.of()));
        return true;
    }

    /**
     * With both families, one that has no route here (no IPv6 default route, another interface)
     * is that attempt failing: the other alone, told (RFC 8305). Null then.
     */
    private Route routeOrWhy(IpAddress ip, String host, long now) {
        try {
            return env.route(ip);
        } catch (synack.net.EnvironmentException e) {
            dropFamily(host, ip, e.getMessage(), now);
            return null;
        }
    }

    /** One of a host's two addresses is out of the race (told): the other goes alone. */
    private void dropFamily(String host, IpAddress failed, String why, long now) {
        IpAddress first = addresses.get(host);
        IpAddress other = alternates.remove(host);
        IpAddress left = failed.equals(first) ? other : first;
        addresses.put(host, left);
        lateAlternates.remove(host);
        out.emit(new Event.Note(now, Event.Note.Kind.WARNING, why + ": " + (left.ipv6() ? "IPv6 " : "IPv4 ") + left
                + " alone (RFC 8305: the other family)", Map.of()));
    }

    private static String hopTitle(Route to, IpAddress ip) {
        return (to.ipv6() ? "NDP: " : "ARP: ") + (to.onLink() ? ip.toString() : "next hop " + to.nextHopAddress());
    }

    /**
     * The route to {@code ip}, or null (and the run ended, NEGATIVE) when this run cannot reach it: the
     * host's routing sends it through another interface than the one this capture is on (a redirect to
     * a host elsewhere, or to a name whose server is on lo).
     */
    private Route routeTo(IpAddress ip, long now) {
        try {
            return env.route(ip);
        } catch (synack.net.EnvironmentException e) {
            fail(now, Failure.UNREACHABLE_HERE, e.getMessage(), Verdict.NEGATIVE);
            return null;
        }
    }

    /** The URL's host as an address: a literal (an IPv6 one in brackets, RFC 3986), one learned this run, or cached. */
    private IpAddress addressOf(String host, long now) {
        try {
            IpAddress literal = IpAddress.literal(host);
            if (literal != null) {
                return literal;
            }
        } catch (IllegalArgumentException e) {
            return null; // a Location's literal that is none: its DNS lookup says it cannot be a name either
        }
        IpAddress ip = addresses.get(host);
        return ip != null ? ip : cachedAddressOf(host, now);
    }

    /**
     * The shell's DNS cache, per family: used only when it holds every family this run would ask
     * (AAAA and A with both usable, else the one), so the cache gives the same choice as DNS
     * would (IPv6 first, IPv4 as Happy Eyeballs' second); otherwise DNS is asked.
     */
    private IpAddress cachedAddressOf(String host, long now) {
        boolean wants6 = wants(synack.net.AddressFamily.IPV6);
        boolean wants4 = wants(synack.net.AddressFamily.IPV4);
        IpAddress v6 = wants6 ? env.cachedAddress(host, synack.net.AddressFamily.IPV6) : null;
        IpAddress v4 = wants4 ? env.cachedAddress(host, synack.net.AddressFamily.IPV4) : null;
        if ((wants6 && v6 == null) || (wants4 && v4 == null)) {
            return null;
        }
        IpAddress first = v6 != null ? v6 : v4;
        section("DNS: " + host + " is " + first + (v6 != null && v4 != null ? " and " + v4 : "")
                + " (the shell's DNS cache: " + (v6 != null && v4 != null ? "its AAAA and A answers, within their TTLs"
                : "its " + (v6 != null ? "AAAA" : "A") + " answer, within its TTL") + ")", now);
        addresses.put(host, first);
        if (v6 != null && v4 != null) {
            bothFamilies(host, v6, v4, now);
        }
        return first;
    }

    /** The next hop's MAC when it is known (this run, no ARP needed, a cache); else starts ARP and returns null. */
    private MacAddress nextHopOf(Route route, Step arpStep, String title, long now) {
        MacAddress hop = knownThisRun(route, now);
        if (hop != null) {
            return hop;
        }
        section(title, now); // the cache's answer is told under the title, as the asking would be
        arpRoute = route;
        MacAddress cached = fromCache(route, now);
        if (cached != null) {
            return cached;
        }
        if (route.ipv6()) { // neighbour solicitation (RFC 4861 7.2)
            begin(arpStep, new NdpResolve(route.via().mac(), route.sourceAddress().bytes(), List.of(route.nextHopAddress().bytes()),
                    new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0), env::vendorOf, false), now);
            return null;
        }
        begin(arpStep, new ArpResolve(route.via().mac(), route.source(), List.of(route.nextHop()),
                new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0), env::vendorOf, false), now);
        return null;
    }

    /** The next hop's MAC from the shell's neighbour cache (told, as every command tells it), or null. */
    private MacAddress fromCache(Route route, long now) {
        IpAddress hop = route.nextHopAddress();
        String link = route.via().name();
        MacAddress cached = env.cachedNeighbour(hop, link);
        if (cached != null) {
            out.emit(synack.exchange.arp.NeighbourCacheNote.note(now, hop, link, cached, env.cachedNeighbourAgeMicros(hop, link)));
            neighbours.put(hop, cached);
        }
        return cached;
    }

    /** The next hop's MAC when it is known without asking (this run, no ARP needed, the shell's cache), else null. */
    private MacAddress knownHop(Route route, long now) {
        MacAddress hop = knownThisRun(route, now);
        return hop != null ? hop : fromCache(route, now);
    }

    /** The next hop's MAC this run has already (a neighbour that answered, or a route that needs no ARP: told), else null. */
    private MacAddress knownThisRun(Route route, long now) {
        MacAddress hop = neighbours.get(route.nextHopAddress());
        if (hop != null) {
            return hop;
        }
        if (!route.needsArp()) {
            out.emit(synack.exchange.arp.NoArpNeeded.note(now, route));
            neighbours.put(route.nextHopAddress(), route.nextHopMac());
            return route.nextHopMac();
        }
        return null;
    }

    private void hopAnswered(Exchange asked, long now) {
        Event.Result r = phase.result();
        IpAddress hop = arpRoute.nextHopAddress();
        MacAddress mac = null;
        if (asked instanceof ArpResolve arp && r != null && r.ok()) {
            mac = arp.entry(hop.v4()).mac();
        } else if (asked instanceof NdpResolve ndp && r != null && r.ok() && ndp.entry(hop.bytes()) != null) {
            mac = ndp.entry(hop.bytes()).mac();
        }
        String protocol = hop.ipv6() ? "neighbour solicitation" : "ARP";
        if (mac == null && step == Step.SERVER_HOP && !pending.isEmpty() && (fellBack(pending.peekFirst().url().host(), hop, now)
                || awaitOther(pending.peekFirst().url().host(), Failure.NEXT_HOP_SILENT, "next hop " + hop + " did not answer " + protocol, now))) {
            return;
        }
        if (mac == null) {
            if (step == Step.NAME_SERVER_HOP) {
                // OUTPUT.md: no ARP reply is a negative answer, whichever next hop it was
                fail(now, Failure.NAME_NOT_RESOLVED, "could not resolve " + resolving + ": the next hop to the name server did not"
                        + " answer " + protocol, Verdict.NEGATIVE);
            } else {
                fail(now, Failure.NEXT_HOP_SILENT, "next hop " + hop + " did not answer " + protocol, Verdict.NEGATIVE);
            }
            return;
        }
        neighbours.put(hop, mac);
        env.learnedNeighbour(hop, arpRoute.via().name(), mac);
    }

    private void resolve(String host, long now) {
        if (!host.equals(resolving)) {
            resolving = host;
            resolveStartedAt = now;
            NameSources.Walk w = sources().start(host);
            walked(w, now);
            if (w.outcome() == NameSources.Outcome.RESOLVED) {
                next(now); // the hosts file answered: on to the next hop
            }
            if (w.outcome() != NameSources.Outcome.ASK_DNS) {
                return;
            }
        }
        int server = settings.nameServer();
        // RFC 8305 3: AAAA and A at once, AAAA first; AAAA only where IPv6 can be reached; a family the
        // shell's cache knows is not asked
        IpAddress cached6 = wants(synack.net.AddressFamily.IPV6) ? env.cachedAddress(host, synack.net.AddressFamily.IPV6) : null;
        IpAddress cached4 = wants(synack.net.AddressFamily.IPV4) ? env.cachedAddress(host, synack.net.AddressFamily.IPV4) : null;
        boolean ask6 = wants(synack.net.AddressFamily.IPV6) && cached6 == null;
        boolean ask4 = wants(synack.net.AddressFamily.IPV4) && cached4 == null;
        DnsMessage query6;
        DnsMessage query4;
        try {
            query6 = ask6 ? DnsMessage.query(random.nextInt(65536), host, DnsType.AAAA, true, 1232) : null;
            int id4;
            do {
                id4 = random.nextInt(65536);
            } while (query6 != null && id4 == query6.id()); // both from one port: the ID tells whose a reply is
            query4 = ask4 ? DnsMessage.query(id4, host, DnsType.A, true, 1232) : null;
        } catch (IllegalArgumentException e) { // a Location naming a host no DNS name can be (a label over 63 octets)
            fail(now, Failure.NAME_NOT_RESOLVED, "could not resolve " + host + ": " + e.getMessage(), Verdict.NEGATIVE);
            return;
        }
        Route toServer = routeTo(IpAddress.of(server), now);
        if (toServer == null) {
            return;
        }
        MacAddress hop = nextHopOf(toServer, Step.NAME_SERVER_HOP, toServer.onLink() ? "ARP: the name server " + Ip4.toString(server)
                : "ARP: next hop " + Ip4.toString(toServer.nextHop()) + ", to reach the name server", now);
        if (hop == null) {
            return;
        }
        section("DNS: " + host + (ask6 && ask4 ? " AAAA and A" : ask6 ? " AAAA" : "") + " → ?"
                + (ask6 && ask4 ? " (both at once, AAAA first: RFC 8305 3)" : "")
                + (cached4 != null ? " (its A from the shell's cache)" : cached6 != null ? " (its AAAA from the shell's cache)" : ""), now);
        int udp = settings.ports().dnsUdp();
        env.beforeUdp(toServer.source(), udp);
        // a truncated answer's TCP retry: a port of its own for each query (both may be truncated at once), guarded before its SYN
        int tcp6 = settings.ports().dnsTcp();
        int tcp4 = ask6 ? settings.ports().dnsTcpA() : settings.ports().dnsTcp();
        DnsLookup[] both = new DnsLookup[2]; // [AAAA, A]: each retry's ID is none of the other's, so a reply says whose it is
        both[0] = ask6 ? lookup(toServer, hop, server, query6, udp, tcp6, () -> both[1]) : null;
        both[1] = ask4 ? lookup(toServer, hop, server, query4, udp, tcp4, () -> both[0]) : null;
        AddressQueries.Part six = ask6 ? AddressQueries.Part.ask(both[0])
                : cached6 != null ? AddressQueries.Part.known(new AddressAnswer(host, cached6, 0, null)) : AddressQueries.Part.none();
        AddressQueries.Part four = ask4 ? AddressQueries.Part.ask(both[1])
                : cached4 != null ? AddressQueries.Part.known(new AddressAnswer(host, cached4, 0, null)) : AddressQueries.Part.none();
        queries = new AddressQueries(host, six, four);
        begin(Step.DNS, queries, now);
    }

    /** One query's lookup; {@code other}: the other family's, asked from the same port (null: none), whose IDs its retries avoid. */
    private DnsLookup lookup(Route toServer, MacAddress hop, int server, DnsMessage query, int udp, int tcp,
                             java.util.function.Supplier<DnsLookup> other) {
        java.util.function.IntSupplier retryId = () -> {
            int id;
            do {
                id = random.nextInt(65536);
            } while (other.get() != null && other.get().sentId(id)); // both first tries have left before any retry
            return id;
        };
        return new DnsLookup(new DnsLookup.Path(toServer.via().mac(), hop, toServer.source(), server, 53), query,
                new DnsLookup.Settings(2, 2_000_000, false, udp, settings.dnsTcp().of(tcp, 53, toServer.mss()), List.of(),
                        () -> guardOnce(tcp, toServer.sourceAddress())), random.nextInt(65536), retryId);
    }


    /** Whether a name's address of this family is wanted: -4/-6 say which; otherwise IPv4, and IPv6 where this host can reach it. */
    private boolean wants(synack.net.AddressFamily f) {
        synack.net.AddressFamily only = env.family();
        if (f == synack.net.AddressFamily.IPV6) {
            return only == synack.net.AddressFamily.IPV6 || (only == null && env.ipv6Usable());
        }
        return only != synack.net.AddressFamily.IPV6;
    }

    /** nsswitch.conf's walk (synack.net's, as every command walks it): with no hosts file to read, DNS alone. */
    private NameSources sources() {
        // -6: the hosts file's IPv6 lines; otherwise its IPv4 ones (the A record's family)
        synack.net.AddressFamily family = env.family() == synack.net.AddressFamily.IPV6 ? synack.net.AddressFamily.IPV6
                : synack.net.AddressFamily.IPV4;
        return new NameSources(env.nsSwitch(), env.hostsFile(), settings.nameServer() == null ? null
                : IpAddress.of(settings.nameServer()), family);
    }

    /**
     * A part of the walk told, step by step, and acted on: the hosts file's address kept, the DNS
     * source to ask remembered, or the name not resolved (told). False when DNS's own status ends
     * the walk: the caller tells DNS's failure.
     */
    private boolean walked(NameSources.Walk w, long now) {
        String host = resolving;
        for (NameSources.Step step : w.steps()) {
            out.emit(new Event.Note(now, step.section() ? Event.Note.Kind.SECTION : Event.Note.Kind.INFO, step.text(), step.fields()));
        }
        switch (w.outcome()) {
            case RESOLVED -> {
                addresses.put(host, w.resolved());
                nameLookupMicros += now - resolveStartedAt;
                resolving = null;
            }
            case ASK_DNS -> sourceAt = w.dnsAt();
            case NOT_RESOLVED -> fail(now, Failure.NAME_NOT_RESOLVED, "could not resolve " + host + ": " + w.why(), Verdict.NEGATIVE);
            case DNS_DECIDES -> {
                return false;
            }
        }
        return true;
    }

    /**
     * DNS came to {@code status} (no answer, no such name): when nsswitch.conf goes on past it, the
     * sources after it are asked (the hosts file after DNS). False when it stops here.
     */
    private boolean nextSource(NsSwitch.Status status, long now) {
        return walked(sources().afterDns(resolving, sourceAt, status), now);
    }

    /**
     * The DNS step is over (RFC 8305 3's rule let the attempts begin): the addresses in hand, the
     * AAAA's first; a query still asked goes on in the background, its answer joining later.
     * Without any address, why there is none.
     */
    private void answered(long now) {
        AddressQueries q = queries;
        queries = null;
        String host = resolving;
        AddressAnswer six = q.address(DnsType.AAAA);
        AddressAnswer four = q.address(DnsType.A);
        if (six == null && four == null) {
            noAddress(q, host, now);
            return;
        }
        for (int type : new int[] {DnsType.AAAA, DnsType.A}) {
            if (q.address(type) != null && !q.cached(type)) {
                env.learnedAddress(host, q.address(type).ip(), q.address(type).ttlSeconds());
            }
        }
        if (!q.isDone()) {
            background = q;
            backgroundHost = host;
        }
        useAddresses(host, six != null ? six : four, six != null ? four : null, q.readyAt() >= 0 ? q.readyAt() : now);
    }

    /** Neither family had an address: the next nsswitch.conf source, or the failure (the A query's status decides, as before). */
    private void noAddress(AddressQueries q, String host, long now) {
        int decides = q.asked(DnsType.A) ? DnsType.A : DnsType.AAAA;
        DnsMessage answer = q.answer(decides);
        if (answer == null) {
            if (nextSource(NsSwitch.Status.TRYAGAIN, now)) {
                return;
            }
            Event.Result r = q.result(decides);
            fail(now, Failure.NAME_NOT_RESOLVED, "could not resolve " + host + ": "
                    + (r != null && r.summary() != null ? r.summary() : "no answer from the name server"),
                    r != null ? r.verdict() : Verdict.NO_ANSWER); // the lookup's own: ICMP refused or a garbled answer is 1
            return;
        }
        // the name server answered: the name has no address
        if (nextSource(NsSwitch.Status.NOTFOUND, now)) {
            return;
        }
        String types = q.asked(DnsType.AAAA) && q.asked(DnsType.A) ? "AAAA or A" : DnsType.name(decides);
        fail(now, Failure.NAME_NOT_RESOLVED, "could not resolve " + host + ": " + answer.rcodeName() + ", no " + types + " record",
                Verdict.NEGATIVE);
    }

    /**
     * The name's address (and its IPv4 one, when an IPv6 address goes first), kept for the run.
     * With both, what comes next is told (RFC 8305). {@code readyAt}: when the rule let the
     * attempts begin, the end of the name lookup (curl's time_namelookup).
     */
    private void useAddresses(String host, AddressAnswer first, AddressAnswer second, long readyAt) {
        addresses.put(host, first.ip());
        if (second != null) {
            bothFamilies(host, first.ip(), second.ip(), readyAt);
        }
        nameLookupMicros += readyAt - resolveStartedAt;
        resolving = null;
    }

    /** A host with both families: its IPv4 address kept as the race's second attempt, what comes next told. */
    private void bothFamilies(String host, IpAddress v6, IpAddress v4, long now) {
        alternates.put(host, v4);
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, host + " has both families: IPv6 " + v6 + " is tried first,"
                + " IPv4 " + v4 + " " + ConnectionRace.ATTEMPT_DELAY_MICROS / 1000 + " ms later unless IPv6 has connected"
                + " by then (Happy Eyeballs, RFC 8305; IPv6 first as RFC 6724's default policy prefers it)", Map.of()));
    }

    /**
     * The background query has ended (RFC 8305 3: an answer after the attempts began is added to
     * them): its address joins the race when the race can still take it, or waits for a next hop
     * being asked; otherwise it is told as not used. Without an address, the race goes on alone.
     */
    private void backgroundAdvanced(long now) {
        if (background == null || !background.isDone()) {
            return;
        }
        AddressQueries q = background;
        String host = backgroundHost;
        background = null;
        backgroundHost = null;
        int type = q.pendingAtReady();
        AddressAnswer late = type == 0 ? null : q.address(type);
        if (late != null) {
            env.learnedAddress(host, late.ip(), late.ttlSeconds());
        }
        if (host.equals(awaitingFor)) {
            awaitingFor = null;
            if (late == null) {
                fail(now, awaitingFailure, awaitingWhy + "; the " + DnsType.name(type) + " query brought no address", Verdict.NEGATIVE);
                return;
            }
            addresses.put(host, late.ip()); // the failed address is done with: this one goes alone
            lateNote(now, "late_joined", DnsType.name(type) + " answer after the first address failed: " + late.ip() + " is tried");
            next(now);
            advance(now);
            return;
        }
        boolean racing = step == Step.CONNECTION && race != null && current == race && raceUrl != null && raceUrl.host().equals(host);
        if (late == null) {
            if (racing) {
                race.noSecond(now);
                advance(now);
            }
            return; // its answer was told as it came
        }
        if (racing && race.canJoin()) {
            joinLate(host, late.ip(), now);
            advance(now);
            return;
        }
        if (racing) {
            race.noSecond(now); // the first has connected
            advance(now);
        }
        if (step == Step.SERVER_HOP && !pending.isEmpty() && pending.peekFirst().url().host().equals(host)
                && addresses.containsKey(host) && !alternates.containsKey(host)) {
            alternates.put(host, late.ip()); // the next hop being asked is the first address's; the first attempt does not wait for this one's
            lateAlternates.add(host);
            lateNote(now, "late_joined", DnsType.name(type) + " answer after the lookup ended: " + late.ip()
                    + " joins the connection attempts if its next hop is known without asking (RFC 8305 3)");
            return;
        }
        lateNote(now, "late_unused", DnsType.name(type) + " answer after the connection attempts had " + (racing ? "connected" : "ended")
                + ": " + late.ip() + " not used");
    }

    /** A late address's attempt joins the race, when its next hop is already known (a race does not stop to ask it). */
    private void joinLate(String host, IpAddress ip, long now) {
        Route to = routeOrWhy(ip, host, now);
        MacAddress hop = to == null ? null : knownHop(to, now);
        if (hop == null) {
            if (to != null) {
                lateNote(now, "late_unused", ip + " came after the connection attempts began and its next hop " + to.nextHopAddress()
                        + " is not known yet: not used (the race does not stop to ask it)");
            }
            race.noSecond(now);
            return;
        }
        int port = settings.ports().http();
        guardOnce(port, to.sourceAddress());
        Attempt b = attempt(raceUrl, raceRequests, ip, to, hop, port, now);
        if (b == null) {
            race.noSecond(now);
            return;
        }
        attempts[1] = b;
        alternates.put(host, ip);
        lateNote(now, "late_joined", (ip.ipv6() ? "AAAA" : "A") + " answer after the connection attempts began: " + ip
                + " joins them, " + ConnectionRace.ATTEMPT_DELAY_MICROS / 1000 + " ms after the first unless it has connected (RFC 8305 3, 5)");
        race.join(b.conversation(), attempts[0].ip() + " has not connected within " + ConnectionRace.ATTEMPT_DELAY_MICROS / 1000
                + " ms: " + ip.withPort(raceUrl.port()) + " too (RFC 8305's Connection Attempt Delay)", now);
    }

    private void lateNote(long now, String rule, String text) {
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, text, AddressQueries.resolutionFields(rule, -1)));
    }

    /** A query still asked when its answer can no longer be used (the connection is over, the run ends): stopped. */
    private void stopBackground(long now) {
        if (background != null) {
            background.stop(now);
            background = null;
            backgroundHost = null;
        }
    }

    /**
     * A silent next hop of one of a host's two addresses: the other address alone, told (RFC
     * 8305: the other family). False when the host has one address only.
     */
    private boolean fellBack(String host, IpAddress hop, long now) {
        IpAddress first = addresses.get(host);
        IpAddress other = alternates.get(host);
        if (first == null || other == null) {
            return false;
        }
        IpAddress failed = hop.ipv6() == first.ipv6() ? first : other;
        dropFamily(host, failed, "next hop " + hop + " did not answer " + (hop.ipv6() ? "neighbour solicitation" : "ARP"), now);
        return true;
    }

    /** One attempt at the connection: its TCP, the HTTP (and TLS) it carries, the address it goes to. */
    private record Attempt(TcpConversation conversation, HttpApp app, TlsApp tls, IpAddress ip) {}

    /** One connection for every pending URL on this host and port, keep-alive; two attempts raced when {@code other} is given. */
    private void connect(HttpUrl url, IpAddress ip, Route to, MacAddress hop, IpAddress other, Route otherTo, MacAddress otherHop,
                         long now) {
        List<HttpApp.Planned> requests = new ArrayList<>();
        for (var it = pending.iterator(); it.hasNext(); ) {
            HttpApp.Planned p = it.next();
            if (p.url().host().equals(url.host()) && p.url().port() == url.port() && p.url().secure() == url.secure()) {
                requests.add(p);
                it.remove();
            }
        }
        boolean awaiting = other == null && background != null && url.host().equals(backgroundHost);
        section(awaiting ? "TCP handshake with " + ip.withPort(url.port()) + " (its " + (ip.ipv6() ? "A" : "AAAA")
                + " answer, still to come, may join: Happy Eyeballs)"
                : other == null ? "TCP handshake with " + ip.withPort(url.port())
                : "TCP handshakes with " + ip.withPort(url.port()) + ", then " + other.withPort(url.port()) + " (Happy Eyeballs)", now);
        int port = settings.ports().http();
        // every connection of this run uses our one port. After our active close ours finished TIME_WAIT before the
        // next opens; after the server's close the server holds TIME_WAIT on this very 4-tuple, and takes our new SYN
        // because our timestamps are newer (RFC 6191, Linux's tcp_tw_reuse logic on the server's side); a server
        // without timestamps may answer it with a challenge ACK first, which our SYN retry gets past
        guardOnce(port, to.sourceAddress());
        if (other != null) {
            guardOnce(port, otherTo.sourceAddress());
        }
        TcpWarmup.run(ip.ipv6()); // over the family of the connection, as handshake's
        if (url.secure()) {
            if (trust == null) {
                try {
                    trust = env.tlsTrust();
                } catch (TlsTrust.TrustStoreException e) {
                    fail(now, Failure.TLS_FAILED, "TLS: no trust store: " + e.getMessage(), Verdict.NEGATIVE);
                    return;
                }
            }
        }
        Attempt a = attempt(url, requests, ip, to, hop, port, now);
        Attempt b = a == null || other == null ? null : attempt(url, requests, other, otherTo, otherHop, port, now);
        if (a == null || (other != null && b == null)) {
            return; // told: a name SNI cannot carry
        }
        use(a);
        raceUrl = url;
        raceRequests = requests;
        if (awaiting) {
            attempts = new Attempt[] {a, null};
            race = ConnectionRace.awaitingSecond(a.conversation());
            begin(Step.CONNECTION, race, now);
            return;
        }
        if (b == null) {
            race = null;
            attempts = null;
            begin(Step.CONNECTION, conversation, now);
            return;
        }
        attempts = new Attempt[] {a, b};
        race = new ConnectionRace(a.conversation(), b.conversation(), ip + " has not connected within "
                + ConnectionRace.ATTEMPT_DELAY_MICROS / 1000 + " ms: " + other.withPort(url.port()) + " too (RFC 8305's Connection Attempt Delay)");
        begin(Step.CONNECTION, race, now);
    }

    /** An attempt's conversation, its HTTP over it (and TLS, over https); null when TLS cannot carry the name (told). */
    private Attempt attempt(HttpUrl url, List<HttpApp.Planned> requests, IpAddress ip, Route to, MacAddress hop, int port, long now) {
        // a 100 MB body is not held in memory for a summary's first lines: only --expect-body searches further
        HttpApp http = new HttpApp(requests, new Session(), settings.requests().compressed(), body, settings.followRedirects(),
                this::lastSentAt, settings.expectations().body() != null ? HttpApp.PREVIEW : HttpApp.SUMMARY_PREVIEW);
        TlsApp tls = null;
        if (url.secure()) {
            try {
                tls = new TlsApp(http, url.host(), url.port(), trust); // SNI and the certificate's name: the URL's host
            } catch (IllegalArgumentException e) { // a name SNI cannot carry; the CLI refuses it as a usage error first
                fail(now, Failure.BAD_LOCATION, "TLS: " + e.getMessage(), Verdict.NEGATIVE);
                return null;
            }
        }
        TcpConversation c = new TcpConversation(new TcpConversation.Path(to.via().mac(), to.sourceAddress(), hop, ip, settings.ownsSource()),
                settings.httpTcp().of(port, url.port(), to.mss()), tls != null ? tls : http, "http-get", random.nextInt(65536));
        return new Attempt(c, http, tls, ip);
    }

    /** The attempt whose connection the run goes on with. */
    private void use(Attempt a) {
        conversation = a.conversation();
        app = a.app();
        tlsApp = a.tls();
        connectionIp = a.ip();
    }

    private long lastSentAt() {
        return firstSend == null ? -1 : firstSend.last();
    }

    /** Keeps the kernel's RSTs off a port of ours, once for the run. */
    private void guardOnce(int port, IpAddress source) {
        if (guarded.add(port + "/" + source)) { // each family has a firewall of its own; each source its own need
            env.beforeTcp(port, source);
        }
    }

    private void connectionEnded(long now) {
        if (race != null) {
            TcpConversation decided = race.decided();
            use(decided == attempts[0].conversation() ? attempts[0] : attempts[1]);
            race = null;
            attempts = null;
        }
        raceUrl = null;
        raceRequests = null;
        stopBackground(now); // the connection is over: a query still asked for its host is not waited for
        Event.Result r = phase.result();
        TcpConnection tcp = conversation.connection();
        long connect = tcp.establishedAt() >= 0 && firstSend.at() >= 0 ? tcp.establishedAt() - firstSend.at() : -1;
        TlsSession session = tlsApp != null ? tlsApp.session() : null;
        TlsFailure tls = session != null ? session.failure() : null;
        String error = app.error();
        if (tls != null && session.established()) {
            // TLS broke after its handshake: HTTP went over it, so it is the connection's error (as a reset is)
            error = (error != null ? error + "; " : "") + "TLS: " + tls.detail();
        }
        Connection c = new Connection(connectionIp, tcp.config().remotePort(), tcp.config().localPort(), app.sent(),
                tcp.outcome(), tcp.closedBecause(), connect, connect >= 0 ? tcp.establishedAt() : -1, List.copyOf(app.responses()), error,
                app.satisfied() && tls == null, r != null ? r.verdict() : Verdict.NO_ANSWER, r != null ? r.lines() : List.of(), session);
        connections.add(c);
        if (tls != null && !session.established()) {
            // no HTTP went over this connection: the run ends here, told in TLS's words
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", false);
            f.put("tls", c.tls().fields());
            boolean untrusted = tls.reason().untrusted();
            failure = untrusted ? Failure.TLS_UNTRUSTED : Failure.TLS_FAILED;
            String text = "TLS: " + (untrusted ? "the server's certificate was not trusted (" + tls.reason().jsonName() + "): " : "")
                    + tls.detail();
            f.put("error", text);
            end(new Event.Result(now, untrusted ? Verdict.UNTRUSTED : Verdict.NEGATIVE, List.of(), text, f));
            return;
        }
        List<HttpApp.Planned> front = new ArrayList<>();
        if (settings.followRedirects()) {
            // every redirect -L follows (HttpApp wrote none of their bodies): its target next, before what is left
            for (HttpApp.Response resp : c.responses()) {
                String location = resp.header("Location");
                if (!HttpApp.followable(resp.status(), location)) {
                    continue;
                }
                if (++redirects > settings.maxRedirects()) {
                    fail(now, Failure.TOO_MANY_REDIRECTS, "more than " + settings.maxRedirects() + " redirects", Verdict.NEGATIVE);
                    return;
                }
                HttpUrl target;
                try {
                    target = resp.url().resolve(location);
                    if (target.secure()) {
                        TlsApp.serverName(target.host()); // refused here, not as a crash when its connection opens
                    }
                } catch (IllegalArgumentException e) {
                    fail(now, Failure.BAD_LOCATION, "cannot follow Location '" + location + "': " + e.getMessage(), Verdict.NEGATIVE);
                    return;
                }
                section("redirect " + redirects + ": " + resp.status() + " → " + target, now);
                RedirectRule rule = RedirectRule.of(resp.status(), resp.method(), resp.plan().withBody());
                out.emit(new Event.Note(now, Event.Note.Kind.INFO, rule.why(), rule.fields(resp.status(), resp.method(),
                        resp.plan().withBody())));
                front.add(new HttpApp.Planned(target, rule.method(), rule.withBody(), resp.plan().origin()));
            }
        }
        front.addAll(app.unanswered()); // a new connection for them
        for (int i = front.size() - 1; i >= 0; i--) {
            pending.addFirst(front.get(i));
        }
    }

    private void begin(Step s, Exchange e, long now) {
        step = s;
        firstSend = new FirstSend(out);
        phase = new PhaseOutput(firstSend);
        current = e;
        e.start(now, phase);
    }

    // ------------------------------------------------------------------ cookies and conditions

    /** The -H fields a redirect to another host, port or scheme does not carry (curl's rule, CVE-2022-27776), lower case. */
    static final java.util.Set<String> CREDENTIALS = java.util.Set.of("authorization", "proxy-authorization", "cookie");

    /** Whether a URL is reached over TLS: a Secure cookie goes only there. */
    static boolean secure(HttpUrl url) {
        return url.secure();
    }

    /** Each request built as it leaves, with the cookies stored by then and the run's condition; each response's cookies stored. */
    private final class Session implements HttpApp.Session {
        @Override
        public HttpRequest request(HttpApp.Planned plan, long now) {
            Requests q = settings.requests();
            List<String[]> added = new ArrayList<>();
            String cookie = cookies(plan.url(), now);
            if (cookie != null) {
                added.add(new String[] {"Cookie", cookie});
            }
            if (q.conditional().any()) {
                added.addAll(q.conditional().headers());
                out.emit(new Event.Note(now, Event.Note.Kind.INFO, q.conditional().describe(), q.conditional().requestFields()));
            }
            return HttpRequest.of(plan.method(), plan.url(), plan.withBody() ? q.body() : null, q.compressed(), true, added,
                    headersFor(plan, now));
        }

        /** -H's fields for this request: on a redirect to another host, port or scheme, without the credentials (told). */
        private List<String> headersFor(HttpApp.Planned plan, long now) {
            List<String> kept = new ArrayList<>();
            List<String> dropped = new ArrayList<>();
            for (String h : settings.requests().headers()) {
                String name = HttpRequest.headerField(h)[0];
                (plan.leftOrigin() && CREDENTIALS.contains(name.toLowerCase(java.util.Locale.ROOT)) ? dropped : kept).add(h);
            }
            if (!dropped.isEmpty()) {
                List<String> names = dropped.stream().map(h -> HttpRequest.headerField(h)[0]).toList();
                out.emit(new Event.Note(now, Event.Note.Kind.INFO, "-H " + String.join(", ", names) + " not sent to " + plan.url().authority()
                        + ": only to " + plan.origin().authority() + ", the host given (as curl, CVE-2022-27776)", Map.of()));
            }
            return kept;
        }

        @Override
        public void response(HttpApp.Response r, long now) {
            Requests q = settings.requests();
            for (String[] h : r.headers()) {
                if (h[0].equalsIgnoreCase("Set-Cookie")) {
                    setCookie(r, h[1], now);
                }
            }
            Conditional c = q.conditional();
            if (c.any() && (r.status() == 304 || r.status() == 412 || (r.status() >= 200 && r.status() < 300))) {
                out.emit(new Event.Note(now, Event.Note.Kind.INFO, c.explain(r), c.fields(r)));
            }
        }
    }

    /** The Cookie field for a request to {@code url} (null: none), told: which cookie goes and why, which does not and why. */
    private String cookies(HttpUrl url, long now) {
        Requests q = settings.requests();
        if (!q.cookieEngine()) {
            return null;
        }
        List<CookieJar.Choice> choices = q.jar() != null ? q.jar().choose(url, secure(url), now / 1_000_000) : List.of();
        String fromJar = CookieJar.header(choices);
        String header = fromJar == null ? q.givenCookies() : q.givenCookies() == null ? fromJar : fromJar + "; " + q.givenCookies();
        StringBuilder sb = new StringBuilder(header == null ? "cookies: none to send (" + (choices.isEmpty() ? "none stored"
                : "none matches") + "): no Cookie field" : "cookies: Cookie: " + header);
        for (CookieJar.Choice c : choices) {
            sb.append("\n  ").append(c.sent() ? "sent      " : "not sent  ").append(c.cookie().name()).append(" — ").append(c.why());
        }
        if (q.givenCookies() != null) {
            sb.append("\n  sent      ").append(q.givenCookies()).append(" — given with -b: sent on every request, as curl does");
        }
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, sb.toString(), CookieJar.fields(choices, header)));
        return header;
    }

    /** One Set-Cookie of a response: stored, replacing, deleting or refused — or not kept at all with the cookie engine off. */
    private void setCookie(HttpApp.Response r, String value, long now) {
        CookieJar jar = settings.requests().jar();
        String origin = "Set-Cookie from " + r.url() + " (" + r.status() + "): ";
        if (jar == null) {
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, origin + value + " — not kept: the cookie engine is off (give -b or -c,"
                    + " as with curl)", CookieJar.ignoredFields(value, r.url())));
            return;
        }
        CookieJar.Storing s = jar.store(value, r.url(), secure(r.url()), now / 1_000_000);
        String text = origin + s.name() + (s.cookie() != null ? "=" + s.cookie().value() : "") + " — " + s.why()
                + (s.cookie() != null && s.kind() != CookieJar.Stored.DELETED ? ": " + s.cookie().attributes() : "");
        out.emit(new Event.Note(now, s.kind() == CookieJar.Stored.REJECTED ? Event.Note.Kind.WARNING : Event.Note.Kind.INFO, text,
                s.fields(r.url())));
    }

    // ------------------------------------------------------------------ the result

    private void section(String title, long now) {
        out.emit(new Event.Note(now, Event.Note.Kind.SECTION, title, Map.of()));
    }

    private void fail(long now, Failure why, String text, Verdict verdict) {
        failure = why;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", false);
        end(new Event.Result(now, verdict, List.of(), text, f));
    }

    private void end(Event.Result r) {
        stopBackground(r.timeMicros());
        done = true;
        current = null;
        result = r;
        out.emit(r);
    }

    /** Every URL had its connection: the last response is the answer, judged by its status and the expectations. */
    private void finish(long now) {
        Connection lastConnection = connections.get(connections.size() - 1);
        List<HttpApp.Response> all = responses();
        HttpApp.Response last = lastConnection.responses().isEmpty() ? null
                : lastConnection.responses().get(lastConnection.responses().size() - 1);
        String error = connections.stream().map(Connection::httpError).filter(e -> e != null).findFirst().orElse(null);
        Map<String, Object> f = new LinkedHashMap<>();
        if (last == null) {
            Verdict v = lastConnection.tcpVerdict() == Verdict.OK ? Verdict.NEGATIVE : lastConnection.tcpVerdict();
            f.put("ok", false);
            end(new Event.Result(now, v, List.of(), String.join("; ", lastConnection.tcpLines())
                    + (error != null ? "; " + error : ""), f));
            return;
        }
        List<String> unmet = settings.expectations().unmet(last);
        boolean satisfied = connections.stream().allMatch(Connection::satisfied);
        Verdict verdict = !unmet.isEmpty() || !satisfied ? Verdict.NEGATIVE : lastConnection.tcpVerdict();
        // curl's -w timings, each from the start: time_connect, time_starttransfer, and time_total up to
        // the last body byte (not our close, not TIME_WAIT)
        long total = last.completeAt() - startedAt;
        long ttfb = last.firstByteAt() - startedAt;
        long connect = lastConnection.establishedAt() >= 0 ? lastConnection.establishedAt() - startedAt : -1;
        TlsSession tls = lastConnection.tls();
        long appConnect = tls != null && tls.handshakeDoneAt() >= 0 ? tls.handshakeDoneAt() - startedAt : -1;
        long bytes = all.stream().mapToLong(HttpApp.Response::bodyBytes).sum();
        double seconds = Math.max(1, last.completeAt() - last.sentAt()) / 1e6; // curl's speed: size over request to end
        timing = new HttpTiming(nameLookupMicros, connect, ttfb, total, last.bodyBytes() / seconds, appConnect);
        // by hand, not String.format: a Formatter's first use loads its locale data (~12 ms of a one-liner's main thread)
        String summary = last.status() + " " + last.reason() + "  " + last.url() + " — " + bytes + " bytes; name lookup "
                + Durations.ms(nameLookupMicros) + ", connect " + (connect >= 0 ? Durations.ms(connect) : "-") + ", "
                + (tls == null ? "" : "TLS handshake " + (appConnect >= 0 ? Durations.ms(appConnect) : "-") + ", ")
                + "first byte " + Durations.ms(ttfb) + ", total " + Durations.ms(total)
                + (tls == null ? "" : "; " + tls.version() + " " + tls.cipherSuite() + (tls.insecure() ? ", certificate NOT verified (--insecure)"
                        : ", certificate verified"))
                + (last.bodyBytes() >= 100_000 ? ", " + tenths(timing.megabytesPerSecond()) + " MB/s" : "")
                + (unmet.isEmpty() ? "" : "; expected " + String.join(", ", unmet))
                + (error != null ? "; " + error : "");
        f.put("status", last.status());
        f.put("reason", last.reason());
        f.put("url", last.url().toString());
        f.put("bytes", bytes);
        f.put("sha256", last.sha256());
        f.put("peer", lastConnection.peerIp().withPort(lastConnection.peerPort()));
        f.put("family", lastConnection.peerIp().ipv6() ? "ipv6" : "ipv4");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("namelookup_ms", Durations.msValue(nameLookupMicros));
        t.put("connect_ms", connect >= 0 ? Durations.msValue(connect) : null);
        if (tls != null) {
            t.put("appconnect_ms", appConnect >= 0 ? Durations.msValue(appConnect) : null);
        }
        t.put("ttfb_ms", Durations.msValue(ttfb));
        t.put("total_ms", Durations.msValue(total));
        t.put("mb_per_s", Math.round(timing.megabytesPerSecond() * 100) / 100.0);
        f.put("timing", t);
        if (!unmet.isEmpty()) {
            f.put("unmet", unmet);
        }
        f.put("responses", HttpApp.describe(all));
        if (settings.requests().jar() != null) {
            f.put("cookies", settings.requests().jar().live(now / 1_000_000).size()); // the expired aside, as -c writes them
        }
        if (error != null) {
            f.put("http_error", error);
        }
        if (tls != null) {
            f.put("tls", tls.fields());
        }
        f.put("tcp", lastConnection.closedBecause());
        f.put("ok", verdict == Verdict.OK);
        end(new Event.Result(now, verdict, List.of(), summary, f));
    }

    // ------------------------------------------------------------------ what the run came to, as data

    /** The connections so far, in order. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Every response of the run, in order. */
    public List<HttpApp.Response> responses() {
        List<HttpApp.Response> all = new ArrayList<>();
        connections.forEach(c -> all.addAll(c.responses()));
        return all;
    }

    /** The timings, once the run ended with a response; else null. */
    public HttpTiming timing() {
        return timing;
    }

    /** Why the run ended without its answer (null when it got one, or is still running). */
    public Failure failure() {
        return failure;
    }

    /** The run's result (null while it runs). */
    public Event.Result result() {
        return result;
    }

    /** Passes everything on, and remembers when the first frame left (a SYN's stamp) and the last (a request's). */
    private static final class FirstSend implements Output {
        private final Output out;
        private long at = -1;
        private long last = -1;

        FirstSend(Output out) {
            this.out = out;
        }

        long at() {
            return at;
        }

        long last() {
            return last;
        }

        @Override
        public long send(byte[] frame, Remark remark, boolean routine) {
            long t = out.send(frame, remark, routine);
            if (at < 0) {
                at = t;
            }
            last = t;
            return t;
        }

        @Override
        public long transmit(byte[] frame) {
            long t = out.transmit(frame);
            if (at < 0) {
                at = t;
            }
            last = t;
            return t;
        }

        @Override
        public void shown(ReceivedFrame frame, Remark remark) {
            out.shown(frame, remark);
        }

        @Override
        public void emit(Event event) {
            out.emit(event);
        }
    }

    /** {@code %.1f} as Formatter prints it (the double's shortest decimal, rounded half up), without a Formatter. */
    static String tenths(double value) {
        return new java.math.BigDecimal(Double.toString(value)).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
