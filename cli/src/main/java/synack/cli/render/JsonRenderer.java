package synack.cli.render;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import synack.cli.ExitCodes;
import synack.event.Event;
import synack.event.Verdict;
import synack.wire.Dissector;
import synack.wire.Layer;

/** --json: one object per event per line, nothing else on stdout (OUTPUT.md). */
public final class JsonRenderer extends Renderer {
    /** The version of docs/events.schema.json these lines follow: a key that moves or changes type bumps it. */
    public static final int SCHEMA_VERSION = 1;

    private final PrintStream out;
    private final String command;
    private long startMicros;

    /** {@link #FROM_FIRST_EVENT} as {@code startMicros}: t counts from the first event (a capture file's first frame). */
    public static final long FROM_FIRST_EVENT = Long.MIN_VALUE;

    public JsonRenderer(PrintStream out, String command, long startMicros) {
        this.out = out;
        this.command = command;
        this.startMicros = startMicros;
    }

    @Override
    protected void render(Event event) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (startMicros == FROM_FIRST_EVENT) {
            startMicros = event.timeMicros();
        }
        o.put("t", Math.max(0, event.timeMicros() - startMicros) / 1e6);
        o.put("v", SCHEMA_VERSION);
        if (event instanceof Event.Frame f) {
                o.put("event", "frame");
                o.put("command", command);
                o.put("dir", f.direction() == Event.Direction.OUT ? "out" : "in");
                o.put("len", f.bytes().length);
                if (f.captured() != null) { // a capture file's frame (explain): its number there, its connection, its side
                    o.put("frame", f.captured().number());
                    o.put("from", f.direction() == Event.Direction.OUT ? "A" : "B");
                    if (f.captured().stream() >= 0) {
                        o.put("stream", f.captured().stream());
                    }
                    if (f.captured().originalLength() != f.bytes().length) {
                        o.put("wire_len", f.captured().originalLength());
                    }
                }
                if (f.reassembled()) {
                    o.put("reassembled_from", f.fragments()); // not a frame of the wire: its fragments came before
                }
                if (!f.remark().isEmpty()) {
                    o.put("note", f.remark().text());
                }
                for (Layer l : Dissector.dissect(f.link(), f.bytes(), f.captured() != null ? f.captured().originalLength() : f.bytes().length)) {
                    o.put(l.name(), l.fields());
                }
        } else if (event instanceof Event.Transition t) {
                o.put("event", "transition");
                o.put("command", command);
                o.put("subject", t.subject());
                o.put("endpoint", t.endpoint() == Event.Endpoint.LOCAL ? "local" : "peer");
                o.put("from", t.from());
                o.put("to", t.to());
                o.put("cause", t.cause());
                o.put("inferred", t.inferred());
        } else if (event instanceof Event.Note n) {
                o.put("event", "note");
                o.put("command", command);
                o.put("kind", n.kind().name().toLowerCase(java.util.Locale.ROOT));
                o.put("text", n.text());
                n.fields().forEach((k, v) -> o.put(k, v instanceof Verdict verdict ? ExitCodes.of(verdict) : v)); // a phase's verdict: its exit code
        } else if (event instanceof Event.Result r) {
                o.put("event", "result");
                o.put("command", command);
                o.put("exit", synack.cli.ExitCodes.of(r.verdict()));
                o.putAll(r.fields());
                o.putIfAbsent("ok", r.ok());
        }
        out.println(Json.write(o));
    }

    @Override
    public void flush() {
        out.flush();
    }
}
