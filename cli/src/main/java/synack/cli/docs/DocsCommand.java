package synack.cli.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import synack.cli.Home;

/** Regenerates completions/ and man/ (a maintainer's command, hidden from help). */
@Command(name = "docs", hidden = true, description = "Regenerate completions/ and man/ from the command model.")
public final class DocsCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "The checkout to write into (default: synack's home).")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path root = dir != null ? dir : Home.dir();
        for (Map.Entry<String, String> f : Docs.files().entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
            spec.commandLine().getOut().println("wrote " + p);
        }
        return 0;
    }
}
