package synack.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import synack.wire.Ip4;

/** The stub resolver's configuration: the first IPv4 nameserver in /etc/resolv.conf, as dig uses by default. */
public final class ResolvConf {
    private ResolvConf() {}

    public static Optional<Integer> firstNameserver(Path file) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver") && Ip4.isAddress(f[1])) {
                    return Optional.of(Ip4.parse(f[1]));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
