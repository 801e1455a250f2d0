package synack.cli;

import java.io.PrintStream;
import synack.cli.render.JsonRenderer;
import synack.cli.render.QuietRenderer;
import synack.cli.render.Renderer;
import synack.cli.render.Style;
import synack.cli.render.TextRenderer;

/** Picks the renderer the options ask for: --json, -q, or the human text. */
public final class Narration {
    private Narration() {}

    /** @param out the command's stdout, @param err its stderr (picocli's, see {@link LiveRun#of}) */
    public static Renderer forOptions(LiveOptions o, boolean relativeSeq, String command, long startMicros, PrintStream out,
                                      PrintStream err) {
        if (o.json) {
            return new JsonRenderer(out, command, startMicros);
        }
        if (o.quiet) {
            return new QuietRenderer(out, err);
        }
        return new TextRenderer(out, new Style(Style.wanted(o.noColor)), o.verbose.length, o.explain, relativeSeq);
    }
}
