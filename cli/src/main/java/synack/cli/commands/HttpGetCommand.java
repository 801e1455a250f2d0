package synack.cli.commands;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import synack.cli.DurationConverter;
import synack.cli.ExitCodes;
import synack.cli.Interrupts;
import synack.cli.LiveOptions;
import synack.cli.LivePath;
import synack.cli.LiveFlow;
import synack.cli.LiveRun;
import synack.cli.LiveSession;
import synack.cli.SessionMemory;
import synack.cli.TcpOptions;
import synack.cli.TcpRun;
import synack.cli.TcpTarget;
import synack.cli.UsageProblem;
import synack.cli.render.JsonRenderer;
import synack.cli.render.QuietRenderer;
import synack.cli.render.Renderer;
import synack.cli.render.Style;
import synack.cli.render.TextRenderer;
import synack.event.Event;
import synack.exchange.http.Conditional;
import synack.exchange.http.CookieJar;
import synack.exchange.http.HttpDate;
import synack.exchange.http.HttpExpectations;
import synack.exchange.http.HttpJourney;
import synack.exchange.http.HttpRequest;
import synack.exchange.http.HttpUrl;
import synack.exchange.tls.TlsTrust;
import synack.link.PcapLink;
import synack.net.EnvironmentException;
import synack.net.HostsFile;
import synack.net.NsSwitch;
import synack.net.ResolvConf;
import synack.net.Route;
import synack.oui.OuiRegistry;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

@Command(name = "http-get", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The whole journey of a URL, by hand: resolve the name (DNS), ARP the next hop, the three-way",
            "handshake, for https:// the TLS handshake (the JDK's SSLEngine over our own TCP, every record told), the",
            "HTTP/1.1 request, the response segment by segment with our ACKs, then the four-way close — each phase told",
            "with its time, the messages with their parts labelled, and a curl-like timing summary."},
        footer = {"", "Exit status: 0 every response arrived (status < 400, and every --expect held), 1 a status >= 400,",
            "an --expect unmet, refused or reset, a TLS alert from the server, 2 usage (bad URL, unreadable --cacert),",
            "3 environment, 4 no answer / --max-time, 5 TLS: the server's certificate was not trusted (unknown CA,",
            "expired or not yet valid, not naming the host), 130 interrupted.",
            "A 304 Not Modified to a conditional request (--etag-compare, -z) is an answer: 0.",
            "The body: -o FILE; -q prints just the body; when stdout is not a terminal the raw body goes to stdout",
            "and the narration to stderr (as curl does). With -L only the final response's body is written, not a redirect's.",
            "--json tells events only and hashes the body.", "",
            "Timings, as curl -w defines them, each from the start: name lookup (time_namelookup: the DNS phases),",
            "connect (time_connect: the last connection's handshake done), TLS handshake (time_appconnect, https only),",
            "first byte (time_starttransfer: the last",
            "response's first byte), total (time_total: its last byte; our close and TIME_WAIT come after). After",
            "redirects they run from the one start where curl adds up each transfer's. \"first byte N after the request\"",
            "is from the request's segment leaving to the response's first byte.", "", "Examples:",
            "  synack http-get http://www.synack.test/", "  synack http-get -q http://198.18.2.2/hello.txt",
            "  synack http-get --cacert ca.pem https://www.synack.test/hello.txt",
            "  synack http-get -L --expect-status 200 http://www.synack.test/old",
            "  synack http-get -d 'name=synack' http://www.synack.test/echo",
            "  synack http-get -L -c jar.txt http://www.synack.test/cookie/redirect",
            "  synack http-get --etag-compare etag.txt --etag-save etag.txt http://www.synack.test/hello.txt", "",
            "Names are looked up as the C library does: the shell's cache, then /etc/nsswitch.conf's hosts: order",
            "(the hosts file, DNS), each told as a step.", "",
            "https://: SNI and the certificate's name are the URL's host (an address is matched against the certificate's",
            "IP SANs, and sends no SNI); ALPN offers http/1.1; TLS 1.3 and 1.2. The certificate chain must lead to the",
            "system's CAs (/etc/ssl/certs/ca-certificates.crt, as curl; else the JDK's), or to --cacert's; -k checks nothing."})
public final class HttpGetCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", arity = "1..*", description = "http:// or https:// URLs; several on one host share one keep-alive connection.")
    List<String> urls = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Add a request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-I", "--head"}, description = "Send HEAD instead of GET: the response head only.")
    boolean head;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD", description = {"The request method (any token: PUT, DELETE, OPTIONS, ...);",
        "for HEAD prefer -I (as curl warns). Redirects change it by their rules (301/302: POST to GET; 303: to GET; 307/308 keep it)."})
    String method;

    /**
     * -d and --data-binary in the order given ({option, value}; curl joins them, '&' between): -d's
     * own value, so that picocli resets it with every option when the shell parses the next command.
     */
    @Option(names = {"-d", "--data"}, paramLabel = "DATA", parameterConsumer = InOrder.class, description = {"Send DATA as the body",
        "(implies POST and a form Content-Type unless -H gives one), with Content-Length; repeat: joined with '&'; @FILE reads",
        "FILE without its CR/LF (@- stdin)."})
    List<String[]> data;

    @Option(names = "--data-binary", paramLabel = "DATA", parameterConsumer = InOrder.class,
            description = "As -d, but @FILE is sent byte for byte.")
    List<String> dataBinaryOption;

    /** The lines of -b FILE whose expiry was capped, told when the run starts (set anew by every {@link #requests()}). */
    private List<CookieJar.Capped> cappedCookies = List.of();

    /** Each -d and --data-binary as it comes: their order is the body's. */
    static final class InOrder implements picocli.CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, picocli.CommandLine.Model.ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "Missing required parameter for option '"
                        + ((picocli.CommandLine.Model.OptionSpec) argSpec).longestName() + "' (DATA)");
            }
            String name = ((picocli.CommandLine.Model.OptionSpec) argSpec).longestName();
            picocli.CommandLine.Model.OptionSpec d = commandSpec.findOption("--data");
            List<String[]> given = d.getValue() == null ? new ArrayList<>() : new ArrayList<>(d.<List<String[]>>getValue());
            given.add(new String[] {name.equals("--data") ? "-d" : name, args.pop()});
            d.setValue(given);
        }
    }

    @Option(names = {"-b", "--cookie"}, paramLabel = "DATA|FILE", description = {"Send cookies: \"NAME=VALUE; N2=V2\" on every request, or",
        "read a Netscape cookie file (curl's, or a jar from -c); either turns the cookie engine on: Set-Cookie is kept and sent back."})
    String cookie;

    @Option(names = {"-c", "--cookie-jar"}, paramLabel = "FILE", description = "Write every cookie at the end to FILE (- for stdout), in curl's Netscape format.")
    Path cookieJar;

    @Option(names = "--etag-save", paramLabel = "FILE", description = "Write the (last) response's ETag to FILE; without one FILE is kept (made empty when absent), as curl.")
    Path etagSave;

    @Option(names = "--etag-compare", paramLabel = "FILE", description = "Send If-None-Match with the ETag in FILE: a match is 304 Not Modified.")
    Path etagCompare;

    @Option(names = {"-z", "--time-cond"}, paramLabel = "DATE|FILE", description = {"If-Modified-Since DATE (or FILE's modification time);",
        "-DATE for If-Unmodified-Since."})
    String timeCond;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the body to FILE.")
    Path output;

    @Option(names = "--compressed", description = "Ask for gzip/deflate (Accept-Encoding) and decode the body.")
    boolean compressed;

    @Option(names = {"-4", "--ipv4"}, description = "Resolve names to IPv4 addresses only (A records), as curl -4.")
    boolean ipv4Only;

    @Option(names = {"-6", "--ipv6"}, description = "Resolve names to IPv6 addresses only (AAAA records), as curl -6."
            + " Without either, the AAAA and A queries leave together (RFC 8305 3: an A answer first waits 50 ms for the AAAA)"
            + " and a name with both is connected to by Happy Eyeballs (RFC 8305): IPv6 first, IPv4 250 ms later.")
    boolean ipv6Only;

    @Option(names = {"-L", "--location"}, description = "Follow redirects (3xx with Location).")
    boolean follow;

    @Option(names = "--max-redirs", paramLabel = "N", defaultValue = "5", description = "Redirects followed at most (default: ${DEFAULT-VALUE}).")
    int maxRedirects;

    @Option(names = {"-m", "--max-time"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long in all (exit 4): an open connection is reset, told as --max-time reached.")
    Long maxTimeMicros;

    @Option(names = "--cacert", paramLabel = "FILE", description = {"Trust only the CAs of this PEM file (one or more certificates)",
        "for https://, instead of the system's store."})
    Path cacert;

    @Option(names = {"-k", "--insecure"}, description = {"https://: check neither the certificate chain nor the name (told loudly);",
        "the connection is still encrypted, to whoever answers."})
    boolean insecure;

    @Option(names = "--expect-status", paramLabel = "CODE", description = "Exit 1 unless the (last) status is CODE, or in a class like 2xx.")
    String expectStatus;

    @Option(names = "--expect-body", paramLabel = "REGEX", description = "Exit 1 unless the (last) body matches REGEX (searched in its first 16 MB).")
    String expectBody;

    @Spec
    CommandSpec spec;

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
        if (ipv4Only && ipv6Only) {
            throw new UsageProblem("choose one of -4 and -6");
        }
        // -S keeps the web servers to its family, as -4 / -6 do (the name server is asked over its own)
        IpAddress source = live.source;
        if (source != null && (source.ipv6() ? ipv4Only : ipv6Only)) {
            throw new UsageProblem("-S " + source + " is an " + synack.net.AddressFamily.of(source).label() + " address and "
                    + (ipv4Only ? "-4" : "-6") + " asks for the other family: leave out one of them");
        }
        HttpExpectations expectations;
        try {
            expectations = new HttpExpectations(expectStatus, bodyPattern);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        for (HttpUrl u : parsed) {
            if (isLiteral6(u.host())) {
                IpAddress literal;
                try {
                    literal = IpAddress.literal(u.host()); // java.net.URI takes a zone index (%25eth0): we do not
                } catch (IllegalArgumentException e) {
                    throw new UsageProblem(e.getMessage());
                }
                if (ipv4Only) {
                    throw new UsageProblem("-4 and the IPv6 address " + literal + " in " + u + ": leave out -4");
                }
                if (source != null && !source.ipv6()) {
                    throw new UsageProblem(LiveRun.sourceMismatch(source, literal));
                }
                continue;
            }
            if (source != null && source.ipv6() && Ip4.isAddress(u.host())) {
                throw new UsageProblem(LiveRun.sourceMismatch(source, IpAddress.parse(u.host())));
            }
            if (ipv6Only && Ip4.isAddress(u.host())) {
                throw new UsageProblem("-6 and the IPv4 address " + u.host() + " in " + u + ": leave out -6");
            }
            if (!Ip4.isAddress(u.host()) && !u.host().matches("[a-z0-9_.-]+")) {
                throw new UsageProblem("not a host name: " + u.host());
            }
            if (!Ip4.isAddress(u.host())) {
                try {
                    synack.wire.DnsMessage.query(0, u.host(), synack.wire.DnsType.A, true, 1232); // the encoder's own checks
                } catch (IllegalArgumentException e) {
                    throw new UsageProblem("not a host name: " + u.host() + " (" + e.getMessage() + ")");
                }
                if (u.secure()) {
                    try {
                        synack.exchange.tls.TlsApp.serverName(u.host()); // SNI is stricter than DNS (no '_')
                    } catch (IllegalArgumentException e) {
                        throw new UsageProblem(e.getMessage());
                    }
                }
            }
        }
        HttpJourney.Requests requests = requests();
        try { // the first request as it will leave: -H, the body and -b's cookies checked together (a body with Transfer-Encoding)
            HttpRequest.of(requests.firstMethod(), parsed.get(0), requests.body(), compressed, true, requests.givenCookies() == null
                    ? List.of() : List.<String[]>of(new String[] {"Cookie", requests.givenCookies()}), headers);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        TlsTrust given = trust(parsed);
        if (parsed.stream().anyMatch(HttpUrl::secure)) {
            synack.exchange.tls.TlsWarmup.start(); // while the capture opens: the JVM's first handshake is slow, and would be timed
        }
        LiveRun run = LiveRun.of(spec, live);
        boolean bodyToStdout = output == null && !live.json && (live.quiet || System.console() == null);
        PrintStream narration = bodyToStdout ? run.err() : run.out();
        long start = run.now();
        Renderer renderer = live.json ? new JsonRenderer(run.out(), "http-get", start)
                : live.quiet ? new QuietRenderer(new PrintStream(OutputStream.nullOutputStream()), run.err(), true)
                : new TextRenderer(narration, new Style(Style.wanted(live.noColor) && !bodyToStdout), live.verbose.length, live.explain,
                        tcp.relative);
        for (CookieJar.Capped c : cappedCookies) {
            renderer.accept(new Event.Note(run.now(), Event.Note.Kind.WARNING, c.text(cookie), Map.of()));
        }
        OutputStream body = null;
        try {
            if (output != null) {
                try {
                    body = new BufferedOutputStream(new FileOutputStream(output.toFile()), 1 << 16);
                } catch (IOException e) {
                    throw new UsageProblem("cannot write " + output + ": " + e.getMessage());
                }
            } else if (bodyToStdout) {
                // the body is bytes, and picocli's out is a Writer of characters: the body takes fd 1 itself
                body = new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16);
            }
            return journey(run, parsed, expectations, renderer, body, requests, given);
        } finally {
            if (cookieJar != null && requests.jar() != null) {
                String jarText = requests.jar().toNetscape(System.currentTimeMillis() / 1000);
                try { // written whatever the run came to, as curl does; "-c -": to stdout, after everything else
                    if (cookieJar.toString().equals("-")) {
                        if (body != null) {
                            body.flush();
                        }
                        run.out().print(jarText);
                        run.out().flush();
                    } else {
                        java.nio.file.Files.writeString(cookieJar, jarText, java.nio.charset.StandardCharsets.ISO_8859_1);
                    }
                } catch (IOException e) {
                    run.err().println("synack http-get: cannot write the cookie jar " + cookieJar + ": " + e.getMessage());
                }
            }
            if (body != null) {
                body.flush();
                if (output != null) {
                    body.close();
                }
            }
        }
    }

    /**
     * The requests as the options ask them, checked before anything is sent: the method, the body
     * (-d files read), the cookies (-b read), the condition (--etag-compare read, -z's date).
     */
    HttpJourney.Requests requests() {
        cappedCookies = List.of();
        if (live.json && cookieJar != null && cookieJar.toString().equals("-")) {
            throw new UsageProblem("--json and -c - both write to stdout, and the jar's lines would break the JSON stream: give -c FILE");
        }
        if (method != null && !HttpRequest.isToken(method)) {
            throw new UsageProblem("-X wants a method token (letters, digits, !#$%&'*+.^_`|~-), not '" + method + "'");
        }
        if (head && data != null) {
            throw new UsageProblem("-d/--data-binary and -I ask for two methods (POST and HEAD): give one");
        }
        if (head && method != null && !method.equals("HEAD")) {
            throw new UsageProblem("-X " + method + " and -I ask for two methods: give one");
        }
        byte[] body = body();
        long now = System.currentTimeMillis() / 1000;
        CookieJar jar = null;
        String given = null;
        if (cookie != null && cookie.contains("=")) {
            given = cookie.trim();
            if (given.contains("\r") || given.contains("\n")) {
                throw new UsageProblem("-b: a cookie string cannot hold a line break");
            }
            try {
                HttpRequest.latin1("-b", given);
            } catch (IllegalArgumentException e) {
                throw new UsageProblem(e.getMessage());
            }
        } else if (cookie != null && !cookie.isEmpty()) {
            jar = new CookieJar();
            Path file = Path.of(cookie);
            if (java.nio.file.Files.isReadable(file)) {
                cappedCookies = jar.readNetscape(read(file, "-b"), cookie, now);
            } // as curl: a -b FILE that is not there starts the engine with no cookies
        }
        if (jar == null && (cookieJar != null || (cookie != null && given == null))) {
            // as curl: -c or -b FILE turn the engine on; -b "N=V" alone only sends
            jar = new CookieJar();
        }
        return new HttpJourney.Requests(head, compressed, headers, method, body, conditional(), jar, given);
    }

    /** The body -d and --data-binary give, joined with '&' as curl joins them; null without either. */
    private byte[] body() {
        if (data == null) {
            return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String[] d : data) {
            if (out.size() > 0) {
                out.write('&');
            }
            byte[] part;
            if (d[1].startsWith("@")) {
                String name = d[1].substring(1);
                try {
                    part = name.equals("-") ? System.in.readAllBytes() : java.nio.file.Files.readAllBytes(Path.of(name));
                } catch (IOException | java.nio.file.InvalidPathException e) {
                    throw new UsageProblem(d[0] + " " + d[1] + ": cannot read " + name + (e instanceof java.nio.file.NoSuchFileException
                            ? ": no such file" : ": " + e.getMessage()));
                }
                if (d[0].equals("-d")) { // curl strips a -d file's carriage returns and newlines
                    part = new String(part, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                }
            } else {
                part = d[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** --etag-compare's ETag and -z's time, as curl reads them. */
    private Conditional conditional() {
        String etag = null;
        if (etagCompare != null) {
            if (java.nio.file.Files.isReadable(etagCompare)) {
                String text = read(etagCompare, "--etag-compare").replace("\r", "").replace("\n", "").trim();
                etag = text.isEmpty() ? "\"\"" : text;
            } else if (etagSave != null) {
                etag = "\"\""; // curl's first run of --etag-compare F --etag-save F: no ETag yet, one that matches nothing
            } else {
                throw new UsageProblem("--etag-compare: cannot read " + etagCompare);
            }
        }
        Long time = null;
        boolean unmodified = false;
        String from = null;
        if (timeCond != null) {
            String t = timeCond;
            if (t.startsWith("-")) {
                unmodified = true;
                t = t.substring(1);
            }
            if (t.isBlank()) { // Path.of("") is the current directory: its time is no one's condition
                throw new UsageProblem("-z wants a date (\"Wed, 02 Dec 2026 10:00:00 GMT\", \"2026-12-02\") or a file, not an empty string");
            }
            time = HttpDate.parseCondition(t);
            from = "-z " + t;
            if (time == null) {
                Path file = Path.of(t);
                if (!java.nio.file.Files.exists(file)) {
                    throw new UsageProblem("-z wants a date (\"Wed, 02 Dec 2026 10:00:00 GMT\", \"2026-12-02\") or a file, not '" + t + "'");
                }
                try {
                    time = java.nio.file.Files.getLastModifiedTime(file).toMillis() / 1000;
                } catch (IOException e) {
                    throw new UsageProblem("-z " + t + ": " + e.getMessage());
                }
                from = t + "'s modification time";
            }
        }
        return etag == null && time == null ? Conditional.NONE : new Conditional(etag, time, unmodified, from);
    }

    private static String read(Path file, String option) {
        try {
            return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UsageProblem(option + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The ports of one run, chosen before the capture opens: its filter admits exactly them. dnsTcp:
     * the AAAA query's (or the one query's) TCP retry; dnsTcpA: the A query's, when both are asked at once.
     */
    record Ports(int http, int dnsUdp, int dnsTcp, int dnsTcpA) {
        HttpJourney.Ports journey() {
            return new HttpJourney.Ports(http, dnsUdp, dnsTcp, dnsTcpA);
        }
    }

    /** -p when given (every connection of the run uses it, one after the other), else random; the DNS ports always random. */
    Ports ports() {
        int http = tcp.sourcePort != null ? TcpTarget.port(tcp.sourcePort, "--source-port") : TcpRun.randomSourcePort();
        int dnsUdp = otherThan(http);
        int dnsTcp = otherThan(http, dnsUdp);
        return new Ports(http, dnsUdp, dnsTcp, otherThan(http, dnsUdp, dnsTcp));
    }

    private static int otherThan(int... taken) {
        while (true) {
            int p = TcpRun.randomSourcePort();
            if (java.util.Arrays.stream(taken).noneMatch(t -> t == p)) {
                return p;
            }
        }
    }

    /** An IPv6 literal as a URL carries it (RFC 3986 3.2.2): in brackets. */
    static boolean isLiteral6(String host) {
        return host.startsWith("[") && host.endsWith("]");
    }

    /**
     * What the capture takes besides ARP and ICMP: the name server's UDP answers, its TCP segments
     * to the port of a truncated answer's retry, and the web servers' segments to our port.
     */
    static String captureFilter(Ports p) {
        // ICMPv6 too, whatever the first URL's family: a later URL or a redirect may go over IPv6, whose next hop is
        // asked by neighbour solicitation and whose errors (packet too big) come as ICMPv6
        return "(udp and src port 53 and dst port " + p.dnsUdp() + ") or (tcp and src port 53 and (dst port " + p.dnsTcp()
                + " or dst port " + p.dnsTcpA() + "))"
                + " or (tcp and dst port " + p.http() + ") or icmp6 or icmp";
    }

    /**
     * The name server, whenever resolv.conf names one: a later URL, or a redirect, may need it even
     * when the first URL is an address. Null when there is none and no URL given has a name.
     */
    static Integer nameServer(List<HttpUrl> urls, Path resolvConf) {
        return nameServer(urls, ResolvConf.firstNameserver(resolvConf), resolvConf.toString());
    }

    static Integer nameServer(List<HttpUrl> urls, java.util.Optional<Integer> configured, String where) {
        Integer server = configured.orElse(null);
        if (server == null) {
            for (HttpUrl u : urls) {
                if (!Ip4.isAddress(u.host()) && !isLiteral6(u.host())) {
                    throw new EnvironmentException("no IPv4 nameserver in " + where + " to resolve " + u.host());
                }
            }
        }
        return server;
    }

    /**
     * -k, or --cacert's CAs (read now: an unreadable file is a usage error), or the system's store
     * when a URL is https (read now too, so that no timing counts it); null: read at the first
     * https redirect, if one comes.
     */
    TlsTrust trust(List<HttpUrl> targets) {
        if (insecure) {
            return TlsTrust.insecure(); // as curl: -k wins over --cacert
        }
        if (cacert != null) {
            try {
                return TlsTrust.caFile(cacert);
            } catch (TlsTrust.TrustStoreException e) {
                throw new UsageProblem("--cacert: " + e.getMessage());
            }
        }
        if (targets.stream().anyMatch(HttpUrl::secure)) {
            try {
                return TlsTrust.system();
            } catch (TlsTrust.TrustStoreException e) {
                throw new EnvironmentException("the system's trust store: " + e.getMessage());
            }
        }
        return null;
    }

    private int journey(LiveRun run, List<HttpUrl> targets, HttpExpectations expectations, Renderer renderer, OutputStream body,
                        HttpJourney.Requests requests, TlsTrust trust) {
        SessionMemory memory = run.memory();
        HostsFile hosts = HostsFile.read(HostsFile.DEFAULT);
        NsSwitch order = NsSwitch.read(NsSwitch.DEFAULT);
        // a name the hosts file answers before DNS needs no name server; the journey tells the file's answer itself
        List<HttpUrl> needDns = targets.stream().filter(u -> order.fromFilesFirst(hosts, u.host()) == null).toList();
        Integer dnsServer = nameServer(needDns, run.host().nameserver(), "/etc/resolv.conf");
        // -4 / -6, or -S's family: the one family a name's address is asked of (null: both, IPv6 first where usable)
        synack.net.AddressFamily family = ipv4Only ? synack.net.AddressFamily.IPV4 : ipv6Only ? synack.net.AddressFamily.IPV6
                : live.source != null ? synack.net.AddressFamily.of(live.source) : null;
        Map<String, IpAddress> known = new HashMap<>();
        long nameLookup = 0;
        List<String> names = needDns.stream().map(HttpUrl::host).filter(h -> !Ip4.isAddress(h) && !isLiteral6(h)).distinct().toList();
        boolean asksNames = dnsServer != null && !names.isEmpty() && live.interfaceName == null;
        boolean source6 = live.source != null && live.source.ipv6();
        if (asksNames && source6 && (dnsServer >>> 24) == 127) {
            // (an IPv6 -S: the IPv4 name server is asked from the kernel's own IPv4 address, which the route to it
            // with -S cannot give.) One on lo (127/8): the journey's capture cannot reach it; said plainly, not as the
            // web server's route "reached through" another interface
            throw new EnvironmentException("the name server " + Ip4.toString(dnsServer) + " is on lo, which an IPv6 -S "
                    + live.source + " cannot ask: give the URL's address ([v6]) or leave out -S");
        }
        if (asksNames && !source6 && run.route(dnsServer).loopback()) {
            // the name server is this host's own (127.0.0.53, a local dnsmasq): every name is resolved here, through lo
            // in a capture of its own (the shell's cache first, as every command asks it), then the capture goes where the
            // web servers are. One family: AAAA with -6, else A (no Happy Eyeballs for a name asked through lo)
            synack.net.AddressFamily asked = family == synack.net.AddressFamily.IPV6 ? family : synack.net.AddressFamily.IPV4;
            for (String name : names) {
                long t0 = run.now();
                IpAddress ip = run.address(renderer, name, asked);
                if (ip == null) { // told (exit 1 or 4), or Ctrl-C
                    return LiveRun.exitCode(renderer);
                }
                nameLookup += run.now() - t0;
                known.put(name, ip);
            }
        }
        // the capture goes where the first URL's server is, or where its name server is
        HttpUrl first = targets.get(0);
        IpAddress firstIp = Ip4.isAddress(first.host()) ? IpAddress.of(Ip4.parse(first.host())) : known.get(first.host());
        if (firstIp == null && memory.address(first.host()) != null) {
            firstIp = IpAddress.of(memory.address(first.host()));
        }
        if (firstIp == null && order.fromFilesFirst(hosts, first.host()) != null) {
            firstIp = IpAddress.of(order.fromFilesFirst(hosts, first.host()));
        }
        Route route = isLiteral6(first.host())
                ? run.route(IpAddress.literal(first.host()))
                : routeTo(run, firstIp != null ? firstIp : IpAddress.of(dnsServer), dnsServer);
        boolean owns = run.ownsSource();
        Ports ports = ports();
        // the journey asks its next hops itself (the name server's, then each web server's)
        LiveFlow flow = LiveFlow.along(route).tcpSourcePort(ports.http()).capture(end -> captureFilter(ports)).size(PcapLink.Capture.BULK)
                .header(end -> "http-get " + String.join(" ", urls) + " from " + (live.source != null ? live.source : route.sourceAddress())
                        + " on " + route.via().name()
                        + " (" + route.via().mac() + ")" + (route.mtu() != 1500 ? ", mtu " + route.mtu() : ""),
                        end -> Map.of("interface", route.via().name()));
        try (LivePath path = run.open(flow, renderer)) {
            LiveSession session = path.session();
            HttpJourney.Settings settings = new HttpJourney.Settings(targets, requests,
                    follow, maxRedirects, expectations, dnsServer, ports.journey(), owns,
                    (local, remote, mss) -> TcpRun.config(tcp, local, remote, mss).withReceiveWindow(receiveWindow(mss)),
                    (local, remote, mss) -> TcpRun.dnsTcpConfig(local, remote, mss),
                    maxTimeMicros == null ? 0 : maxTimeMicros, known, nameLookup);
            HttpJourney journey = new HttpJourney(settings, environment(run, session, route, owns, hosts, order, trust,
                    family, dnsServer), body, synack.net.Unpredictable.asRandom()); // DNS IDs, ports, ISNs: as the one-liners draw them
            synack.exchange.tls.TlsWarmup.await(); // before anything is timed
            // --max-time is the journey's own deadline: the session stops it only for Ctrl-C
            Event.Result r = session.capture(journey);
            if (r != null) {
                session.tell(r);
            }
            saveEtag(run, journey);
            if (Interrupts.requested()) {
                return ExitCodes.INTERRUPTED;
            }
            return r == null ? ExitCodes.NO_ANSWER : ExitCodes.of(r.verdict());
        }
    }

    /**
     * --etag-save: the last response's ETag and a newline; when it had none the file is left as it
     * is, and an empty one made only when there is none (as curl: a saved ETag survives a 304 without one).
     */
    private void saveEtag(LiveRun run, HttpJourney journey) {
        List<synack.exchange.http.HttpApp.Response> all = journey.responses();
        if (etagSave == null || all.isEmpty()) {
            return;
        }
        try {
            saveEtag(etagSave, all.get(all.size() - 1).header("ETag"));
        } catch (IOException e) {
            run.err().println("synack http-get: cannot write --etag-save " + etagSave + ": " + e.getMessage());
        }
    }

    static void saveEtag(Path file, String etag) throws IOException {
        if (etag != null) {
            java.nio.file.Files.writeString(file, etag + "\n", java.nio.charset.StandardCharsets.ISO_8859_1);
        } else if (!java.nio.file.Files.exists(file)) {
            java.nio.file.Files.createFile(file);
        }
    }

    /** The host as the journey sees it: the kernel's routes (on this capture's interface), the run's memory, the session's guards. */
    private static HttpJourney.Environment environment(LiveRun run, LiveSession session, Route sessionRoute, boolean owns,
                                                       HostsFile hosts, NsSwitch order, TlsTrust trust,
                                                       synack.net.AddressFamily family, Integer dnsServer) {
        OuiRegistry oui = new OuiRegistry(OuiRegistry.DEFAULT_FILE);
        SessionMemory memory = run.memory();
        java.util.Set<String> guarded = new java.util.HashSet<>();
        return new HttpJourney.Environment() {
            @Override
            public Route route(synack.wire.IpAddress destination) {
                return sameInterface(sessionRoute, routeTo(run, destination, dnsServer));
            }

            @Override
            public synack.wire.IpAddress cachedAddress(String name, synack.net.AddressFamily family) {
                return memory.address(name, family);
            }

            @Override
            public void learnedAddress(String name, synack.wire.IpAddress ip, long ttlSeconds) {
                memory.learnedAddress(name, ip, ttlSeconds);
            }

            @Override
            public MacAddress cachedNeighbour(synack.wire.IpAddress ip, String interfaceName) {
                return memory.neighbour(ip, interfaceName);
            }

            @Override
            public long cachedNeighbourAgeMicros(synack.wire.IpAddress ip, String interfaceName) {
                return memory.neighbourAgeMicros(ip, interfaceName);
            }

            @Override
            public void learnedNeighbour(synack.wire.IpAddress ip, String interfaceName, MacAddress mac) {
                memory.learnedNeighbour(ip, interfaceName, mac);
            }

            @Override
            public String vendorOf(MacAddress mac) {
                return oui.vendorOf(mac);
            }

            @Override
            public HostsFile hostsFile() {
                return hosts;
            }

            @Override
            public NsSwitch nsSwitch() {
                return order;
            }

            @Override
            public TlsTrust tlsTrust() throws TlsTrust.TrustStoreException {
                return trust != null ? trust : TlsTrust.system();
            }

            @Override
            public void beforeUdp(int ourIp, int port) {
                session.claimUdpPort(ourIp, port);
            }

            @Override
            public boolean ipv6Usable() {
                // -S keeps to its own family: an IPv6 one to IPv6, an IPv4 one to IPv4
                IpAddress source = run.options().source;
                return source != null ? source.ipv6()
                        : sessionRoute.via().ipv6Addresses().stream().anyMatch(a -> a.usable() && !a.ip().isLinkLocal());
            }

            @Override
            public synack.net.AddressFamily family() {
                return family;
            }

            @Override
            public void beforeTcp(int port, synack.wire.IpAddress source) {
                // the kernel knows no connection of ours: keep its RSTs off the port. Not for an -S it does not hold
                // (no kernel socket answers there), but for the kernel's own address resolv.conf's name server is asked from
                boolean spoofed = owns && source.equals(run.options().source);
                if (!spoofed && guarded.add(port + (source.ipv6() ? "/6" : "/4"))) {
                    session.onClose(run.host().keepKernelRstsOff(port, source.ipv6()));
                }
            }
        };
    }

    /**
     * The route to {@code destination}: from -S, of its family. The name server alone may be of the
     * other family (resolv.conf's, over IPv4): it is asked from the kernel's own source, as a
     * resolver would, while -S keeps the web servers to its family. Any other address of the other
     * family cannot be reached from -S (a redirect to one): told as such.
     */
    private static Route routeTo(LiveRun run, IpAddress destination, Integer dnsServer) {
        IpAddress source = run.options().source;
        if (source == null || source.ipv6() == destination.ipv6()) {
            return run.route(destination);
        }
        if (dnsServer != null && destination.equals(IpAddress.of(dnsServer))) {
            return run.checked(run.host().routing().resolve(destination, run.options().interfaceName, null));
        }
        throw new EnvironmentException(LiveRun.sourceMismatch(source, destination));
    }

    /** One capture serves one interface: a later host the kernel routes elsewhere cannot be reached from it. */
    private static Route sameInterface(Route session, Route to) {
        if (!to.via().name().equals(session.via().name())) {
            throw new EnvironmentException(to.destinationAddress() + " is reached through " + to.via().name() + " (" + to.how()
                    + ") but this capture is on " + session.via().name() + ": one run serves one interface; fetch it on its own"
                    + " (by address, or with -i)");
        }
        return to;
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
