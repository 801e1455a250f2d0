package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A one-liner parses with a model of the root and its one command ({@link OneCommand}); that
 * model must answer exactly as the full one does, and everything else must get the full one.
 */
class OneCommandTest {
    /** The commands a one-liner model is not for: the shell's (ServiceLoader), help, and the hidden tools. */
    static Set<String> fullModelOnly() {
        Set<String> names = new TreeSet<>(List.of("help", "docs", "train-startup"));
        for (CommandGroup g : Main.groups()) {
            for (Object command : g.commands()) {
                names.add(new CommandLine(command).getCommandName());
            }
        }
        return names;
    }

    @Test
    void everyOwnCommandHasItsOneLinerModelAndItIsTheSameClass() {
        CommandLine full = Main.commandLine();
        List<String> covered = new ArrayList<>();
        full.getSubcommands().forEach((name, sub) -> {
            Object one = OneCommand.command(name);
            if (fullModelOnly().contains(name)) {
                assertNull(one, name + " must go to the full model");
            } else {
                assertNotNull(one, name + " has no one-liner model: add it to OneCommand.command");
                assertSame(sub.getCommandSpec().userObject().getClass(), one.getClass(), name);
                covered.add(name);
            }
        });
        assertTrue(covered.containsAll(List.of("arp-resolve", "dns-resolve", "handshake", "fin-teardown", "syn-probe", "http-get")),
                covered.toString());
    }

    @Test
    void theOneLinerModelHoldsOnlyItsCommandUnderAMainRoot() {
        CommandLine one = Main.oneCommand("dns-resolve", "-q", "www.synack.test");
        assertEquals(List.of("dns-resolve"), List.copyOf(one.getSubcommands().keySet()));
        assertTrue(one.getCommandSpec().userObject() instanceof Main, "RunContext.of reads the root's Main");
        assertEquals("synack dns-resolve", one.getSubcommands().get("dns-resolve").getCommandSpec().qualifiedName());
    }

    @Test
    void helpIsTheSameTextInBothModels() {
        CommandLine full = Main.commandLine();
        for (String name : full.getSubcommands().keySet()) {
            if (OneCommand.command(name) == null) {
                continue;
            }
            CommandLine one = Main.oneCommand(name, "--help");
            for (CommandLine cli : List.of(full, one)) {
                cli.setUsageHelpAutoWidth(false);
                cli.setUsageHelpWidth(100);
            }
            assertEquals(full.getSubcommands().get(name).getUsageMessage(CommandLine.Help.Ansi.OFF),
                    one.getSubcommands().get(name).getUsageMessage(CommandLine.Help.Ansi.OFF), name);
        }
    }

    @Test
    void mistakesAndHelpAnswerTheSameInBothModels() {
        String[][] cases = {
            {"arp-resolve", "--bogus", "198.18.1.1"},
            {"arp-resolve", "198.18.1.300"},
            {"arp-resolve", "--count", "0", "198.18.1.1"},
            {"arp-resolve"},
            {"syn-probe", "198.18.2.2", "-p", "80", "--rate", "lots"},
            {"syn-probe", "198.18.2.2"},
            {"handshake", "198.18.2.2", "http"},
            {"handshake", "198.18.2.2"},
            {"fin-teardown", "--msl", "forever", "198.18.2.2", "80"},
            {"dns-resolve", "--timeout", "soon", "x.test"},
            {"http-get", "ftp://198.18.2.2/"},
            {"http-get", "--max-time", "-1", "http://198.18.2.2/"},
            {"dns-resolve", "--help"},
            {"handshake", "-h"},
            {"syn-probe", "--help"},
        };
        for (String[] args : cases) {
            InProcess.Outcome full = InProcess.run(Main.commandLine(), args);
            InProcess.Outcome one = InProcess.run(Main.oneCommand(args), args);
            assertEquals(full.toString(), one.toString(), String.join(" ", args));
            assertTrue(full.code() == ExitCodes.USAGE || full.code() == ExitCodes.OK, full.toString());
        }
    }

    @Test
    void anythingElseGetsTheFullModel() {
        for (String[] args : new String[][] {{}, {"--help"}, {"-h"}, {"help", "arp-resolve"}, {"shell"}, {"arp-resolv", "198.18.1.1"},
                {"docs"}, {"train-startup"}, {"-V", "arp-resolve"}}) {
            assertNull(OneCommand.forArgs(args, RunContext.ONE_LINER), String.join(" ", args));
            assertTrue(Main.oneCommand(args).getSubcommands().containsKey("shell"), String.join(" ", args));
        }
        // a misspelled command still gets the full model's answer: usage, exit 2, one line
        InProcess.run(Main.oneCommand("arp-resolv", "198.18.1.1"), "arp-resolv", "198.18.1.1").oneLine(ExitCodes.USAGE);
    }

    @Test
    void versionWithoutAModelPrintsWhatPicocliPrints() {
        InProcess.Outcome picocli = InProcess.run(Main.commandLine(), "--version");
        assertEquals(0, picocli.code(), picocli.toString());
        assertTrue(picocli.out().startsWith("synack "), picocli.toString());
        for (String flag : List.of("--version", "-V")) {
            PrintStream old = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                code = Main.run(flag);
            } finally {
                System.setOut(old);
            }
            assertEquals(0, code);
            assertEquals(picocli.out(), out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"), flag);
        }
    }

    @Test
    void theLaunchersTrainingRunSucceeds() {
        // the launcher records its start-up archive from this run and keeps no archive when it fails (an
        // option renamed in a one-liner's training arguments would fail it silently, every start slower)
        InProcess.Outcome o = InProcess.run("train-startup");
        assertEquals(0, o.code(), o.toString());
        // and each one-liner's own (the launcher runs those through TrainCommand.main, the same call)
        for (String[] own : new String[][] {{"train-startup", "handshake"}, {"train-startup", "dns-resolve", "-q"}}) {
            InProcess.Outcome one = InProcess.run(own);
            assertEquals(0, one.code(), one.toString());
        }
        // a name without an archive of its own is a usage error, not an archive of nothing
        assertEquals(ExitCodes.USAGE, InProcess.run("train-startup", "explain").code());
        assertEquals(ExitCodes.USAGE, InProcess.run("train-startup", "-q").code());
    }
}
