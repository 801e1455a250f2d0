package synack.cli.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import synack.cli.Home;
import synack.cli.UsageProblem;

@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install synack where a shell and man find it: the jar and its libraries, a launcher in PREFIX/bin,",
            "bash completion in PREFIX/share/bash-completion/completions, man pages in PREFIX/share/man/man1."},
        footer = {"", "Example: sudo ./synack install --prefix /usr/local"})
public final class InstallCommand implements Callable<Integer> {
    @Option(names = "--prefix", paramLabel = "DIR", defaultValue = "/usr/local", description = "Where to install (default: ${DEFAULT-VALUE}).")
    Path prefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path home = Home.dir();
        Path jar = home.resolve("cli/target/synack.jar");
        if (!Files.isRegularFile(jar)) {
            throw new UsageProblem("no built jar at " + jar + ": run ./synack --version once to build it");
        }
        Path lib = prefix.resolve("lib/synack");
        copyTree(home.resolve("cli/target/lib"), lib.resolve("cli/target/lib"));
        Files.createDirectories(lib.resolve("cli/target"));
        Files.copy(jar, lib.resolve("cli/target/synack.jar"), StandardCopyOption.REPLACE_EXISTING);
        copyTree(home.resolve("lab"), lib.resolve("lab"));
        Path jna = home.resolve("cli/target/jna");
        if (Files.isDirectory(jna)) {
            copyTree(jna, lib.resolve("cli/target/jna"));
        }
        // the checkout's own launcher, so that an installed synack starts as fast as ./synack (its JVM
        // options, JNA's native library, the start-up archive it records beside the jar on first use);
        // with no sources beside it, it never builds
        Path launcher = lib.resolve("synack");
        Files.copy(home.resolve("synack"), launcher, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bin = prefix.resolve("bin/synack");
        Files.createDirectories(bin.getParent());
        Files.deleteIfExists(bin);
        Files.createSymbolicLink(bin, bin.getParent().relativize(launcher));
        Path completion = prefix.resolve("share/bash-completion/completions/synack");
        Files.createDirectories(completion.getParent());
        Files.copy(home.resolve("completions/synack.bash"), completion, StandardCopyOption.REPLACE_EXISTING);
        Path man = prefix.resolve("share/man/man1");
        copyTree(home.resolve("man"), man);
        for (String line : List.of("installed:", "  " + bin, "  " + lib, "  " + completion, "  " + man + "/synack*.1",
                "try: synack --help; man synack")) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
