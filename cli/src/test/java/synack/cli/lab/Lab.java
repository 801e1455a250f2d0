package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import synack.cli.render.EventSchema;

/**
 * The real network the lab tests run against: namespaces, veths, a router, nginx and dnsmasq,
 * built by lab/lab.sh under a name no other run shares. Building it is not optional: when it
 * cannot be built (not root, packages missing) the tests fail, loudly.
 *
 * <p>lab.sh reads SYNACK_LAB_OFFLOADS (kernel, the default, or off) and SYNACK_LAB_GRO (kernel or
 * on) from its environment, which it inherits from this JVM (test.sh runs the lab tests once each
 * way); {@link #up(Map)} sets them for one lab. The env records what the lab was built with:
 * {@code OFFLOADS}, {@code GRO}, and c0's actual features in {@code CLIENT_OFFLOADS}.
 */
public final class Lab implements AutoCloseable {
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final String id;
    private final Map<String, String> env;

    private Lab(String id, Map<String, String> env) {
        this.id = id;
        this.env = env;
    }

    public static Path home() {
        return Path.of(System.getProperty("synack.home", "..")).toAbsolutePath().normalize();
    }

    public static String jar() {
        return System.getProperty("synack.jar", home().resolve("cli/target/synack.jar").toString());
    }

    public static Lab up() {
        return up(Map.of());
    }

    /**
     * A lab of its own, built with these variables added to lab.sh's environment, e.g.
     * {@code Map.of("SYNACK_LAB_GRO", "on")} or {@code Map.of("SYNACK_LAB_OFFLOADS", "off")}.
     */
    public static Lab up(Map<String, String> extraEnv) {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("lab tests need root to build network namespaces: run the README's test command with sudo");
        }
        String id = "it" + Long.toHexString(System.nanoTime() & 0xffffff);
        Result r = run(60, extraEnv, "bash", home().resolve("lab/lab.sh").toString(), "up", "--id", id,
                "--owner", Long.toString(ProcessHandle.current().pid()));
        if (r.exit() != 0) {
            fail("could not build the lab (lab/lab.sh up):\n" + r);
        }
        Map<String, String> env = new HashMap<>();
        for (String line : r.out().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertEquals(id, env.get("LAB_ID"), "lab env: " + r);
        return new Lab(id, env);
    }

    public String get(String key) {
        String v = env.get(key);
        if (v == null) {
            throw new IllegalStateException("lab env has no " + key + ": " + env);
        }
        return v;
    }

    /** Runs synack in the client namespace, as a user would: a fresh JVM from the built jar. */
    public Result synack(String... args) {
        return synackIn("client", args);
    }

    /** The longest a command in the lab may take: a stuck one fails its test after this, it does not hang the run. */
    static final int SYNACK_TIMEOUT_SECONDS = 300;

    /**
     * Runs synack in one of the lab's namespaces (client, peer, router, server, edge, ...). With
     * --json every line of stdout must be a valid event of docs/events.schema.json: a key that
     * moves fails the test that saw it, whatever that test checks itself.
     */
    public Result synackIn(String role, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", get("NS_" + role.toUpperCase()), "java", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar()));
        cmd.addAll(List.of(args));
        Result r = run(SYNACK_TIMEOUT_SECONDS, cmd.toArray(new String[0]));
        if (List.of(args).contains("--json")) {
            validated(r, false, args);
        }
        return r;
    }

    /** Runs any command in one of the lab's namespaces: client, peer, router, server, root, tld, auth or edge. */
    public Result in(String role, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", get("NS_" + role.toUpperCase()), ""));
        cmd.remove(cmd.size() - 1);
        cmd.addAll(List.of(args));
        return run(SYNACK_TIMEOUT_SECONDS, cmd.toArray(new String[0]));
    }

    /** The MAC of an interface in one of the namespaces, as the kernel reports it. */
    public String mac(String role, String ifname) {
        Result r = in(role, "cat", "/sys/class/net/" + ifname + "/address");
        assertEquals(0, r.exit(), r.toString());
        return r.out().trim();
    }

    /** Starts synack in the client namespace, waits for a line, then sends SIGINT like Ctrl-C. */
    public Result interruptWhen(String marker, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", get("NS_CLIENT"), "java", "-jar", jar()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long giveUp = System.currentTimeMillis() + 20_000;
        String line;
        boolean seen = false;
        while (System.currentTimeMillis() < giveUp && (line = in.readLine()) != null) {
            out.append(line).append('\n');
            if (line.contains(marker)) {
                seen = true;
                break;
            }
        }
        assertTrue(seen, "never saw '" + marker + "':\n" + out);
        Result r = finishAfterSigint(p, in, out);
        if (List.of(args).contains("--json")) {
            validated(r, true, args); // stderr is merged in here: its lines do not start with '{'
        }
        return r;
    }

    /** Every event line of a --json run checked against docs/events.schema.json, the failure saying which run. */
    private static void validated(Result r, boolean stderrMerged, String... args) {
        try {
            if (stderrMerged) {
                EventSchema.assertEveryObjectLineValid(r.out());
            } else {
                EventSchema.assertEveryLineValid(r.out());
            }
        } catch (AssertionError e) {
            String err = r.err().length() > 4000 ? "..." + r.err().substring(r.err().length() - 4000) : r.err();
            throw new AssertionError("synack " + String.join(" ", args) + " (exit " + r.exit() + "): " + e.getMessage()
                    + "--- stderr\n" + err, e);
        }
    }

    static Result finishAfterSigint(Process p, BufferedReader in, StringBuilder out) throws Exception {
        run(10, "kill", "-INT", Long.toString(p.pid()));
        String line;
        while ((line = in.readLine()) != null) {
            out.append(line).append('\n');
        }
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "synack did not stop after SIGINT:\n" + out);
        return new Result(p.exitValue(), out.toString(), "");
    }

    /** No firewall rule of synack's is left in the client's namespace (each is tagged synack-pid-N). */
    public void assertNoFirewallRuleLeft() {
        for (String tool : List.of("iptables", "ip6tables")) {
            Result rules = in("client", tool, "-w", "-S", "OUTPUT");
            assertEquals(0, rules.exit(), tool + " -S OUTPUT failed: " + rules);
            assertFalse(rules.out().contains("synack-pid"), "a synack firewall rule was left behind (" + tool + "):\n" + rules);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static Result run(int timeoutSeconds, String... cmd) {
        return run(timeoutSeconds, Map.of(), cmd);
    }

    /** Runs a command with these variables added to (or replacing some of) this JVM's environment. */
    public static Result run(int timeoutSeconds, Map<String, String> extraEnv, String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            var out = p.getInputStream();
            var err = p.getErrorStream();
            // both streams read on threads of their own: the time-out holds even when the command hangs with
            // its output open (a stuck synack must fail its test, not hang the run)
            var outText = readAll(out);
            var errText = readAll(err);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + "\n--- stdout\n"
                        + outText.getNow("") + "\n--- stderr\n" + errText.getNow(""));
            }
            return new Result(p.exitValue(), outText.get(10, TimeUnit.SECONDS), errText.get(10, TimeUnit.SECONDS));
        } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("could not run " + String.join(" ", cmd) + ": " + e, e);
        }
    }

    /** A stream read to its end on a thread of its own. */
    private static java.util.concurrent.CompletableFuture<String> readAll(java.io.InputStream in) {
        var text = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        }, "lab-output");
        t.setDaemon(true);
        t.start();
        return text;
    }

    @Override
    public void close() {
        Result r = run(60, "bash", home().resolve("lab/lab.sh").toString(), "down", "--id", id);
        if (r.exit() != 0) {
            fail("lab down failed: " + r);
        }
    }

    /** The SHA-256 of a file, in hex: the byte-exact checks of a body against the server's file. */
    public static String sha256(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = java.nio.file.Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
