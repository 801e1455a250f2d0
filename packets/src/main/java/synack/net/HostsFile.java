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

/**
 * The hosts file (hosts(5)): an address, then its names, one line each; '#' starts a comment.
 * The first line naming a host answers for it, as glibc's files source does. IPv6 lines are
 * skipped (we ask for A records only). {@code present} is false when there was no file.
 */
public record HostsFile(String path, boolean present, Map<String, Entry> entries) {
    /** An address and the line (from 1) that gave it. */
    public record Entry(int address, int line) {}

    public static final Path DEFAULT = Path.of("/etc/hosts");

    public HostsFile {
        entries = Map.copyOf(entries);
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
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("[ \t]+");
            if (f.length < 2 || !Ip4.isAddress(f[0])) {
                continue;
            }
            int ip = Ip4.parse(f[0]);
            for (int n = 1; n < f.length; n++) {
                entries.putIfAbsent(canonical(f[n]), new Entry(ip, i + 1));
            }
        }
        return new HostsFile(path, true, entries);
    }

    /** The entry for a name (case does not matter, nor a trailing dot), or null. */
    public Entry lookup(String name) {
        return entries.get(canonical(name));
    }

    /** The step's words when the file has the name: "/etc/hosts: NAME is ADDR (line N) — no DNS query". */
    public String answerText(String name, Entry e) {
        return path + ": " + name + " is " + Ip4.toString(e.address()) + " (line " + e.line() + ") — no DNS query";
    }

    /** The step's data: the file, the name, the address and line (null when it has no entry), the order that asked it. */
    public Map<String, Object> fields(String name, Entry e, String order) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("hosts_file", path);
        f.put("name", name);
        f.put("address", e != null ? Ip4.toString(e.address()) : null);
        f.put("line", e != null ? e.line() : null);
        f.put("nsswitch", order);
        return f;
    }

    private static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
