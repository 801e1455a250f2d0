package synack.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import synack.cli.Main;

/** completions/ and man/ are generated from the command model and committed; these tests keep them true. */
class DocsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theCommittedFilesAreWhatTheModelGenerates() throws Exception {
        for (Map.Entry<String, String> f : Docs.files().entrySet()) {
            Path committed = ROOT.resolve(f.getKey());
            assertTrue(Files.exists(committed), f.getKey() + " is missing: run ./synack docs");
            assertEquals(f.getValue(), Files.readString(committed), f.getKey() + " is stale: run ./synack docs and commit");
        }
    }

    @Test
    void anOptionAddedWithoutRegeneratingIsCaught() throws Exception {
        CommandLine cli = Main.commandLine();
        cli.getSubcommands().get("handshake").getCommandSpec().addOption(OptionSpec.builder("--brand-new").description("new").build());
        String regenerated = Docs.manPage(cli.getSubcommands().get("handshake").getCommandSpec(), cli.getCommandSpec());
        assertNotEquals(Files.readString(ROOT.resolve("man/synack-handshake.1")), regenerated);
        assertTrue(regenerated.contains("\\-\\-brand\\-new"));
        assertNotEquals(Files.readString(ROOT.resolve("completions/synack.bash")), picocli.AutoComplete.bash("synack", cli));
    }

    static List<String> complete(String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String script = "source completions/synack.bash; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));"
                + " COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_synack 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", script).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void bashCompletesCommandsAndOptions() throws Exception {
        assertEquals(List.of("handshake"), complete("synack ha"));
        List<String> options = complete("synack handshake --r");
        assertTrue(options.containsAll(List.of("--rst", "--relative", "--retries", "--rto")), options.toString());
        assertTrue(complete("synack dns-resolve --no-").containsAll(List.of("--no-recurse", "--no-edns", "--no-color")));
    }

    @Test
    void zshCompletesThroughBashcompinit(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // an interactive zsh on a pseudo-terminal (zpty), typing TAB as a user does
        Path script = dir.resolve("complete.zsh");
        Files.writeString(script, String.join("\n",
                "zmodload zsh/zpty",
                "zpty -b z 'zsh -f -i'",
                "zpty -w z 'PROMPT=\"> \"; autoload -U compinit && compinit -u; autoload -U bashcompinit && bashcompinit;"
                        + " source completions/synack.bash; synack() { :; }'",
                "sleep 1",
                "zpty -w -n z $'synack ha\\t'",
                "sleep 1.5",
                "zpty -w -n z $'\\x15synack handshake --re\\t'",
                "sleep 1.5",
                "out=''",
                "while zpty -r -t z chunk; do out+=$chunk; done",
                "print -r -- \"$out\"",
                "zpty -d z", ""));
        Process p = new ProcessBuilder("zsh", "-f", script.toString()).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;?]*[a-zA-Z]", "");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("synack handshake"), "zsh completed the command:\n" + out);
        assertTrue(out.contains("--relative") && out.contains("--retries"), "zsh listed the options:\n" + out);
    }

    @Test
    void manRendersThePages() throws Exception {
        Process p = new ProcessBuilder("man", "-l", ROOT.resolve("man/synack.1").toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("handshake") && out.contains("SYNOPSIS"), out);
    }
}
