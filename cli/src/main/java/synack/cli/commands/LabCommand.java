package synack.cli.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import synack.cli.Home;
import synack.net.EnvironmentException;

@Command(name = "lab", mixinStandardHelpOptions = true, modelTransformer = LabCommand.PassThrough.class,
        description = {"Build, inspect or remove the throwaway test network of Linux network namespaces",
            "(client, a neighbour, a router, a server running nginx and dnsmasq, a DNS tree, an edge host behind",
            "an MTU-1280 link; addresses in 198.18.0.0/15)."},
        footer = {"", "Actions: up [--id ID] [--owner PID] | down [--id ID] | status | env | loss PERCENT | reap",
            "  | exec [client|peer|router|server|root|tld|auth|edge] -- CMD",
            "", "Environment (up): SYNACK_LAB_OFFLOADS=kernel (default: the kernel's veth offloads) or off (ethtool, every veth);",
            "  SYNACK_LAB_GRO=kernel or on (GRO on the client's c0). The env output records them as OFFLOADS and GRO.",
            "", "Example:", "  sudo synack lab up && sudo synack lab exec -- synack arp-resolve 198.18.1.1"})
public final class LabCommand implements Callable<Integer> {
    /**
     * Everything after the action goes to lab.sh as it is: its options (--id, --owner) and the
     * command of exec with its own options, not picocli's to parse (without this, "synack lab up
     * --id X" from an installed synack, which runs the jar, was an unknown option).
     */
    public static final class PassThrough implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().stopAtPositional(true).unmatchedOptionsArePositionalParams(true);
            return spec;
        }
    }

    @Parameters(paramLabel = "ACTION", arity = "0..*", description = "up, down, status, env, exec, loss, reap (default: status)")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path script = Home.dir().resolve("lab/lab.sh");
        if (!Files.isReadable(script)) {
            throw new EnvironmentException("lab script not found at " + script + " (run synack from its checkout)");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args.isEmpty() ? List.of("status") : args);
        // the environment (SYNACK_LAB_OFFLOADS, SYNACK_LAB_GRO) is inherited as it is
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
