package synack.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/**
 * The hosts file (hosts(5)): an address, then its names, one line each; '#' starts a comment.
 * The first line naming a host answers for it, as glibc's files source does — per family: an
 * IPv4 line answers where an IPv4 address is wanted ({@code entries}), an IPv6 line where an
 * IPv6 one is ({@code entries6}; "::1 localhost ip6-localhost" is the usual one). An IPv6 line
 * with a scope id (fe80::1%eth0) is skipped: synack does not follow scope ids. {@code present}
 * is false when there was no file.
 */
public record HostsFile(String path, boolean present, Map<String, Entry> entries, Map<String, Entry> entries6) {
    /** An address and the line (from 1) that gave it. */
    public record Entry(IpAddress ip, int line) {
        public Entry(int address, int line) {
            this(IpAddress.of(address), line);
        }

        /** The IPv4 address (IPv4 callers: an IPv4 entry). */
        public int address() {
            return ip.v4();
        }
    }

    public static final Path DEFAULT = Path.of("/etc/hosts");

    public HostsFile {
        entries = Map.copyOf(entries);
        entries6 = Map.copyOf(entries6);
    }

    /** A hosts file with IPv4 entries only. */
    public HostsFile(String path, boolean present, Map<String, Entry> entries) {
        this(path, present, entries, Map.of());
    }

    public static HostsFile read(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return new HostsFile(file.toString(), false, Map.of());
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public static HostsFile parse(String path, String text) {
        Map<String, Entry> entries = new HashMap<>();
        Map<String, Entry> entries6 = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("[ \t]+");
            if (f.length < 2) {
                continue;
            }
            Map<String, Entry> into;
            IpAddress ip;
            if (Ip4.isAddress(f[0])) {
                into = entries;
                ip = IpAddress.of(Ip4.parse(f[0]));
            } else if (f[0].indexOf(':') >= 0 && IpAddress.isAddress(f[0])) {
                into = entries6;
                ip = IpAddress.parse(f[0]);
            } else {
                continue; // not an address (or one with a scope id): glibc skips such a line too
            }
            for (int n = 1; n < f.length; n++) {
                into.putIfAbsent(canonical(f[n]), new Entry(ip, i + 1));
            }
        }
        return new HostsFile(path, true, entries, entries6);
    }

    /** The IPv4 entry for a name (case does not matter, nor a trailing dot), or null. */
    public Entry lookup(String name) {
        return entries.get(canonical(name));
    }

    /** The entry of {@code family} for a name, or null. */
    public Entry lookup(String name, AddressFamily family) {
        return (family == AddressFamily.IPV6 ? entries6 : entries).get(canonical(name));
    }

    /** The step's words when the file has the name: "/etc/hosts: NAME is ADDR (line N) — no DNS query". */
    public String answerText(String name, Entry e) {
        return path + ": " + name + " is " + e.ip() + " (line " + e.line() + ") — no DNS query";
    }

    /** The step's data: the file, the name, the address and line (null when it has no entry), the order that asked it. */
    public Map<String, Object> fields(String name, Entry e, String order) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("hosts_file", path);
        f.put("name", name);
        f.put("address", e != null ? e.ip().toString() : null);
        f.put("line", e != null ? e.line() : null);
        f.put("nsswitch", order);
        return f;
    }

    private static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
