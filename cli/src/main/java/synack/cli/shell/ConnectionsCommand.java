package synack.cli.shell;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The shell's kept connections with their states. */
@Command(name = "connections", mixinStandardHelpOptions = true, description = "List the connections kept open (handshake --keep).")
public final class ConnectionsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var all = KeptConnections.all();
        if (all.isEmpty()) {
            System.out.println("no open connections (open one with: handshake --keep HOST PORT)");
        }
        for (KeptConnections.Kept k : all) {
            var c = k.conversation.control().connection();
            System.out.printf("%3d  %-22s client %-12s server %-12s (inferred)  %d bytes received%n", k.id(), k.peer(), c.state(),
                    c.peerState(), c.receivedBytes());
        }
        return 0;
    }
}
