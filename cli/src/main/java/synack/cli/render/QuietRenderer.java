package synack.cli.render;

import java.io.PrintStream;
import synack.event.Event;

/** -q: the result's answer lines only, for shell one-liners. Warnings still reach stderr. */
public final class QuietRenderer extends Renderer {
    private final PrintStream out;
    private final PrintStream err;

    public QuietRenderer(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    protected void render(Event event) {
        if (event instanceof Event.Result r) {
            r.lines().forEach(out::println);
            if (r.lines().isEmpty() && r.summary() != null) {
                out.println(r.summary());
            } else if (!r.ok() && r.summary() != null) {
                err.println(r.summary()); // why the exit code is not 0, where a script's log will show it
            }
            out.flush();
        } else if (event instanceof Event.Note n && n.kind().equals("answer")) {
            out.println(n.text()); // bulk answers stream as they arrive
        } else if (event instanceof Event.Note n && n.kind().equals("warning")) {
            err.println("warning: " + n.text());
        }
    }
}
