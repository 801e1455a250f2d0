package synack.cli.render;

import java.io.PrintStream;
import synack.event.Event;

/** -q: the result's answer lines only, for shell one-liners. Warnings still reach stderr. */
public final class QuietRenderer extends Renderer {
    private final PrintStream out;
    private final PrintStream err;

    private final boolean bodyOnStdout;
    private boolean summaryToStderr;

    public QuietRenderer(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    /** @param bodyOnStdout stdout carries a body (http-get -q): summaries only on failure, to stderr */
    public QuietRenderer(PrintStream out, PrintStream err, boolean bodyOnStdout) {
        this.out = out;
        this.err = err;
        this.bodyOnStdout = bodyOnStdout;
    }

    /** Lines streamed on stdout for a pipe (syn-probe --format list): the summary always goes to stderr. */
    public static QuietRenderer linesOnStdout(PrintStream out, PrintStream err) {
        QuietRenderer r = new QuietRenderer(out, err, true);
        r.summaryToStderr = true;
        return r;
    }

    @Override
    protected void render(Event event) {
        if (event instanceof Event.Result r) {
            // lines for a pipe: a failure's explanation is not one of the lines the pipe expects
            r.lines().forEach(summaryToStderr && !r.ok() ? err::println : out::println);
            if (r.summary() != null) {
                if (r.lines().isEmpty() && !bodyOnStdout) {
                    out.println(r.summary()); // with no answer lines the summary is the answer
                } else if (!r.ok() || summaryToStderr) {
                    err.println(r.summary()); // why the exit code is not 0, where a script's log shows it
                }
            }
        } else if (event instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER) {
            out.println(n.text()); // bulk answers stream as they arrive
        } else if (event instanceof Event.Note n && n.kind() == Event.Note.Kind.WARNING) {
            err.println("warning: " + n.text());
        }
    }

    @Override
    public void flush() {
        out.flush();
    }
}
