package synack.event;

import java.util.Map;

/**
 * What an exchange tells: every frame, every state change, notes, and one final result.
 * Exchanges emit these; renderers (text, JSON lines, quiet) decide how to show them.
 * Times are microseconds of the wall clock, the same clock pcap stamps frames with.
 */
public sealed interface Event {
    long timeMicros();

    enum Direction { OUT, IN }

    /**
     * A frame sent or received; {@code annotation} is the exchange's comment on it (may be empty).
     * {@code routine} marks the many look-alike frames of a sweep: text shows them only with -v.
     */
    record Frame(long timeMicros, Direction direction, byte[] bytes, String annotation, boolean routine, int fragments)
            implements Event {
        public Frame(long timeMicros, Direction direction, byte[] bytes, String annotation, boolean routine) {
            this(timeMicros, direction, bytes, annotation, routine, 0);
        }

        /** A datagram reassembled from {@code fragments} IPv4 fragments (told before it), not a frame of the wire. */
        public boolean reassembled() {
            return fragments > 0;
        }
    }

    /**
     * A state machine moved. {@code subject} names the machine ("198.18.1.1" for a neighbour entry,
     * "client" for our TCP end); {@code inferred} is true when the wire only implies the change.
     * {@code why} is the RFC's reasoning, shown with --explain.
     */
    record Transition(long timeMicros, String subject, Endpoint endpoint, String from, String to, String cause,
                      boolean inferred, String why, boolean routine) implements Event {}

    enum Endpoint { LOCAL, PEER }

    /** Anything else worth saying; {@code kind} is "header" for the opening line, else "info" or "warning". */
    record Note(long timeMicros, String kind, String text, Map<String, Object> fields) implements Event {}

    /**
     * The answer. {@code lines} is what -q prints (one line per answer), {@code fields} the JSON result,
     * {@code summary} the closing sentence of the human text, {@code exitCode} follows the contract:
     * 0 ok, 1 negative answer, 4 no answer at all.
     */
    record Result(long timeMicros, int exitCode, java.util.List<String> lines, String summary, Map<String, Object> fields)
            implements Event {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
