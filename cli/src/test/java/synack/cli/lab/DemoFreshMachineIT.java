package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's first command on a machine that has only Java and Maven: libpcap0.8 is removed for
 * real (dpkg --remove --force-depends, so tcpdump and the rest stay installed), and {@code synack
 * demo} must install it (lab.sh up does, before any step's JVM looks for it) and tell the whole
 * journey. Afterwards libpcap0.8 is put back if it is still missing, so later tests find it.
 *
 * <p>Isolation. The removal is machine-wide, so it is kept to a window that covers the demo run
 * only: removed, checked gone, then the demo, whose first act (lab.sh up) reinstalls it; the
 * {@code finally} reinstalls it if the demo did not. Nothing else of this build runs in that window:
 * failsafe runs the ITs one class and one test at a time in one forked JVM (no parallel execution
 * is configured), and that JVM never loads libpcap itself, since every synack a test runs is a JVM
 * of its own, so no class loaded in the fork can have cached a failed load. A separate failsafe
 * execution would not isolate more (the library is the machine's, not the JVM's) and would run
 * this test again under every -Dit.test. What it cannot protect is another program on the same
 * machine that starts a pcap tool within those seconds: do not run two lab test runs at once.
 */
class DemoFreshMachineIT {
    static final String PACKAGE = "libpcap0.8";
    /** the paths synack's PcapLibrary (and lab.sh's have_libpcap) look for, on this architecture */
    static final List<String> LIBRARIES = List.of("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8");

    static boolean installed() {
        Lab.Result r = Lab.run(30, "dpkg-query", "-W", "-f=${Status}", PACKAGE);
        return r.exit() == 0 && r.out().contains("install ok installed");
    }

    static boolean inLdconfigCache() {
        return Lab.run(30, "ldconfig", "-p").out().contains("libpcap.so.0.8");
    }

    static void reinstall() {
        Lab.Result r = Lab.run(600, "apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", PACKAGE);
        if (r.exit() != 0 || !installed()) {
            Lab.run(600, "apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-q");
            r = Lab.run(600, "apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", PACKAGE);
        }
        if (!installed()) {
            fail("could not reinstall " + PACKAGE + " (later tests need it: apt-get install " + PACKAGE + "):\n" + r);
        }
    }

    @Test
    void theDemoInstallsLibpcapAndTellsTheWholeJourneyOnAMachineWithOnlyJavaAndMaven() {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the fresh-machine demo test needs root: run the README's test command with sudo");
        }
        assertTrue(installed(), PACKAGE + " is installed before the test (test.sh installs it)");
        try {
            Lab.Result remove = Lab.run(120, "dpkg", "--remove", "--force-depends", PACKAGE);
            assertEquals(0, remove.exit(), remove.toString());
            Lab.Result status = Lab.run(30, "dpkg", "-s", PACKAGE);
            assertFalse(status.exit() == 0 && status.out().contains("Status: install ok installed"), "dpkg -s: not installed\n" + status);
            assertFalse(inLdconfigCache(), "ldconfig -p no longer lists libpcap.so.0.8");
            for (String lib : LIBRARIES) {
                assertFalse(Files.exists(Path.of(lib)), lib + " is gone");
            }

            Lab.Result demo = Lab.run(900, "java", "-Dsynack.home=" + Lab.home(), "-jar", Lab.jar(), "demo", "--no-color");

            assertFalse(demo.out().contains("libpcap not found") || demo.err().contains("libpcap not found"), demo.toString());
            assertTrue(installed(), "the demo installed " + PACKAGE + ":\n" + demo);
            assertTrue(inLdconfigCache(), "ldconfig -p lists libpcap.so.0.8 again");
            assertTrue(demo.out().matches("(?s).*lab: installing [^\\n]*\\(missing: [^\\n]*libpcap0\\.8[^\\n]*\\).*"),
                    "the demo says it installs libpcap0.8:\n" + demo);
            assertEquals(0, demo.exit(), demo.toString());
            for (String step : List.of("1. Who has the gateway? (ARP)", "2. What is www.synack.test's address? (DNS)",
                    "3. Which ports listen? (half-open SYN probes)", "4. The three-way handshake", "5. The whole journey of http://www.synack.test/",
                    "6. The same page over HTTPS (TLS on our own TCP)", "7. When the server closes first (four-way close, passive side)")) {
                assertTrue(demo.out().contains("═══ " + step + " ═══"), "missing step '" + step + "':\n" + demo);
            }
            assertFalse(demo.out().contains("step exited"), "every step went as the demo expects:\n" + demo);
            assertTrue(demo.out().contains("the whole journey, by hand: every step answered"), demo.toString());
        } finally {
            if (!installed()) {
                reinstall();
            }
        }
    }
}
