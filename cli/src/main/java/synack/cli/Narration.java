package synack.cli;

import synack.cli.render.JsonRenderer;
import synack.cli.render.QuietRenderer;
import synack.cli.render.Renderer;
import synack.cli.render.Style;
import synack.cli.render.TextRenderer;

/** Picks the renderer the options ask for: --json, -q, or the human text. */
public final class Narration {
    private Narration() {}

    public static Renderer forOptions(LiveOptions o, String command, long startMicros) {
        return forOptions(o, false, command, startMicros);
    }

    public static Renderer forOptions(LiveOptions o, boolean relativeSeq, String command, long startMicros) {
        if (o.json) {
            return new JsonRenderer(System.out, command, startMicros);
        }
        if (o.quiet) {
            return new QuietRenderer(System.out, System.err);
        }
        return new TextRenderer(System.out, new Style(Style.wanted(o.noColor)), o.verbose.length, o.explain, relativeSeq);
    }
}
