package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Exit codes at the CLI's edge: a user's mistake is 2 in one line, a bug is 70 in one line
 * (the stack trace only with --debug), whatever exception class the bug happens to throw.
 */
class ExitCodeEdgeTest {
    /** A command with a bug: an IllegalArgumentException from deep inside its run. */
    @Command(name = "buggy")
    static final class Buggy implements Callable<Integer> {
        @Option(names = "--debug")
        boolean debug;

        @Override
        public Integer call() {
            throw new IllegalArgumentException("index 7 out of range");
        }
    }

    static CommandLine withBuggy() {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand("buggy", new Buggy());
        return cli;
    }

    @Test
    void anIllegalArgumentExceptionFromACommandsRunIsABugNotAUsageError() {
        InProcess.Outcome o = InProcess.run(withBuggy(), "buggy");
        assertEquals(ExitCodes.INTERNAL, o.code(), o.toString());
        assertEquals(1, o.errLines().size(), o.toString());
        assertTrue(o.err().startsWith("synack buggy: internal error: java.lang.IllegalArgumentException: index 7 out of range"), o.toString());
        assertTrue(o.err().contains("--debug"), o.toString());
        assertEquals("", o.out());
    }

    @Test
    void withDebugTheBugShowsItsStackTrace() {
        InProcess.Outcome o = InProcess.run(withBuggy(), "buggy", "--debug");
        assertEquals(ExitCodes.INTERNAL, o.code(), o.toString());
        assertTrue(o.err().contains("\tat synack.cli.ExitCodeEdgeTest$Buggy.call"), o.toString());
    }

    @Test
    void aBadOptionValueIsStillUsageInOneLine() {
        InProcess.run("syn-probe", "198.18.2.2", "-p", "80", "--rate", "lots").oneLine(ExitCodes.USAGE);
        InProcess.run("handshake", "198.18.2.2", "http").oneLine(ExitCodes.USAGE);
        InProcess.run("arp-resolve", "-S", "1.2.3.4.5", "198.18.1.1").oneLine(ExitCodes.USAGE);
        InProcess.run("dns-resolve", "--timeout", "soon", "x.test").oneLine(ExitCodes.USAGE);
    }

    @Test
    void inputParsedByTheLibraryIsAUsageErrorWhenItIsTheUsersMistake() {
        // each of these is an IllegalArgumentException inside packets, turned into a UsageProblem at the CLI's boundary
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("arp-resolve", "198.18.1.300")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("arp-resolve", "198.18.0.0/8")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("syn-probe", "198.18.2.2", "-p", "80-70")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("syn-probe", "198.18.2.2", "--top-ports", "0")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("syn-probe", "198.18.2.2", "-p-", "--shard", "1/0")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("syn-probe", "198.18.2.0-300", "-p", "80")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("dns-resolve", "-t", "BOGUS", "x.test")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("dns-resolve", "--expect", "nothing", "x.test")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("dns-resolve", "--port", "70000", "@198.18.2.2", "x.test")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("http-get", "ftp://x.test/")).oneLine(ExitCodes.USAGE);
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("http-get", "-H", "no colon", "http://x.test/")).oneLine(ExitCodes.USAGE);
    }
}
