package synack.cli.scan;

import synack.cli.render.Renderer;
import synack.event.Event;

/** Rewrites each streamed port line ("answer" notes) in the chosen --format; passes everything else on. */
public final class FormattedAnswers extends Renderer {
    private final Renderer inner;
    private final ScanFormat format;
    private final boolean withState;

    public FormattedAnswers(Renderer inner, ScanFormat format, boolean withState) {
        this.inner = inner;
        this.format = format;
        this.withState = withState;
    }

    @Override
    protected void render(Event event) {
        if (event instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER && n.fields().containsKey("port")) {
            inner.accept(new Event.Note(n.timeMicros(), Event.Note.Kind.ANSWER, format.line(n.fields(), withState), n.fields()));
        } else {
            inner.accept(event);
        }
    }

    @Override
    public void flush() {
        inner.flush();
    }

}
