package synack.cli.render;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.event.Event;
import synack.wire.Dissector;
import synack.wire.Layer;

/**
 * The human narration: a header, one block per frame in time order with the transitions it
 * caused, and the result. -v shows routine frames and every field; -vv adds hex; --explain adds
 * the RFC's reason under each transition.
 */
public final class TextRenderer extends Renderer {
    private static final String INDENT = "               ";

    private final PrintStream out;
    private final Style style;
    private long startMicros = -1; // the header's time: the narration counts from +0.000
    private final int verbosity;
    private final boolean explain;

    private final boolean relative;
    private final java.util.Map<String, Integer> isnByFlow = new java.util.HashMap<>();

    public TextRenderer(PrintStream out, Style style, int verbosity, boolean explain, boolean relative) {
        this.relative = relative;
        this.out = out;
        this.style = style;
        this.verbosity = verbosity;
        this.explain = explain;
    }

    @Override
    protected void render(Event event) {
        if (startMicros < 0) {
            startMicros = event.timeMicros();
        }
        if (event instanceof Event.Frame f) {
            frame(f);
        } else if (event instanceof Event.Transition t) {
            transition(t);
        } else if (event instanceof Event.Note n) {
            note(n);
        } else if (event instanceof Event.Result r) {
            result(r);
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    private String time(long micros) {
        return style.dim(String.format(Locale.ROOT, "%+9.3f ms", (micros - startMicros) / 1000.0));
    }

    private void frame(Event.Frame f) {
        if (f.routine() && verbosity == 0) {
            return;
        }
        List<Layer> layers = Dissector.dissect(f.link(), f.bytes(), f.captured() != null ? f.captured().originalLength() : f.bytes().length);
        boolean outgoing = f.direction() == Event.Direction.OUT;
        // a datagram put together from the fragments told just before: no arrow of the wire
        String arrow = f.reassembled() ? style.in("⇐") : outgoing ? style.out("→") : style.in("←");
        String line = summary(f, layers); // first: a SYN's ISN must be known before its own annotation is read
        String annotation = f.remark().text(relative);
        String note = (f.reassembled() ? "   " + style.dim("(reassembled from " + f.fragments() + " fragments)") : "")
                + (annotation.isEmpty() ? "" : "   " + style.dim(annotation));
        out.println(time(f.timeMicros()) + "  " + captured(f) + arrow + "  " + line + note);
        if (verbosity >= 1) {
            for (Layer l : layers) {
                out.println(INDENT + "   " + style.dim(String.format("%-5s", l.name())) + " " + fields(l.fields()));
            }
        }
        if (verbosity >= 2) {
            hex(f.bytes());
        }
    }

    /**
     * A capture file's frame (synack explain): its number in the file, as tshark counts, and its TCP
     * connection (tshark's tcp.stream); the arrow then points from side A (→) or from side B (←).
     */
    private String captured(Event.Frame f) {
        Event.Captured c = f.captured();
        if (c == null) {
            return "";
        }
        String cut = c.originalLength() > f.bytes().length
                ? style.dim("(cut: " + f.bytes().length + " of " + c.originalLength() + " bytes captured) ") : "";
        return style.dim(String.format(Locale.ROOT, "#%-5d %-6s", c.number(), c.stream() >= 0 ? "tcp." + c.stream() : "")) + cut;
    }

    /** The innermost layer's line; with --relative, TCP numbers count from each side's ISN as Wireshark does. */
    private String summary(Event.Frame f, List<Layer> layers) {
        byte[] frame = f.bytes();
        if (!relative || f.link() != synack.wire.LinkType.ETHERNET) {
            return Dissector.summary(layers);
        }
        try {
            synack.wire.Frames.Tcp t = synack.wire.Frames.parseTcp(frame);
            if (t == null) {
                return Dissector.summary(layers);
            }
            String fwd = t.sourceAddress().withPort(t.segment().sourcePort()) + ">" + t.destinationAddress().withPort(t.segment().destinationPort());
            String rev = t.destinationAddress().withPort(t.segment().destinationPort()) + ">" + t.sourceAddress().withPort(t.segment().sourcePort());
            if (t.segment().has(synack.wire.TcpSegment.SYN)) {
                isnByFlow.put(fwd, t.segment().seq());
            }
            int seqBase = isnByFlow.getOrDefault(fwd, 0);
            int ackBase = isnByFlow.getOrDefault(rev, 0);
            return t.segment().sourcePort() + " → " + t.segment().destinationPort() + " "
                    + t.segment().summary(Integer.toUnsignedLong(seqBase), Integer.toUnsignedLong(ackBase)) + " (relative)";
        } catch (synack.wire.MalformedFrameException e) {
            return Dissector.summary(layers);
        }
    }

    private static String fields(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    private void hex(byte[] b) {
        for (int row = 0; row < b.length; row += 16) {
            StringBuilder sb = new StringBuilder(INDENT).append("   ").append(String.format("%04x  ", row));
            for (int i = row; i < row + 16; i++) {
                sb.append(i < b.length ? String.format("%02x ", b[i] & 0xff) : "   ");
                if (i == row + 7) {
                    sb.append(' ');
                }
            }
            out.println(style.dim(sb.toString()));
        }
    }

    private void transition(Event.Transition t) {
        if (t.routine() && verbosity == 0) {
            return;
        }
        String who = t.subject();
        String tag = t.inferred() ? style.dim(" (inferred)") : "";
        out.println(INDENT + who + "  " + style.state(t.from()) + " → " + style.state(t.to()) + "  "
                + style.dim("(" + t.cause() + ")") + tag);
        if (explain && t.why() != null && !t.why().isEmpty()) {
            out.println(INDENT + "  " + style.dim("why: " + t.why()));
        }
    }

    private void note(Event.Note n) {
        switch (n.kind()) {
            case HEADER -> out.println(style.bold(n.text()));
            case WARNING -> out.println(INDENT + style.warn("warning: " + n.text()));
            case ANSWER -> out.println(n.text());
            case SECTION -> out.println(style.bold("── " + n.text() + " ──"));
            case ROUTINE -> {
                if (verbosity > 0) {
                    out.println(INDENT + style.dim(n.text()));
                }
            }
            default -> {
                for (String line : n.text().split("\n")) {
                    out.println(INDENT + style.dim(line));
                }
            }
        }
    }

    private void result(Event.Result r) {
        for (String line : r.lines()) {
            out.println(r.ok() ? line : style.bad(line));
        }
        if (r.summary() != null) {
            out.println(r.summary());
        }
    }
}
