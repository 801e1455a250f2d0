package synack.cli.commands;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import synack.cli.LiveOptions;
import synack.cli.LiveRun;
import synack.cli.TcpOptions;
import synack.cli.TcpRun;
import synack.cli.TcpTarget;
import synack.cli.UsageProblem;
import synack.exchange.tcp.TcpConversation;

@Command(name = "handshake", sortOptions = false, mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Open a TCP connection by hand — SYN, SYN,ACK, ACK — and narrate each segment with its",
            "seq/ack arithmetic (ack = their seq + 1), window and options, our states as measured and the",
            "server's as inferred (LISTEN → SYN_RECEIVED → ESTABLISHED). Then close politely (FIN), or --rst."},
        footer = {"", "Exit status: 0 established, 1 refused (RST) or reset, 2 usage, 3 environment, 4 no answer, 130 interrupted.",
            "", "Examples:", "  synack handshake 198.18.2.2 80", "  synack handshake --rst --relative 198.18.2.2 80"})
public final class HandshakeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 or IPv6 address of the server.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "TCP port of the server.")
    int port;

    @Option(names = "--rst", description = "Abort with RST once established instead of the four-way close.")
    boolean rst;

    @Option(names = "--keep", description = "In synack shell: keep the connection open between commands (see: connections, send, fin-teardown ID).")
    boolean keep;

    @Mixin
    TcpOptions tcp;

    @Mixin
    LiveOptions live;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        synack.wire.IpAddress peer = TcpTarget.host(host);
        TcpTarget.port(port, "PORT");
        if (tcp.sourcePort != null) {
            TcpTarget.port(tcp.sourcePort, "--source-port");
        }
        LiveRun run = LiveRun.of(spec, live);
        if (keep && !run.keeper().keepsConnections()) {
            throw new UsageProblem("--keep keeps a connection open for the next commands: use it in synack shell");
        }
        var renderer = run.narration("handshake", tcp.relative);
        if (keep) {
            return TcpRun.keep(run, tcp, renderer, peer, port);
        }
        return TcpRun.conversation(run, "handshake", tcp, renderer, peer, port,
                new TcpConversation.Plan(new byte[0], rst ? TcpConversation.Ending.RST : TcpConversation.Ending.CLOSE, 0, "handshake"));
    }
}
