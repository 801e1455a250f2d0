package synack.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import synack.wire.Ip4;
import synack.wire.Ip6;
import synack.wire.IpAddress;

/**
 * Parses IPv4 targets as users write them: an address (198.18.1.1), a CIDR block (198.18.1.0/24),
 * or a range (198.18.1.10-20 or 198.18.1.10-198.18.1.20). A block leaves out its network and
 * broadcast addresses, as arp-scan and nmap do (except /31 and /32).
 *
 * <p>IPv6 targets ({@link #parse6}): an address (2001:db8::1, also in brackets), a prefix no
 * larger than a /112 (65,536 addresses; every address of it, as nmap -6 takes one: IPv6 has no
 * broadcast), or a range (2001:db8::1-2001:db8::ff, or 2001:db8::1-ff: the end's last group).
 * A /64 holds 2^64 addresses: no sweep can ask them all, and zmap and masscan refuse it too.
 */
public final class Targets {
    public static final int MAX_ADDRESSES = 65_536;

    private Targets() {}

    public static List<Integer> parse(List<String> specs) {
        Set<Integer> out = new LinkedHashSet<>();
        for (String spec : specs) {
            out.addAll(parse(spec));
            if (out.size() > MAX_ADDRESSES) {
                throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " addresses; split the sweep");
            }
        }
        return new ArrayList<>(out);
    }

    public static List<Integer> parse(String spec) {
        String s = spec.trim();
        if (s.contains("/")) {
            String[] parts = s.split("/", -1);
            int base = Ip4.parse(parts[0]);
            int prefix;
            try {
                prefix = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + spec + " (want 0-32)");
            }
            if (parts.length != 2 || prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("bad prefix length in " + spec + " (want 0-32)");
            }
            if (prefix < 16) {
                throw new IllegalArgumentException(spec + " holds " + (1L << (32 - prefix)) + " addresses; the limit is /16");
            }
            int mask = Ip4.mask(prefix);
            long first = Integer.toUnsignedLong(base & mask);
            long last = first + (1L << (32 - prefix)) - 1;
            if (prefix <= 30) {
                first++;
                last--;
            }
            return range(first, last);
        }
        if (s.contains("-")) {
            String[] parts = s.split("-", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("bad range " + spec + " (want 198.18.1.10-20 or A-B)");
            }
            int start = Ip4.parse(parts[0]);
            int end;
            if (Ip4.isAddress(parts[1])) {
                end = Ip4.parse(parts[1]);
            } else if (parts[1].matches("\\d{1,3}") && Integer.parseInt(parts[1]) <= 255) {
                end = (start & 0xffffff00) | Integer.parseInt(parts[1]);
            } else {
                throw new IllegalArgumentException("bad range end in " + spec);
            }
            if (Integer.compareUnsigned(end, start) < 0) {
                throw new IllegalArgumentException("range " + spec + " ends before it starts");
            }
            long count = Integer.toUnsignedLong(end) - Integer.toUnsignedLong(start) + 1;
            if (count > MAX_ADDRESSES) {
                throw new IllegalArgumentException("range " + spec + " holds " + count + " addresses; the limit is " + MAX_ADDRESSES);
            }
            return range(Integer.toUnsignedLong(start), Integer.toUnsignedLong(end));
        }
        return List.of(Ip4.parse(s));
    }

    private static List<Integer> range(long first, long last) {
        List<Integer> out = new ArrayList<>((int) Math.max(0, last - first + 1));
        for (long a = first; a <= last; a++) {
            out.add((int) a);
        }
        return out;
    }

    /** Whether a target is written as IPv6: brackets, or two colons at least (every IPv6 text has; 198.18.2.2:80 has one). */
    public static boolean isIpv6(String spec) {
        return spec.startsWith("[") || spec.indexOf(':') != spec.lastIndexOf(':');
    }

    /** The smallest IPv6 prefix length a sweep takes: a /112 holds 65,536 addresses. */
    public static final int MIN_IPV6_PREFIX = 112;

    /** An IPv6 target: an address, a prefix of at most 65,536 addresses, or a range (see the class comment). */
    public static List<IpAddress> parse6(String spec) {
        String s = spec.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + spec + "' opens a bracket it does not close (want [2001:db8::1])");
            }
            String after = s.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith("/") && !after.startsWith("-")) {
                throw new IllegalArgumentException("'" + spec + "': after the brackets only /LENGTH or -END"
                        + (after.startsWith(":") ? " (ports go in -p)" : ""));
            }
            s = s.substring(1, close) + after;
        }
        if (s.contains("/")) {
            String[] parts = s.split("/", -1);
            if (parts.length != 2 || !parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) > 128) {
                throw new IllegalArgumentException("bad prefix length in " + spec + " (want 112-128)");
            }
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < MIN_IPV6_PREFIX) {
                throw new IllegalArgumentException(spec + " holds 2^" + (128 - prefix) + " addresses: a sweep takes at most a /112 (65,536),"
                        + " as no sweep can ask a /64's 2^64 (zmap and masscan do not either)");
            }
            IpAddress base = address6(parts[0], spec);
            long mask = prefix == 128 ? -1L : ~((1L << (128 - prefix)) - 1);
            return range6(base.high(), base.low() & mask, 1L << (128 - prefix));
        }
        if (s.contains("-")) {
            String[] parts = s.split("-", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("bad range " + spec + " (want 2001:db8::1-2001:db8::ff or 2001:db8::1-ff)");
            }
            IpAddress start = address6(parts[0], spec);
            IpAddress end;
            if (parts[1].indexOf(':') >= 0) {
                end = address6(parts[1], spec);
            } else if (parts[1].matches("[0-9A-Fa-f]{1,4}")) {
                end = new IpAddress(true, start.high(), (start.low() & ~0xffffL) | Long.parseLong(parts[1], 16));
            } else {
                throw new IllegalArgumentException("bad range end in " + spec + " (want an address or the last group, as in 2001:db8::1-ff)");
            }
            if (end.compareTo(start) < 0) {
                throw new IllegalArgumentException("range " + spec + " ends before it starts");
            }
            if (end.high() != start.high() || Long.compareUnsigned(end.low() - start.low(), MAX_ADDRESSES) >= 0) {
                throw new IllegalArgumentException("range " + spec + " holds more than " + MAX_ADDRESSES + " addresses; the limit is "
                        + MAX_ADDRESSES);
            }
            return range6(start.high(), start.low(), end.low() - start.low() + 1);
        }
        return List.of(address6(s, spec));
    }

    /**
     * Targets of either family as written (IPv4 as {@link #parse(String)}, IPv6 as {@link #parse6}),
     * deduplicated in order. One family per run: a sweep sends one kind of frame from one source.
     */
    public static List<IpAddress> parseAddresses(List<String> specs) {
        Set<IpAddress> out = new LinkedHashSet<>();
        for (String spec : specs) {
            List<IpAddress> added = new ArrayList<>();
            if (isIpv6(spec)) {
                added.addAll(parse6(spec));
            } else {
                for (int a : parse(spec)) {
                    added.add(IpAddress.of(a));
                }
            }
            checkOneFamily(out.isEmpty() ? null : out.iterator().next(), added);
            out.addAll(added);
            if (out.size() > MAX_ADDRESSES) {
                throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " addresses; split the sweep");
            }
        }
        return new ArrayList<>(out);
    }

    /** Throws unless every address is of the first one's family. */
    public static void checkOneFamily(java.util.Collection<IpAddress> addresses) {
        checkOneFamily(null, addresses);
    }

    /** Throws unless every address {@code added} is of {@code first}'s family (null: the first added one's): linear, per argument. */
    public static void checkOneFamily(IpAddress first, java.util.Collection<IpAddress> added) {
        for (IpAddress a : added) {
            if (first == null) {
                first = a;
            } else if (a.ipv6() != first.ipv6()) {
                IpAddress v4 = first.ipv6() ? a : first;
                IpAddress v6 = first.ipv6() ? first : a;
                throw new IllegalArgumentException("one family per sweep: " + v4 + " is IPv4 and " + v6
                        + " is IPv6; sweep them in two runs");
            }
        }
    }

    private static IpAddress address6(String text, String spec) {
        if (!Ip6.isAddress(text)) {
            throw new IllegalArgumentException("'" + text + "' in " + spec + " is not an IPv6 address");
        }
        return IpAddress.of(Ip6.parse(text));
    }

    private static List<IpAddress> range6(long high, long firstLow, long count) {
        List<IpAddress> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            out.add(new IpAddress(true, high, firstLow + i));
        }
        return out;
    }

    public static boolean isSweep(List<String> specs) {
        return specs.size() > 1 || specs.stream().anyMatch(s -> s.contains("/") || s.contains("-"));
    }
}
