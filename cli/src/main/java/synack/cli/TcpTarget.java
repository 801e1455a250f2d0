package synack.cli;

import synack.wire.Ip4;

/** HOST and PORT arguments of the TCP commands, checked once. */
public final class TcpTarget {
    private TcpTarget() {}

    public static int host(String host) {
        if (Ip4.isAddress(host)) {
            return Ip4.parse(host);
        }
        if (host.matches("[0-9.]+")) {
            throw new UsageProblem("not an IPv4 address: " + host);
        }
        throw new UsageProblem("'" + host + "': give an IPv4 address (names are resolved by dns-resolve, which comes next)");
    }

    public static int port(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new UsageProblem(what + " must be 1-65535, not " + port);
        }
        return port;
    }
}
