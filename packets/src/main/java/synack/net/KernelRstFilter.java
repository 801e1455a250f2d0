package synack.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's kernel knows nothing of a connection synack builds by hand, so it answers the
 * peer's SYN,ACK with a RST that would kill it. This installs a firewall rule dropping the
 * kernel's outgoing RSTs from our source port only, tagged with our pid; it is removed on close
 * (also on Ctrl-C, and by the waiting removal below when we are killed), and a rule whose pid is dead
 * (the machine went down meanwhile) is removed at the next start.
 * IPv6 has a firewall of its own: ip6tables holds the rule for a connection over IPv6.
 *
 * <p>The removal is started while the connection runs: a shell waiting on a pipe from us, which
 * runs {@code iptables -D} the moment we write to it (close) or the pipe closes (we died). Starting
 * a process from a JVM takes the starting thread 3-30 ms, more than the removal itself; close then
 * waits only for the removal (~12 ms, most of it the kernel's), alongside the capture's close.
 * Where that shell cannot be had or did not remove the rule, close runs {@code iptables -D} itself.
 */
public final class KernelRstFilter implements AutoCloseable {
    private static final String TAG = "synack-pid-";
    private static final Pattern STALE = Pattern.compile("^-A (OUTPUT .*--comment \"?" + TAG + "(\\d+)\"? .*)$");

    /**
     * The removal, waiting: ignores the signals a terminal sends the whole process group (Ctrl-C, a closed
     * terminal, kill without -9), so that it runs when we write a line or when the pipe closes, whichever first.
     */
    private static final String REMOVER = "trap '' INT HUP TERM QUIT; read -r _; exec \"$@\"";

    private final String tool;
    private final List<String> spec;
    private final Reaper reaper;
    private boolean removed;

    private KernelRstFilter(String tool, List<String> spec, Reaper reaper) {
        this.tool = tool;
        this.spec = spec;
        this.reaper = reaper;
    }

    public static KernelRstFilter install(int localPort) {
        return install(localPort, false);
    }

    /** @param ipv6 the connection is over IPv6: the rule goes to ip6tables */
    public static KernelRstFilter install(int localPort, boolean ipv6) {
        String tool = ipv6 ? "ip6tables" : "iptables";
        List<String> spec = List.of("OUTPUT", "-p", "tcp", "--sport", Integer.toString(localPort), "--tcp-flags", "RST", "RST",
                "-m", "comment", "--comment", TAG + ProcessHandle.current().pid(), "-j", "DROP");
        List<String> cmd = new ArrayList<>(List.of(tool, "-w", "-I"));
        cmd.addAll(spec);
        // our rule does not depend on the stale ones (other, dead pids): the insert alone is awaited
        // before we return (before any SYN is sent); the stale ones are listed and removed on a thread
        // of their own meanwhile (starting a process takes the starting thread 3-30 ms, its run 2-20 ms
        // more), and close() waits for that thread
        Started insert = start(cmd);
        Reaper reaper = new Reaper(tool, removal(tool, spec));
        reaper.start();
        Run r = insert.await();
        if (r.exit != 0) {
            try {
                reaper.finish();
            } catch (RuntimeException e) {
                // the insert's failure is the one to tell
            }
            if (reaper.remover() != null) {
                reaper.remover().destroyForcibly(); // nothing to remove (SIGKILL: it ignores the others)
            }
            throw new EnvironmentException("cannot add the firewall rule that keeps the kernel from resetting our connection ("
                    + r.output.trim() + "): install " + tool + (ipv6 ? "" : ", or use -S with an address no interface holds"));
        }
        return new KernelRstFilter(tool, spec, reaper);
    }

    /** {@code tool -w -D spec...}: our rule's removal. */
    private static List<String> removal(String tool, List<String> spec) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-w", "-D"));
        cmd.addAll(spec);
        return cmd;
    }

    /**
     * On a thread of its own, while the insert runs: our rule's removal started (waiting, see {@link #REMOVER}),
     * then the stale rules' removal ({@link #removeStale(String)}); what went wrong is thrown by {@link #finish}.
     */
    private static final class Reaper extends Thread {
        private final String tool;
        private final List<String> removal;
        private volatile RuntimeException failed;
        private volatile Process remover;
        /** Counted down once the removal is started (or could not be): close need not wait for the stale rules first. */
        private final java.util.concurrent.CountDownLatch removerStarted = new java.util.concurrent.CountDownLatch(1);

        Reaper(String tool, List<String> removal) {
            super("synack-rst-filter-reaper");
            setDaemon(true);
            this.tool = tool;
            this.removal = removal;
        }

        @Override
        public void run() {
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", REMOVER, "synack-rst-guard"));
            cmd.addAll(removal);
            try {
                remover = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException | RuntimeException e) {
                // no shell: close removes the rule itself
            } finally {
                removerStarted.countDown();
            }
            try {
                removeStale(tool);
            } catch (RuntimeException e) {
                failed = e;
            }
        }

        /** The waiting removal, once it is started (waited for); null when it could not be. */
        Process remover() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    removerStarted.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // Ctrl-C's cleanup: starting a process is bounded
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return remover;
        }

        void finish() {
            boolean interrupted = false;
            while (true) {
                try {
                    join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // Ctrl-C's cleanup: the removal still completes (each process is bounded)
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /** Rules left by a synack that died without cleaning up (kill -9, power loss), in both families' firewalls. */
    public static void removeStale() {
        removeStale("iptables");
        removeStale("ip6tables");
    }

    private static void removeStale(String tool) {
        Run list = run(List.of(tool, "-w", "-S", "OUTPUT"));
        if (list.exit != 0) {
            return;
        }
        for (String line : list.output.split("\n")) {
            Matcher m = STALE.matcher(line.trim());
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).map(ProcessHandle::isAlive).orElse(false) == false) {
                List<String> cmd = new ArrayList<>(List.of(tool, "-w", "-D"));
                cmd.addAll(splitRule(m.group(1)));
                run(cmd);
            }
        }
    }

    private static List<String> splitRule(String rule) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(rule);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (!removed) {
            removed = true;
            // our rule first (the stale ones' removal may still run: it started after the insert, and the exchange
            // may have taken less time than its processes), whatever the stale ones' removal meets
            Process remover = reaper.remover();
            if (remover == null || signalled(remover).await().exit != 0) {
                run(removal(tool, spec)); // the waiting removal was not there, or did not remove it: once more, here
            }
            reaper.finish();
        }
    }

    /** The waiting removal told to run now (a line on its pipe); a pipe already closed: it has run, or died (its exit tells). */
    private static Started signalled(Process remover) {
        try {
            java.io.OutputStream in = remover.getOutputStream();
            in.write('\n');
            in.close();
        } catch (IOException e) {
            // it is no longer reading: its exit status says whether the rule went
        }
        return new Started(remover, null);
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> cmd) {
        return start(cmd).await();
    }

    /** A process started (or that could not be: {@code failed}), its result read by {@link #await}. */
    private record Started(Process process, Run failed) {
        Run await() {
            if (failed != null) {
                return failed;
            }
            try {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Run(-1, cmdName(process) + " timed out");
                }
                return new Run(process.exitValue(), output);
            } catch (IOException e) {
                return new Run(-1, cmdName(process) + " output unreadable: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Run(-1, "interrupted");
            }
        }
    }

    /** The firewall tool a process runs (iptables or ip6tables), for its messages. */
    private static String cmdName(Process process) {
        return process.info().command().map(c -> c.substring(c.lastIndexOf('/') + 1)).orElse("the firewall tool");
    }

    private static Started start(List<String> cmd) {
        try {
            return new Started(new ProcessBuilder(cmd).redirectErrorStream(true).start(), null);
        } catch (IOException e) {
            return new Started(null, new Run(-1, cmd.get(0) + " not found"));
        }
    }
}
