package synack.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where synack's checkout (or install) lives: -Dsynack.home from the launcher, else beside the jar. */
public final class Home {
    private Home() {}

    public static Path dir() {
        String prop = System.getProperty("synack.home");
        if (prop != null) {
            return Path.of(prop);
        }
        try {
            // cli/target/synack.jar -> the checkout's root
            Path jar = Path.of(Home.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().getParent();
        } catch (URISyntaxException | NullPointerException e) {
            return Path.of(".");
        }
    }
}
