package synack.cli;

import synack.wire.IpAddress;

/** HOST and PORT arguments of the TCP commands, checked once. */
public final class TcpTarget {
    private TcpTarget() {}

    /** An IPv4 or IPv6 address (an IPv6 one also in URL brackets: [2001:db8::2]). */
    public static IpAddress host(String host) {
        IpAddress a;
        try {
            a = IpAddress.literal(host);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        if (a != null) {
            return a;
        }
        if (host.matches("[0-9.]+")) {
            throw new UsageProblem("not an IPv4 address: " + host);
        }
        throw new UsageProblem("'" + host + "': give an IPv4 or IPv6 address (names are resolved by dns-resolve, which comes next)");
    }

    public static int port(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new UsageProblem(what + " must be 1-65535, not " + port);
        }
        return port;
    }
}
