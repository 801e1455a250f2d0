package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Runs synack in this JVM as picocli runs it, its stdout and stderr captured from getOut()/getErr(). */
final class InProcess {
    private InProcess() {}

    record Outcome(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        List<String> outLines() {
            return out.lines().toList();
        }

        /** Exit {@code code} with one line on stderr and nothing on stdout: a mistake told in one line. */
        Outcome oneLine(int code) {
            assertEquals(code, this.code, toString());
            assertEquals(1, errLines().size(), toString());
            assertEquals("", out, toString());
            assertNoStackTrace();
            return this;
        }

        void assertNoStackTrace() {
            assertFalse(err.contains("\tat "), err);
            assertFalse(err.contains("Exception"), err);
            assertFalse(out.contains("Exception"), out);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Outcome run(String... args) {
        return run(RunContext.ONE_LINER, args);
    }

    static Outcome run(RunContext context, String... args) {
        return run(Main.commandLine(context), args);
    }

    static Outcome run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
