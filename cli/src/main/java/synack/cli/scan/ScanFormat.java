package synack.cli.scan;

import java.util.Locale;
import java.util.Map;
import synack.net.TopPorts;

/**
 * How each port found is written as it arrives: the human line, a plain host:port list for
 * pipes, or nmap's greppable line (one per port, as masscan -oG writes it).
 */
public enum ScanFormat {
    TEXT, LIST, GREP;

    /** --format's value; anything else is the user's mistake. */
    public static ScanFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "list" -> LIST;
            case "grep", "greppable" -> GREP;
            default -> throw new synack.cli.UsageProblem("--format is text, list or grep, not '" + text + "'");
        };
    }

    /** The line for one port from the answer's fields (host, port, state, reason, ttl, rtt_ms). */
    public String line(Map<String, Object> f, boolean withState) {
        String host = String.valueOf(f.get("host"));
        int port = ((Number) f.get("port")).intValue();
        // an IPv6 host takes brackets before its port (RFC 3986, as curl and ss write it); nmap's -oG line names the host alone
        String hostPort = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        String state = String.valueOf(f.get("state"));
        // a list names no service: the services file is read only for the formats that show one
        return switch (this) {
            case LIST -> hostPort + (withState ? " " + state : "");
            case GREP -> "Host: " + host + " ()\tPorts: " + port + "/" + state + "/tcp//" + TopPorts.serviceName(port) + "///"; // nmap -oG: port/state/proto/owner/service/rpc/version/
            case TEXT -> String.format(Locale.ROOT, "%-8s %-21s %-14s %s%s%s", state, hostPort + "/tcp",
                    TopPorts.serviceName(port).isEmpty() ? "-" : TopPorts.serviceName(port), f.get("reason"), f.get("ttl") == null ? "" : " ttl " + f.get("ttl"),
                    f.get("rtt_ms") == null ? "" : String.format(Locale.ROOT, " rtt %.2f ms", ((Number) f.get("rtt_ms")).doubleValue()));
        };
    }
}
