package synack.cli.commands;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import synack.cli.ExitCodes;
import synack.cli.LiveHost;
import synack.cli.LiveOptions;
import synack.cli.Main;
import synack.cli.Narration;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Remark;
import synack.event.Verdict;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import synack.exchange.tcp.TcpWarmup;
import synack.link.PcapLibrary;
import synack.net.EnvironmentException;
import synack.link.PcapFileWriter;
import synack.wire.ArpPacket;
import synack.wire.Dissector;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * Loads what a one-liner loads — the command model (whole, and each one-liner's own), libpcap
 * through JNA, a capture filter compiled, the wire formats, the TCP engine — without sending
 * anything, so that the launcher can record those classes once (a static CDS archive on 17, an
 * AOT cache on 25) and every later start maps them instead of loading and verifying them.
 * With a one-liner's name, only what that one-liner loads: the launcher keeps an archive of its own
 * for each one-liner, as the whole archive is resident at every start (Debian's 17 relocates it, every
 * page touched) and a one-liner's own is ~2.5 MiB smaller.
 */
@Command(name = "train-startup", hidden = true, description = "Load the classes of a live command, for the launcher's start-up archive.")
public final class TrainCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "COMMAND",
            description = "Only what this one-liner loads (its own archive); without it, what every command loads.")
    String command;

    @picocli.CommandLine.Option(names = "-q", description = "The one-liner's quiet form only (-q), as the launcher's archive for it.")
    boolean quiet;

    /**
     * The classes a live one-liner still loaded from its jars or the JDK's modules after the in-memory
     * run (-Xlog:class+load, "source: jrt:/" or "file:"): libpcap's capture, the RST guard, our UDP port's socket.
     */
    private static final String[] HOST_CLASSES = {
        "synack.link.PcapLink", "synack.link.PcapWaiter", "synack.link.Privileges",
        // the one-liner's early capture and route (EarlyCapture, Main.main only): the same in both families
        "synack.cli.EarlyCapture$Daemon", "synack.net.Routing$Known", "synack.link.PcapLink$Activated",
        "synack.link.PcapWaiter$Libc", "synack.link.PcapWaiter$Cursor",
        "org.pcap4j.core.PcapHandle$Builder", "org.pcap4j.core.PcapNetworkInterface$PromiscuousMode",
        "org.pcap4j.core.PcapHandle$PcapDirection", "org.pcap4j.core.PcapHandle$BlockingMode", "org.pcap4j.core.PcapStat",
        "org.pcap4j.core.NativeMappings$PcapLibrary", "org.pcap4j.core.NativeMappings$pcap_stat_ex",
        "com.sun.jna.Library$Handler", "com.sun.jna.Library$Handler$FunctionInfo", "com.sun.jna.Function$PostCallRead",
        "com.sun.jna.AltCallingConvention", "com.sun.jna.Structure$StructureSet", "com.sun.jna.internal.ReflectionUtils",
        "jdk.internal.event.ProcessStartEvent", "jdk.internal.event.SecurityProviderServiceEvent",
        // the warm-up thread's, the capture's late release, a real interface's IPv6 addresses, the kernel's clock
        "synack.cli.LiveWarmup", "synack.link.LateRelease", "synack.link.LateRelease$Libc", "synack.net.LocalInterface$Address6",
        "java.time.Instant", "java.time.Clock", "java.time.InstantSource",
    };

    /** As {@link #HOST_CLASSES}, what only the TCP commands load: the RST guard. */
    private static final String[] TCP_HOST_CLASSES = {
        "synack.net.KernelRstFilter", "synack.net.KernelRstFilter$Started", "synack.net.KernelRstFilter$Run",
        "synack.net.KernelRstFilter$Reaper", "java.util.concurrent.CountDownLatch", "java.util.concurrent.CountDownLatch$Sync",
    };

    /** As {@link #HOST_CLASSES}, what only dns-resolve loads: our UDP port's socket. */
    private static final String[] UDP_HOST_CLASSES = {
        "synack.iface.UdpPortClaim", "java.net.DatagramSocket", "java.net.DatagramSocket$1", "java.net.MulticastSocket",
        "java.net.InetSocketAddress", "java.net.InetSocketAddress$InetSocketAddressHolder", "java.net.BindException",
        "java.net.StandardSocketOptions", "java.net.StandardSocketOptions$StdSocketOption", "java.net.StandardProtocolFamily",
        "java.nio.channels.DatagramChannel", "java.nio.channels.MulticastChannel", "java.nio.channels.spi.SelectorProvider",
        "sun.nio.ch.DatagramChannelImpl", "sun.nio.ch.DatagramChannelImpl$DefaultOptionsHolder", "sun.nio.ch.DatagramDispatcher",
        "sun.nio.ch.DatagramSocketAdaptor", "sun.nio.ch.DatagramSocketAdaptor$DatagramSockets", "sun.nio.ch.DefaultSelectorProvider",
        "sun.nio.ch.EPollSelectorProvider", "sun.nio.ch.SelectorProviderImpl", "sun.nio.ch.Net", "sun.nio.ch.Net$1",
        "sun.nio.ch.NativeSocketAddress", "sun.nio.ch.SocketOptionRegistry", "sun.nio.ch.SocketOptionRegistry$LazyInitialization",
        "sun.nio.ch.SocketOptionRegistry$RegistryKey", "sun.nio.ch.OptionKey", "sun.nio.ch.ExtendedSocketOption",
        "sun.net.NetProperties", "sun.net.ResourceManager", "sun.net.ext.ExtendedSocketOptions",
        "jdk.net.ExtendedSocketOptions", "jdk.net.LinuxSocketOptions", "jdk.net.ExtendedSocketOptions$1",
        "jdk.net.ExtendedSocketOptions$ExtSocketOption", "jdk.net.ExtendedSocketOptions$PlatformSocketOptions$1",
        "jdk.net.UnixDomainPrincipal", "sun.net.NetProperties$1", "sun.nio.ch.ExtendedSocketOption$1",
    };

    /**
     * The one-liners run whole on the in-memory wire ({@link synack.cli.TrainingHost}), each family's: the IPv6 ones
     * load neighbour discovery and the IPv6 wire formats, which the IPv4 ones never touch (without them an IPv6
     * one-liner loaded ~30 classes from the jar and bootstrapped their lambdas: 15-20 ms more than its IPv4 twin).
     */
    public static final List<String[]> LIVE = List.of(new String[] {"arp-resolve", "-q", "198.18.1.1"},
            new String[] {"syn-probe", "-q", "-p", "80", "198.18.2.2"}, new String[] {"dns-resolve", "-q", "www.synack.test"},
            new String[] {"handshake", "--rst", "198.18.2.2", "80"}, new String[] {"arp-resolve", "198.18.1.1"},
            new String[] {"handshake", "198.18.2.2", "80"},
            new String[] {"ndp-resolve", "-q", "2001:db8:1::1"}, new String[] {"ndp-resolve", "2001:db8:1::1"},
            new String[] {"syn-probe", "-q", "-p", "80", "2001:db8:2::2"}, new String[] {"handshake", "--rst", "2001:db8:2::2", "80"},
            new String[] {"dns-resolve", "-q", "-6", "-t", "AAAA", "www.synack.test", "@2001:db8:2::2"},
            // the body to a file (-o, as a download takes it), not to the training's real fd 1
            new String[] {"http-get", "-q", "-o", "/dev/null", "http://198.18.2.2/"}, new String[] {"http-get", "-o", "/dev/null", "http://198.18.2.2/"},
            new String[] {"http-get", "-q", "-o", "/dev/null", "http://[2001:db8:2::2]/"});

    /** Each one-liner's own model, parsed as its run parses it (not run: nothing is sent). */
    private static final List<String[]> PARSED = List.of(new String[] {"arp-resolve", "-q", "198.18.1.1"},
            new String[] {"syn-probe", "-q", "-p", "80", "198.18.2.2"}, new String[] {"dns-resolve", "-q", "www.synack.test", "@198.18.2.2"},
            new String[] {"handshake", "--rst", "198.18.2.2", "80"}, new String[] {"fin-teardown", "198.18.2.2", "80"},
            new String[] {"http-get", "-q", "http://198.18.2.2/"});

    /** The one-liners an archive of their own is trained for (the launcher's list is the same), ndp-resolve as arp-resolve's alias. */
    public static final List<String> ONE_LINERS = List.of("arp-resolve", "ndp-resolve", "dns-resolve", "handshake", "fin-teardown", "syn-probe",
            "http-get");

    /**
     * What {@code train-startup COMMAND} runs on the in-memory wire: the one-liner's entries of {@link #LIVE}, both
     * families (arp-resolve's IPv6 twin is ndp-resolve: the same command), and fin-teardown's own, which the
     * general archive leaves to handshake's close; each in the quiet form ({@code quiet}: with -q) or the narrated
     * one (without), as the launcher keeps an archive for each (a narrated story loads ~80 classes more than a
     * quiet one: Formatter, locale data, the styles; ~0.7 MiB resident in an archive that holds them).
     */
    public static List<String[]> liveFor(String command, boolean quiet) {
        String family = family(command);
        List<String[]> own = new java.util.ArrayList<>();
        for (String[] args : LIVE) {
            if (family(args[0]).equals(family)) {
                own.add(args);
            }
        }
        if (family.equals("fin-teardown")) {
            own.add(new String[] {"fin-teardown", "198.18.2.2", "80"});
            own.add(new String[] {"fin-teardown", "2001:db8:2::2", "80"});
        }
        java.util.Map<String, String[]> forms = new java.util.LinkedHashMap<>();
        for (String[] args : own) {
            List<String> form = new java.util.ArrayList<>(List.of(args));
            form.remove("-q");
            if (quiet) {
                form.add(1, "-q");
            }
            forms.putIfAbsent(String.join(" ", form), form.toArray(new String[0]));
        }
        return List.copyOf(forms.values());
    }

    private static String family(String command) {
        return command.equals("ndp-resolve") ? "arp-resolve" : command;
    }

    /**
     * The launcher's way in for one one-liner's archive ({@code java -cp synack.jar synack.cli.commands.TrainCommand
     * COMMAND}): not through Main, whose full model (every command's classes, the help command, the shell's JLine)
     * would be recorded too, ~170 classes that the one-liner's own run never loads.
     */
    public static void main(String[] args) throws IOException {
        boolean quiet = args.length == 2 && args[1].equals("-q");
        if (args.length > (quiet ? 2 : 1) || (args.length >= 1 && !ONE_LINERS.contains(args[0]))) {
            System.err.println("synack: train-startup [COMMAND [-q]]: COMMAND one of " + String.join(", ", ONE_LINERS));
            System.exit(ExitCodes.USAGE);
        }
        TrainCommand training = new TrainCommand();
        training.command = args.length >= 1 ? args[0] : null;
        training.quiet = quiet;
        System.exit(training.call());
    }

    @Override
    public Integer call() throws IOException {
        if (command != null && !ONE_LINERS.contains(command) || command == null && quiet) {
            throw new CommandLine.ParameterException(new CommandLine(this), (command == null ? "-q needs a COMMAND" : "no archive of its own for " + command)
                    + " (one of " + String.join(", ", ONE_LINERS) + "; none for every command's)");
        }
        boolean all = command == null;
        boolean tcp = all || List.of("handshake", "fin-teardown", "syn-probe", "http-get").contains(command); // the RST guard
        boolean connects = all || List.of("handshake", "fin-teardown", "http-get").contains(command); // TcpWarmup, as LiveWarmup runs it
        boolean dns = all || command.equals("dns-resolve");
        if (all) {
            CommandLine cli = Main.commandLine();
            for (String name : List.copyOf(cli.getSubcommands().keySet())) {
                cli.getSubcommands().get(name).getUsageMessage();
            }
        }
        for (String[] args : PARSED) {
            if (all || family(args[0]).equals(family(command))) {
                Main.oneCommand(args).parseArgs(args);
            }
        }
        try {
            PcapLibrary.ensureLoadable();
            try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65536)) {
                dead.compileFilter("arp or (ip and (tcp or udp or icmp))", BpfProgram.BpfCompileMode.OPTIMIZE,
                        PcapHandle.PCAP_NETMASK_UNKNOWN).free();
            }
        } catch (EnvironmentException | PcapNativeException | NotOpenException e) {
            // no libpcap here: the archive holds the rest, and the live command says what is missing
        }
        // the warm-up thread's first draws (LiveWarmup, every live command): our port's and ISN's source made ready
        synack.cli.TcpRun.randomSourcePort();
        synack.cli.TcpRun.randomIsn();
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        if (!quiet) { // a story dissects its frames, a quiet run does not
            Dissector.dissect(ArpPacket.request(mac, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.1.1")).toFrame(mac));
            if (dns) {
                Dissector.dissect(synack.wire.Frames.udp(mac, mac, 1, 2, 3, synack.wire.UdpDatagram.of(5353, 53,
                        DnsMessage.query(1, "www.synack.test", DnsType.A, true, 1232).toBytes())));
            }
        }
        if (connects) {
            TcpWarmup.run();
        }
        // the one-liners run whole on an in-memory wire (nothing sent): the live path's classes and lambdas.
        // On a thread bounded in time: whatever happens there, the rest is trained and the archive recorded
        List<String[]> lines = all ? LIVE : liveFor(command, quiet);
        Thread live = new Thread(() -> synack.cli.TrainingHost.train(lines), "synack-train-live");
        live.setDaemon(true);
        live.start();
        try {
            live.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the kernel's routing decision: `ip -j route get` (a process, JSON), as every live command asks it
        try {
            LiveHost.KERNEL.routing().resolve(Ip4.parse("127.0.0.1"), null, null);
        } catch (RuntimeException e) {
            // no iproute2 here: the command falls back and says so
        }
        // what only the machine's own host loads (the in-memory run has no capture, firewall or UDP port of the
        // kernel's, and nothing here may touch them): loaded, not initialised, so the archive holds them too
        List<String> host = new java.util.ArrayList<>(List.of(HOST_CLASSES));
        if (tcp) {
            host.addAll(List.of(TCP_HOST_CLASSES));
        }
        if (dns) {
            host.addAll(List.of(UDP_HOST_CLASSES));
        }
        for (String name : host) {
            try {
                Class.forName(name, false, TrainCommand.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // renamed or absent here: the archive holds less, the command runs the same
            }
        }
        // a short story through each renderer, into nothing
        byte[] arp = ArpPacket.request(mac, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.1.1")).toFrame(mac);
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        for (int style = quiet ? 1 : 0; style < (quiet ? 2 : 3); style++) {
            LiveOptions o = new LiveOptions();
            o.json = style == 0;
            o.quiet = style == 1;
            Renderer r = Narration.forOptions(o, false, "train-startup", 0, nowhere, nowhere);
            r.accept(new Event.Note(1, Event.Note.Kind.HEADER, "train-startup", Map.of()));
            r.accept(new Event.Frame(2, Event.Direction.OUT, arp, Remark.of("request 1 of 1"), false));
            r.accept(new Event.Result(3, Verdict.OK, List.of("trained"), "trained", Map.of()));
        }
        if (!all) {
            return 0; // a one-liner's -w is rare: its writer is loaded from the jar then
        }
        Path pcap = Files.createTempFile("synack-train", ".pcap");
        try (PcapFileWriter w = PcapFileWriter.open(pcap.toString())) {
            w.write(new byte[60], 0);
        } finally {
            Files.deleteIfExists(pcap);
        }
        return 0;
    }
}
