package synack.cli;

import picocli.CommandLine.Option;

/** Options of the commands that open a TCP connection by hand. */
// no @Command methods here: picocli need not look for them among every public method (Object's included)
@picocli.CommandLine.Command(addMethodSubcommands = false)
public final class TcpOptions {
    @Option(names = {"-p", "--source-port"}, paramLabel = "PORT",
            description = "Our source port (default: random in 61000-65535, outside the kernel's ephemeral range).")
    public Integer sourcePort;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5",
            description = "Retransmissions of a SYN, FIN or data segment before giving up (default: ${DEFAULT-VALUE}).")
    public int retries;

    @Option(names = "--rto", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Initial retransmission timeout, RFC 6298 (default: ${DEFAULT-VALUE}); doubled on each timeout.")
    public long initialRtoMicros;

    @Option(names = "--msl", paramLabel = "DURATION", defaultValue = "500ms", converter = DurationConverter.class,
            description = "Maximum segment lifetime; TIME_WAIT lasts 2MSL (default: ${DEFAULT-VALUE}, short for a tool; the RFC says 2 min).")
    public long mslMicros;

    @Option(names = "--relative", description = "Show sequence numbers relative to each side's ISN, like Wireshark.")
    public boolean relative;
}
