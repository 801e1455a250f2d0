package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP by hand against the Linux kernel of the lab's server (nginx listening on 80 and 8080,
 * nothing on 81, 82 dropped, 83 rejected with ICMP), through the lab's router.
 */
class TcpLabIT {
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

    /** After every command: no firewall rule of ours is left in the client's namespace. */
    @AfterEach
    void noRuleLeft() {
        lab.assertNoFirewallRuleLeft();
    }

    static int localPort(String out) {
        Matcher m = Pattern.compile("198\\.18\\.1\\.2:(\\d+) → ").matcher(out);
        assertTrue(m.find(), "header names our port:\n" + out);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void handshakeCompletesWithNoRstFromTheClientKernelOnTheWire(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("router.pcap");
        // capture on the router's side of the client's link: what really crossed the wire
        Process dump = new ProcessBuilder("ip", "netns", "exec", lab.get("NS_ROUTER"), "tcpdump", "-Z", "root", "--immediate-mode", "-i", "rc0", "-U", "-w",
                capture.toString(), "tcp").redirectErrorStream(true).start();
        BufferedReader dumpOut = new BufferedReader(new InputStreamReader(dump.getInputStream(), StandardCharsets.UTF_8));
        String first = dumpOut.readLine(); // "listening on rc0, ...": the capture is live
        assertTrue(first != null && first.contains("listening on"), "tcpdump did not start: " + first);
        Lab.Result r = lab.synack("handshake", "198.18.2.2", "80", "--msl", "100ms");
        Thread.sleep(500); // immediate mode hands every frame over at once; give the last one time to be written
        dump.destroy();
        dump.waitFor(5, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("CLOSED → SYN_SENT", "SYN_SENT → ESTABLISHED", "LISTEN → SYN_RECEIVED", "(inferred)",
                "ack = ", "(our SYN takes one sequence number)", "TIME_WAIT → CLOSED")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        Lab.Result read = Lab.run(30, "tcpdump", "-nn", "-r", capture.toString());
        int port = localPort(r.out());
        List<String> ours = read.out().lines().filter(l -> l.contains("198.18.1.2." + port + " ") || l.contains("198.18.1.2." + port + ":")).toList();
        assertTrue(ours.stream().anyMatch(l -> l.contains("Flags [S]")), read.toString());
        assertTrue(ours.stream().anyMatch(l -> l.contains("Flags [S.]")), read.toString());
        assertFalse(ours.stream().anyMatch(l -> l.contains("Flags [R")), "a RST crossed the wire:\n" + read);
    }

    @Test
    void finTeardownNarratesTheActiveClose() {
        Lab.Result r = lab.synack("fin-teardown", "198.18.2.2", "80", "--msl", "100ms");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("ESTABLISHED → FIN_WAIT_1"), r.toString());
        // Linux answers our FIN with its own FIN on the ACK: FIN_WAIT_1 → TIME_WAIT directly (or via FIN_WAIT_2)
        assertTrue(r.out().contains("FIN_WAIT_1 → TIME_WAIT") || r.out().contains("FIN_WAIT_2 → TIME_WAIT"), r.toString());
        assertTrue(r.out().contains("TIME_WAIT → CLOSED"), r.toString());
        assertTrue(r.out().contains("(our FIN takes one sequence number)"), r.toString());
        assertTrue(r.out().contains("LAST_ACK → CLOSED  (our final ACK) (inferred)"), r.toString());
    }

    @Test
    void finTeardownNarratesThePassiveCloseAndTheServerHoldsTimeWait() {
        Lab.Result r = lab.synack("fin-teardown", "198.18.2.2", "8080", "--send",
                "GET / HTTP/1.1\\r\\nHost: www.synack.test\\r\\n\\r\\n");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("ESTABLISHED → CLOSE_WAIT", "CLOSE_WAIT → LAST_ACK", "LAST_ACK → CLOSED",
                "ESTABLISHED → FIN_WAIT_1  (it sent FIN: it closes first) (inferred)", "FIN_WAIT_2 → TIME_WAIT", "bytes received")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        // we said the server went to TIME_WAIT (inferred): its kernel must hold exactly that
        int port = localPort(r.out());
        Lab.Result ss = lab.in("server", "ss", "-tan", "state", "time-wait");
        assertTrue(ss.out().contains("198.18.1.2:" + port), "server's TIME_WAIT for our port:\n" + ss + "\n" + r);
    }

    @Test
    void synProbeClassifiesOpenClosedDroppedAndRejectedPorts() {
        Lab.Result r = lab.synack("syn-probe", "-q", "198.18.2.2", "-p", "80,81,82,83", "--timeout", "400ms");
        assertEquals(1, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.toString());
        assertTrue(lines.get(0).matches("80/tcp\\s+open\\s+SYN,ACK.*"), r.toString());
        assertTrue(lines.get(1).matches("81/tcp\\s+closed\\s+RST.*"), r.toString());
        assertTrue(lines.get(2).matches("82/tcp\\s+filtered\\s+no answer to 2 SYNs"), r.toString());
        assertTrue(lines.get(3).matches("83/tcp\\s+filtered\\s+ICMP communication administratively prohibited \\(type 3 code 13\\).*"),
                r.toString());

        Lab.Result open = lab.synack("syn-probe", "-q", "198.18.2.2", "-p", "80");
        assertEquals(0, open.exit(), open.toString());
        Lab.Result silent = lab.synack("syn-probe", "-q", "198.18.2.2", "-p", "82", "--retries", "0", "--timeout", "300ms");
        assertEquals(4, silent.exit(), silent.toString());
    }

    @Test
    void anAddressWeOwnOurselvesNeedsNoFirewallRule() {
        // 198.18.1.50 is on no interface: the kernel never answers for it, so no RST to suppress
        Lab.Result r = lab.synack("handshake", "-S", "198.18.1.50", "--msl", "100ms", "198.18.2.2", "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("handshake 198.18.1.50:"), r.toString());
        assertTrue(r.out().contains("SYN_SENT → ESTABLISHED") && r.out().contains("TIME_WAIT → CLOSED"), r.toString());
    }

    @Test
    void anOpenPortGetsOurRstSoTheServerHoldsNoHalfOpenConnection() {
        Lab.Result r = lab.synack("syn-probe", "198.18.2.2", "-p", "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("RST at seq"), r.toString());
        Lab.Result ss = lab.in("server", "ss", "-tan", "state", "syn-recv");
        assertFalse(ss.out().contains("198.18.1.2:"), "server still holds a half-open connection:\n" + ss);
    }

    @Test
    void aNextHopThatDoesNotAnswerArpIsANegativeAnswerAsOutputMdSays() {
        // 198.18.1.77 is on the client's own subnet and nobody holds it: the ARP phase fails.
        // OUTPUT.md: "no ARP reply" is 1 (a negative answer), for a conversation as for arp-resolve
        Lab.Result handshake = lab.synack("handshake", "198.18.1.77", "80");
        assertEquals(1, handshake.exit(), handshake.toString());
        assertTrue(handshake.out().contains("did not answer ARP"), handshake.toString());
        Lab.Result json = lab.synack("handshake", "--json", "198.18.1.77", "80");
        assertEquals(1, json.exit(), json.toString());
        assertTrue(json.out().lines().reduce((a, b) -> b).orElse("").contains("\"exit\":1"), json.toString());
        Lab.Result arp = lab.synack("arp-resolve", "-q", "-c", "1", "198.18.1.77");
        assertEquals(arp.exit(), handshake.exit(), "arp-resolve and handshake must agree:\n" + arp + "\n" + handshake);
    }

    @Test
    void refusedAndSilentPortsGiveTheDocumentedExitCodes() {
        Lab.Result refused = lab.synack("handshake", "198.18.2.2", "81");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.out().contains("refused the connection (RST)"), refused.toString());
        Lab.Result silent = lab.synack("handshake", "198.18.2.2", "82", "--retries", "1", "--rto", "200ms");
        assertEquals(4, silent.exit(), silent.toString());
        assertTrue(silent.out().contains("retransmission 1 of 1"), silent.toString());
    }

    @Test
    void thePcapOfAHandshakeIsReadableByTcpdump(@TempDir Path dir) {
        Path pcap = dir.resolve("h.pcap");
        Lab.Result r = lab.synack("handshake", "--rst", "-w", pcap.toString(), "198.18.2.2", "80");
        assertEquals(0, r.exit(), r.toString());
        Lab.Result read = Lab.run(30, "tcpdump", "-nn", "-r", pcap.toString());
        assertEquals(0, read.exit(), read.toString());
        List<String> tcp = read.out().lines().filter(l -> l.contains(" IP ")).toList();
        assertEquals(4, tcp.size(), "SYN, SYN-ACK, ACK, RST:\n" + read);
        assertTrue(tcp.get(0).contains("Flags [S]") && tcp.get(1).contains("Flags [S.]") && tcp.get(2).contains("Flags [.]")
                && tcp.get(3).contains("Flags [R"), read.toString());
        assertTrue(read.out().contains("ARP, Request who-has 198.18.1.1"), read.toString());
    }

    @Test
    void ctrlCDuringAnEstablishedConnectionResetsItOnTheServer() throws Exception {
        // half a request: nginx waits for the rest of the headers, so the connection stays open until our Ctrl-C
        Lab.Result r = lab.interruptWhen("SYN_RECEIVED → ESTABLISHED", "fin-teardown", "198.18.2.2", "80", "--send",
                "GET / HTTP/1.1\\r\\n", "--wait", "20s");
        assertEquals(130, r.exit(), r.toString());
        assertTrue(r.out().contains("abort: interrupted"), "we RST what we opened:\n" + r);
        int port = localPort(r.out());
        Thread.sleep(200);
        Lab.Result ss = lab.in("server", "ss", "-tan");
        assertFalse(ss.out().contains("198.18.1.2:" + port), "the server still holds our connection:\n" + ss);
    }

    @Test
    void ctrlCDuringTheHandshakeAndInTimeWaitLeavesNothingBehind() throws Exception {
        Lab.Result syn = lab.interruptWhen("CLOSED → SYN_SENT", "handshake", "198.18.2.2", "82", "--rto", "5s");
        assertEquals(130, syn.exit(), syn.toString());
        Lab.Result tw = lab.interruptWhen("TIME_WAIT lasts", "handshake", "198.18.2.2", "80", "--msl", "30s");
        assertEquals(130, tw.exit(), tw.toString());
        int port = localPort(tw.out());
        Lab.Result ss = lab.in("server", "ss", "-tan");
        assertFalse(ss.out().contains("198.18.1.2:" + port), "the server still holds our connection:\n" + ss);
        // the @AfterEach check proves the firewall rules are gone
    }

    @Test
    void handshakeAndTeardownCompleteUnderTenPercentLoss() {
        Lab.Result on = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "10");
        assertEquals(0, on.exit(), on.toString());
        try {
            int retransmissions = 0;
            for (int i = 0; i < 20; i++) {
                Lab.Result r = lab.synack("fin-teardown", "198.18.2.2", "80", "--msl", "100ms", "--rto", "300ms", "-q");
                assertEquals(0, r.exit(), "run " + i + " under 10% loss:\n" + r);
                retransmissions += r.out().contains("retransmission") ? 1 : 0;
            }
        } finally {
            Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "0");
        }
    }

    /** The packet sockets of the client's namespace (/proc/net/packet is per namespace), header line not counted. */
    private static long packetSockets() {
        Lab.Result r = lab.in("client", "cat", "/proc/net/packet");
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().count() - 1;
    }

    /** Waits (5 s at most) for the client's namespace to hold no packet socket; returns how many it holds. */
    private static long packetSocketsSettled() {
        long left = packetSockets();
        for (int i = 0; i < 50 && left > 0; i++) {
            Lab.sleep(100); // a release runs a grace period or two after the close: milliseconds
            left = packetSockets();
        }
        return left;
    }

    /**
     * A capture is closed without waiting for the kernel's release (an io_uring takes the last reference and a kernel
     * worker drops it later): once the commands have exited, the kernel must have released every socket they opened,
     * within moments. (The process's exit closes the io_uring in any case; that our own close lets go of it, in a JVM
     * that lives on, is ShellLabIT's check.) Nothing else in the client's namespace captures (the other tests'
     * tcpdumps run in the router's).
     */
    @Test
    void theKernelReleasesEveryCaptureSocketSoonAfterTheCommandsExit() {
        assertEquals(0, packetSocketsSettled(), "packet sockets left by the tests before this one");
        assertEquals(0, lab.synack("handshake", "-q", "--rst", "198.18.2.2", "80").exit());
        assertEquals(0, lab.synack("arp-resolve", "-q", "198.18.1.1").exit());
        assertEquals(0, lab.synack("dns-resolve", "-q", "@" + lab.get("DNS_IP"), lab.get("WEB_NAME")).exit());
        assertEquals(0, lab.synack("syn-probe", "-q", "-p", "80", "198.18.2.2").exit());
        assertEquals(0, packetSocketsSettled(), "packet sockets left in the client's namespace 5 s after the commands exited");
    }
}
