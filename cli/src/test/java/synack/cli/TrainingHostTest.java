package synack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * train-startup's in-memory run: each one-liner it trains must really run to its answer there (exit 0),
 * or the start-up archive silently holds less of the live path than the launcher counts on.
 */
class TrainingHostTest {
    @Test
    void eachOneLinerRunsToItsAnswerInMemory() {
        int[] codes = TrainingHost.train(List.of(new String[] {"arp-resolve", "-q", "198.18.1.1"},
                new String[] {"syn-probe", "-q", "-p", "80", "198.18.2.2"}, new String[] {"dns-resolve", "-q", "www.synack.test"},
                new String[] {"handshake", "--rst", "198.18.2.2", "80"}, new String[] {"handshake", "198.18.2.2", "80"}));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, codes);
    }

    @Test
    void aCommandThatFailsThereIsToldByItsExitStatus() {
        // no such interface in memory: a usage or environment error, not a success
        int[] codes = TrainingHost.train(List.<String[]>of(new String[] {"arp-resolve", "-q", "-i", "eth9", "198.18.1.1"}));
        org.junit.jupiter.api.Assertions.assertNotEquals(0, codes[0]);
    }
}
