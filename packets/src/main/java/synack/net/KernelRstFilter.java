package synack.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host's kernel knows nothing of a connection synack builds by hand, so it answers the
 * peer's SYN,ACK with a RST that would kill it. This installs a firewall rule dropping the
 * kernel's outgoing RSTs from our source port only, tagged with our pid; it is removed on close
 * (also on Ctrl-C, and by the waiting removal below when we are killed), and a rule whose pid is dead
 * (the machine went down meanwhile) is removed at the next start.
 * IPv6 has a firewall of its own: ip6tables holds the rule for a connection over IPv6.
 *
 * <p>The removal is started while the connection runs: a keeper shell waiting on a pipe from us, which
 * runs {@code iptables -D} the moment we write to it (close) or the pipe closes (we died). Starting
 * a process from a JVM takes the starting thread 3-30 ms, more than the removal itself; close then
 * waits only until the removal has committed (see {@link #removed}), alongside the capture's close.
 * The keeper runs in the background, not as our child: a JVM does not exit while a child it started
 * runs (its reaper thread waits in the kernel, and the JVM's exit waits for threads in native code),
 * and iptables lingers 10-15 ms after its commit. It also removes the stale rules of dead pids.
 * Where the keeper cannot be had or did not remove the rule, close runs {@code iptables -D} itself.
 */
public final class KernelRstFilter implements AutoCloseable {
    private static final String TAG = "synack-pid-";
    /**
     * Each rule's own number in this JVM, after the pid in its tag (synack-pid-PID-N): two guards of one port (two
     * kept connections from one --source-port in the shell) are two rules, and each removal takes its own
     * (identical rules removed at once left one behind: both removals took the same).
     */
    private static final java.util.concurrent.atomic.AtomicInteger RULES = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The keeper ({@code sh -c KEEPER name TOOL -w -D SPEC...}), our child while the connection runs: it starts the
     * stale rules' removal in the background (a dead pid's rules: a run killed with -9, a machine that went down;
     * each rebuilt from its port and pid, nothing of the listing run as code), waits for a line from us (close) or
     * the pipe's end (we died), whichever first, then starts our rule's removal in the background, says its pid and
     * exits: no child of ours outlives the exchange, and the removal is watched by its pid ({@link #removed}).
     * Ignored: the signals a terminal sends the whole process group (Ctrl-C, a closed terminal, kill without -9),
     * which stay ignored in what it starts.
     */
    static final String KEEPER = String.join("\n",
            "trap '' INT HUP TERM QUIT",
            "tool=$1",
            "(",
            "  $tool -w -S OUTPUT 2>/dev/null | while read -r line; do",
            "    case $line in *--comment\\ " + TAG + "[0-9]*) ;; *) continue ;; esac",
            "    tag=${line##*--comment }; tag=${tag%% *}; n=${tag#" + TAG + "}",
            "    case $n in *[!0-9-]*) continue ;; esac", // PID or PID-N, digits only: nothing else is ours
            "    pid=${n%%-*}",
            "    port=${line##*--sport }; port=${port%% *}",
            "    case $port in ''|*[!0-9]*) continue ;; esac",
            "    [ -n \"$pid\" ] && [ -n \"$port\" ] && [ ! -e \"/proc/$pid\" ] || continue",
            "    $tool -w -D OUTPUT -p tcp --sport \"$port\" --tcp-flags RST RST -m comment --comment \"$tag\" -j DROP",
            "  done",
            ") </dev/null >/dev/null 2>&1 &",
            "read -r _",
            "\"$@\" </dev/null >/dev/null 2>&1 &",
            "echo $!");

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
                "-m", "comment", "--comment", TAG + ProcessHandle.current().pid() + "-" + RULES.incrementAndGet(), "-j", "DROP");
        List<String> cmd = new ArrayList<>(List.of(tool, "-w", "-I"));
        cmd.addAll(spec);
        // our rule does not depend on the stale ones (other, dead pids): the insert alone is awaited
        // before we return (before any SYN is sent); the keeper is started on a thread of its own
        // meanwhile (starting a process takes the starting thread 3-30 ms) and removes the stale ones
        Started insert = start(cmd);
        Reaper reaper = new Reaper(removal(tool, spec));
        reaper.start();
        Run r = insert.await();
        if (r.exit != 0) {
            reaper.finish();
            if (reaper.keeper() != null) {
                reaper.keeper().destroyForcibly(); // nothing to remove (SIGKILL: it ignores the others)
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
     * On a thread of its own, while the insert runs: the keeper started ({@link #KEEPER}) and its pid read.
     */
    private static final class Reaper extends Thread {
        private final List<String> removal;
        private volatile Process keeper;
        /** Counted down once the keeper is started (or could not be). */
        private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

        Reaper(List<String> removal) {
            super("synack-rst-filter-reaper");
            setDaemon(true);
            this.removal = removal;
        }

        @Override
        public void run() {
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", KEEPER, "synack-rst-guard"));
            cmd.addAll(removal);
            try {
                keeper = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException | RuntimeException e) {
                // no shell: close removes the rule itself
            } finally {
                started.countDown();
            }
        }

        /** The keeper once it is started (waited for); null when it could not be. */
        Process keeper() {
            await();
            return keeper;
        }

        private void await() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    started.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // Ctrl-C's cleanup: starting a process is bounded
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
        }
    }

    @Override
    public synchronized void close() {
        if (!removed) {
            removed = true;
            long removal = started(reaper.keeper());
            if (removal <= 0 || !removed(removal)) {
                run(removal(tool, spec)); // the keeper was not there, or did not remove it: once more, here
            }
        }
    }

    /**
     * Whether the keeper, told to run, removed our rule. The rule is gone once iptables has committed its change
     * and closes its netlink socket; closing that socket then keeps the process 10-15 ms more in the kernel
     * (nf_tables flushes its deferred frees at a netfilter socket's release: an RCU grace period), which a one-liner
     * would wait out before exiting. So the removal's sockets are watched (by the pid the keeper said): once it has
     * held one and holds none, the commit is behind it (iptables-nft closes its socket after the kernel's answer to
     * the batch; legacy's after its setsockopt). Where that was not seen (no /proc, the socket came and went between
     * two looks, it ended first), the firewall is asked whether the rule is still there ({@code -C}). A failed removal
     * closes its socket the same way; the one run again by close would fail alike (the same command).
     */
    private boolean removed(long removal) {
        java.io.File proc = new java.io.File("/proc/" + removal);
        java.io.File fds = new java.io.File(proc, "fd");
        boolean heldSocket = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running(proc) && System.nanoTime() < deadline) {
            int sockets = sockets(fds);
            if (sockets < 0) {
                break; // not visible here
            }
            if (sockets > 0) {
                heldSocket = true;
            } else if (heldSocket) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
        if (heldSocket) {
            return true; // it let go of its socket and ended between two looks
        }
        List<String> check = new ArrayList<>(List.of(tool, "-w", "-C"));
        check.addAll(spec);
        return run(check).exit != 0; // -C exits 0 while the rule is there
    }

    /** The process is there and not a zombie ({@code /proc/PID/stat}'s state after the command's name). */
    private static boolean running(java.io.File proc) {
        try {
            String stat = java.nio.file.Files.readString(new java.io.File(proc, "stat").toPath(), StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** How many sockets the process holds ({@code /proc/PID/fd}), or -1 when that cannot be read. */
    private static int sockets(java.io.File fds) {
        String[] names = fds.list();
        if (names == null) {
            return -1;
        }
        int n = 0;
        for (String name : names) {
            try {
                if (java.nio.file.Files.readSymbolicLink(new java.io.File(fds, name).toPath()).toString().startsWith("socket:")) {
                    n++;
                }
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // closed while we looked: not a socket held
            }
        }
        return n;
    }

    /**
     * The keeper told to run now (a line on its pipe): the pid of the removal it started, or -1 when it is not there
     * (it could not be started, or died: close then removes the rule itself, or finds it gone).
     */
    private static long started(Process keeper) {
        if (keeper == null) {
            return -1;
        }
        try {
            java.io.OutputStream in = keeper.getOutputStream();
            in.write('\n');
            in.close();
            String pid = new java.io.BufferedReader(new java.io.InputStreamReader(keeper.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return pid == null ? -1 : Long.parseLong(pid.trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
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
