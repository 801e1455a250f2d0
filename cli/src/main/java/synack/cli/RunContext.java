package synack.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command runs in, beyond its options: the machine it asks (routes, captures, firewall),
 * what earlier commands left it to remember, and where connections it keeps open live. A
 * one-liner runs on the kernel with no memory and keeps nothing; the shell gives its own memory
 * and keeper; a test gives an in-memory host. Main carries it; {@link LiveRun} hands it on.
 */
public record RunContext(LiveHost host, SessionMemory memory, ConnectionKeeper keeper) {
    /** synack COMMAND from a shell prompt: the kernel, nothing remembered, nothing kept. */
    public static final RunContext ONE_LINER = new RunContext(LiveHost.KERNEL, SessionMemory.NONE, ConnectionKeeper.NONE);

    /** The context of the command line a command was parsed by (its root is a {@link Main}). */
    public static RunContext of(CommandSpec spec) {
        return spec.root().userObject() instanceof Main main ? main.context() : ONE_LINER;
    }
}
