package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TCP stories against the Linux kernel of the lab's server in the conditions issue 13 found told
 * wrong: a lost first SYN, a RST in TIME_WAIT, a peer that never closes, a server that closes on
 * accept, SYN cookies, duplicated segments, an attempt stopped after a few SYNs. The peers are
 * nginx (the lab's) and python3 socket servers started here in the server's namespace.
 */
class TcpPeersLabIT {
    static Lab lab;
    /** python3 servers a test started in the server's namespace, killed after it (also when it fails). */
    private final List<Process> servers = new ArrayList<>();
    /** iptables rules added in the server's namespace by a test, removed after it (also when it fails). */
    private final List<List<String>> serverRules = new ArrayList<>();

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
    void cleanUp() throws Exception {
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        servers.clear();
        for (List<String> rule : serverRules) {
            List<String> del = new ArrayList<>(List.of("iptables", "-w", "-D"));
            del.addAll(rule);
            lab.in("server", del.toArray(new String[0]));
        }
        serverRules.clear();
        lab.assertNoFirewallRuleLeft();
    }

    /**
     * A python3 TCP server on 198.18.2.2:PORT in the server's namespace: "hold" accepts and keeps
     * every connection open without ever closing it; "close" closes each connection as soon as
     * it is accepted. Returns once the kernel shows it listening.
     */
    static final String SERVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('198.18.2.2', int(sys.argv[1])))",
            "s.listen(16)",
            "held = []",
            "while True:",
            "    c, _ = s.accept()",
            "    if sys.argv[2] == 'close':",
            "        c.close()",
            "    else:",
            "        held.append(c)");

    private void pythonServer(int port, String mode) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.get("NS_SERVER"), "python3", "-c", SERVER,
                Integer.toString(port), mode).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        servers.add(p);
        for (int i = 0; i < 100; i++) {
            if (lab.in("server", "ss", "-Hltn", "sport = :" + port).out().contains(":" + port)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("python3 server on port " + port + " did not start");
    }

    /** Appends an INPUT rule in the server's namespace, removed after the test. */
    private void serverRule(String... rule) {
        List<String> add = new ArrayList<>(List.of("iptables", "-w", "-A"));
        List<String> r = new ArrayList<>(List.of("INPUT"));
        r.addAll(List.of(rule));
        add.addAll(r);
        Lab.Result res = lab.in("server", add.toArray(new String[0]));
        assertEquals(0, res.exit(), res.toString());
        serverRules.add(r);
    }

    /** Drops exactly the first SYN from our source port: the recent list is empty for it, then holds it. */
    private void dropFirstSyn(int sourcePort) {
        String list = "first" + sourcePort;
        serverRule("-p", "tcp", "--syn", "--sport", Integer.toString(sourcePort), "-m", "recent", "--name", list, "--rcheck",
                "-j", "ACCEPT");
        serverRule("-p", "tcp", "--syn", "--sport", Integer.toString(sourcePort), "-m", "recent", "--name", list, "--set",
                "-j", "DROP");
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " in:\n" + json);
        return Double.parseDouble(m.group(1));
    }

    static String resultLine(String json) {
        return json.lines().filter(l -> l.contains("\"event\":\"result\"")).reduce((a, b) -> b).orElse("");
    }

    // ------------------------------------------------------------------ 1. Karn's rule

    @Test
    void afterTheFirstSynIsLostTheRttIsNotMeasuredFromIt() {
        dropFirstSyn(62101);
        Lab.Result r = lab.synack("handshake", "-p", "62101", "--msl", "100ms", "198.18.2.2", "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("retransmission 1 of 5"), "the first SYN was dropped:\n" + r);
        // Linux echoes the TSval of the SYN it answers: the second; the RTT is from that one, not from 1 s before
        Matcher m = Pattern.compile("RTT ([0-9.]+) ms from SYN 2 of 2").matcher(r.out());
        assertTrue(m.find(), "the SYN,ACK's line names the SYN it answers:\n" + r);
        assertTrue(Double.parseDouble(m.group(1)) < 500, "measured from the second SYN:\n" + r);
        assertTrue(r.out().contains("(RTT " + m.group(1) + " ms from SYN 2)"), "the result says the same:\n" + r);

        dropFirstSyn(62102);
        Lab.Result j = lab.synack("handshake", "-p", "62102", "--msl", "100ms", "--json", "198.18.2.2", "80");
        assertEquals(0, j.exit(), j.toString());
        String result = resultLine(j.out());
        assertEquals(2, (int) number(result, "syns_sent"), result);
        assertEquals(2, (int) number(result, "rtt_from_syn"), result);
        assertTrue(number(result, "rtt_ms") < 500, result);
        assertTrue(number(result, "established_ms") >= 900, "connecting took the lost SYN's RTO: " + result);
    }

    // ------------------------------------------------------------------ 2. a RST in TIME_WAIT

    /**
     * One TCP segment from the client's namespace, built by python3 on a raw socket: an old
     * duplicate of our connection as far as the server's kernel can tell.
     */
    static final String RAW_SEGMENT = String.join("\n",
            "import socket, struct, sys",
            "src, dst, sp, dp, seq, ack, flags = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8])",
            "h = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 502, 0, 0)",
            "b = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(h)) + h",
            "t = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
            "t = (t >> 16) + (t & 0xffff); t += t >> 16",
            "h = h[:16] + struct.pack('!H', ~t & 0xffff) + h[18:]",
            "s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)",
            "s.sendto(h, (dst, 0))");

    /**
     * Runs synack in the client's namespace; when a line matches {@code marker}, calls
     * {@code action} with the match (once), then reads to the end. Bounded: 40 s.
     */
    static Lab.Result synackActing(Pattern marker, Function<Matcher, Lab.Result> action, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.get("NS_CLIENT"), "java", "-jar", Lab.jar()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean acted = false;
            String line;
            while ((line = in.readLine()) != null) {
                out.append(line).append('\n');
                Matcher m = marker.matcher(line);
                if (!acted && m.find()) {
                    acted = true;
                    Lab.Result a = action.apply(m);
                    out.append("[test: ").append(a.exit() == 0 ? "acted" : "action failed: " + a).append("]\n");
                }
            }
            assertTrue(p.waitFor(40, TimeUnit.SECONDS), "synack did not end:\n" + out);
            assertTrue(acted, "never saw " + marker + ":\n" + out);
            return new Lab.Result(p.exitValue(), out.toString(), "");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aRstInTimeWaitLeavesTheCompletedExchangeAtExitZero() throws Exception {
        // our final ACK, in TIME_WAIT (3 s here); then an "old duplicate" ACK of ours reaches the server, whose
        // side of the connection is gone: its kernel answers with a RST at exactly our rcv.nxt
        Pattern finalAck = Pattern.compile("62201 → 80 ACK +seq=(\\d+) ack=(\\d+) .*their FIN takes one sequence number");
        Lab.Result r = synackActing(finalAck, m -> lab.in("client", "python3", "-c", RAW_SEGMENT, "198.18.1.2", "198.18.2.2",
                "62201", "80", m.group(1), m.group(2), "16"), "handshake", "-p", "62201", "--msl", "1500ms", "198.18.2.2", "80");
        assertTrue(r.out().contains("[test: acted]"), r.toString());
        assertTrue(Pattern.compile("80 → 62201 RST").matcher(r.out()).find(), "the server's kernel sent its RST:\n" + r);
        assertEquals(0, r.exit(), "the exchange had completed:\n" + r);
        assertTrue(r.out().contains("RFC 1337"), r.toString());
        assertTrue(r.out().contains("TIME_WAIT → CLOSED  (2MSL timer expired)"), r.toString());
        assertTrue(r.out().contains("TIME_WAIT over"), r.toString());
    }

    // ------------------------------------------------------------------ 3. a peer that never closes

    @Test
    void finWait2EndsWhenThePeerNeverCloses() throws Exception {
        pythonServer(8091, "hold");
        long t0 = System.nanoTime();
        Lab.Result r = lab.synack("fin-teardown", "--msl", "300ms", "198.18.2.2", "8091");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, r.exit(), "not a clean close:\n" + r);
        assertTrue(r.out().contains("FIN_WAIT_1 → FIN_WAIT_2"), r.toString());
        assertTrue(r.out().contains("FIN_WAIT_2 lasts at most 1500 ms of silence"), r.toString());
        assertTrue(r.out().contains("FIN_WAIT_2 → CLOSED  (FIN_WAIT_2 timer expired)"), r.toString());
        assertTrue(r.out().contains("the peer never closed (FIN_WAIT_2 timed out)"), r.toString());
        assertTrue(ms < 20_000, "bounded: " + ms + " ms");
        // the kernel's side: the connection is still there in CLOSE_WAIT, its application never closed it
        assertTrue(lab.in("server", "ss", "-Htn", "state", "close-wait", "sport = :8091").out().contains("198.18.1.2"),
                "the server's socket waits in CLOSE_WAIT");
    }

    // ------------------------------------------------------------------ 4. a server that closes on accept

    @Test
    void aServerThatClosesOnAcceptIsToldAsThePassiveCloseItIs() throws Exception {
        pythonServer(8092, "close");
        Lab.Result r = lab.synack("handshake", "--msl", "100ms", "198.18.2.2", "8092");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        int theirFin = -1;
        int ourFin = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (theirFin < 0 && lines.get(i).contains("8092 → ") && lines.get(i).contains("FIN")) {
                theirFin = i;
            }
            if (ourFin < 0 && lines.get(i).contains("→ 8092 FIN")) {
                ourFin = i;
            }
        }
        assertTrue(theirFin > 0 && ourFin > 0, r.toString());
        assertTrue(theirFin < ourFin, "its FIN came first, and is told first:\n" + r);
        assertTrue(r.out().contains("client  ESTABLISHED → CLOSE_WAIT"), r.toString());
        assertTrue(r.out().contains("client  CLOSE_WAIT → LAST_ACK"), r.toString());
        assertFalse(r.out().contains("CLOSING"), "no simultaneous close:\n" + r);
        assertTrue(r.out().contains("closed (passive close)"), r.toString());
    }

    // ------------------------------------------------------------------ 5. SYN cookies

    @Test
    void withSynCookiesTheServersSynReceivedIsNotToldAsAFact() {
        // only in the lab server's own namespace: every SYN is answered with a cookie, no SYN-RECV socket is kept
        assertEquals(0, lab.in("server", "sysctl", "-qw", "net.ipv4.tcp_syncookies=2").exit());
        try {
            Lab.Result r = lab.synack("handshake", "--msl", "100ms", "198.18.2.2", "80");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("server  LISTEN → SYN_RECEIVED  (it answered our SYN with SYN,ACK; or a SYN cookie,"
                    + " and no state at all) (inferred)"), r.toString());
        } finally {
            lab.in("server", "sysctl", "-qw", "net.ipv4.tcp_syncookies=1");
        }
    }

    // ------------------------------------------------------------------ 6. duplicates told as duplicates

    @Test
    void duplicatedSegmentsAreToldAsDuplicates() {
        // the router copies every segment from the server's port 80 to the client: each arrives twice (TEE;
        // sch_netem's duplicate would do the same where the kernel has it)
        List<String> rule = List.of("-t", "mangle", "PREROUTING", "-i", "r1", "-p", "tcp", "--sport", "80", "-j", "TEE",
                "--gateway", "198.18.1.2");
        List<String> add = new ArrayList<>(List.of("iptables", "-w", "-t", "mangle", "-A"));
        add.addAll(rule.subList(2, rule.size()));
        Lab.Result added = lab.in("router", add.toArray(new String[0]));
        assertEquals(0, added.exit(), added.toString());
        try {
            Lab.Result r = lab.synack("fin-teardown", "--msl", "100ms", "--send",
                    "GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n", "198.18.2.2", "80");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(Pattern.compile("len=\\d+ .*duplicate: seq \\d+ \\(\\d+ sequence numbers\\) was received and acknowledged already")
                    .matcher(r.out()).find(), "the second copy of the response is a duplicate:\n" + r);
            assertTrue(r.out().contains("SYN,ACK") && Pattern.compile("SYN,ACK .*duplicate: seq").matcher(r.out()).find(), r.toString());
            assertFalse(r.out().contains("held for reassembly"), r.toString());
            assertFalse(r.out().contains("outside the window"), "nothing was outside the window, only old:\n" + r);
        } finally {
            List<String> del = new ArrayList<>(List.of("iptables", "-w", "-t", "mangle", "-D"));
            del.addAll(rule.subList(2, rule.size()));
            lab.in("router", del.toArray(new String[0]));
        }
    }

    // ------------------------------------------------------------------ 6. what was sent, counted

    @Test
    void stoppedAfterThreeSynsTheResultCountsThree() throws Exception {
        // port 82: the server's firewall drops every SYN
        Lab.Result r = lab.interruptWhen("retransmission 2 of 5", "handshake", "--rto", "200ms", "198.18.2.2", "82");
        assertEquals(130, r.exit(), r.toString());
        assertTrue(r.out().contains("to 3 SYNs"), "three SYNs left, not the 6 it would have sent:\n" + r);
        assertFalse(r.out().contains("to 6 SYNs"), r.toString());
    }
}
