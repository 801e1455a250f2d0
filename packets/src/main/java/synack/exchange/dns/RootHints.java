package synack.exchange.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.net.AddressFamily;
import synack.wire.Ip4;
import synack.wire.Ip6;
import synack.wire.IpAddress;

/**
 * Where iterative resolution starts: the root servers' names and addresses of both families, read
 * from a hints file in zone-file form (". NS a.root-servers.net.", "a.root-servers.net. A
 * 198.41.0.4" and "... AAAA 2001:503:ba3e::2:30"), as Debian's dns-root-data ships it and as the
 * lab writes its own. A server with both addresses is two entries: its IPv4 one first, as dig
 * +trace asks IPv4 first when it may use either.
 */
public record RootHints(List<Server> servers) {
    /** A name server and one of its addresses (of either family). */
    public record Server(String name, IpAddress ip) {
        /** A server at an IPv4 address. */
        public Server(String name, int ipv4) {
            this(name, IpAddress.of(ipv4));
        }
    }

    public static final Path DEBIAN = Path.of("/usr/share/dns/root.hints");

    public RootHints {
        servers = List.copyOf(servers);
    }

    /** The root servers reachable over one family, in the file's order. */
    public List<Server> of(AddressFamily family) {
        return servers.stream().filter(s -> family.holds(s.ip())).toList();
    }

    public static RootHints read(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        Map<String, IpAddress> v4 = new LinkedHashMap<>();
        Map<String, IpAddress> v6 = new LinkedHashMap<>();
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
            String data = f[i + 1];
            if (type.equals("NS") && owner.equals(".")) {
                names.add(absolute(data));
            } else if (type.equals("A") && Ip4.isAddress(data)) {
                v4.putIfAbsent(absolute(owner), IpAddress.parse(data));
            } else if (type.equals("AAAA") && Ip6.isAddress(data)) {
                v6.putIfAbsent(absolute(owner), IpAddress.parse(data));
            }
        }
        List<Server> servers = new ArrayList<>();
        for (String n : names) {
            if (v4.containsKey(n)) {
                servers.add(new Server(n, v4.get(n)));
            }
            if (v6.containsKey(n)) {
                servers.add(new Server(n, v6.get(n)));
            }
        }
        if (servers.isEmpty()) {
            throw new IOException("no root server with an address (A or AAAA) in " + file);
        }
        return new RootHints(servers);
    }

    static String absolute(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }
}
