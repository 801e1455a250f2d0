package synack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.cli.commands.TrainCommand;

/**
 * train-startup's in-memory run: each one-liner it trains must really run to its answer there (exit 0),
 * or the start-up archive silently holds less of the live path than the launcher counts on.
 */
class TrainingHostTest {
    @Test
    void eachOneLinerRunsToItsAnswerInMemory() {
        // what train-startup runs, both families (ndp-resolve, syn-probe, handshake and dns-resolve over IPv6 too)
        int[] codes = TrainingHost.train(TrainCommand.LIVE);
        int[] zeros = new int[TrainCommand.LIVE.size()];
        assertArrayEquals(zeros, codes, () -> "exit statuses of " + TrainCommand.LIVE.stream().map(a -> String.join(" ", a)).toList());
        org.junit.jupiter.api.Assertions.assertTrue(TrainCommand.LIVE.stream().anyMatch(a -> a[0].equals("ndp-resolve")),
                "the IPv6 one-liners are trained too");
    }

    @Test
    void eachOneLinersOwnTrainingRunsToItsAnswerInBothFamiliesAndForms() {
        // what `train-startup COMMAND [-q]` runs for the launcher's per-command archives
        for (String command : TrainCommand.ONE_LINERS) {
            for (boolean quiet : new boolean[] {false, true}) {
                List<String[]> lines = TrainCommand.liveFor(command, quiet);
                String told = command + (quiet ? " -q: " : ": ") + lines.stream().map(a -> String.join(" ", a)).toList();
                org.junit.jupiter.api.Assertions.assertTrue(lines.stream().anyMatch(a -> String.join(" ", a).contains("2001:db8:")), told + " has no IPv6 run");
                org.junit.jupiter.api.Assertions.assertTrue(lines.stream().anyMatch(a -> !String.join(" ", a).contains("2001:db8:")), told + " has no IPv4 run");
                for (String[] a : lines) {
                    org.junit.jupiter.api.Assertions.assertEquals(quiet, List.of(a).contains("-q"), told);
                    org.junit.jupiter.api.Assertions.assertEquals(command.equals("ndp-resolve") ? "arp-resolve" : command,
                            a[0].equals("ndp-resolve") ? "arp-resolve" : a[0], told);
                }
                assertArrayEquals(new int[lines.size()], TrainingHost.train(lines), () -> "exit statuses of " + told);
            }
        }
    }

    @Test
    void aCommandThatFailsThereIsToldByItsExitStatus() {
        // no such interface in memory: a usage or environment error, not a success
        int[] codes = TrainingHost.train(List.<String[]>of(new String[] {"arp-resolve", "-q", "-i", "eth9", "198.18.1.1"}));
        org.junit.jupiter.api.Assertions.assertNotEquals(0, codes[0]);
    }
}
