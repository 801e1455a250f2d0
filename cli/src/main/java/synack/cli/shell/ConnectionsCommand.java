package synack.cli.shell;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The shell's kept connections with their states. */
@Command(name = "connections", mixinStandardHelpOptions = true, description = "List the connections kept open (handshake --keep).")
public final class ConnectionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var all = KeptConnections.all();
        if (all.isEmpty()) {
            out.println("no open connections (open one with: handshake --keep HOST PORT)");
        }
        for (KeptConnections.Kept k : all) {
            var c = k.conversation.control().connection();
            out.printf(java.util.Locale.ROOT, "%3d  %-22s client %-12s server %-12s (inferred)  %d bytes received%n", k.id(), k.peer(), c.state(),
                    c.peerState(), c.receivedBytes());
        }
        out.flush();
        return 0;
    }
}
