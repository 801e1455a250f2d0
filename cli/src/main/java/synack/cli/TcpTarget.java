package synack.cli;

import synack.wire.Ip6;
import synack.wire.IpAddress;

/** HOST and PORT arguments of the TCP commands, checked once. */
public final class TcpTarget {
    private TcpTarget() {}

    /** An IPv4 or IPv6 address (an IPv6 one also in URL brackets: [2001:db8::2]). */
    public static IpAddress host(String host) {
        if (host.startsWith("[") != host.endsWith("]")) {
            throw new UsageProblem("'" + host + "': an unclosed bracket: give an IPv6 address bare or in brackets ([2001:db8::2])");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (IpAddress.isAddress(h)) {
            return IpAddress.parse(h);
        }
        if (h.matches("[0-9.]+")) {
            throw new UsageProblem("not an IPv4 address: " + host);
        }
        if (h.indexOf(':') >= 0) {
            String why;
            try {
                Ip6.parse(h);
                why = "";
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
            throw new UsageProblem(why.isEmpty() ? "not an IPv6 address: " + host : why);
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
