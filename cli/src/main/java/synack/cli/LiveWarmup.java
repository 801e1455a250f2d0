package synack.cli;

/**
 * A live one-liner spends its first 100-200 ms on one core building picocli's model, then loads
 * JNA, pcap4j and libpcap (50-80 ms) on the same core. This does the loading on the other core
 * meanwhile: a daemon thread that only loads (nothing is opened, nothing sent), and starts one
 * process that asks nothing ({@code ip -V}: the JVM's first process is the expensive one). Whatever goes
 * wrong here is ignored: the main path loads the same things again and fails there exactly as
 * without the warm-up (the JVM initialises a class once, whichever thread gets there first).
 */
final class LiveWarmup extends Thread {
    private final boolean tcp;
    private final Class<?> command;

    private LiveWarmup(boolean tcp, Class<?> command) {
        super("synack-warmup");
        setDaemon(true);
        this.tcp = tcp;
        this.command = command;
    }

    /** Starts the warm-up when {@code args} run a live command (not help, not the shell or the lab). */
    static void startFor(String[] args) {
        if (args.length == 0 || !live(args[0])) {
            return;
        }
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return;
            }
        }
        Object command = OneCommand.command(args[0]);
        new LiveWarmup(tcp(args[0]), command == null ? null : command.getClass()).start();
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

    private static boolean live(String command) {
        switch (command) {
            case "arp-resolve": case "dns-resolve": case "handshake": case "fin-teardown": case "syn-probe": case "http-get":
                return true;
            default:
                return false;
        }
    }

    /**
     * Parses the annotations picocli reads to build the command's model: the command's and its mixins' fields
     * and methods, and the public methods it looks for @Command among (Object's carry @IntrinsicCandidate).
     * The JDK keeps what it parsed on the class's own Field and Method objects, and generates one proxy class
     * per annotation type: each a few milliseconds cold; parsing was ~35-60% of the model's build (sampled). Done here, on the other
     * core, while the main thread builds the root's model (picocli's first run); the main thread then finds
     * them parsed, or waits for the one being parsed (the JDK parses each member's annotations once).
     */
    static void annotations(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            c.getDeclaredAnnotations();
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                f.getDeclaredAnnotations();
                if (f.isAnnotationPresent(picocli.CommandLine.Mixin.class) || f.isAnnotationPresent(picocli.CommandLine.ArgGroup.class)) {
                    annotations(f.getType());
                }
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                m.getDeclaredAnnotations();
            }
        }
        for (java.lang.reflect.Method m : type.getMethods()) {
            m.getDeclaredAnnotations();
        }
    }

    /**
     * The JDK types picocli's every command line registers a converter for, by name, each with a reflective
     * look-up of its factory method (the first look-up lists all of a class's methods): done here first, the
     * main thread's registration finds them loaded and listed.
     */
    private static final String[] CONVERTED = {"java.time.Duration", "java.time.Instant", "java.time.LocalDate",
        "java.time.LocalDateTime", "java.time.LocalTime", "java.time.MonthDay", "java.time.OffsetDateTime", "java.time.OffsetTime",
        "java.time.Period", "java.time.Year", "java.time.YearMonth", "java.time.ZonedDateTime", "java.time.ZoneId",
        "java.time.ZoneOffset", "java.sql.Connection", "java.sql.Driver", "java.sql.DriverManager", "java.sql.Time",
        "java.sql.Timestamp", "java.nio.file.Path", "java.nio.file.Paths"};

    static void converters() {
        ClassLoader loader = LiveWarmup.class.getClassLoader();
        for (String name : CONVERTED) {
            try {
                Class.forName(name, false, loader).getDeclaredMethods();
            } catch (ClassNotFoundException | LinkageError ignored) {
                // picocli registers no converter for it either
            }
        }
    }

    @Override
    public void run() {
        // first what the main thread needs first: picocli's model (its converters, then the command's annotations
        // once the main thread is past the root's), then the route's process, libpcap, the TCP engine
        try {
            converters();
            if (command != null) {
                annotations(command);
            }
        } catch (Throwable ignored) {
            // picocli meets the same problem and tells it
        }
        try {
            // first the JVM's first process (the route lookup is the main path's next need), then libpcap
            synack.net.IpRouteGet.warmUp();
        } catch (Throwable ignored) {
            // the route lookup meets the same problem and tells it
        }
        try {
            synack.link.PcapLibrary.ensureLoadable(); // JNA, pcap4j's bindings, dlopen of libpcap
            ClassLoader loader = LiveWarmup.class.getClassLoader();
            for (String name : new String[] {"org.pcap4j.core.PcapHandle", "org.pcap4j.core.PcapHandle$Builder",
                    "org.pcap4j.core.BpfProgram", "synack.link.PcapLink", "synack.link.PcapWaiter",
                    "java.lang.ProcessImpl", "java.lang.ProcessHandleImpl"}) { // the first process (ip route, iptables) loads these
                Class.forName(name, true, loader);
            }
            // the functions PcapWaiter looks up by name (JNA caches libraries and functions)
            String lib = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
            com.sun.jna.NativeLibrary.getInstance(lib).getFunction("pcap_next_ex");
            com.sun.jna.NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME).getFunction("poll");
        } catch (Throwable ignored) {
            // the main path meets the same problem and tells it
        }
        if (tcp) {
            try {
                // the in-memory connection the command runs before its SYN (between the next hop's ARP reply and
                // the SYN, 25-80 ms on the main thread when cold: class loading and linking, ~10% of handshake's
                // main-thread samples): run here first, the command's own run finds it all loaded and linked
                synack.exchange.tcp.TcpWarmup.run();
            } catch (Throwable ignored) {
                // the command's own run meets the same problem
            }
        }
    }
}
