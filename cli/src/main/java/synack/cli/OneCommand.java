package synack.cli;

import picocli.CommandLine;
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
import synack.cli.model.ModelReader;

/**
 * A one-liner's command model: the root and the one subcommand it invokes, not the dozen others
 * (nor the shell's, found with a ServiceLoader, nor JLine behind them). Building picocli's whole
 * model costs more than most exchanges take on the wire; a command's own model is the same
 * object either way, so it parses, helps and fails exactly as in the full model. Anything else
 * (no arguments, help, an unknown or misspelled name, the shell, docs) gets {@link Main#commandLine}.
 */
public final class OneCommand {
    private OneCommand() {
    }

    /** The small model for {@code args}, or null where only the full model answers as it always has. */
    static CommandLine forArgs(String[] args, RunContext context) {
        if (args.length == 0) {
            return null;
        }
        Object command = command(args[0]);
        if (command == null) {
            return null;
        }
        CommandLine root = root(context);
        // the model the build wrote from the command's annotations (synack.cli.model), or the annotations themselves
        CommandLine sub = null;
        try {
            sub = ModelReader.commandLine(command);
        } catch (RuntimeException e) {
            // a file that does not fit its class (classes compiled over a build's): what the annotations say, on a fresh object
            command = command(args[0]);
        }
        if (sub == null) {
            sub = new CommandLine(command);
        }
        root.addSubcommand(sub.getCommandName(), sub);
        return root;
    }

    /**
     * synack's own commands by name. A switch, not a map of lambdas: a lambda's first bootstrap
     * costs milliseconds that this path exists to save. OneCommandTest checks it against the full model.
     */
    public static Object command(String name) {
        switch (name) {
            case "arp-resolve": return new ArpResolveCommand();
            case "ndp-resolve": return new ArpResolveCommand(); // its alias: the name IPv6 users look for
            case "dns-resolve": return new DnsResolveCommand();
            case "handshake": return new HandshakeCommand();
            case "fin-teardown": return new FinTeardownCommand();
            case "syn-probe": return new SynProbeCommand();
            case "http-get": return new HttpGetCommand();
            case "explain": return new synack.cli.commands.ExplainCommand();
            case "demo": return new DemoCommand();
            case "lab": return new LabCommand();
            case "install": return new InstallCommand();
            default: return null;
        }
    }

    /** The root as the full model has it for a subcommand's run: name, -h/-V, the version; no subcommands. */
    private static CommandLine root(RunContext context) {
        Main main = new Main(context);
        try {
            CommandLine fromFile = ModelReader.commandLine(main);
            if (fromFile != null) {
                return fromFile;
            }
        } catch (RuntimeException e) {
            // as for the command's (forArgs)
        }
        CommandSpec spec = CommandSpec.wrapWithoutInspection(main);
        spec.name("synack");
        spec.mixinStandardHelpOptions(true);
        spec.versionProvider(new Main.Version());
        return new CommandLine(spec);
    }
}
