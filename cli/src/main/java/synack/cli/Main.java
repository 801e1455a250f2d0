package synack.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import synack.cli.commands.ArpResolveCommand;
import synack.cli.commands.DemoCommand;
import synack.cli.commands.DnsResolveCommand;
import synack.cli.commands.FinTeardownCommand;
import synack.cli.commands.HandshakeCommand;
import synack.cli.commands.HttpGetCommand;
import synack.cli.commands.InstallCommand;
import synack.cli.commands.LabCommand;
import synack.cli.commands.SynProbeCommand;
import synack.net.EnvironmentException;

@Command(name = "synack", mixinStandardHelpOptions = true, addMethodSubcommands = false, versionProvider = Main.Version.class, modelTransformer = Main.Groups.class,
        description = {"Builds every frame by hand (Ethernet, ARP, IPv4, TCP, UDP, DNS, HTTP), sends it with libpcap,",
            "captures the replies and narrates each exchange as annotated state transitions."},
        subcommands = {ArpResolveCommand.class, DnsResolveCommand.class, HandshakeCommand.class, FinTeardownCommand.class, SynProbeCommand.class, HttpGetCommand.class, synack.cli.commands.ExplainCommand.class, DemoCommand.class, LabCommand.class, InstallCommand.class, synack.cli.commands.TrainCommand.class, synack.cli.docs.DocsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 ok, 1 negative answer, 2 usage, 3 environment (privilege, libpcap, interface, route),",
            "4 no answer at all, 130 interrupted. See synack COMMAND --help."})
public final class Main {
    static {
        // No option of ours is a java.time or java.sql type: without this, each CommandLine's interpreter looks
        // up their converters by reflection (every declared method of 17 JDK classes, ~80 classes loaded and
        // ~0.4 MiB allocated per one-liner, before the model is built). A user's own setting wins.
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.time\\..*,java\\.sql\\..*");
        }
    }

    private final RunContext context;

    /** A one-liner's: the kernel, nothing remembered, nothing kept. */
    public Main() {
        this(RunContext.ONE_LINER);
    }

    public Main(RunContext context) {
        this.context = context;
    }

    /** What the commands parsed under this root run in (see {@link RunContext#of}). */
    public RunContext context() {
        return context;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(true, args);
        } catch (OutOfMemoryError e) {
            // picocli hands Exceptions to the handler below, not Errors: without this the JVM would exit 1, which
            // a CI job reads as "a check did not hold"
            System.err.println("synack: internal error: out of memory (" + e.getMessage() + ")");
            code = ExitCodes.INTERNAL;
        }
        System.exit(code);
    }

    /** The command model: what runs, and what completions and man pages are generated from. */
    public static CommandLine commandLine() {
        return commandLine(RunContext.ONE_LINER);
    }

    /** The command model, its commands running in {@code context} (the shell gives its own memory and keeper). */
    public static CommandLine commandLine(RunContext context) {
        return configured(new CommandLine(new Main(context)));
    }

    /** The command's name as the user typed it: an alias (ndp-resolve) rather than the name it stands for. */
    static String invokedName(CommandLine.Model.CommandSpec spec, java.util.List<String> args) {
        String name = spec.qualifiedName();
        for (String alias : spec.aliases()) {
            if (args.contains(alias)) {
                return name.substring(0, name.length() - spec.name().length()) + alias;
            }
        }
        return name;
    }

    /** Error handling, help layout: the same for the full model and a one-liner's ({@link OneCommand}). */
    static CommandLine configured(CommandLine cli) {
        // @FILE belongs to the options that read files (http-get -d @FILE, as curl), not to picocli's argument files
        cli.setExpandAtFiles(false);
        // one stdout for every command of the model (picocli would make one per command on first use): it is
        // buffered and flushed at exit (run); stderr flushes it first, so that what it says comes in order
        PrintWriter out = cli.getOut();
        cli.setOut(out);
        cli.setErr(new PrintWriter(new StdoutFirst(cli.getErr(), out), true));
        // named classes, not lambdas: nothing to bootstrap at start. (With picocli's Java 5 class files a lambda of
        // these interfaces also linked them while the start-up archive was dumped, which left them out of it - JDK
        // 17: "Old class has been linked" - and every one-liner opened the jars to load them: 10-17 ms of its main thread)
        cli.setParameterExceptionHandler(new UsageErrors());
        cli.setExecutionExceptionHandler(new RunErrors());
        reflow(cli);
        cli.setUsageHelpAutoWidth(true); // a wide terminal gets wide help; a pipe gets picocli's 80 columns
        return cli;
    }

    /** A wrong option or argument: one line saying what, and where to read how (exit 2). */
    private static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] a) {
            PrintWriter err = ex.getCommandLine().getErr();
            String name = invokedName(ex.getCommandLine().getCommandSpec(), java.util.Arrays.asList(a));
            // one line: what is wrong, and where to read how to do it right
            err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            err.flush();
            return ExitCodes.USAGE;
        }
    }

    /** What a command threw: the environment's (3), a user's mistake found late (2), or our own bug (70). */
    private static final class RunErrors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            boolean debug = parseResult.originalArgs().contains("--debug");
            PrintWriter err = commandLine.getErr();
            String name = invokedName(commandLine.getCommandSpec(), parseResult.originalArgs());
            int code;
            if (ex instanceof EnvironmentException) {
                code = ExitCodes.ENVIRONMENT;
                err.println(name + ": " + ex.getMessage());
            } else if (ex instanceof UsageProblem) {
                // a user's mistake is a UsageProblem (or picocli's ParameterException); an
                // IllegalArgumentException that gets this far is synack's own bug: 70, below
                code = ExitCodes.USAGE;
                err.println(name + ": " + ex.getMessage());
            } else if (ex instanceof UncheckedIOException) {
                code = ExitCodes.ENVIRONMENT;
                err.println(name + ": " + ex.getCause().getMessage());
            } else {
                code = ExitCodes.INTERNAL;
                err.println(name + ": internal error: " + ex + (debug ? "" : " (run with --debug for the stack trace)"));
            }
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        }
    }

    /** A one-liner's model for {@code args} (root and the one command), or the full model where only it answers. */
    public static CommandLine oneCommand(String... args) {
        CommandLine one = OneCommand.forArgs(args, RunContext.ONE_LINER);
        return one != null ? configured(one) : commandLine();
    }

    /**
     * The commands' descriptions and footers are written as source lines of ~100 characters;
     * picocli would wrap each at the help width and leave ragged half-lines. Continuation lines
     * are joined into paragraphs it can wrap whole: a line continues the one before unless it is
     * empty or indented (an example), the one before is empty or ends with ':', or a sentence
     * ended there and a new one begins.
     */
    static void reflow(CommandLine cli) {
        CommandLine.Model.UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        usage.description(paragraphs(usage.description()));
        usage.footer(paragraphs(usage.footer()));
        cli.getSubcommands().values().forEach(Main::reflow);
    }

    static String[] paragraphs(String[] lines) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String line : lines) {
            String previous = out.isEmpty() ? "" : out.get(out.size() - 1);
            boolean continues = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !previous.isEmpty()
                    && !previous.endsWith(":") && !Character.isWhitespace(previous.charAt(0))
                    && !(previous.endsWith(".") && Character.isUpperCase(line.charAt(0))); // a new sentence keeps its line
            if (continues) {
                out.set(out.size() - 1, previous + " " + line);
            } else {
                out.add(line);
            }
        }
        return out.toArray(new String[0]);
    }

    public static int run(String... args) {
        return run(false, args);
    }

    /** @param process this JVM runs this command alone (Main.main): its capture may be activated while it parses */
    private static int run(boolean process, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // what picocli prints for -V (the provider's lines, which hold no markup), without
            // building a model first: that costs twice the JVM's own start
            for (String line : new Version().getVersion()) {
                System.out.println(line);
            }
            System.out.flush();
            return ExitCodes.OK;
        }
        LiveWarmup.startFor(args, process); // libpcap loads on the other core while picocli builds the model
        CommandLine one = OneCommand.forArgs(args, RunContext.ONE_LINER);
        CommandLine cli = one != null ? configured(one) : commandLine();
        if (process) {
            // stdout is buffered: what is left in it reaches the screen at exit, Ctrl-C's exit too (once per
            // process: a JVM that calls run() again and again, the tests, would keep one writer per call)
            Interrupts.flushAtExit(cli.getOut());
        }
        try {
            return execute(cli, one != null, args);
        } finally {
            cli.getOut().flush();
        }
    }

    private static int execute(CommandLine cli, boolean oneCommand, String... args) {
        if (oneCommand) {
            return cli.execute(args);
        }
        if (args.length == 0 && System.console() != null) {
            for (CommandGroup g : groups()) {
                if (g.onTerminalWithoutArguments() != null) {
                    return cli.execute(g.onTerminalWithoutArguments());
                }
            }
        }
        if (args.length == 0) {
            cli.usage(cli.getOut());
            return ExitCodes.OK;
        }
        return cli.execute(args);
    }

    private static List<CommandGroup> groups;

    /** The command groups on the class path (META-INF/services/synack.cli.CommandGroup): the shell. */
    static synchronized List<CommandGroup> groups() {
        if (groups == null) {
            List<CommandGroup> found = new ArrayList<>();
            ServiceLoader.load(CommandGroup.class, Main.class.getClassLoader()).forEach(found::add);
            groups = List.copyOf(found);
        }
        return groups;
    }

    /**
     * Adds the command groups' commands to the model, before synack's own as help has always
     * listed them, so that they are there however the model is made (new CommandLine(new Main())
     * too) and synack.cli never names them.
     */
    public static final class Groups implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            if (groups().isEmpty()) {
                return spec;
            }
            Map<String, CommandLine> own = new LinkedHashMap<>(spec.subcommands());
            own.keySet().forEach(spec::removeSubcommand);
            for (CommandGroup g : groups()) {
                for (Object command : g.commands()) {
                    CommandLine sub = new CommandLine(command);
                    spec.addSubcommand(sub.getCommandName(), sub);
                }
            }
            own.forEach(spec::addSubcommand);
            return spec;
        }
    }

    /** The version from the jar's manifest, set by Maven. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"synack " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
