package synack.event;

/** Where events go: a renderer, a list in a test, or both. */
@FunctionalInterface
public interface EventSink {
    void accept(Event event);
}
