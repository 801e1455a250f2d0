package synack.cli.shell;

import java.util.List;
import synack.cli.CommandGroup;

/**
 * The shell adds itself to synack's commands (listed in META-INF/services), so that synack.cli
 * never names the shell: the shell depends on cli, never the reverse.
 */
public final class ShellCommands implements CommandGroup {
    @Override
    public List<Object> commands() {
        return List.of(new ShellCommand());
    }

    @Override
    public String onTerminalWithoutArguments() {
        return "shell";
    }
}
