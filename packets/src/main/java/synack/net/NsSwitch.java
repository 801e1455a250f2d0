package synack.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The order /etc/nsswitch.conf's {@code hosts:} line gives name lookups (nsswitch.conf(5)): each
 * source with the statuses after which the search stops ({@code [NOTFOUND=return]}; by default
 * only SUCCESS). Without a file or a hosts line, glibc's own default, {@code dns [!UNAVAIL=return]
 * files}: DNS, and the hosts file only when DNS cannot be asked.
 */
public record NsSwitch(List<Source> sources, String origin) {
    public static final Path DEFAULT = Path.of("/etc/nsswitch.conf");
    public static final String GLIBC_DEFAULT = "dns [!UNAVAIL=return] files";

    /** What a source's lookup came to (nsswitch.conf(5)'s STATUS). */
    public enum Status { SUCCESS, NOTFOUND, UNAVAIL, TRYAGAIN }

    /** A source by its name ("files", "dns", "resolve", "myhostname", ...), and after which statuses the search stops. */
    public record Source(String name, Set<Status> stopsOn) {
        public Source {
            stopsOn = stopsOn.isEmpty() ? EnumSet.noneOf(Status.class) : EnumSet.copyOf(stopsOn);
        }

        /** The hosts file. */
        public boolean files() {
            return name.equals("files");
        }

        /** A DNS query ("resolve", systemd-resolved's, asks the same stub resolver). */
        public boolean dns() {
            return name.equals("dns") || name.equals("resolve");
        }
    }

    public NsSwitch {
        sources = List.copyOf(sources);
    }

    public static NsSwitch read(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return glibcDefault("no " + file);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public static NsSwitch parse(String path, String text) {
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String l = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (l.toLowerCase(Locale.ROOT).startsWith("hosts:")) {
                String spec = l.substring("hosts:".length()).trim();
                return new NsSwitch(sources(spec), path + ": hosts: " + spec.replaceAll("\\s+", " "));
            }
        }
        return glibcDefault("no hosts line in " + path);
    }

    static NsSwitch glibcDefault(String why) {
        return new NsSwitch(sources(GLIBC_DEFAULT), why + ": glibc's default, " + GLIBC_DEFAULT);
    }

    /** "files [NOTFOUND=return] dns": the sources in order, each criterion on the source before it. */
    static List<Source> sources(String spec) {
        List<String> names = new ArrayList<>();
        List<Set<Status>> stops = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([^]]*)]|([^\\s\\[]+)").matcher(spec);
        while (m.find()) {
            if (m.group(2) != null) {
                names.add(m.group(2).toLowerCase(Locale.ROOT));
                stops.add(EnumSet.of(Status.SUCCESS));
            } else if (!names.isEmpty()) {
                Set<Status> s = stops.get(stops.size() - 1);
                for (String crit : m.group(1).trim().split("\\s+")) {
                    int eq = crit.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    boolean not = crit.startsWith("!");
                    Status status;
                    try {
                        status = Status.valueOf(crit.substring(not ? 1 : 0, eq).toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        continue; // a status we do not know: glibc ignores it too
                    }
                    boolean stop = crit.substring(eq + 1).equalsIgnoreCase("return");
                    for (Status t : not ? EnumSet.complementOf(EnumSet.of(status)) : EnumSet.of(status)) {
                        if (stop) {
                            s.add(t);
                        } else {
                            s.remove(t);
                        }
                    }
                }
            }
        }
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(new Source(names.get(i), stops.get(i)));
        }
        return out;
    }

    /**
     * The hosts file's address for {@code name} when the file is asked before any DNS source and
     * has it (no DNS query will be needed); else null.
     */
    public Integer fromFilesFirst(HostsFile hosts, String name) {
        for (Source s : sources) {
            if (s.dns()) {
                return null;
            }
            if (s.files()) {
                HostsFile.Entry e = hosts.lookup(name);
                return e == null ? null : e.address();
            }
        }
        return null;
    }

    /** Whether the lookup goes on after source {@code index} came to {@code status}, to a source after it. */
    public boolean continuesAfter(int index, Status status) {
        return index + 1 < sources.size() && !sources.get(index).stopsOn().contains(status);
    }
}
