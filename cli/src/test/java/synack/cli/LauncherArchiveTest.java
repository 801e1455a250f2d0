package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.cli.commands.TrainCommand;

/**
 * The launcher's choice of start-up archive and options, run against a stand-in JDK whose java writes down
 * each command line it is given (and, asked to dump an archive, writes the file): which archive each form
 * of a command starts from, what records it, and that it is recorded once.
 */
class LauncherArchiveTest {
    private static final Path LAUNCHER = Path.of("..", "synack").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    private Path home;
    private Path log;
    private Path java;

    @BeforeEach
    void copyTheLauncher() throws IOException {
        home = tmp.resolve("home");
        Files.createDirectories(home.resolve("cli/target"));
        Files.copy(LAUNCHER, home.resolve("synack"));
        Files.writeString(home.resolve("cli/target/synack.jar"), ""); // no sources beside it: nothing to build
        log = tmp.resolve("java.log");
        java = tmp.resolve("jdk/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, String.join("\n", "#!/bin/bash",
                "echo \"$*\" >>" + log,
                "for a in \"$@\"; do case \"$a\" in -XX:SharedArchiveFile=*) out=${a#*=} ;; -Xshare:dump) dump=1 ;; esac; done",
                "[ -n \"${dump:-}\" ] && : >\"$out\"",
                "exit 0", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        // a JDK 17 by its release file: static CDS archives named for it
        Files.writeString(tmp.resolve("jdk/release"), "JAVA_VERSION=\"17.0.15\"\nJAVA_RUNTIME_VERSION=\"17.0.15+6\"\n");
    }

    /** The command lines the stand-in java was given for one start of the launcher with {@code args}. */
    private List<String> run(String... args) throws Exception {
        Files.deleteIfExists(log);
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", home.resolve("synack").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SYNACK_JAVA", java.toString());
        pb.environment().remove("SYNACK_ARCHIVE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return Files.readAllLines(log);
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    @Test
    void aQuietOneLinerRecordsItsOwnArchiveOnceAndStartsFromIt() throws Exception {
        List<String> first = run("handshake", "-q", "--rst", "198.18.2.2", "80");
        // trained through TrainCommand's main for this command's quiet form, then dumped, then run
        assertEquals(3, first.size(), first.toString());
        assertTrue(first.get(0).contains("-Xshare:off") && first.get(0).endsWith("synack.cli.commands.TrainCommand handshake -q"), first.toString());
        assertTrue(first.get(1).contains("-Xshare:dump"), first.toString());
        assertTrue(last(first).contains("-handshake-q.jsa ") && last(first).contains("-Xms12m"), last(first));
        List<String> second = run("handshake", "-q", "--rst", "198.18.2.2", "80");
        assertEquals(List.of(last(first)), second, "recorded once");
        // its narrated form has an archive of its own; -qp80 is a quiet form; ndp-resolve is arp-resolve's
        assertTrue(last(run("handshake", "198.18.2.2", "80")).contains("-handshake.jsa "));
        assertTrue(last(run("syn-probe", "-qp80", "198.18.2.2")).contains("-syn-probe-q.jsa "));
        List<String> ndp = run("ndp-resolve", "-q", "2001:db8:1::1");
        assertTrue(ndp.get(0).endsWith("TrainCommand arp-resolve -q") && last(ndp).contains("-arp-resolve-q.jsa "), ndp.toString());
    }

    @Test
    void bulkAndSweepFormsAndOtherCommandsStartFromTheGeneralArchiveWithTheirOwnOptions() throws Exception {
        for (String[] args : new String[][] {{"dns-resolve", "-q", "-f", "names.txt"}, {"dns-resolve", "--file=/tmp/names.txt"},
                {"dns-resolve", "-qf", "names.txt"}, {"syn-probe", "-q", "198.18.2.2", "-p-"}, {"syn-probe", "198.18.2.0/24", "-p", "80"},
                {"explain", "-q", "x.pcap"}, {"--version"}}) {
            String exec = last(run(args));
            assertTrue(exec.contains("-XX:SharedArchiveFile=" + home.resolve("cli/target/startup/jdk-17.0.15+6.jsa") + " "),
                    String.join(" ", args) + ": " + exec);
            assertFalse(exec.contains("-Xms12m") || exec.contains("StringTableSize"), String.join(" ", args) + ": " + exec);
        }
    }

    @Test
    void httpGetRunsOnC1UnlessAUrlIsOverTls() throws Exception {
        for (String[] args : new String[][] {{"http-get", "-q", "http://198.18.2.2/"}, {"http-get", "-o", "x", "HTTP://198.18.2.2/"}}) {
            String exec = last(run(args));
            assertTrue(exec.contains("-XX:TieredStopAtLevel=1 ") && exec.contains("-Xmx64m "), String.join(" ", args) + ": " + exec);
        }
        for (String[] args : new String[][] {{"http-get", "https://www.synack.test/"}, {"http-get", "http://a/", "HTTPS://b/"}}) {
            String exec = last(run(args));
            assertFalse(exec.contains("TieredStopAtLevel") || exec.contains("CompileThresholdScaling"), String.join(" ", args) + ": " + exec);
            assertTrue(exec.contains("-Xmx64m ") && exec.contains("-http-get.jsa "), String.join(" ", args) + ": " + exec);
        }
        // its quiet form wherever -q stands, an archive of its own either way
        assertTrue(last(run("http-get", "http://198.18.2.2/", "-q")).contains("-http-get-q.jsa "));
        assertTrue(last(run("http-get", "-o", "x", "http://198.18.2.2/")).contains("-http-get.jsa "));
    }

    @Test
    void theLaunchersOneLinersAreTheOnesTrainCommandTrains() throws Exception {
        Files.createDirectories(home.resolve("cli/target/startup"));
        for (String command : TrainCommand.ONE_LINERS) {
            for (Path a : Files.newDirectoryStream(home.resolve("cli/target/startup"))) {
                Files.delete(a); // each recorded afresh: ndp-resolve's is arp-resolve's
            }
            List<String> lines = run(command, "--help");
            String own = command.equals("ndp-resolve") ? "arp-resolve" : command;
            assertTrue(lines.get(0).endsWith("TrainCommand " + own), command + ": " + lines);
            assertTrue(last(lines).contains("-" + own + ".jsa "), command + ": " + last(lines));
        }
        // and a command that has none trains the general archive through the model
        List<String> explain = run("explain", "--help");
        assertTrue(explain.get(0).endsWith("-jar " + home.resolve("cli/target/synack.jar") + " train-startup"), explain.toString());
    }
}
