package synack.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * TCP/UDP port lists as users write them: 22,80,1000-2000 (ports 1-65535, in the order given, no
 * repeats). A scan may also ask port 0 and write "-" for all of 0-65535, as masscan counts them.
 */
public final class Ports {
    private Ports() {}

    public static List<Integer> parse(String spec) {
        return parse(spec, false);
    }

    /** As {@link #parse(String)}; with {@code scan}, port 0 is allowed and "-" means all 65,536 ports. */
    public static List<Integer> parse(String spec, boolean scan) {
        if (scan && spec != null && spec.trim().equals("-")) {
            List<Integer> all = new ArrayList<>(65536);
            for (int p = 0; p <= 65535; p++) {
                all.add(p);
            }
            return all;
        }
        int lowest = scan ? 0 : 1;
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no ports given (try -p 22,80,1000-2000)");
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty item in port list '" + spec + "'");
            }
            int dash = p.indexOf('-');
            int from;
            int to;
            if (dash >= 0) {
                from = one(p.substring(0, dash), spec, lowest);
                to = one(p.substring(dash + 1), spec, lowest);
                if (to < from) {
                    throw new IllegalArgumentException("port range " + p + " ends before it starts");
                }
            } else {
                from = one(p, spec, lowest);
                to = from;
            }
            for (int port = from; port <= to; port++) {
                out.add(port);
            }
        }
        return new ArrayList<>(out);
    }

    private static int one(String text, String spec, int lowest) {
        if (!text.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + text + "' in '" + spec + "' is not a port (" + lowest + "-65535)");
        }
        int port = Integer.parseInt(text);
        if (port < lowest || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside " + lowest + "-65535");
        }
        return port;
    }
}
