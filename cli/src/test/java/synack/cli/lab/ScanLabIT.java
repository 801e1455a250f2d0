package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * syn-probe sweeps against the lab's real kernels: every port of the server (nginx and dnsmasq
 * listening on 1, 53, 80, 443, 8080, 31337 and 65535), the DNS tree's nsd hosts, shards, and a
 * lossy router. The oracle for "open" is the host's own list of listening sockets (ss), not a
 * list written in this test.
 */
class ScanLabIT {
    static Lab lab;

    @BeforeAll
    static void up() {
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        lab.assertNoFirewallRuleLeft();
        // every SYN,ACK was answered with our RST: the server holds no half-open connection for us.
        // Under loss a RST can be lost too; the server's next SYN,ACK (after 1 s) then meets our
        // kernel's RST, as the firewall rule is gone: allow it that long.
        Lab.Result half = null;
        for (int i = 0; i < 30; i++) {
            half = lab.in("server", "ss", "-Htn", "state", "syn-recv");
            if (half.out().isBlank()) {
                return;
            }
            Lab.sleep(200);
        }
        assertEquals("", half.out().trim(), "half-open connections left on the server:\n" + half);
    }

    /** host:port for every TCP socket listening on {@code address} (or on all addresses) in a namespace. */
    static Set<String> listening(String role, String address) {
        Lab.Result ss = lab.in(role, "ss", "-Hltn");
        assertEquals(0, ss.exit(), ss.toString());
        Set<String> out = new TreeSet<>();
        for (String line : ss.out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            String local = f[3];
            String ip = local.substring(0, local.lastIndexOf(':'));
            if (ip.equals(address) || ip.equals("0.0.0.0") || ip.equals("*")) {
                out.add(address + ":" + local.substring(local.lastIndexOf(':') + 1));
            }
        }
        return out;
    }

    static Set<String> lines(Lab.Result r) {
        return r.out().lines().filter(l -> !l.isBlank()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aFullPortSweepFindsExactlyTheListeningPorts() {
        Set<String> expected = listening("server", "198.18.2.2");
        assertTrue(expected.size() >= 7, "the lab's server listens on its sweep ports: " + expected);
        Lab.Result r = lab.synack("syn-probe", "198.18.2.2", "-p-", "--rate", "20000", "--format", "list");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(expected, lines(r), r.toString());
        // the summary goes to stderr, stdout stays a clean list
        assertTrue(r.err().contains("65,536 probes to 1 host"), r.toString());
        // 82 dropped; 83 (admin prohibited) and 84 (port unreachable) rejected with two kinds of ICMP
        assertTrue(r.err().contains("3 filtered (82 no-response; 2 by ICMP unreachable"), r.toString());
    }

    @Test
    void twoHostsInACidrBlockEachWithTheirOwnOpenPorts() {
        Set<String> expected = new TreeSet<>(listening("root", "198.18.3.10"));
        expected.addAll(listening("tld", "198.18.3.11"));
        assertTrue(expected.contains("198.18.3.10:53") && expected.contains("198.18.3.11:53"), expected.toString());
        Lab.Result r = lab.synack("syn-probe", "198.18.3.10/31", "-p", "1-2000", "--rate", "20000", "--json");
        assertEquals(0, r.exit(), r.toString());
        Set<String> found = new TreeSet<>();
        Pattern answer = Pattern.compile("\"kind\":\"answer\".*\"host\":\"([0-9.]+)\",\"port\":(\\d+),\"proto\":\"tcp\",\"state\":\"open\"");
        for (String line : r.out().split("\n")) {
            assertTrue(line.startsWith("{\"t\":") && line.endsWith("}"), "not a JSON line: " + line);
            Matcher m = answer.matcher(line);
            if (m.find()) {
                found.add(m.group(1) + ":" + m.group(2));
            }
        }
        Set<String> expectedInRange = expected.stream().filter(s -> Integer.parseInt(s.substring(s.indexOf(':') + 1)) <= 2000)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expectedInRange, found, r.toString());
        String result = r.out().lines().reduce((a, b) -> b).orElse("");
        assertTrue(result.contains("\"event\":\"result\"") && result.contains("\"hosts\":2") && result.contains("\"probes\":4000"),
                result);
    }

    @Test
    void threeShardsTogetherSendEveryProbeOnce(@TempDir Path dir) {
        Map<Integer, Integer> synsPerPort = new HashMap<>();
        Set<String> open = new TreeSet<>();
        long probes = 0;
        for (int i = 0; i < 3; i++) {
            Path pcap = dir.resolve("shard" + i + ".pcap");
            // no --seed: the shards derive the same order from the same targets and ports
            Lab.Result r = lab.synack("syn-probe", "198.18.2.2", "-p", "1-3000", "--shard", i + "/3", "--retries", "0",
                    "--rate", "20000", "--json", "-w", pcap.toString());
            assertTrue(r.exit() == 0 || r.exit() == 1, r.toString());
            Matcher m = Pattern.compile("\"probes\":(\\d+)").matcher(r.out());
            assertTrue(m.find(), r.toString());
            probes += Long.parseLong(m.group(1));
            Matcher o = Pattern.compile("\"host\":\"([0-9.]+)\",\"port\":(\\d+),\"proto\":\"tcp\",\"state\":\"open\"").matcher(r.out());
            while (o.find()) {
                open.add(o.group(1) + ":" + o.group(2));
            }
            // what went on the wire, read back by tcpdump: our SYNs (no ACK) to the server
            Lab.Result read = Lab.run(30, "tcpdump", "-nn", "-r", pcap.toString(),
                    "src host 198.18.1.2 and dst host 198.18.2.2 and tcp[tcpflags] == tcp-syn");
            assertEquals(0, read.exit(), read.toString());
            Matcher d = Pattern.compile("> 198\\.18\\.2\\.2\\.(\\d+): Flags \\[S\\]").matcher(read.out());
            while (d.find()) {
                synsPerPort.merge(Integer.parseInt(d.group(1)), 1, Integer::sum);
            }
        }
        assertEquals(3000, probes);
        assertEquals(3000, synsPerPort.size(), "every port 1-3000 was probed by some shard");
        assertTrue(synsPerPort.values().stream().allMatch(n -> n == 1), "and by one shard only, once");
        Set<String> expected = listening("server", "198.18.2.2").stream()
                .filter(s -> Integer.parseInt(s.substring(s.indexOf(':') + 1)) <= 3000).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, open);
    }

    @Test
    void aSweepFromAnAddressNoInterfaceHoldsAnswersArpForIt() {
        Set<String> expected = listening("server", "198.18.2.2").stream()
                .filter(s -> Integer.parseInt(s.substring(s.indexOf(':') + 1)) <= 2000).collect(Collectors.toCollection(TreeSet::new));
        Lab.Result r = lab.synack("syn-probe", "198.18.2.2", "-p", "1-2000", "-S", "198.18.1.77", "--format", "list");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(expected, lines(r), r.toString());
        // the router learned 198.18.1.77 from our is-at: the replies could only come back that way
        Lab.Result neigh = lab.in("router", "ip", "neigh", "show", "198.18.1.77");
        assertTrue(neigh.out().contains(lab.mac("client", "c0")), neigh + "\n" + r);
    }

    @Test
    void namesAreAskedOfTheLabsNameServerWithOurOwnFrames() {
        // web.synack.test is a CNAME of www.synack.test (198.18.2.2) in the lab's dnsmasq
        Lab.Result r = lab.synack("syn-probe", "web.synack.test", "198.18.3.10", "-p", "53,80", "--format", "list");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(Set.of("198.18.2.2:53", "198.18.2.2:80", "198.18.3.10:53"), lines(r));
        Lab.Result text = lab.synack("syn-probe", "web.synack.test", "-p", "80");
        assertTrue(text.out().contains("web.synack.test is 198.18.2.2 (via CNAME www.synack.test.)"), text.toString());
        // a name that does not exist is a negative answer (exit 1), as for dns-resolve and http-get
        Lab.Result none = lab.synack("syn-probe", "-q", "nope.synack.test", "-p", "80");
        assertEquals(1, none.exit(), none.toString());
        assertEquals("could not resolve nope.synack.test: NXDOMAIN, no A record", none.out().trim());
    }

    @Test
    void ctrlCStopsASweepWithPartialCountsAndLeavesNothingBehind() throws Exception {
        // 65,536 SYNs at 5,000/s take 13 s: interrupt when the first open port is told
        Lab.Result r = lab.interruptWhen("\"kind\":\"answer\"", "syn-probe", "198.18.2.2", "-p-", "--rate", "5000", "--json");
        assertEquals(130, r.exit(), r.toString());
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElse("");
        assertTrue(result.contains("\"exit\":130"), r.toString());
        Matcher sent = Pattern.compile("\"sent\":(\\d+)").matcher(result);
        assertTrue(sent.find() && Long.parseLong(sent.group(1)) < 65_536, "stopped before the end:\n" + result);
        // @AfterEach checks the firewall rule is gone and the server holds no half-open connection
    }

    @Test
    void withFivePercentLossInTheRouterEveryOpenPortIsStillFound() {
        Set<String> expected = listening("server", "198.18.2.2");
        Lab.Result on = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "5");
        assertEquals(0, on.exit(), on.toString());
        try {
            Lab.Result r = lab.synack("syn-probe", "198.18.2.2", "-p-", "--rate", "20000", "--retries", "4", "--format", "list");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(expected, lines(r), r.toString());
            assertTrue(r.err().matches("(?s).*SYNs sent at .*, [2-5] passes.*"), "lost probes were asked again:\n" + r);
        } finally {
            Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "0");
        }
    }
}
