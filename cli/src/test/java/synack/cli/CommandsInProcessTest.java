package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command run in this JVM as picocli runs it, its output taken from the writers it was
 * given: usage mistakes are exit 2 in one line on stderr and nothing on stdout (--json too),
 * help and version go to stdout, and a live command that cannot reach its interface is exit 3
 * in one line. Nothing here sends a frame: every live command is stopped before its capture.
 */
class CommandsInProcessTest {
    @Test
    void usageMistakesOfEveryCommandAreOneLineOnStderrAndNothingOnStdout() {
        String[][] cases = {
            {"arp-resolve"},
            {"arp-resolve", "--count", "0", "198.18.1.1"},
            {"dns-resolve"},
            {"dns-resolve", "bad..name"},
            {"dns-resolve", "@nowhere", "x.test"},
            {"dns-resolve", "-x", "1.2.3"},
            {"handshake", "www.synack.test", "80"},
            {"handshake", "198.18.2.2", "0"},
            {"handshake", "-p", "0", "198.18.2.2", "80"},
            {"handshake", "--keep", "198.18.2.2", "80"},
            {"fin-teardown", "198.18.2.2"},
            {"fin-teardown", "1"},
            {"fin-teardown", "198.18.2.2", "80", "--wait", "forever"},
            {"syn-probe", "198.18.2.2"},
            {"syn-probe", "198.18.2.2", "-p", "0"},
            {"syn-probe", "198.18.2.2", "-p", "80", "--source-port", "0"},
            {"http-get"},
            {"http-get", "--cacert", "/nonexistent/ca.pem", "https://www.synack.test/"},
            {"http-get", "--expect-status", "ok", "http://www.synack.test/"},
            {"shell", "--bogus"},
            {"demo", "--bogus"},
            {"install", "--bogus"},
            {"no-such-command"},
        };
        List<String> notLive = List.of("shell", "demo", "install", "no-such-command");
        for (String[] c : cases) {
            // -i nosuch0: were a check to pass by mistake, the command stops at its interface (3), sending nothing
            String[] args = notLive.contains(c[0]) ? c : withNoSuchInterface(c);
            InProcess.Outcome o = InProcess.run(args);
            o.oneLine(ExitCodes.USAGE);
            assertTrue(o.err().startsWith("synack"), o.toString());
        }
    }

    @Test
    void aJsonRunsUsageMistakeLeavesStdoutClean() {
        for (String[] args : List.of(
                new String[] {"syn-probe", "--json", "198.18.2.2"},
                new String[] {"dns-resolve", "--json"},
                new String[] {"handshake", "--json", "198.18.2.2", "70000"},
                new String[] {"arp-resolve", "--json", "--announce", "198.18.1.1"},
                new String[] {"http-get", "--json", "gopher://x.test/"})) {
            InProcess.run(withNoSuchInterface(args)).oneLine(ExitCodes.USAGE);
        }
    }

    static String[] withNoSuchInterface(String... args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 2);
        out[args.length] = "-i";
        out[args.length + 1] = "nosuch0";
        return out;
    }

    @Test
    void versionAndHelpGoToTheGivenStdout() {
        InProcess.Outcome v = InProcess.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("synack "), v.toString());
        assertEquals("", v.err());
        InProcess.Outcome h = InProcess.run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("Usage: synack"), h.toString());
        assertEquals("", h.err());
        InProcess.Outcome helpCommand = InProcess.run("help", "handshake");
        assertEquals(0, helpCommand.code(), helpCommand.toString());
        assertTrue(helpCommand.out().contains("Usage: synack handshake"), helpCommand.toString());
        for (String command : List.of("arp-resolve", "dns-resolve", "handshake", "fin-teardown", "syn-probe", "http-get", "shell",
                "demo", "lab", "install")) {
            InProcess.Outcome o = InProcess.run(command, "--help");
            assertEquals(0, o.code(), o.toString());
            assertTrue(o.out().contains("Usage: synack " + command), o.toString());
            assertEquals("", o.err(), o.toString());
        }
    }

    @Test
    void theShellIsACommandThoughCliNeverNamesIt() {
        assertEquals(List.of("shell", "arp-resolve"), Main.commandLine().getSubcommands().keySet().stream().limit(2).toList());
        assertTrue(new picocli.CommandLine(new Main()).getSubcommands().containsKey("shell"));
    }

    @Test
    void aLiveCommandWithAnInterfaceThatDoesNotExistIsEnvironmentInOneLine(@TempDir Path dir) throws Exception {
        Path hints = Files.writeString(dir.resolve("root.hints"), ". NS a.root.test.\na.root.test. A 198.18.0.1\n");
        Path names = Files.writeString(dir.resolve("names"), "www.synack.test\n");
        String[][] cases = {
            {"arp-resolve", "198.18.1.1"},
            {"arp-resolve", "198.18.1.0/30"},
            {"arp-resolve", "--announce"},
            {"arp-resolve", "--probe", "198.18.1.9"},
            {"dns-resolve", "@198.18.2.2", "www.synack.test"},
            {"dns-resolve", "--trace", "--root-hints", hints.toString(), "www.synack.test"},
            {"dns-resolve", "-f", names.toString(), "@198.18.2.2"},
            {"handshake", "198.18.2.2", "80"},
            {"fin-teardown", "198.18.2.2", "80"},
            {"syn-probe", "198.18.2.2", "-p", "80"},
            {"syn-probe", "198.18.2.0/30", "-p", "80"},
            {"http-get", "http://198.18.2.2/"},
        };
        for (String[] c : cases) {
            InProcess.Outcome o = InProcess.run(withNoSuchInterface(c));
            o.oneLine(ExitCodes.ENVIRONMENT);
            assertTrue(o.err().startsWith("synack " + c[0] + ": no such interface: nosuch0"), o.toString());
        }
    }

    @Test
    void aLiveCommandWithoutPrivilegeIsEnvironmentInOneLineAndOpensNothing() {
        MemoryHost host = new MemoryHost();
        host.privileged = false;
        RunContext unprivileged = new RunContext(host, SessionMemory.NONE, ConnectionKeeper.NONE);
        for (String[] args : List.of(new String[] {"arp-resolve", "198.18.1.1"}, new String[] {"handshake", "198.18.2.2", "80"},
                new String[] {"syn-probe", "198.18.2.2", "-p", "80"}, new String[] {"dns-resolve", "www.synack.test"},
                new String[] {"handshake", "--json", "198.18.2.2", "80"})) {
            InProcess.Outcome o = InProcess.run(unprivileged, args);
            o.oneLine(ExitCodes.ENVIRONMENT);
            assertTrue(o.err().contains("raw-socket privilege"), o.toString());
        }
        assertEquals(List.of(), host.filters);
    }
}
