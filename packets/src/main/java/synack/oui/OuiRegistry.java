package synack.oui;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import synack.wire.MacAddress;

/**
 * Names the vendor of a MAC address from the IEEE registry that Debian's ieee-data ships.
 * The file (5 MB) is read on the first lookup of a globally assigned MAC, never at start-up:
 * lab veths have locally administered MACs and need no lookup at all.
 */
public final class OuiRegistry {
    public static final Path DEFAULT_FILE = Path.of("/usr/share/ieee-data/oui.txt");

    private final Path file;
    private Map<Integer, String> vendors;

    public OuiRegistry(Path file) {
        this.file = file;
    }

    /** The vendor's name, "locally administered" for self-assigned MACs, or null when unknown. */
    public synchronized String vendorOf(MacAddress mac) {
        if (mac.isLocallyAdministered()) {
            return "locally administered";
        }
        if (vendors == null) {
            vendors = load(file);
        }
        return vendors.get(mac.oui());
    }

    static Map<Integer, String> load(Path file) {
        Map<Integer, String> found = new HashMap<>();
        if (!Files.isReadable(file)) {
            return found;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                // lines look like: "00-00-0C   (hex)\t\tCisco Systems, Inc"
                int hex = line.indexOf("(hex)");
                if (hex < 8 || line.charAt(2) != '-' || line.charAt(5) != '-') {
                    continue;
                }
                try {
                    found.put(Integer.parseInt(line.substring(0, 8).replace("-", ""), 16), line.substring(hex + 5).trim());
                } catch (NumberFormatException e) {
                    // not a registry line
                }
            }
        } catch (IOException e) {
            // an unreadable registry names no vendors; resolution itself is unaffected
        }
        return found;
    }
}
