package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers' dependencies run one way, read from the source tree (an import, or a fully
 * qualified name in code): the shell depends on cli, never the reverse; the library (packets)
 * knows nothing of the CLI; the links know nothing of the exchanges that run over them.
 */
class PackageDependenciesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /**
     * http-get and its name lookup are rewritten on another branch (the journey moves into
     * packets); they still read the shell's caches directly until they move onto LiveRun, which
     * hands them the run's SessionMemory. Nothing may join this list.
     */
    /** Files under {@code dir} whose code (comments left out) names {@code pkg} or a class in it. */
    static List<String> naming(String dir, String pkg) {
        Pattern uses = Pattern.compile("\\b" + Pattern.quote(pkg) + "\\.[A-Za-z_*]");
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                if (uses.matcher(code(Files.readString(f))).find()) {
                    out.add(ROOT.relativize(f).toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The source without its comments (a comment may name anything). */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    @Test
    void onlyTheShellNamesTheShell() {
        List<String> offenders = new ArrayList<>(naming("cli/src/main/java", "synack.cli.shell"));
        offenders.removeIf(f -> f.startsWith("cli/src/main/java/synack/cli/shell/"));
        assertEquals(List.of(), offenders, "outside synack.cli.shell, these depend on the shell (it must depend on cli, not the reverse)");
    }

    @Test
    void theLibraryKnowsNothingOfTheCli() {
        assertEquals(List.of(), naming("packets/src/main/java", "synack.cli"));
    }

    @Test
    void linksKnowNothingOfExchanges() {
        assertEquals(List.of(), naming("packets/src/main/java/synack/link", "synack.exchange"));
    }

    @Test
    void theScanFindsWhatItLooksFor() {
        // the test of the tests: the shell names itself, and cli names the library
        assertTrue(naming("cli/src/main/java/synack/cli/shell", "synack.cli").size() > 3);
        assertTrue(naming("cli/src/main/java", "synack.exchange").size() > 3);
        assertEquals("  x  ", code("/* synack.cli.shell.X */ x // synack.cli.shell.Y"));
    }
}
