package synack.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** TCP/UDP port lists as users write them: 22,80,1000-2000 (ports 1-65535, in the order given, no repeats). */
public final class Ports {
    private Ports() {}

    public static List<Integer> parse(String spec) {
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
                from = one(p.substring(0, dash), spec);
                to = one(p.substring(dash + 1), spec);
                if (to < from) {
                    throw new IllegalArgumentException("port range " + p + " ends before it starts");
                }
            } else {
                from = one(p, spec);
                to = from;
            }
            for (int port = from; port <= to; port++) {
                out.add(port);
            }
        }
        return new ArrayList<>(out);
    }

    private static int one(String text, String spec) {
        if (!text.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + text + "' in '" + spec + "' is not a port (1-65535)");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        return port;
    }
}
