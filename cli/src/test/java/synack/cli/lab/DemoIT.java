package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's main command: the whole story against a lab it builds, and nothing left behind. */
class DemoIT {
    @Test
    void theDemoTellsTheWholeJourneyAndLeavesNothingBehind() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("the demo test needs root: run the README's test command with sudo");
        }
        long started = System.currentTimeMillis();
        Lab.Result r = Lab.run(120, "java", "-Dsynack.home=" + Lab.home(), "-jar", Lab.jar(), "demo", "--no-color");
        long seconds = (System.currentTimeMillis() - started) / 1000;
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("1. Who has the gateway? (ARP)", "INCOMPLETE → REACHABLE", "QUERY_SENT → ANSWERED", "80/tcp    open",
                "81/tcp    closed", "SYN_SENT → ESTABLISHED", "── HTTP response", "── TLS handshake with www.synack.test", "certificate trusted", "status line    HTTP/1.1 200 OK", "CLOSE_WAIT → LAST_ACK",
                "every step answered")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        assertTrue(seconds < 60, "the demo took " + seconds + " s");
        String pid = r.out().lines().filter(l -> l.contains("(lab demo")).findFirst().orElse("");
        String id = pid.replaceAll(".*\\(lab (demo[0-9a-f]+)\\).*", "$1");
        Lab.Result ns = Lab.run(10, "ip", "netns", "list");
        assertFalse(ns.out().contains("sk-" + id + "-"), "namespaces left behind:\n" + ns);
        Lab.Result procs = Lab.run(10, "pgrep", "-af", "/run/synack/labs/" + id + "/");
        assertTrue(procs.out().isBlank(), "processes left behind:\n" + procs);
    }
}
