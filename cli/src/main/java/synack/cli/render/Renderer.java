package synack.cli.render;

import synack.event.Event;
import synack.event.EventSink;

/**
 * Turns events into output. One per command run; {@link #exitCode()} is the result's. Its stdout is
 * buffered: the result flushes it, and the run flushes it before each wait for the wire
 * ({@link #flush}), so that what the reader sees is never older than what the wire has said.
 */
public abstract class Renderer implements EventSink {
    private int exitCode = -1;

    @Override
    public final void accept(Event event) {
        if (event instanceof Event.Result r) {
            exitCode = synack.cli.ExitCodes.of(r.verdict());
        }
        render(event);
        if (event instanceof Event.Result) {
            flush(); // the story's last line: a script reading the pipe has its answer now
        }
    }

    protected abstract void render(Event event);

    /** What has been told so far reaches the streams' readers (a renderer that wraps another flushes it). */
    public void flush() {
    }

    /** The exit code the result asked for, or -1 when no result came. */
    public int exitCode() {
        return exitCode;
    }
}
