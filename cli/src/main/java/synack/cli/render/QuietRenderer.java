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
            if (r.summary() != null && (r.lines().isEmpty() || !r.ok())) {
                // with no answer lines the summary is the answer; on failure it says why, where a script's log shows it
                (r.ok() ? out : err).println(r.summary());
            }
            out.flush();
        } else if (event instanceof Event.Note n && n.kind().equals("answer")) {
            out.println(n.text()); // bulk answers stream as they arrive
        } else if (event instanceof Event.Note n && n.kind().equals("warning")) {
            err.println("warning: " + n.text());
        }
    }
}
