package synack.cli.commands;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import synack.cli.ExitCodes;
import synack.cli.Home;
import synack.cli.render.Style;
import synack.net.EnvironmentException;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole journey of one web request, told layer by layer against the lab: ARP for the gateway,",
            "DNS for the web server's name, a SYN probe of its ports, the three-way handshake, an HTTP GET, and the",
            "four-way close. Builds the lab when none is up, and removes what it built when it is done."},
        footer = {"", "Run as root: sudo ./synack demo"})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep-lab", description = "Leave the lab up afterwards (to explore it: synack lab exec -- ...).")
    boolean keepLab;

    @Option(names = "--no-color", description = "No colour.")
    boolean noColor;

    @Spec
    CommandSpec spec;

    private record Step(String title, String story, List<String> args, List<Integer> expected) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new EnvironmentException("the demo builds network namespaces: run it as root (sudo ./synack demo)");
        }
        Style style = new Style(Style.wanted(noColor));
        Path lab = Home.dir().resolve("lab/lab.sh");
        String id = "demo" + Long.toHexString(ProcessHandle.current().pid());
        out.println(style.bold("synack demo — one web request, every step by hand"));
        out.println(style.dim("building a throwaway network of namespaces (lab " + id + ") ..."));
        // lab.sh up installs what is missing first, libpcap0.8 included (a machine with only Java
        // and Maven has none of it); every step below runs in a JVM of its own, started after that,
        // so none of them looks for libpcap before it is there. Installing may wait for apt's lock.
        Run up = run(List.of("bash", lab.toString(), "up", "--id", id, "--owner", Long.toString(ProcessHandle.current().pid())),
                line -> line.startsWith("lab: installing") || line.startsWith("lab: could not install"), style, out);
        if (up.exit != 0) {
            err.print(up.output);
            err.flush();
            throw new EnvironmentException("could not build the lab (lab/lab.sh up exited " + up.exit + ")");
        }
        Map<String, String> env = new HashMap<>();
        for (String line : up.output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        Thread cleanup = new Thread(() -> {
            if (!keepLab) {
                try {
                    run(List.of("bash", lab.toString(), "down", "--id", id), line -> false, style, out);
                } catch (IOException | InterruptedException e) {
                    err.println("synack demo: could not remove lab " + id + ": " + e.getMessage());
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        out.println(style.dim("  links: " + ("off".equals(env.get("OFFLOADS")) ? "offloads turned off (SYNACK_LAB_OFFLOADS=off)"
                : "the kernel's own offloads (checksum, TSO/GSO), as on the networks users have")
                + ("on".equals(env.get("GRO")) ? ", GRO on in the client" : "")));
        out.println(style.dim("  client 198.18.1.2 (us) ── router 198.18.1.1 ── server 198.18.2.2: nginx (www.synack.test), dnsmasq"));
        List<Step> steps = List.of(
            new Step("1. Who has the gateway? (ARP)", "Our frames can only go to a MAC on our segment. The server is off-link, so the "
                    + "first hop is the router: we broadcast who-has 198.18.1.1 and it answers is-at.",
                    List.of("arp-resolve", "198.18.1.1"), List.of(0)),
            new Step("2. What is www.synack.test's address? (DNS)", "The name means nothing to IP: we ask the name server from "
                    + "resolv.conf, over UDP, and check that the answer matches our ID, ports and question.",
                    List.of("dns-resolve", "www.synack.test"), List.of(0)),
            new Step("3. Which ports listen? (half-open SYN probes)", "A SYN to each port: SYN,ACK means open (we RST at once), "
                    + "RST means closed, silence or ICMP means filtered.",
                    List.of("syn-probe", "198.18.2.2", "-p", "80,81,82,83", "--timeout", "300ms"), List.of(0, 1)),
            new Step("4. The three-way handshake", "SYN, SYN,ACK, ACK: each side learns the other's initial sequence number; "
                    + "every ACK is the other's sequence number plus one.",
                    List.of("handshake", "--explain", "--msl", "100ms", "198.18.2.2", "80"), List.of(0)),
            new Step("5. The whole journey of http://www.synack.test/", "DNS, ARP, handshake, the HTTP request and the response "
                    + "message part by part, then the close.",
                    List.of("http-get", "-o", "/dev/null", "--msl", "100ms", "http://www.synack.test/"), List.of(0)),
            new Step("6. The same page over HTTPS (TLS on our own TCP)", "After the TCP handshake, TLS: our ClientHello and the "
                    + "server's ServerHello in the clear, the certificate checked against the lab's own CA, then the request and "
                    + "the response as encrypted records, and close_notify before our FIN.",
                    List.of("http-get", "-o", "/dev/null", "--msl", "100ms", "--cacert", env.get("TLS_CA"), "https://www.synack.test/"),
                    List.of(0)),
            new Step("7. When the server closes first (four-way close, passive side)", "A server without keep-alive sends FIN "
                    + "after its answer: we go CLOSE_WAIT → LAST_ACK, and the server waits in TIME_WAIT.",
                    List.of("fin-teardown", "--send", "GET / HTTP/1.1\\r\\nHost: www.synack.test\\r\\n\\r\\n", "198.18.2.2", "8080"),
                    List.of(0)));
        int failed = 0;
        for (Step s : steps) {
            out.println();
            out.println(style.bold("═══ " + s.title() + " ═══"));
            out.println(style.dim(s.story()));
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", env.get("NS_CLIENT"), javaBinary(), "-XX:+UseSerialGC",
                    "-Dsynack.home=" + Home.dir(), "-jar", jar()));
            cmd.addAll(s.args());
            if (noColor || System.getenv("NO_COLOR") != null) {
                cmd.add("--no-color");
            }
            out.println(style.dim("$ synack " + String.join(" ", s.args())));
            int exit = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (!s.expected().contains(exit)) {
                failed++;
                out.println(style.bad("step exited " + exit + " (expected " + s.expected() + ")"));
            }
        }
        out.println();
        out.println(style.bold(failed == 0 ? "the whole journey, by hand: every step answered"
                : failed + " step(s) did not go as expected"));
        if (!keepLab) {
            out.println(style.dim("removing lab " + id + " ..."));
        } else {
            out.println(style.dim("lab " + id + " stays up: sudo ./synack lab exec -- ./synack ...; remove it with: sudo ./synack lab down --id " + id));
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.NEGATIVE;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String jar() {
        try {
            return Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return Home.dir().resolve("cli/target/synack.jar").toString();
        }
    }

    private record Run(int exit, String output) {}

    /** Runs CMD (stdout and stderr together), showing the lines SHOW accepts as they come. */
    private static Run run(List<String> cmd, java.util.function.Predicate<String> show, Style style, PrintWriter out)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder captured = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                captured.append(line).append('\n');
                if (show.test(line)) {
                    out.println(style.dim("  " + line));
                }
            }
        }
        // the output ended: lab.sh is done or about to be (apt's lock wait is bounded by lab.sh)
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, captured.toString());
        }
        return new Run(p.exitValue(), captured.toString());
    }
}
