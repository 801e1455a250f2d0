package synack.cli.scan;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.PrintStream;
import java.util.Locale;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.exchange.scan.SynSweep;

/**
 * A one-line progress bar on stderr for a sweep on a terminal: done/total, pass, send rate,
 * open ports so far, time left. It shares the terminal with the results streamed to stdout, so
 * it wraps the renderer and wipes itself before any line is printed, then redraws on the next
 * tick. Hand-made rather than a library's: a library bar owns the line and cannot be told that
 * stdout is about to print on it; this one is 60 lines and loads nothing at start-up.
 */
public final class ProgressLine extends Renderer {
    private static final long EVERY_NANOS = 100_000_000L;
    private static final int WIDTH = 24;

    private final Renderer inner;
    private final PrintStream err;
    private final boolean enabled;
    private SynSweep sweep;
    private long lastDraw;
    private long passStart;
    private long sentAtPassStart;
    private int pass = -1;
    private boolean shown;

    public ProgressLine(Renderer inner, PrintStream err, boolean enabled) {
        this.inner = inner;
        this.err = err;
        this.enabled = enabled;
    }

    /** True when stderr is a terminal (and TERM is not "dumb"): where a bar that redraws itself belongs. */
    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            return NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("isatty").invokeInt(new Object[] {2}) == 1;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    public void watch(SynSweep s) {
        this.sweep = s;
    }

    /** Called between the sweep's steps; redraws at most ten times a second. */
    public void tick() {
        if (!enabled || sweep == null) {
            return;
        }
        long now = System.nanoTime();
        if (sweep.pass() != pass) {
            pass = sweep.pass();
            passStart = now;
            sentAtPassStart = sweep.sent();
        }
        if (now - lastDraw < EVERY_NANOS) {
            return;
        }
        lastDraw = now;
        long done = sweep.progress();
        long total = Math.max(1, sweep.shardProbes());
        double seconds = (now - passStart) / 1e9;
        double rate = seconds > 0 ? (sweep.sent() - sentAtPassStart) / seconds : 0;
        double fraction = Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        String left = done > 0 && done < total && seconds > 0 ? String.format(Locale.ROOT, ", %.1fs left", seconds * (total - done) / done) : "";
        err.print(String.format(Locale.ROOT, "\r\033[K[%s%s] %3.0f%% %,d/%,d probes, pass %d, %,.0f SYN/s, %d open%s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100, done, total, pass + 1, rate, sweep.openCount(), left));
        err.flush();
        shown = true;
    }

    private void clear() {
        if (shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }

    @Override
    protected void render(Event event) {
        clear();
        inner.accept(event);
    }

    @Override
    public void flush() {
        inner.flush();
    }
}
