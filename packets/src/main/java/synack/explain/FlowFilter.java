package synack.explain;

import synack.event.Event;
import synack.event.EventSink;

/**
 * --flow N: only one TCP connection's story. A frame belongs to a connection by its
 * {@link Event.Captured#stream()}; a note by its "stream" field; a transition (and a note without
 * one) to the frame it follows. The capture's header, its problems and the result always pass.
 */
final class FlowFilter implements EventSink {
    private final EventSink next;
    private final int stream;
    private boolean followingKeptFrame;

    FlowFilter(EventSink next, int stream) {
        this.next = next;
        this.stream = stream;
    }

    @Override
    public void accept(Event e) {
        if (e instanceof Event.Frame f) {
            followingKeptFrame = f.captured() != null && f.captured().stream() == stream;
            if (followingKeptFrame) {
                next.accept(e);
            }
        } else if (e instanceof Event.Note n) {
            Object s = n.fields().get("stream");
            boolean always = n.kind() == Event.Note.Kind.HEADER || "capture".equals(n.fields().get("layer"));
            if (always || (s instanceof Number number ? number.intValue() == stream : followingKeptFrame)) {
                next.accept(e);
            }
        } else if (e instanceof Event.Transition) {
            if (followingKeptFrame) {
                next.accept(e);
            }
        } else {
            next.accept(e);
        }
    }
}
