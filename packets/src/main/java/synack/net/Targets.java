package synack.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import synack.wire.Ip4;

/**
 * Parses IPv4 targets as users write them: an address (198.18.1.1), a CIDR block (198.18.1.0/24),
 * or a range (198.18.1.10-20 or 198.18.1.10-198.18.1.20). A block leaves out its network and
 * broadcast addresses, as arp-scan and nmap do (except /31 and /32).
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

    public static boolean isSweep(List<String> specs) {
        return specs.size() > 1 || specs.stream().anyMatch(s -> s.contains("/") || s.contains("-"));
    }
}
