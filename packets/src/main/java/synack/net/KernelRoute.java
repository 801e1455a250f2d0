package synack.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import synack.wire.IpAddress;

/**
 * The kernel's answer for one destination, as {@code ip -j route get DST} prints it:
 * <pre>
 * [{"dst":"198.18.2.2","gateway":"198.18.1.1","dev":"c0","prefsrc":"198.18.1.2","flags":[],"uid":0,"cache":[]}]
 * [{"type":"local","dst":"127.0.0.1","dev":"lo","prefsrc":"127.0.0.1","flags":[],"uid":0,"cache":["local"]}]
 * [{"dst":"10.8.1.1","gateway":"10.7.0.1","dev":"d0","prefsrc":"10.7.0.2",...,"metrics":[{"mtu":1280}]}]
 * </pre>
 * {@code type} is "unicast" when the answer names none (iproute2 leaves it out then);
 * {@code gateway}, {@code prefsrc} and {@code from} are null when absent (prefsrc is absent when
 * the question gave {@code from}); {@code mtu} and {@code advmss} are 0 when the route sets none.
 * {@code how} is the answer in words, for the header line. An IPv6 answer has the same shape
 * ({@code "gateway":"fe80::1"}, and {@code "protocol":"ra"} when a router advertisement taught it).
 */
public record KernelRoute(String type, IpAddress destination, IpAddress gateway, String dev, IpAddress prefsrc, IpAddress from,
                          int mtu, int advmss, List<String> flags, String how) {
    public static final String UNICAST = "unicast";

    /** Parses one {@code ip -j route get} answer (an array holding one route object). */
    public static KernelRoute parse(String json) {
        Object v;
        try {
            v = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an ip -j route answer: " + e.getMessage(), e);
        }
        if (v instanceof List<?> list && list.size() == 1 && list.get(0) instanceof Map<?, ?> m) {
            return of(m);
        }
        if (v instanceof Map<?, ?> m) {
            return of(m);
        }
        throw new IllegalArgumentException("not an ip -j route answer: expected [{...}]");
    }

    static KernelRoute of(Map<?, ?> m) {
        String dst = text(m, "dst");
        String dev = text(m, "dev");
        if (dst == null || dev == null) {
            throw new IllegalArgumentException("not an ip -j route answer: no dst or dev in " + m);
        }
        if (m.get("via") instanceof Map<?, ?> via) { // an IPv4 route "via":{"family":"inet6","host":"fe80::1"} (RFC 5549)
            throw new IllegalArgumentException("the route to " + dst + " goes via the IPv6 next hop " + via.get("host")
                    + ": synack sends IPv4 only to an IPv4 next hop (ARP)");
        }
        String type = text(m, "type") != null ? text(m, "type") : UNICAST;
        IpAddress destination = IpAddress.parse(dst);
        IpAddress gateway = address(m, "gateway", destination);
        IpAddress prefsrc = address(m, "prefsrc", destination);
        IpAddress from = address(m, "from", destination);
        if (from != null && from.equals(IpAddress.parse("::"))) {
            from = null; // an IPv6 answer says "from":"::" when the question named none: no source asked
        }
        int mtu = 0;
        int advmss = 0;
        // "metrics":[{"mtu":1280}] (a locked mtu prints the same); a cached path MTU shows here too
        if (m.get("metrics") instanceof List<?> metrics) {
            for (Object o : metrics) {
                if (o instanceof Map<?, ?> mm) {
                    mtu = mm.get("mtu") instanceof Long l ? l.intValue() : mtu;
                    advmss = mm.get("advmss") instanceof Long l ? l.intValue() : advmss;
                }
            }
        }
        List<String> flags = new ArrayList<>();
        if (m.get("flags") instanceof List<?> fl) {
            fl.forEach(f -> flags.add(String.valueOf(f)));
        }
        StringBuilder how = new StringBuilder(type.equals(UNICAST) ? "" : type + " ").append(dst);
        if (from != null) {
            how.append(" from ").append(from);
        }
        if (gateway != null) {
            how.append(" via ").append(gateway);
        }
        how.append(" dev ").append(dev);
        if (prefsrc != null) {
            how.append(" src ").append(prefsrc);
        }
        if (mtu > 0) {
            how.append(" mtu ").append(mtu);
        }
        if (advmss > 0) {
            how.append(" advmss ").append(advmss);
        }
        return new KernelRoute(type, destination, gateway, dev, prefsrc, from, mtu, advmss, List.copyOf(flags),
                "the kernel's route: " + how);
    }

    private static String text(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    /** An address of the destination's family, or null (absent, or of the other family). */
    private static IpAddress address(Map<?, ?> m, String key, IpAddress destination) {
        String s = text(m, key);
        try {
            IpAddress a = s == null ? null : IpAddress.parse(s);
            return a != null && a.ipv6() == destination.ipv6() ? a : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean local() {
        return type.equals("local");
    }
}
