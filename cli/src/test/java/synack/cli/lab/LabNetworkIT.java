package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab itself, checked with the kernel's own tools (curl, dig, ping) and read back with tcpdump
 * and tshark: the pieces synack's tests stand on do what lab/README.md says. No synack here, so
 * these hold whatever state synack's own code is in.
 */
class LabNetworkIT {
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

    /** tcpdump in ROLE on IFACE, writing FILE, while ACTION runs; returns ACTION's result. */
    static Lab.Result captured(Lab l, String role, String iface, Path file, String filter, java.util.function.Supplier<Lab.Result> action)
            throws Exception {
        Process dump = new ProcessBuilder("ip", "netns", "exec", l.get("NS_" + role.toUpperCase()), "tcpdump", "-Z", "root", "--immediate-mode",
                "-i", iface, "-U", "-w", file.toString(), filter).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(dump.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine(); // "listening on IFACE, ...": the capture is live
        assertTrue(first != null && first.contains("listening on"), "tcpdump did not start: " + first);
        try {
            return action.get();
        } finally {
            Thread.sleep(500);
            dump.destroy();
            assertTrue(dump.waitFor(5, TimeUnit.SECONDS), "tcpdump did not stop");
        }
    }

    /**
     * tshark's fields of the frames FILTER matches, one line per frame, tab-separated; of a field
     * that occurs more than once (the header quoted inside an ICMP error) only the first, outer one.
     */
    static List<String> tshark(Path file, String filter, String... fields) {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-n", "-o", "udp.check_checksum:TRUE", "-r", file.toString(), "-Y", filter,
                "-T", "fields", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Lab.Result r = Lab.run(30, cmd.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String sha256(Path file) throws Exception {
        return sha256(Files.readAllBytes(file));
    }

    Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    @Test
    void theEnvSaysWhichOffloadsTheLabWasBuiltWithAndTheLinksHaveThem() {
        String wanted = System.getenv().getOrDefault("SYNACK_LAB_OFFLOADS", "kernel");
        assertEquals(wanted, lab.get("OFFLOADS"), "the lab is built as this JVM's SYNACK_LAB_OFFLOADS says");
        assertEquals(System.getenv().getOrDefault("SYNACK_LAB_GRO", "kernel"), lab.get("GRO"));
        // every end of every veth: tx checksumming and TSO as the mode says (kernel: veth has them on)
        String state = wanted.equals("off") ? "off" : "on";
        for (String[] end : List.of(new String[] {"client", "c0"}, new String[] {"router", "rc0"}, new String[] {"router", "r1"},
                new String[] {"server", "s0"}, new String[] {"router", "re0"}, new String[] {"edge", "e0"})) {
            Lab.Result k = lab.in(end[0], "ethtool", "-k", end[1]);
            assertEquals(0, k.exit(), k.toString());
            assertTrue(k.out().contains("tx-checksumming: " + state), end[0] + " " + end[1] + ":\n" + k);
            assertTrue(k.out().contains("tcp-segmentation-offload: " + state), end[0] + " " + end[1] + ":\n" + k);
        }
        assertTrue(lab.get("CLIENT_OFFLOADS").contains("tx:" + state + ",tso:" + state + ",gso:" + state), lab.get("CLIENT_OFFLOADS"));
    }

    @Test
    void aTestCanBuildALabOfItsOwnWithGroOnInTheClient() {
        try (Lab gro = Lab.up(Map.of("SYNACK_LAB_GRO", "on"))) {
            assertNotEquals(lab.get("LAB_ID"), gro.get("LAB_ID"));
            assertEquals("on", gro.get("GRO"));
            Lab.Result k = gro.in("client", "ethtool", "-k", "c0");
            assertTrue(k.out().contains("generic-receive-offload: on"), k.toString());
            assertTrue(gro.get("CLIENT_OFFLOADS").endsWith("gro:on"), gro.get("CLIENT_OFFLOADS"));
        }
    }

    @Test
    void theClientServesItselfOnLoopbackAndOnItsOwnAddress() throws Exception {
        Lab.Result lo = lab.in("client", "ip", "-o", "link", "show", "lo");
        assertTrue(lo.out().matches("(?s).*<[A-Z_,]*\\bUP\\b[A-Z_,]*>.*"), "lo is up in the client:\n" + lo);
        Lab.Result ss = lab.in("client", "ss", "-Hltn");
        assertTrue(ss.out().contains("127.0.0.1:80 ") && ss.out().contains("198.18.1.2:80 "), ss.toString());
        for (String host : List.of(lab.get("LOOPBACK_IP"), lab.get("CLIENT_IP"))) {
            Lab.Result hello = lab.in("client", "curl", "-s", "-m", "5", "http://" + host + "/hello.txt");
            assertEquals(Files.readString(www("hello.txt")), hello.out(), hello.toString());
        }
        Lab.Result big = lab.in("client", "sh", "-c", "curl -s -m 10 http://198.18.1.2/big1m.bin | sha256sum");
        assertEquals(sha256(www("big1m.bin")), big.out().split(" ")[0], big.toString());
        String pid = Files.readString(Path.of(lab.get("LAB_DIR"), "nginx-client", "nginx.pid")).trim();
        Lab.Result netns = Lab.run(10, "ip", "netns", "identify", pid);
        assertEquals(lab.get("NS_CLIENT"), netns.out().trim(), "the client's nginx runs in the client's namespace");
    }

    @Test
    void theEdgeIsBehindAnMtu1280LinkAndTheRouterSaysFragmentationNeeded(@TempDir Path dir) throws Exception {
        assertEquals("1280", lab.in("edge", "cat", "/sys/class/net/e0/mtu").out().trim());
        assertEquals("1280", lab.in("router", "cat", "/sys/class/net/re0/mtu").out().trim());
        assertEquals("1500", lab.in("client", "cat", "/sys/class/net/c0/mtu").out().trim());
        // the kernel's TCP crosses the hop (its MSS fits): the edge's nginx serves the 1 MiB file
        Lab.Result big = lab.in("client", "sh", "-c", "curl -s -m 10 http://198.18.4.2/big1m.bin | sha256sum");
        assertEquals(sha256(www("big1m.bin")), big.out().split(" ")[0], big.toString());
        // a DF packet bigger than 1280: the router answers ICMP 3/4 with the next hop's MTU
        lab.in("client", "ip", "route", "flush", "cache"); // forget a path MTU learnt earlier
        Path pcap = dir.resolve("frag-needed.pcap");
        Lab.Result ping = captured(lab, "client", "c0", pcap, "icmp",
                () -> lab.in("client", "ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "1400", "198.18.4.2"));
        assertTrue(ping.out().contains("From 198.18.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1280)"), ping.toString());
        List<String> icmp = tshark(pcap, "icmp.type == 3 && icmp.code == 4", "ip.src", "icmp.mtu");
        assertEquals(List.of("198.18.1.1\t1280"), icmp, "one ICMP fragmentation-needed, from the router, mtu 1280");
        lab.in("client", "ip", "route", "flush", "cache");
    }

    @Test
    void port84IsRejectedWithPortUnreachableAnd83WithAdministrativelyProhibited(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("reject.pcap");
        captured(lab, "client", "c0", pcap, "icmp", () -> {
            for (String port : List.of("83", "84")) {
                Lab.Result c = lab.in("client", "curl", "-s", "-m", "3", "http://198.18.2.2:" + port + "/");
                assertEquals(7, c.exit(), "curl: cannot connect to " + port + ":\n" + c);
            }
            return null;
        });
        List<String> icmp = tshark(pcap, "icmp.type == 3", "ip.src", "icmp.code", "tcp.dstport");
        assertTrue(icmp.contains("198.18.2.2\t13\t83"), "83: ICMP 3/13 from the server:\n" + icmp);
        assertTrue(icmp.contains("198.18.2.2\t3\t84"), "84: ICMP 3/3 from the server:\n" + icmp);
    }

    @Test
    void anAddressNobodyHoldsDrawsHostUnreachableFromTheRouterAfterItsArpFails(@TempDir Path dir) throws Exception {
        assertEquals("198.18.2.99", lab.get("NO_HOST_IP"));
        Path pcap = dir.resolve("host-unreachable.pcap");
        Lab.Result ping = captured(lab, "client", "c0", pcap, "icmp",
                () -> lab.in("client", "ping", "-n", "-c", "1", "-W", "8", "198.18.2.99"));
        assertTrue(ping.out().contains("From 198.18.1.1 icmp_seq=1 Destination Host Unreachable"), ping.toString());
        List<String> icmp = tshark(pcap, "icmp.type == 3", "ip.src", "icmp.code");
        assertEquals(List.of("198.18.1.1\t1"), icmp, "one ICMP host unreachable, from the router");
        Lab.Result neigh = lab.in("router", "ip", "neigh", "show", "198.18.2.99");
        assertTrue(neigh.out().contains("FAILED") || neigh.out().contains("INCOMPLETE"), neigh.toString());
    }

    @Test
    void aBigTxtAnswerOverUdpComesInIpFragmentsAndDigReadsItWhole(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("dns-fragments.pcap");
        Lab.Result dig = captured(lab, "client", "c0", pcap, "udp or (ip[6:2] & 0x3fff != 0)",
                () -> lab.in("client", "dig", "+bufsize=4096", "+notcp", "+ignore", "+time=2", "+tries=1", "@198.18.2.2", "big.synack.test", "TXT"));
        assertTrue(dig.out().contains("ANSWER: 30,"), dig.toString());
        assertFalse(dig.out().matches("(?s).*flags:[a-z ]* tc[ ;].*"), "not truncated:\n" + dig);
        assertTrue(dig.out().contains("MSG SIZE  rcvd: 1634"), dig.toString());
        // tcpdump saw the reply as IPv4 fragments: a first one with MF set, a last one at an offset
        List<String> frags = tshark(pcap, "ip.src == 198.18.2.2 && (ip.flags.mf == 1 || ip.frag_offset > 0)", "ip.flags.mf", "ip.frag_offset", "ip.len");
        assertEquals(2, frags.size(), frags.toString());
        assertEquals("1\t0\t1500", frags.get(0), frags.toString());
        assertTrue(frags.get(1).startsWith("0\t185\t"), frags.toString()); // 185 × 8 = byte 1480
        // reassembled (tshark's default): one DNS reply with all 30 TXT records and a right UDP
        // checksum (status 1, Good): a datagram sent in fragments is checksummed whole by the
        // server's kernel, offloads or not
        assertEquals(List.of("30\t1"), tshark(pcap, "dns.flags.response == 1", "dns.count.answers", "udp.checksum.status"));
        // and tshark's expert, the oracle lab tests use, finds nothing wrong with what the server
        // sent. (Not the client's query: with the kernel's offloads a capture on the sender's veth
        // holds its frames before the checksum is filled in, and tshark flags that.)
        Lab.Result expert = Lab.run(30, "tshark", "-n", "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-r", pcap.toString(), "-q", "-z",
                "expert,ip.src==198.18.2.2");
        assertEquals(0, expert.exit(), expert.toString());
        assertFalse(expert.out().contains("Errors (") || expert.out().contains("Warns ("), "tshark's expert on the server's fragments:\n" + expert);
    }

    @Test
    void theEdgeHasANameInBothDnsServers() {
        assertEquals("198.18.4.2", lab.in("client", "dig", "+short", "@198.18.2.2", "edge.synack.test", "A").out().trim());
        assertEquals("198.18.4.2", lab.in("client", "dig", "+short", "+norec", "@198.18.3.12", "edge.synack.test", "A").out().trim());
    }
}
