package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * synack explain of the kernel's TCP over IPv6 in the dual-stack lab: curl -6 to nginx by address
 * and curl by name over HTTPS (IPv6 first, as curl tries it), captured with tcpdump on the client's
 * c0, told by explain and checked against tshark's decode of the same file (its conversation
 * count, its tcp.analysis flags frame by frame under loss) and against what curl and the
 * handshake show (the states, the ClientHello, the HTTP response).
 */
class ExplainIpv6LabIT {
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
    void clean() {
        labCommand("loss", "0");
        labCommand("reorder", "0");
    }

    static void labCommand(String what, String pct) {
        Lab.Result r = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), what, "--id", lab.get("LAB_ID"), pct);
        assertEquals(0, r.exit(), r.toString());
    }

    /**
     * tcpdump on the client's c0 around {@code traffic}: the capture is whole when this returns. A 64 MiB buffer: the
     * veth delivers 1 MiB in a few GRO super-frames within milliseconds, more than the default buffer keeps up with.
     */
    static Path capture(Path dir, String name, Runnable traffic) throws Exception {
        Path file = dir.resolve(name);
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.get("NS_CLIENT"), "tcpdump", "--immediate-mode", "-B", "65536", "-i", "c0",
                "-U", "-n", "-w", file.toString(), "ip6 and tcp").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder said = new StringBuilder();
        while ((line = err.readLine()) != null && !line.contains("listening on")) {
            said.append(line).append('\n');
        }
        assertTrue(line != null, "tcpdump did not start:\n" + said);
        traffic.run();
        Lab.sleep(300); // the last ACKs and FINs
        Lab.run(10, "kill", "-INT", Long.toString(p.pid()));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tcpdump did not stop");
        return file;
    }

    /** tshark's conversation table: how many TCP conversations the file holds. */
    static long tsharkConversations(Path pcap) {
        Lab.Result conv = Lab.run(60, "tshark", "-n", "-q", "-r", pcap.toString(), "-z", "conv,tcp");
        ExplainLabIT.ok(conv);
        return conv.out().lines().filter(l -> l.contains("<->")).count();
    }

    @Test
    void curlOverIpv6IsFollowedStatesTlsAndHttpAsTsharkCountsThem(@TempDir Path dir) throws Exception {
        String server6 = lab.get("SERVER_IP6");
        Path pcap = capture(dir, "v6.pcap", () -> {
            ExplainLabIT.ok(lab.in("client", "curl", "-6", "-g", "-s", "-o", "/dev/null", "--max-time", "20",
                    "http://[" + server6 + "]/big1m.bin"));
            ExplainLabIT.ok(lab.in("client", "curl", "-s", "-o", "/dev/null", "--max-time", "20", "--cacert", lab.get("TLS_CA"),
                    "https://www.synack.test/hello.txt"));
        });
        Lab.Result r = lab.synack("explain", "--json", pcap.toString());
        ExplainLabIT.ok(r);
        List<Map<String, Object>> events = ExplainLabIT.json(r);
        Map<String, Object> result = ExplainLabIT.result(events);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tcp = (List<Map<String, Object>>) result.get("tcp");
        assertEquals(tsharkConversations(pcap), tcp.size(), "tshark's conversation count: " + tcp);
        assertEquals(2, tcp.size(), "curl by address and by name, both over IPv6: " + tcp);
        String client = "[" + lab.get("CLIENT_IP6") + "]:";
        for (Map<String, Object> flow : tcp) {
            assertTrue(String.valueOf(flow.get("a")).startsWith(client), flow.toString());
            assertTrue(String.valueOf(flow.get("b")).startsWith("[" + server6 + "]:"), flow.toString());
            assertTrue(Set.of("TIME_WAIT", "CLOSED").contains(flow.get("state_a")), flow.toString());
            assertEquals(false, flow.get("mid_stream"), flow.toString());
        }
        assertEquals("[" + server6 + "]:80", tcp.get(0).get("b"));
        assertEquals("[" + server6 + "]:443", tcp.get(1).get("b"));
        // the HTTP response over IPv6: big1m.bin's 200 and its 1 MiB body
        assertTrue(events.stream().anyMatch(e -> "http".equals(e.get("layer")) && Integer.valueOf(200).equals(e.get("status"))),
                "the 200 response told");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> http = (List<Map<String, Object>>) result.get("http");
        assertTrue(http.stream().anyMatch(h -> "/big1m.bin".equals(h.get("target")) && Integer.valueOf(200).equals(h.get("status"))),
                "the exchange listed: " + http);
        // the HTTPS connection's ClientHello, told from the clear bytes over IPv6
        Map<String, Object> hello = events.stream().filter(e -> "tls".equals(e.get("layer")) && "ClientHello".equals(e.get("message")))
                .findFirst().orElseThrow(() -> new AssertionError("no ClientHello told"));
        assertEquals("www.synack.test", hello.get("sni"), hello.toString());
        assertEquals(1, ((Number) hello.get("stream")).intValue(), hello.toString());
    }

    @Test
    void underLossAndReorderingTheFindingsOverIpv6AreTsharksFrameByFrame(@TempDir Path dir) throws Exception {
        labCommand("loss", "3");
        labCommand("reorder", "5");
        String url = "http://[" + lab.get("SERVER_IP6") + "]/big1m.bin";
        Path pcap = capture(dir, "v6-lossy.pcap", () -> {
            for (int i = 0; i < 3; i++) {
                ExplainLabIT.ok(lab.in("client", "curl", "-6", "-g", "-s", "-o", "/dev/null", "--max-time", "30", url));
            }
        });
        Lab.Result r = lab.synack("explain", "--json", pcap.toString());
        ExplainLabIT.ok(r);
        List<Map<String, Object>> events = ExplainLabIT.json(r);
        Map<String, int[]> a = ExplainLabIT.agreement("IPv6, 3 x 1 MiB, 3% loss, 5% reordered", ExplainLabIT.tsharkFlags(pcap),
                ExplainLabIT.ourFindings(events));
        assertTrue(a.get("retransmission")[0] > 0, "the lossy path made tshark see retransmissions: " + a.get("retransmission")[0]);
        for (String family : List.of("retransmission", "duplicate_ack", "zero_window")) {
            int[] c = a.get(family);
            assertEquals(c[0], c[2], family + ": every frame tshark flags, explain flags too");
            assertEquals(c[1], c[2], family + ": every frame explain flags, tshark flags too");
        }
        Lab.Result q = lab.synack("explain", "-q", pcap.toString());
        ExplainLabIT.ok(q);
        assertEquals(tsharkConversations(pcap), q.out().lines().filter(l -> l.startsWith("tcp.")).count(), q.toString());
        assertEquals(3, events.stream().filter(e -> "http".equals(e.get("layer")) && Integer.valueOf(200).equals(e.get("status"))).count(),
                "three 200 responses:\n" + q);
    }
}
