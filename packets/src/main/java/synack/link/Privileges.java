package synack.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import synack.net.EnvironmentException;

/** Raw frames need CAP_NET_RAW; check before opening anything so the user gets one clear line. */
public final class Privileges {
    static final String HOW_TO_FIX = "synack needs raw-socket privilege (CAP_NET_RAW): run it as root (sudo),"
            + " or once: sudo setcap cap_net_raw,cap_net_admin+ep \"$(readlink -f \"$(command -v java)\")\"";
    private static final int CAP_NET_RAW = 13;

    private Privileges() {}

    public static void requireRawSockets() {
        if (!hasCapability(CAP_NET_RAW)) {
            throw new EnvironmentException(HOW_TO_FIX);
        }
    }

    /** Reads the effective capability set of this process from /proc; false when it cannot tell. */
    static boolean hasCapability(int capability) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << capability)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return true; // cannot tell: let libpcap decide and explain its own refusal
        }
        return true;
    }
}
