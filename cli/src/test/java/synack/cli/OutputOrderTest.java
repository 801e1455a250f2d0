package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import synack.link.ReceivedFrame;

/**
 * Stdout is buffered (a write per buffer, not per line), stderr is not: what a user sees on one
 * screen (a terminal, or 2>&1 into a file) must still come in the order it was told, and a run
 * that waits for the wire must have shown what it did so far. The process's own streams, as a
 * shell gives them, both into one sink; the commands on the in-memory host.
 */
class OutputOrderTest {
    final MemoryHost host = new MemoryHost();
    final SimulatedSegment net = new SimulatedSegment();
    final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    OutputOrderTest() {
        host.network = net;
    }

    /** Runs as Main.run does (the model's streams made from System.out and System.err), both onto {@link #screen}. */
    synchronized int run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(screen, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(screen, true, StandardCharsets.UTF_8));
            CommandLine cli = Main.commandLine(new RunContext(host, SessionMemory.NONE, ConnectionKeeper.NONE));
            int code = cli.execute(args);
            cli.getOut().flush();
            return code;
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSummaryOnStderrComesAfterThePortLinesOnStdout() {
        // --format list: a line per port on stdout (for a pipe), the result's lines on stderr
        int code = run("syn-probe", "--format", "list", "--show", "closed", "--no-progress", "198.18.2.2", "-p", "80-89");
        assertEquals(ExitCodes.NEGATIVE, code, screen());
        List<String> lines = screen().lines().toList();
        assertTrue(lines.size() > 10, screen());
        assertTrue(lines.subList(0, 10).stream().allMatch(l -> l.matches("198\\.18\\.2\\.2:8\\d closed")),
                "the port lines (stdout) first, in the order they came:\n" + screen());
        assertTrue(lines.subList(10, lines.size()).stream().noneMatch(l -> l.matches("198\\.18\\.2\\.2:8\\d closed")),
                "the result's lines (stderr) overtook a port line (stdout):\n" + screen());
        assertTrue(lines.get(lines.size() - 1).startsWith("10 probes to 1 host"), screen());
    }

    @Test
    void whatWasSentIsOnTheScreenWhileTheRunWaitsForAnAnswer() {
        // a silent name server: the retry leaves after a wait of --timeout; by then the first try is shown
        List<String> seenAtRetry = new ArrayList<>();
        Function<ReceivedFrame, List<byte[]>> silent = net;
        host.network = f -> {
            List<byte[]> answers = silent.apply(f);
            if (net.dnsAsked.size() == 2 && seenAtRetry.isEmpty()) {
                seenAtRetry.add(screen()); // the second query is on its way: what the user sees now
            }
            return answers;
        };
        int code = run("dns-resolve", "--timeout", "200ms", "--retries", "1", "@198.18.2.2", "nobody.synack.test");
        assertEquals(ExitCodes.NO_ANSWER, code, screen());
        assertEquals(1, seenAtRetry.size(), screen());
        String shown = seenAtRetry.get(0);
        assertTrue(shown.startsWith("dns-resolve nobody.synack.test A @198.18.2.2:53"), shown);
        assertTrue(shown.lines().anyMatch(l -> l.contains("→  DNS query") && l.contains("try 1 of 2")), shown);
    }
}
