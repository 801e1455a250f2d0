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

    static String capture(String name) {
        return CAPTURES.resolve(name).toString();
    }

    @Test
    void aCaptureOfTwoHttpExchangesIsToldWithOneLinePerConnectionAndExitZero() {
        InProcess.Outcome o = InProcess.run("explain", "-q", capture("lo-http.pcap"));
        assertEquals(0, o.code(), o.toString());
        // the fixture: one curl over IPv4 (tcp.0) and one over IPv6, which explain does not follow yet
        assertEquals(1, o.outLines().stream().filter(l -> l.startsWith("tcp.0 127.0.0.1:")).count(), o.toString());
        assertTrue(o.out().contains("a closed first"), o.toString());
    }

    @Test
    void theChecksJudgeTheCaptureAndAFailedOneIsExitOne() {
        assertEquals(0, InProcess.run("explain", "-q", "--expect-status", "200", "--expect-no-retransmissions", "--expect-no-resets",
                capture("lo-http.pcap")).code());
        InProcess.Outcome wrong = InProcess.run("explain", "-q", "--expect-status", "404", capture("lo-http.pcap"));
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.out().contains("check failed: 200 for GET /hello.txt"), wrong.toString());
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
        assertTrue(one.out().contains("tcp.0") && one.out().contains("TCP connection 0 only"), one.toString());
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
