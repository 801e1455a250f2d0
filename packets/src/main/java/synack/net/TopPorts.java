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
                    String[] f = words(line, 2);
                    p.add(Integer.parseInt(f[0]));
                    n.put(Integer.parseInt(f[0]), f[1] != null ? f[1] : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path services = Path.of("/etc/services");
        if (Files.isReadable(services)) {
            try {
                for (String line : Files.readAllLines(services, StandardCharsets.UTF_8)) {
                    int hash = line.indexOf('#');
                    String[] f = words(hash < 0 ? line : line.substring(0, hash), 2);
                    int slash = f[1] == null ? -1 : f[1].indexOf('/');
                    if (slash > 0 && f[1].substring(slash).equals("/tcp") && digits(f[1], slash)) {
                        n.put(Integer.parseInt(f[1].substring(0, slash)), f[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // names are decoration: a damaged /etc/services leaves the shipped ones
            }
        }
        ports = List.copyOf(p);
        names = n;
    }

    /**
     * The first {@code count} whitespace-separated words of a line (null where it has fewer). By hand, not with
     * split's regex: /etc/services is thousands of lines read on the first open port a sweep finds, and regex code
     * run that often is compiled by the JIT mid-sweep (about 35 ms of a sweep's main thread).
     */
    static String[] words(String line, int count) {
        String[] out = new String[count];
        int i = 0;
        for (int w = 0; w < count; w++) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == line.length()) {
                break;
            }
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            out[w] = line.substring(start, i);
        }
        return out;
    }

    private static boolean digits(String s, int end) {
        for (int i = 0; i < end; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return end > 0;
    }
}
