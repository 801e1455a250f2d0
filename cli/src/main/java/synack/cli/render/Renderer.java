package synack.cli.render;

import synack.event.Event;
import synack.event.EventSink;

/** Turns events into output. One per command run; {@link #exitCode()} is the result's. */
public abstract class Renderer implements EventSink {
    private int exitCode = -1;

    @Override
    public final void accept(Event event) {
        if (event instanceof Event.Result r) {
            exitCode = synack.cli.ExitCodes.of(r.verdict());
        }
        render(event);
    }

    protected abstract void render(Event event);

    /** The exit code the result asked for, or -1 when no result came. */
    public int exitCode() {
        return exitCode;
    }
}
