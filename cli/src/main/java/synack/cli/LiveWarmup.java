package synack.cli;

/**
 * A live one-liner spends its first 100-200 ms on one core building picocli's model, then loads
 * JNA, pcap4j and libpcap (50-80 ms) on the same core. This does the loading on the other core
 * meanwhile: a daemon thread that sends nothing (it loads, and at most opens the capture, below), and starts one
 * process that asks nothing ({@code ip -V}: the JVM's first process is the expensive one). Whatever goes
 * wrong here is ignored: the main path loads the same things again and fails there exactly as
 * without the warm-up (the JVM initialises a class once, whichever thread gets there first).
 * When the command line names its target, the route is asked on a thread of its own and the capture is
 * activated here on its interface ({@link EarlyCapture}): the command takes it if it is the one it opens.
 */
final class LiveWarmup extends Thread {
    private final String command;
    /** The command line, for the capture its command opens ({@link #capture}). */
    private final String[] args;
    /** Whether the command's capture is activated here ({@link EarlyCapture}). */
    private final boolean early;

    private LiveWarmup(String[] args, boolean early) {
        super("synack-warmup");
        setDaemon(true);
        this.command = args[0];
        this.args = args;
        this.early = early;
    }

    /** Starts the warm-up when {@code args} run a live command (not help, not the shell or the lab). */
    static void startFor(String[] args) {
        startFor(args, false);
    }

    /**
     * @param captureEarly the process is this one-liner's own (Main.main on the kernel): its capture may be
     *                     activated here too ({@link EarlyCapture}), when the command line names its target
     */
    static void startFor(String[] args, boolean captureEarly) {
        if (args.length == 0 || !live(args[0])) {
            return;
        }
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return;
            }
        }
        // the target and the capture are found on the other threads: parsing an address, and the classes that
        // hold the captures, cost this one time it needs for picocli
        boolean early = captureEarly && capturable(args[0]);
        if (early) {
            EarlyCapture.begin(args); // the target's route, asked on a thread of its own from now
        }
        new LiveWarmup(args, early).start();
    }

    /** The commands whose first capture {@link #capture} knows. */
    private static boolean capturable(String command) {
        switch (command) {
            case "handshake": case "fin-teardown": case "dns-resolve": case "syn-probe": case "arp-resolve": case "ndp-resolve":
                return true;
            default:
                return false;
        }
    }

    /**
     * The capture a one-liner of {@code command} opens first, as its flow declares it (a sweep or a bulk run
     * declares another: the guess is then given up, see {@link EarlyCapture}); null where none is guessed.
     * For an IPv4 target.
     */
    static synack.link.PcapLink.Capture capture(String[] args) {
        return capture(args, false);
    }

    /** As {@link #capture(String[])}; {@code ipv6}: the target is an IPv6 address. */
    static synack.link.PcapLink.Capture capture(String[] args, boolean ipv6) {
        switch (args[0]) {
            case "handshake":
                return java.util.Arrays.asList(args).contains("--rst") ? LiveFlow.ONE_ANSWER : TcpRun.CONVERSATION;
            case "fin-teardown":
                return TcpRun.CONVERSATION;
            case "dns-resolve": // -f a bulk run's ring (its defaults' guess), --trace the conversation's
                return bulk(args) ? synack.cli.commands.DnsResolveCommand.bulkCapture()
                        : java.util.Arrays.asList(args).contains("--trace") ? TcpRun.CONVERSATION
                        : synack.cli.commands.DnsResolveCommand.oneNameCapture(bufsizeNamed(args));
            case "syn-probe":
                return synack.cli.commands.SynProbeCommand.narratedCapture(portsNamed(args));
            case "arp-resolve": case "ndp-resolve":
                // an IPv6 target is neighbour discovery's, whose flow keeps LiveFlow's ring
                return ipv6 ? LiveFlow.EXCHANGE : synack.cli.commands.ArpResolveCommand.ARP_CAPTURE;
            default:
                return null;
        }
    }

    /**
     * How many ports syn-probe's -p and --top-ports name, counted as the command counts them (a list without its
     * repeats, ranges, a cluster such as -qp80); what does not parse counts as many: a wrong guess only costs the
     * early capture, which the command then opens itself.
     */
    private static int portsNamed(String[] args) {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String list = null;
                if ((a.equals("-p") || a.equals("--ports")) && i + 1 < args.length) {
                    list = args[i + 1];
                } else if (a.startsWith("--ports=")) {
                    list = a.substring("--ports=".length());
                } else if (a.startsWith("--top-ports")) {
                    String n = a.startsWith("--top-ports=") ? a.substring("--top-ports=".length()) : i + 1 < args.length ? args[i + 1] : "";
                    ports.addAll(synack.net.TopPorts.top(Integer.parseInt(n)));
                } else if (a.length() > 2 && a.charAt(0) == '-' && a.charAt(1) != '-' && a.indexOf('p') > 0) {
                    int p = a.indexOf('p'); // -p80, -qp80, -qp 80
                    list = p + 1 < a.length() ? a.substring(p + 1) : i + 1 < args.length ? args[i + 1] : null;
                }
                if (list != null) {
                    ports.addAll(synack.net.Ports.parse(list, true));
                }
            }
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE; // the command tells what is wrong with it
        }
        return ports.isEmpty() ? Integer.MAX_VALUE : ports.size();
    }

    /** dns-resolve's --bufsize as the command line gives it (its default when it does not; --no-edns: 512). */
    private static int bufsizeNamed(String[] args) {
        int bufsize = 1232;
        for (int i = 1; i < args.length; i++) {
            String value = args[i].equals("--bufsize") && i + 1 < args.length ? args[i + 1]
                    : args[i].startsWith("--bufsize=") ? args[i].substring("--bufsize=".length()) : null;
            if (args[i].equals("--no-edns")) {
                return 512;
            }
            if (value != null) {
                try {
                    bufsize = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    return Integer.MAX_VALUE; // a usage error: the command says so
                }
            }
        }
        return bufsize;
    }

    /** dns-resolve -f FILE (--file): a bulk run, with a ring of its own (the defaults' guess: other options make another). */
    private static boolean bulk(String[] args) {
        for (String a : args) {
            if (a.equals("--file") || a.startsWith("--file=") || (a.length() > 1 && a.charAt(0) == '-' && a.charAt(1) != '-' && a.indexOf('f') > 0)) {
                return true;
            }
        }
        return false;
    }

    /** The commands that run {@link synack.exchange.tcp.TcpWarmup} before their SYN (through {@link TcpRun} or HttpJourney). */
    private static boolean tcp(String command) {
        switch (command) {
            case "handshake": case "fin-teardown": case "http-get":
                return true;
            default:
                return false;
        }
    }

    /** The live commands, under the names users type: ndp-resolve is arp-resolve's alias (see OneCommand). */
    private static boolean live(String command) {
        switch (command) {
            case "arp-resolve": case "ndp-resolve": case "dns-resolve": case "handshake": case "fin-teardown": case "syn-probe": case "http-get":
                return true;
            default:
                return false;
        }
    }

    @Override
    public void run() {
        // Not picocli's model: the command's annotations parsed here while the main thread builds the root's took
        // this thread 40-60 ms for ~10 ms of the main thread's, and libpcap came late (15 alternating handshakes:
        // wall 0.356 s with, 0.317 s without, main's 0.352 s); the JDK types its converters are registered for,
        // listed here first, saved no wall time and cost 10 ms of CPU and 0.5 MiB
        try {
            // the command's first need once parsed: our port and ISN (Unpredictable: /dev/urandom opened and read
            // once here; a SecureRandom's first construction and draw had cost the main thread 10-20 ms cold)
            LiveRun.randomPort();
            TcpRun.randomIsn();
        } catch (Throwable ignored) {
            // the command's own draw meets the same problem
        }
        try {
            // first the JVM's first process (the route lookup is the main path's next need), then libpcap;
            // with a target, the route thread's lookup of its route is that first process
            if (!early) {
                synack.net.IpRouteGet.warmUp();
            }
        } catch (Throwable ignored) {
            // the route lookup meets the same problem and tells it
        }
        try {
            synack.link.PcapLibrary.ensureLoadable(); // JNA, pcap4j's bindings, dlopen of libpcap
            ClassLoader loader = LiveWarmup.class.getClassLoader();
            for (String name : new String[] {"org.pcap4j.core.PcapHandle", "org.pcap4j.core.PcapHandle$Builder",
                    "org.pcap4j.core.BpfProgram", "synack.link.PcapLink", "synack.link.PcapWaiter", // PcapWaiter binds libpcap and poll as it loads
                    // pcap4j's bindings (a JNA proxy: ~13 ms), made at the handle's first open: on the main thread of a command
                    // without an early capture (http-get, the bulk and sweep forms) otherwise
                    "org.pcap4j.core.NativeMappings$PcapLibrary",
                    "java.lang.ProcessImpl", "java.lang.ProcessHandleImpl"}) { // the first process (ip route, iptables) loads these
                Class.forName(name, true, loader);
            }
        } catch (Throwable ignored) {
            // the main path meets the same problem and tells it
        }
        if (early) {
            synack.link.PcapLink.Activated activated = null;
            try {
                String via = EarlyCapture.interfaceName(); // the route thread's answer
                if (via != null) {
                    activated = synack.link.PcapLink.activate(via, capture(args, EarlyCapture.targetIsIpv6()));
                    activated.letNothingIn(); // until the command sets its filter
                }
            } catch (Throwable ignored) {
                // the command's own open meets the same problem and tells it
            } finally {
                EarlyCapture.done(activated);
            }
        }
        if (tcp(command)) {
            try {
                // the in-memory connection the command runs before its SYN (between the next hop's ARP reply and
                // the SYN, 25-80 ms on the main thread when cold: class loading and linking, ~10% of handshake's
                // main-thread samples): run here first, the command's own run finds it all loaded and linked; over
                // IPv6 when the target named is an IPv6 address (its framing and checksum are other code)
                synack.exchange.tcp.TcpWarmup.run(early && EarlyCapture.targetIsIpv6());
            } catch (Throwable ignored) {
                // the command's own run meets the same problem
            }
        }
        if (command.equals("http-get")) {
            try {
                synack.exchange.http.BodyHash.warmUp(); // libcrypto bound before the first body byte
            } catch (Throwable ignored) {
                // the body's hash falls back to the JDK's
            }
        }
    }
}
