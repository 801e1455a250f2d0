package synack.event;

import java.util.Map;

/**
 * What an exchange tells: every frame, every state change, notes, and one final result.
 * Exchanges emit these as data; renderers (text, JSON lines, quiet) alone put them in words.
 * Times are microseconds of the wall clock, the same clock pcap stamps frames with.
 */
public sealed interface Event {
    long timeMicros();

    enum Direction { OUT, IN }

    /**
     * A frame sent or received; {@code remark} is the exchange's comment on it (may be empty).
     * {@code routine} marks the many look-alike frames of a sweep: text shows them only with -v.
     * {@code captured} is null for frames synack sent or received live; for a capture file's, where it came from.
     */
    record Frame(long timeMicros, Direction direction, byte[] bytes, Remark remark, boolean routine, int fragments, Captured captured)
            implements Event {
        public Frame(long timeMicros, Direction direction, byte[] bytes, Remark remark, boolean routine) {
            this(timeMicros, direction, bytes, remark, routine, 0, null);
        }

        public Frame(long timeMicros, Direction direction, byte[] bytes, Remark remark, boolean routine, int fragments) {
            this(timeMicros, direction, bytes, remark, routine, fragments, null);
        }

        /** What the bytes begin with: Ethernet for synack's own frames, the capture's link type for a file's. */
        public synack.wire.LinkType link() {
            return captured == null ? synack.wire.LinkType.ETHERNET : captured.link();
        }

        /** A datagram reassembled from {@code fragments} IPv4 or IPv6 fragments (told before it), not a frame of the wire. */
        public boolean reassembled() {
            return fragments > 0;
        }
    }

    /**
     * Where a frame told by {@code synack explain} came from: its number in the capture file (from 1),
     * the file's link type, its length on the wire (more than the bytes when the snapshot length cut
     * it), and the TCP connection it belongs to (tshark's tcp.stream; -1 for none). {@link Direction#OUT}
     * is then "from side A" (who began the exchange), {@link Direction#IN} "from side B".
     */
    record Captured(long number, synack.wire.LinkType link, int originalLength, int stream) {}

    /**
     * A state machine moved. {@code subject} names the machine ("198.18.1.1" for a neighbour entry,
     * "client" for our TCP end); {@code from}/{@code to} are the names of its states (an enum's);
     * {@code inferred} is true when the wire only implies the change. {@code why} is the RFC's
     * reasoning, shown with --explain.
     */
    record Transition(long timeMicros, String subject, Endpoint endpoint, String from, String to, String cause,
                      boolean inferred, String why, boolean routine) implements Event {}

    enum Endpoint { LOCAL, PEER }

    /** Anything else worth saying, of one {@link Kind}; {@code fields} go to JSON as they are. */
    record Note(long timeMicros, Kind kind, String text, Map<String, Object> fields) implements Event {
        public Note {
            fields = FieldOrder.stable(fields); // --json keys in one order at every run
        }

        public enum Kind {
            /** The opening line of a command. */
            HEADER,
            INFO,
            WARNING,
            /** One answer of many, streamed as it comes (bulk DNS, a sweep's open port): -q prints it. */
            ANSWER,
            /** The title of a part of a longer story (http-get's DNS, ARP, TCP). */
            SECTION,
            /** What an earlier exchange of the story came to (its result, told as a step). */
            PHASE,
            /** The routine of a bulk transfer (one TLS record among thousands): told with -v, always in JSON. */
            ROUTINE
        }
    }

    /**
     * The answer. {@code verdict} is what it amounts to (the CLI maps it to an exit code),
     * {@code lines} is what -q prints (one line per answer), {@code fields} the JSON result,
     * {@code summary} the closing sentence of the human text.
     */
    record Result(long timeMicros, Verdict verdict, java.util.List<String> lines, String summary, Map<String, Object> fields)
            implements Event {
        public Result {
            fields = FieldOrder.stable(fields); // --json keys in one order at every run
        }

        public boolean ok() {
            return verdict == Verdict.OK;
        }

        /** The same result, stopped by the user: the words say so, the verdict is INTERRUPTED. */
        public Result interrupted(String summary) {
            return new Result(timeMicros, Verdict.INTERRUPTED, lines, summary, fields);
        }
    }
}
