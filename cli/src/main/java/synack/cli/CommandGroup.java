package synack.cli;

import java.util.List;

/**
 * Commands that live in a package of their own and add themselves to synack's command model
 * (found with {@link java.util.ServiceLoader}, listed in META-INF/services): the shell. They may
 * depend on synack.cli; synack.cli never names them, so the dependency runs one way.
 */
public interface CommandGroup {
    /** The commands (picocli-annotated objects), in the order help lists them, before synack's own. */
    List<Object> commands();

    /** The command that {@code synack} with no arguments runs on a terminal, or null. */
    default String onTerminalWithoutArguments() {
        return null;
    }
}
