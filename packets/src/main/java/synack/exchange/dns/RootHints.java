package synack.exchange.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.wire.Ip4;

/**
 * Where iterative resolution starts: the root servers' names and IPv4 addresses, read from a
 * hints file in zone-file form (". NS a.root-servers.net." and "a.root-servers.net. A 198.41.0.4"),
 * as Debian's dns-root-data ships it and as the lab writes its own.
 */
public record RootHints(List<Server> servers) {
    public record Server(String name, int ip) {}

    public static final Path DEBIAN = Path.of("/usr/share/dns/root.hints");

    public static RootHints read(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        Map<String, Integer> addresses = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.replaceAll(";.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            // owner [ttl] [class] type rdata
            int i = 1;
            while (i < f.length - 1 && (f[i].matches("\\d+") || f[i].equalsIgnoreCase("IN"))) {
                i++;
            }
            if (i >= f.length - 1) {
                continue;
            }
            String type = f[i].toUpperCase(Locale.ROOT);
            String owner = f[0].toLowerCase(Locale.ROOT);
            if (type.equals("NS") && owner.equals(".")) {
                names.add(absolute(f[i + 1]));
            } else if (type.equals("A") && Ip4.isAddress(f[i + 1])) {
                addresses.putIfAbsent(absolute(owner), Ip4.parse(f[i + 1]));
            }
        }
        List<Server> servers = new ArrayList<>();
        for (String n : names) {
            Integer ip = addresses.get(n);
            if (ip != null) {
                servers.add(new Server(n, ip));
            }
        }
        if (servers.isEmpty()) {
            throw new IOException("no root server with an IPv4 address in " + file);
        }
        return new RootHints(servers);
    }

    static String absolute(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }
}
