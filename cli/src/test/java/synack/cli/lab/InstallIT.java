package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `synack install` gives a synack that starts the way ./synack does: the same launcher, never building. */
class InstallIT {
    @Test
    void anInstalledSynackRunsThroughTheCheckoutsLauncherWithoutBuilding(@TempDir Path prefix) throws Exception {
        Lab.Result install = Lab.run(60, "java", "-Dsynack.home=" + Lab.home(), "-jar", Lab.jar(), "install", "--prefix", prefix.toString());
        assertEquals(0, install.exit(), install.toString());
        Path bin = prefix.resolve("bin/synack");
        assertTrue(Files.isSymbolicLink(bin), install.toString());
        assertEquals(Files.readString(Lab.home().resolve("synack")), Files.readString(prefix.resolve("lib/synack/synack")));

        Lab.Result version = Lab.run(60, bin.toString(), "--version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().startsWith("synack "), version.toString());
        assertFalse(version.err().contains("building"), version.toString());
        Lab.Result help = Lab.run(60, bin.toString(), "arp-resolve", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().contains("Usage: synack arp-resolve"), help.toString());
        Lab.Result lab = Lab.run(60, bin.toString(), "lab", "--help");
        assertTrue(lab.out().contains("usage: lab.sh") || lab.err().contains("usage: lab.sh"), lab.toString());
    }
}
