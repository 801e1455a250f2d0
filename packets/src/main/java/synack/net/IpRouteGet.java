package synack.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import synack.wire.IpAddress;

/**
 * Asks the kernel itself: {@code ip -j route get DST [from SRC] [oif IF]} — the local table
 * (127.0.0.0/8 and this host's own addresses, through lo), policy rules, route MTUs and cached
 * path MTUs, exactly as a socket of ours would be routed. Many destinations go in one
 * {@code ip -j -force -batch -}.
 *
 * <p>Cost, measured in a lab namespace on the shared 2-core build machine (Java 17, iproute2
 * 6.1, load about 2.5): one {@link #get} is about 5 ms from the JVM (starting the ip process is
 * nearly all of it; a shell loop of {@code ip -j route get} runs 1.7 ms a call), so a command
 * that routes once to three times pays 5-15 ms next to the JVM's own start. A batch of 65,536
 * destinations ({@link #getAll}, one process) takes 0.4-0.7 s in ip and 0.3-0.8 s to read here,
 * 1.9-2.5 s in all, cold; the /proc/net/route way routed each host alone at about 250 µs (16 s).
 */
public final class IpRouteGet implements RouteSource {
    private static final long TIMEOUT_SECONDS = 30;
    private final String ip;

    IpRouteGet(String ip) {
        this.ip = ip;
    }

    /** The ip binary on PATH or in the usual sbin directories (sudo's PATH may lack them). */
    public static Optional<IpRouteGet> find() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "ip"))) {
                return Optional.of(new IpRouteGet(Path.of(d, "ip").toString()));
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code ip -V} (it asks the kernel nothing) the way {@link #get} runs ip, and throws its
     * answer away: a JVM's first process costs 40-50 ms that later ones do not (measured on Java 17:
     * 49 ms, then 5 ms and 3.5 ms for the same iptables -S), all of it Java's own process machinery
     * (ProcessImpl, the reaper thread, the common pool the stderr reader runs on) being initialised
     * and run for the first time, interpreted. A one-liner's warm-up thread pays that on the other
     * core while picocli parses on this one; the route lookup then costs what a later process does.
     */
    public static void warmUp() {
        find().ifPresent(ip -> run(List.of(ip.ip, "-V"), null));
    }

    static String question(IpAddress destination, IpAddress from, String oif) {
        return "route get " + destination + (from != null ? " from " + from : "")
                + (oif != null ? " oif " + oif : "");
    }

    @Override
    public KernelRoute get(IpAddress destination, IpAddress from, String oif) {
        List<String> cmd = new ArrayList<>(List.of(ip, "-j"));
        cmd.addAll(List.of(question(destination, from, oif).split(" ")));
        Output out = run(cmd, null);
        if (out.exit != 0 || out.stdout.isBlank()) {
            throw noRoute(destination, from, oif, out.stderr);
        }
        return parse(out.stdout.trim(), destination);
    }

    @Override
    public List<KernelRoute> getAll(List<IpAddress> destinations, IpAddress from, String oif) {
        if (destinations.size() <= 1) {
            return RouteSource.super.getAll(destinations, from, oif);
        }
        StringBuilder in = new StringBuilder();
        for (IpAddress d : destinations) {
            in.append(question(d, from, oif)).append('\n');
        }
        Output out = run(List.of(ip, "-j", "-force", "-batch", "-"), in.toString());
        // one line of JSON per answered question, in order; a failed one prints nothing there but
        // "RTNETLINK answers: ..." and "Command failed -:N" on stderr
        Map<IpAddress, KernelRoute> answers = new HashMap<>();
        for (String line : out.stdout.split("\n")) {
            if (!line.isBlank()) {
                KernelRoute r = parse(line.trim(), null);
                answers.put(r.destination(), r);
            }
        }
        Map<Integer, String> failures = batchFailures(out.stderr);
        List<KernelRoute> routes = new ArrayList<>(destinations.size());
        for (int i = 0; i < destinations.size(); i++) {
            IpAddress d = destinations.get(i);
            KernelRoute r = answers.get(d);
            if (r == null) {
                throw noRoute(d, from, oif, failures.getOrDefault(i + 1, out.stderr));
            }
            routes.add(r);
        }
        return routes;
    }

    /** stderr of a -force batch: each failure's message lines, then "Command failed -:N" (N counts from 1). */
    static Map<Integer, String> batchFailures(String stderr) {
        Map<Integer, String> out = new HashMap<>();
        StringBuilder message = new StringBuilder();
        for (String line : stderr.split("\n")) {
            var m = java.util.regex.Pattern.compile("Command failed .*:(\\d+)\\s*$").matcher(line);
            if (m.find()) {
                out.put(Integer.parseInt(m.group(1)), message.toString().trim());
                message.setLength(0);
            } else {
                message.append(line).append('\n');
            }
        }
        return out;
    }

    private static KernelRoute parse(String json, IpAddress asked) {
        try {
            return KernelRoute.parse(json);
        } catch (IllegalArgumentException e) {
            throw new EnvironmentException("cannot read the kernel's route" + (asked != null ? " to " + asked : "")
                    + " (ip -j route get): " + e.getMessage(), e);
        }
    }

    /** "RTNETLINK answers: Network is unreachable" and its kin, as the one line a user reads. */
    static EnvironmentException noRoute(IpAddress destination, IpAddress from, String oif, String stderr) {
        String said = stderr == null ? "" : stderr.trim().replaceFirst("^RTNETLINK answers:\\s*", "");
        said = said.isEmpty() ? "no answer" : said.lines().findFirst().orElse(said);
        String kind = switch (said) {
            case "No route to host" -> " (an unreachable route)";
            case "Permission denied" -> " (a prohibit route)";
            case "Invalid argument" -> from != null ? " (a blackhole route, or a source the kernel will not send from)"
                    : " (a blackhole route)";
            default -> "";
        };
        String q = destination + (from != null ? " from " + from : "") + (oif != null ? " oif " + oif : "");
        return new EnvironmentException("no route to " + destination + ": the kernel says " + said + kind
                + " (see: ip route get " + q + (oif == null ? "; or choose an interface with -i" : "") + ")");
    }

    private record Output(int exit, String stdout, String stderr) {}

    private static Output run(List<String> cmd, String stdin) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new EnvironmentException("cannot run " + cmd.get(0) + " to ask the kernel for a route: " + e.getMessage(), e);
        }
        try {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
                try (OutputStream o = p.getOutputStream()) {
                    if (stdin != null) {
                        o.write(stdin.getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // ip stopped reading: its exit status and stderr say why
                }
            });
            String out = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new EnvironmentException("ip route get did not answer within " + TIMEOUT_SECONDS + " s");
            }
            in.join();
            return new Output(p.exitValue(), out, err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while asking the kernel for a route", e);
        }
    }

    private static String readAll(InputStream s) {
        try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
