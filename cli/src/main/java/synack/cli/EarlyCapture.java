package synack.cli;

import synack.link.PcapLink;
import synack.net.KernelRoute;
import synack.net.Routing;
import synack.wire.IpAddress;

/**
 * What a one-liner's warm-up prepares while picocli parses its command line on the main thread, when
 * the command line names its target: the target's route (ip route get, on a thread of its own: the
 * JVM's first process) and the capture on that route's interface, activated. Setting up a capture's
 * ring costs 15-45 ms, most of it the kernel waiting out an RCU grace period (PACKET_RX_RING); it then
 * passes on the other core. {@link KernelHost} takes each only for the question the command asks
 * itself: the route for the same destination without -S or -i, the capture on the same interface with
 * the same ring; it sets the filter on it as on any capture, so what the story tells, -w included, is
 * what a capture opened then would tell. A guess that does not hold, or a command that ends before it
 * captures (a usage error), gives them up.
 */
final class EarlyCapture {
    /** How long the main thread waits for a route or activation under way before it does its own. */
    private static final long WAIT_NANOS = 2_000_000_000L;

    private static final Object LOCK = new Object();
    private static String[] args;
    private static IpAddress target;
    private static boolean routePending;
    private static KernelRoute route;
    private static boolean capturePending;
    private static PcapLink.Activated ready;
    private static boolean asked;

    private EarlyCapture() {
    }

    /** The main thread, before the warm-up starts: the route to the target {@code commandLine} names is asked now, the capture later. */
    static void begin(String[] commandLine) {
        synchronized (LOCK) {
            args = commandLine;
            routePending = true;
            capturePending = true;
        }
        // threads of named classes, not lambdas: a lambda's first bootstrap costs milliseconds on 17
        new Daemon("synack-route", null).start();
    }

    /** The route thread's work, or an unused capture's close. */
    private static final class Daemon extends Thread {
        private final PcapLink.Activated closing;

        Daemon(String name, PcapLink.Activated closing) {
            super(name);
            setDaemon(true);
            this.closing = closing;
        }

        @Override
        public void run() {
            if (closing != null) {
                closing.close();
            } else {
                askRoute();
            }
        }
    }

    private static void askRoute() {
        KernelRoute answer = null;
        IpAddress to = null;
        try {
            to = target(args);
            if (to != null) {
                answer = Routing.fromKernel().ask(to);
            } else {
                synack.net.IpRouteGet.warmUp(); // no target named: the JVM's first process all the same (see LiveWarmup)
            }
        } catch (Throwable ignored) {
            // the command's own lookup meets the same problem and tells it
        } finally {
            synchronized (LOCK) {
                target = to;
                route = answer;
                routePending = false;
                LOCK.notifyAll();
            }
        }
    }

    /** The warm-up thread: the interface the target's route leaves by, once asked (null: none). */
    static String interfaceName() {
        KernelRoute k = awaitRoute();
        if (k == null) {
            return null;
        }
        return Routing.fromKernel().knowing(target, k).resolve(target, null, null).via().name();
    }

    /** The warm-up thread, once {@link #interfaceName} answered: whether the target is an IPv6 address. */
    static boolean targetIsIpv6() {
        synchronized (LOCK) {
            return target != null && target.ipv6();
        }
    }

    /** The warm-up thread: the capture it activated (null: none could be). */
    static void done(PcapLink.Activated activated) {
        synchronized (LOCK) {
            capturePending = false;
            LOCK.notifyAll();
            if (!asked) {
                ready = activated;
                return;
            }
        }
        giveUp(activated); // the command's capture was opened meanwhile
    }

    /** KernelHost: the kernel's routing, knowing the target's route when the warm-up asked it. */
    static Routing routing(Routing kernel) {
        synchronized (LOCK) {
            if (args == null) {
                return kernel;
            }
        }
        KernelRoute k = awaitRoute();
        return k == null ? kernel : kernel.knowing(target, k);
    }

    private static KernelRoute awaitRoute() {
        synchronized (LOCK) {
            if (!await(true)) {
                return null;
            }
            return route;
        }
    }

    /**
     * The address whose route the command's capture goes out by, when the command line names one
     * literally: the first IPv4 or IPv6 address (dns-resolve: its @SERVER, for one name or a file of them). None
     * with -i or -S, which choose the route otherwise. Only a guess: the interface is checked.
     */
    static IpAddress target(String[] args) {
        String command = args[0];
        boolean dns = command.equals("dns-resolve");
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--interface") || a.startsWith("--source") || (!dns && a.startsWith("--file")) || a.equals("--")
                    || (a.length() > 1 && a.charAt(0) == '-' && a.charAt(1) != '-' && chooses(a, dns))) {
                return null;
            }
            if (dns != a.startsWith("@")) {
                continue;
            }
            try {
                IpAddress ip = IpAddress.literal(dns ? a.substring(1) : a);
                if (ip != null) {
                    return ip;
                }
            } catch (IllegalArgumentException e) {
                return null; // the command tells it
            }
        }
        return null;
    }

    /**
     * A short option, or a cluster of them ({@code -qS}, {@code -ic0}), that holds -i or -S (the route is not the
     * target's alone), or -f but for dns-resolve (whose -f names a file of names asked of its @SERVER).
     */
    private static boolean chooses(String shortOptions, boolean dns) {
        for (int i = 1; i < shortOptions.length(); i++) {
            char c = shortOptions.charAt(i);
            if (c == 'i' || c == 'S' || (c == 'f' && !dns)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The command's first capture: the early one when it is on {@code interfaceName} with {@code size},
     * else null (the caller opens its own). Asked once; later captures open their own.
     */
    static PcapLink.Activated take(String interfaceName, PcapLink.Capture size) {
        PcapLink.Activated early;
        synchronized (LOCK) {
            if (!asked) {
                await(false);
            }
            asked = true;
            early = ready;
            ready = null;
        }
        if (early == null || early.isFor(interfaceName, size)) {
            return early;
        }
        giveUp(early);
        return null;
    }

    /** Waits (holding LOCK) while the route (or the capture) is pending, at most {@link #WAIT_NANOS}; false when it gave up. */
    private static boolean await(boolean forRoute) {
        long end = System.nanoTime() + WAIT_NANOS;
        while (forRoute ? routePending : capturePending) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                // given up once for all: a later question asks on its own at once, not after another wait
                if (forRoute) {
                    routePending = false;
                } else {
                    capturePending = false;
                }
                return false;
            }
            try {
                LOCK.wait(left / 1_000_000L + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // Ctrl-C: the command does its own, and its cleanup runs as always
                return false;
            }
        }
        return true;
    }

    /**
     * Closes an early capture nobody takes, on a thread of its own: its close waits out grace periods too,
     * and the command need not wait for it (the process's exit does, as for every capture it closes).
     */
    private static void giveUp(PcapLink.Activated activated) {
        if (activated == null) {
            return;
        }
        new Daemon("synack-early-capture-close", activated).start();
    }
}
