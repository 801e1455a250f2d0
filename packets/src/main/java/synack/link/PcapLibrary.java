package synack.link;

import java.nio.file.Files;
import java.nio.file.Path;
import synack.net.EnvironmentException;

/**
 * Finds libpcap before pcap4j asks JNA for it. Debian's runtime package (libpcap0.8) ships only
 * the versioned libpcap.so.0.8; the unversioned name comes with -dev, so point pcap4j at the file.
 */
public final class PcapLibrary {
    private static final String PROPERTY = "org.pcap4j.core.pcapLibName";
    private static final String[] CANDIDATES = {
        "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8",
        "/usr/lib/x86_64-linux-gnu/libpcap.so.1", "/usr/lib64/libpcap.so.1", "/usr/lib/libpcap.so.1",
        "/usr/lib/x86_64-linux-gnu/libpcap.so", "/usr/lib/libpcap.so",
    };
    private static volatile boolean checked;

    private PcapLibrary() {}

    public static void ensureLoadable() {
        if (checked) {
            return;
        }
        // JNA's first use otherwise runs `ldconfig -p` (a process) to learn the library path; we
        // give libpcap by full path, so the standard directories are all it needs to know
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path",
                    "/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib/aarch64-linux-gnu:/usr/lib64:/usr/lib:/lib");
        }
        if (System.getProperty(PROPERTY) == null) {
            for (String candidate : CANDIDATES) {
                if (Files.isReadable(Path.of(candidate))) {
                    System.setProperty(PROPERTY, candidate);
                    break;
                }
            }
        }
        try {
            org.pcap4j.core.Pcaps.libVersion();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new EnvironmentException(
                    "libpcap not found: install it (sudo apt-get install libpcap0.8) or set -D" + PROPERTY + "=PATH", e);
        }
        checked = true;
    }
}
