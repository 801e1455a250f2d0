package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI's answers to mistakes, in-process: the exit code, one clear line on stderr, no stack trace. */
class MainUsageTest {
    record Outcome(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        void assertNoStackTrace() {
            assertFalse(err.contains("at synack."), err);
            assertFalse(err.contains("Exception"), err);
            assertFalse(out.contains("Exception"), out);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
            System.out.flush();
            System.err.flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownOptionIsOneLineAndAHint() {
        Outcome o = run("arp-resolve", "--bogus", "198.18.1.1");
        assertEquals(2, o.code(), o.toString());
        assertEquals(List.of("synack arp-resolve: Unknown option: '--bogus' (see 'synack arp-resolve --help')"), o.errLines(),
                o.toString());
        assertEquals("", o.out());
        o.assertNoStackTrace();
    }

    @Test
    void malformedTargetIsAUsageError() {
        Outcome o = run("arp-resolve", "198.18.1.300");
        assertEquals(2, o.code(), o.toString());
        assertEquals(List.of("synack arp-resolve: not an IPv4 address: 198.18.1.300 (300 > 255)"), o.errLines());
        o.assertNoStackTrace();
    }

    @Test
    void countZeroIsAUsageError() {
        Outcome o = run("arp-resolve", "--count", "0", "198.18.1.1");
        assertEquals(2, o.code(), o.toString());
        assertEquals(List.of("synack arp-resolve: --count must be 1 to 1000, not 0"), o.errLines());
        o.assertNoStackTrace();
    }

    @Test
    void missingInterfaceIsAnEnvironmentError() {
        Outcome o = run("arp-resolve", "-i", "no-such-if0", "198.18.1.1");
        assertEquals(3, o.code(), o.toString());
        assertEquals(1, o.errLines().size(), o.toString());
        assertTrue(o.err().startsWith("synack arp-resolve: no such interface: no-such-if0"), o.toString());
        o.assertNoStackTrace();
    }

    @Test
    void announceTakesNoTarget() {
        Outcome o = run("arp-resolve", "--announce", "1.2.3.4");
        assertEquals(2, o.code(), o.toString());
        assertTrue(o.err().startsWith("synack arp-resolve: --announce takes no TARGET"), o.toString());
        o.assertNoStackTrace();
    }

    @Test
    void otherUsageMistakes() {
        for (String[] args : List.of(
                new String[] {"arp-resolve"},
                new String[] {"arp-resolve", "--probe", "--announce", "-i", "lo"},
                new String[] {"arp-resolve", "--probe", "198.18.1.0/24"},
                new String[] {"arp-resolve", "--interval", "abc", "198.18.1.1"},
                new String[] {"arp-resolve", "--timeout", "-1s", "198.18.1.1"},
                new String[] {"arp-resolve", "-S", "1.2.3", "198.18.1.1"},
                new String[] {"arp-resolve", "--count", "x", "198.18.1.1"},
                new String[] {"arp-resolve", "--rate", "0", "198.18.1.0/24"},
                new String[] {"arp-resolve", "10.0.0.0/8"},
                new String[] {"no-such-command"})) {
            Outcome o = run(args);
            assertEquals(2, o.code(), String.join(" ", args) + "\n" + o);
            assertTrue(o.err().startsWith("synack"), o.toString());
            o.assertNoStackTrace();
        }
    }

    @Test
    void versionIsZero() {
        Outcome o = run("--version");
        assertEquals(0, o.code(), o.toString());
        assertTrue(o.out().startsWith("synack "), o.toString());
        assertEquals("", o.err());
    }

    @Test
    void helpMentionsWhoHas() {
        Outcome o = run("arp-resolve", "--help");
        assertEquals(0, o.code(), o.toString());
        assertTrue(o.out().contains("who-has"), o.out());
        assertTrue(o.out().contains("Usage: synack arp-resolve"), o.out());
        assertEquals("", o.err());
    }

    @Test
    void noArgumentsPrintsUsage() {
        Outcome o = run();
        assertEquals(0, o.code());
        assertTrue(o.out().contains("Usage: synack"), o.out());
        assertTrue(o.out().contains("arp-resolve"), o.out());
    }

    @Test
    void synProbeMistakesAreOneLineEach() {
        String[][] cases = {
            {"which ports?", "syn-probe", "198.18.2.2"},
            {"shard 3/3 does not exist", "syn-probe", "198.18.2.2", "-p-", "--shard", "3/3"},
            {"bad shard", "syn-probe", "198.18.2.2", "-p-", "--shard", "one"},
            {"--format is text, list or grep", "syn-probe", "198.18.2.2", "-p", "80", "--format", "xml"},
            {"--show takes open, closed, filtered or all", "syn-probe", "198.18.2.2", "-p", "80", "--show", "up"},
            {"--top-ports takes 1 to 1000", "syn-probe", "198.18.2.2", "--top-ports", "5000"},
            {"--rate must be 1 to 10000000", "syn-probe", "198.18.2.2", "-p", "80", "--rate", "0"},
            {"is outside 0-65535", "syn-probe", "198.18.2.2", "-p", "70000"},
            {"the limit is /16", "syn-probe", "10.0.0.0/8", "-p", "80"},
            {"is not an address, range, CIDR block or host name", "syn-probe", "198.18.2.2:80", "-p", "80"},
        };
        for (String[] c : cases) {
            Outcome o = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, o.code(), o.toString());
            assertEquals(1, o.errLines().size(), o.toString());
            assertTrue(o.err().contains(c[0]), "want '" + c[0] + "' in:\n" + o);
            assertEquals("", o.out());
            o.assertNoStackTrace();
        }
    }

    @Test
    void helpTextIsReflowedIntoParagraphsNotRaggedHalfLines() {
        assertEquals(List.of("one two three.", "Four five:", "  example a", "", "six seven"),
                List.of(Main.paragraphs(new String[] {"one two", "three.", "Four", "five:", "  example a", "", "six", "seven"})));
        Outcome o = run("syn-probe", "--help");
        assertEquals(0, o.code(), o.toString());
        // a source line break in mid-sentence no longer leaves a short stub line in the help
        assertFalse(o.out().lines().anyMatch(l -> l.equals("so the server") || l.equals("frees its SYN_RECEIVED slot); RST → closed;")), o.out());
    }

    @Test
    void streamsAreRestored() {
        PrintStream before = System.out;
        run("--version");
        assertTrue(before == System.out);
    }
}
