package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * synack explain in this JVM, on captures made by real tools (packets' fixtures: tcpdump of curl
 * against a python http.server, see their README): the exit codes, -q's lines, the checks, --flow,
 * and a mistaken file, filter or option told in one line with exit 2. No privilege, nothing sent.
 */
class ExplainCommandTest {
    static final Path CAPTURES = Path.of("..", "packets", "src", "test", "resources", "captures").toAbsolutePath().normalize();

    static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    static String capture(String name) {
        return CAPTURES.resolve(name).toString();
    }

    /** The --json run's result event. */
    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> result(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("explain", "--json"));
        all.addAll(java.util.List.of(args));
        InProcess.Outcome o = InProcess.run(all.toArray(new String[0]));
        java.util.List<String> lines = o.outLines();
        java.util.Map<String, Object> last = JSON.readValue(lines.get(lines.size() - 1), java.util.Map.class);
        assertEquals("result", last.get("event"), o.toString());
        assertEquals(o.code(), last.get("exit"), o.toString());
        return last;
    }

    @SuppressWarnings("unchecked")
    static java.util.List<java.util.Map<String, Object>> list(java.util.Map<String, Object> result, String key) {
        return (java.util.List<java.util.Map<String, Object>>) result.get(key);
    }

    @Test
    void aCaptureOfTwoHttpExchangesIsToldWithOneLinePerConnectionAndExitZero() {
        InProcess.Outcome o = InProcess.run("explain", "-q", capture("lo-http.pcap"));
        assertEquals(0, o.code(), o.toString());
        // the fixture: one curl over IPv4 (tcp.0) and one over IPv6 (tcp.1), as tshark's tcp.stream numbers them
        assertEquals(1, o.outLines().stream().filter(l -> l.startsWith("tcp.0 127.0.0.1:")).count(), o.toString());
        assertEquals(1, o.outLines().stream().filter(l -> l.startsWith("tcp.1 [::1]:")).count(), o.toString());
        java.util.List<java.util.Map<String, Object>> tcp = list(result(capture("lo-http.pcap")), "tcp");
        assertEquals(2, tcp.size(), tcp.toString());
        assertEquals("a_closed_first", tcp.get(0).get("close"), tcp.toString());
        assertEquals("TIME_WAIT", tcp.get(0).get("state_a"), tcp.toString());
        assertEquals("[::1]:8081", tcp.get(1).get("b"), tcp.toString());
        assertEquals(2, list(result(capture("lo-http.pcap")), "http").size(), "both connections' exchanges");
    }

    @Test
    void theChecksJudgeTheCaptureAndAFailedOneIsExitOne() {
        assertEquals(0, InProcess.run("explain", "-q", "--expect-status", "200", "--expect-no-retransmissions", "--expect-no-resets",
                capture("lo-http.pcap")).code());
        InProcess.Outcome wrong = InProcess.run("explain", "-q", "--expect-status", "404", capture("lo-http.pcap"));
        assertEquals(1, wrong.code(), wrong.toString());
        java.util.Map<String, Object> check = list(result("--expect-status", "404", capture("lo-http.pcap")), "checks").get(0);
        assertEquals("status", check.get("check"));
        assertEquals(false, check.get("held"));
        assertEquals(200, list(result(capture("lo-http.pcap")), "http").get(0).get("status"));
        InProcess.Outcome none = InProcess.run("explain", "-q", "--expect-handshake-ms", "5", capture("ipv4-udp.pcapng"));
        assertEquals(1, none.code(), "no handshake at all does not pass a handshake check:\n" + none);
    }

    @Test
    void aFilterAndFlowNarrowWhatIsToldNotWhatIsChecked() {
        InProcess.Outcome all = InProcess.run("explain", "--json", capture("lo-http.pcap"));
        InProcess.Outcome none = InProcess.run("explain", "--json", capture("lo-http.pcap"), "udp");
        assertEquals(0, all.code(), all.toString());
        assertEquals(0, none.code(), none.toString());
        assertTrue(all.out().lines().filter(l -> l.contains("\"event\":\"frame\"")).count()
                > none.out().lines().filter(l -> l.contains("\"event\":\"frame\"")).count(), "the filter left frames out");
        assertTrue(none.out().contains("\"matched\":0"), none.out());
        InProcess.Outcome one = InProcess.run("explain", "--flow", "0", capture("lo-http.pcap"));
        assertEquals(0, one.code(), one.toString());
        InProcess.Outcome oneQuiet = InProcess.run("explain", "-q", "--flow", "0", capture("lo-http.pcap"));
        // -q --flow 0: that connection's line, then the summary (as bulk answers end), no DNS or ARP line
        assertEquals(2, oneQuiet.outLines().size(), oneQuiet.toString());
        assertTrue(oneQuiet.outLines().get(0).startsWith("tcp.0 "), oneQuiet.toString());
        InProcess.Outcome oneJson = InProcess.run("explain", "--json", "--flow", "0", capture("lo-http.pcap"));
        assertTrue(oneJson.outLines().stream().filter(l -> l.contains("\"event\":\"frame\"")).allMatch(l -> l.contains("\"stream\":0")),
                "--flow 0 tells only stream 0's frames:\n" + oneJson.out());
    }

    @Test
    void mistakesAreOneLineWithExitTwo(@TempDir Path dir) throws Exception {
        assertTrue(InProcess.run("explain", dir.resolve("none.pcap").toString()).oneLine(ExitCodes.USAGE).err().contains("no such file"));
        Path text = Files.writeString(dir.resolve("notes.txt"), "these are not packets\n");
        assertTrue(InProcess.run("explain", text.toString()).oneLine(ExitCodes.USAGE).err().contains(text.toString()));
        assertTrue(InProcess.run("explain", dir.toString()).oneLine(ExitCodes.USAGE).err().contains("directory"));
        assertTrue(InProcess.run("explain", capture("lo-http.pcap"), "tcp", "port", "eighty").oneLine(ExitCodes.USAGE).err()
                .contains("capture filter 'tcp port eighty'"));
        InProcess.run("explain", "--flow", "-1", capture("lo-http.pcap")).oneLine(ExitCodes.USAGE);
        assertTrue(InProcess.run("explain", "--expect-status", "20", capture("lo-http.pcap")).oneLine(ExitCodes.USAGE).err()
                .contains("--expect-status"));
    }

    @Test
    void aFileCutShortIsToldAsDamagedNotACrash(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(CAPTURES.resolve("lo-http.pcap"));
        Path cut = Files.write(dir.resolve("cut.pcap"), java.util.Arrays.copyOf(whole, whole.length - 7));
        InProcess.Outcome o = InProcess.run("explain", "--json", cut.toString());
        assertEquals(0, o.code(), o.toString());
        assertTrue(o.out().contains("\"problem\":\"truncated_file\""), o.out());
        o.assertNoStackTrace();
    }
}
