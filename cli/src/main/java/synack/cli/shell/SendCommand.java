package synack.cli.shell;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import synack.cli.UsageProblem;
import synack.cli.commands.FinTeardownCommand;
import synack.exchange.tcp.TcpState;

/** Sends data on a kept connection; the segments and their ACKs are told as they happen. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send DATA on a kept connection (\\r \\n \\t are unescaped).")
public final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The connection (see: connections).")
    int id;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DATA", description = "What to send.")
    List<String> data;

    @Override
    public Integer call() throws InterruptedException {
        KeptConnections.Kept k = KeptConnections.get(id);
        if (k == null) {
            throw new UsageProblem("no open connection " + id + " (see: connections)");
        }
        if (k.state() != TcpState.ESTABLISHED && k.state() != TcpState.CLOSE_WAIT) {
            throw new UsageProblem("connection " + id + " is " + k.state() + ": nothing can be sent");
        }
        KeptConnections.send(k, FinTeardownCommand.unescape(String.join(" ", data)).getBytes(StandardCharsets.UTF_8));
        Thread.sleep(100); // let the segment and its ACK be told before the prompt returns
        return 0;
    }
}
