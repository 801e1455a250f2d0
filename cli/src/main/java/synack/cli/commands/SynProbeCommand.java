package synack.cli.commands;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import synack.cli.DurationConverter;
import synack.cli.LiveOptions;
import synack.cli.LiveSession;
import synack.cli.Narration;
import synack.cli.TcpRun;
import synack.cli.TcpTarget;
import synack.cli.UsageProblem;
import synack.exchange.Clock;
import synack.exchange.tcp.SynProbe;
import synack.net.Ports;
import synack.net.Route;
import synack.wire.Ip4;
import synack.wire.MacAddress;

@Command(name = "syn-probe", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Half-open probes: a SYN to each port, no handshake. SYN,ACK → open (then RST, so the server",
            "frees its SYN_RECEIVED slot); RST → closed; ICMP unreachable → filtered (type and code shown);",
            "silence after every retry → filtered. Results as they arrive, with the RTT of each answer."},
        footer = {"", "Exit status: 0 every port open, 1 some port closed or filtered, 2 usage, 3 environment,",
            "4 no answer at all, 130 interrupted.", "", "Examples:", "  synack syn-probe 198.18.2.2 -p 80",
            "  synack syn-probe -q 198.18.2.2 -p 22,80-83"})
public final class SynProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 address to probe.")
    String host;

    @Option(names = {"-p", "--ports"}, paramLabel = "PORTS", required = true,
            description = "Ports: a list and ranges, e.g. 22,80,1000-2000.")
    String ports;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "1",
            description = "Extra SYNs to a silent port (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Wait for answers after each round of SYNs (default: ${DEFAULT-VALUE}).")
    long timeoutMicros;

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "1000",
            description = "SYNs per second at most (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--source-port", paramLabel = "PORT",
            description = "Our source port (default: random in 61000-65535).")
    Integer sourcePort;

    @Mixin
    LiveOptions live;

    @Override
    public Integer call() {
        int peer = TcpTarget.host(host);
        List<Integer> portList;
        try {
            portList = Ports.parse(ports);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        if (retries < 0 || retries > 10) {
            throw new UsageProblem("--retries must be 0 to 10, not " + retries);
        }
        if (rate < 1 || rate > 100_000) {
            throw new UsageProblem("--rate must be 1 to 100000 SYNs per second, not " + rate);
        }
        var renderer = Narration.forOptions(live, "syn-probe", Clock.SYSTEM.nowMicros());
        Route route = TcpRun.route(live, peer);
        boolean owns = TcpRun.ownsSource(live, route);
        int sport = sourcePort != null ? TcpTarget.port(sourcePort, "--source-port") : TcpRun.randomSourcePort();
        String filter = "tcp and src host " + Ip4.toString(peer) + " and dst port " + sport;
        try (LiveSession session = TcpRun.open(live, renderer, route, peer, owns, filter)) {
            session.header("syn-probe " + Ip4.toString(peer) + " ports " + ports + " from " + Ip4.toString(route.source()) + ":"
                    + sport + " " + route.describe() + " — " + (retries + 1) + " SYN" + (retries == 0 ? "" : "s")
                    + " at most per port, at most " + rate + "/s", Map.of("interface", route.via().name()));
            MacAddress hop = TcpRun.resolveNextHop(session, route, renderer);
            if (hop == null) {
                return renderer.exitCode() < 0 ? 130 : renderer.exitCode();
            }
            TcpRun.guardAgainstKernelRst(session, owns, sport);
            SynProbe probe = new SynProbe(new SynProbe.Path(route.via().mac(), hop, route.source(), peer, sport, TcpRun.randomIsn()),
                    portList, new SynProbe.Settings(retries, timeoutMicros, 1_000_000L / rate), 1);
            return session.run(probe);
        }
    }
}
