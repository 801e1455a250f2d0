package synack.cli;

import picocli.CommandLine.Option;

/** Options every live command shares: where to send from, how to tell it, where to record it. */
// no @Command methods here: picocli need not look for them among every public method (Object's included)
@picocli.CommandLine.Command(addMethodSubcommands = false)
public final class LiveOptions {
    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
            description = "Send and capture on this interface (default: the one the routing table chooses).")
    public String interfaceName;

    @Option(names = {"-S", "--source"}, paramLabel = "ADDR", converter = IpAddressConverter.class,
            description = "Source address, IPv4 or IPv6, of the target's family (default: the one the kernel would choose); "
                    + "the route is the kernel's from it (ip route get DST from ADDR).")
    public synack.wire.IpAddress source;

    /** -S where only an IPv4 one can be meant (the caller has checked the family); null without -S. */
    public Integer source4() {
        return source == null ? null : source.v4();
    }

    @Option(names = {"-w", "--write"}, paramLabel = "FILE.pcap",
            description = "Write every frame sent and received to a pcap file (tcpdump, Wireshark).")
    public String pcapFile;

    @Option(names = "--json", description = "One JSON object per event per line, nothing else on stdout.")
    public boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print the result only.")
    public boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Every frame and every field; twice (-vv) adds hex.")
    public boolean[] verbose = new boolean[0];

    @Option(names = "--explain", description = "Under each state change, one line of why, in the RFC's reasoning.")
    public boolean explain;

    @Option(names = "--no-color", description = "No colour even on a terminal (NO_COLOR in the environment does the same).")
    public boolean noColor;

    @Option(names = "--debug", description = "Show stack traces of unexpected errors.")
    public boolean debug;
}
