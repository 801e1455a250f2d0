package synack.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP ports most often found open (--top-ports N), from the list shipped in
 * synack/net/top-ports-tcp.txt (nmap's frequencies, see bench/top-ports.sh), and service names
 * for ports: /etc/services first, that list for the rest.
 */
public final class TopPorts {
    public static final int AVAILABLE = 1000;
    private static List<Integer> ports;
    private static Map<Integer, String> names;

    private TopPorts() {}

    /** The {@code n} most frequent ports, most frequent first. */
    public static synchronized List<Integer> top(int n) {
        if (n < 1 || n > AVAILABLE) {
            throw new IllegalArgumentException("--top-ports takes 1 to " + AVAILABLE + ", not " + n);
        }
        load();
        return ports.subList(0, n);
    }

    /** The service usually found on a TCP port ("http"), or "" when none is known. */
    public static synchronized String serviceName(int port) {
        load();
        return names.getOrDefault(port, "");
    }

    private static void load() {
        if (ports != null) {
            return;
        }
        List<Integer> p = new ArrayList<>();
        Map<Integer, String> n = new HashMap<>();
        try (InputStream in = TopPorts.class.getResourceAsStream("top-ports-tcp.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.trim().split("\\s+");
                    p.add(Integer.parseInt(f[0]));
                    n.put(Integer.parseInt(f[0]), f.length > 1 ? f[1] : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path services = Path.of("/etc/services");
        if (Files.isReadable(services)) {
            try {
                for (String line : Files.readAllLines(services, StandardCharsets.UTF_8)) {
                    String[] f = line.replaceAll("#.*", "").trim().split("\\s+");
                    if (f.length >= 2 && f[1].endsWith("/tcp") && f[1].matches("\\d+/tcp")) {
                        n.put(Integer.parseInt(f[1].substring(0, f[1].indexOf('/'))), f[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // names are decoration: a damaged /etc/services leaves the shipped ones
            }
        }
        ports = List.copyOf(p);
        names = n;
    }
}
