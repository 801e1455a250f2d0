package synack.cli.commands;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import synack.cli.DurationConverter;
import synack.cli.ExitCodes;
import synack.cli.Interrupts;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.TcpOptions;
import synack.cli.TcpRun;
import synack.cli.TcpTarget;
import synack.cli.UsageProblem;
import synack.exchange.tcp.TcpConversation;

@Command(name = "fin-teardown", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Open a TCP connection and close it, narrating the close the wire shows: the active close",
            "(FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT → CLOSED), the peer's FIN riding on its ACK (FIN_WAIT_1 →",
            "TIME_WAIT), a simultaneous close (CLOSING), or the passive close when the server closes first",
            "(CLOSE_WAIT → LAST_ACK), e.g. after --send to a server that answers and closes."},
        footer = {"", "Exit status: 0 closed cleanly, 1 refused, reset or the peer never closed (FIN_WAIT_2 ends after 2MSL or 1.5 s of silence, whichever is longer), 2 usage, 3 environment, 4 no answer, 130 interrupted.",
            "", "Examples:", "  synack fin-teardown 198.18.2.2 80",
            "  synack fin-teardown --send 'GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' 198.18.2.2 80"})
public final class FinTeardownCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 or IPv6 address of the server (in synack shell: or the ID of a kept connection).")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", arity = "0..1", description = "TCP port of the server.")
    Integer port;

    @Option(names = "--send", paramLabel = "DATA",
            description = "Send DATA once established (\\r \\n \\t and \\\\ are unescaped), then wait for the server.")
    String send;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "500ms", converter = DurationConverter.class,
            description = "After the last data, how long the server may take to close first before we do (default: ${DEFAULT-VALUE}).")
    long waitMicros;

    @Mixin
    TcpOptions tcp;

    @Mixin
    LiveOptions live;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LiveRun run = LiveRun.of(spec, live);
        if (port == null) {
            return closeKept(run);
        }
        synack.wire.IpAddress peer = TcpTarget.host(host);
        TcpTarget.port(port, "PORT");
        if (tcp.sourcePort != null) {
            TcpTarget.port(tcp.sourcePort, "--source-port");
        }
        byte[] data = send == null ? new byte[0] : unescape(send).getBytes(StandardCharsets.UTF_8);
        var renderer = run.narration("fin-teardown", tcp.relative);
        return TcpRun.conversation(run, "fin-teardown", tcp, renderer, peer, port,
                new TcpConversation.Plan(data, TcpConversation.Ending.CLOSE, waitMicros, "fin-teardown"));
    }

    /** fin-teardown ID in the shell: the four-way close of a connection kept open by handshake --keep. */
    private int closeKept(LiveRun run) {
        int id = host.matches("\\d{1,6}") ? Integer.parseInt(host) : -1;
        if (id < 0 || !run.keeper().holds(id)) {
            throw new UsageProblem(run.keeper().keepsConnections()
                    ? "no open connection " + host + " (see: connections), or give HOST PORT"
                    : "missing PORT (a connection ID works only in synack shell)");
        }
        var result = run.keeper().close(id, Interrupts::requested);
        if (result == null) {
            return ExitCodes.INTERRUPTED;
        }
        // the close was told as it happened, on the connection's own renderer; its result is this command's
        run.narration("fin-teardown").accept(result);
        return ExitCodes.of(result.verdict());
    }

    public static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> sb.append('\r');
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case '\\' -> sb.append('\\');
                    default -> sb.append('\\').append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
