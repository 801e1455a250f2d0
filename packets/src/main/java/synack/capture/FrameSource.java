package synack.capture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import synack.wire.LinkType;

/**
 * What a capture format's reader shares: the input, the frame count (every packet record or block
 * in file order from 1, as tshark's frame.number, including those that cannot be delivered), the
 * link types seen, and the problems reported on the way.
 */
abstract class FrameSource {
    /** The largest frame read (as tshark's limit for most link types); a record claiming more is skipped. */
    static final int MAX_FRAME = 256 * 1024;

    final CaptureInput in;
    private final Consumer<CaptureProblem> problems;
    private final List<LinkType> linkTypes = new ArrayList<>(2);
    long frames;
    boolean done;

    FrameSource(CaptureInput in, Consumer<CaptureProblem> problems) {
        this.in = in;
        this.problems = problems;
    }

    /** The next frame, or null at the end (or after damage the reader cannot pass). */
    abstract CapturedFrame next() throws IOException;

    /** The snapshot length of the file (pcap) or of its first interface (pcapng); 0 when none is known yet. */
    abstract int snaplen();

    void report(long offset, CaptureProblem.Kind kind, String detail) {
        problems.accept(new CaptureProblem(offset, frames, kind, detail));
    }

    /** Reports the end of the file in the middle of something, and stops. */
    CapturedFrame truncated(long offset, String what) {
        report(offset, CaptureProblem.Kind.TRUNCATED_FILE, "the file ends inside " + what);
        in.advance(in.available()); // what is left is the cut piece: read, and of no use
        done = true;
        return null;
    }

    /** The link type numbered {@code number}, noted as seen; null (and reported) when synack does not decode it. */
    LinkType link(long offset, int number, String where) {
        LinkType link = LinkType.of(number);
        if (link == null) {
            report(offset, CaptureProblem.Kind.UNSUPPORTED_LINK_TYPE, where + " has link type " + number
                    + ", which synack does not decode: its frames are counted, not decoded");
        } else if (!linkTypes.contains(link)) {
            linkTypes.add(link);
        }
        return link;
    }

    List<LinkType> linkTypes() {
        return List.copyOf(linkTypes);
    }

    /** Lengths a record gives: the captured one already capped; the original one at least the captured one. */
    int originalLength(long offset, long original, int captured) {
        if (original < captured) {
            report(offset, CaptureProblem.Kind.ORIGINAL_LENGTH_BELOW_CAPTURED, "frame " + frames + " was " + original
                    + " bytes on the wire but " + captured + " were captured: taken as " + captured);
            return captured;
        }
        return (int) Math.min(original, Integer.MAX_VALUE);
    }

    void checkSnaplen(long offset, int captured, int snaplen) {
        if (snaplen > 0 && captured > snaplen) {
            report(offset, CaptureProblem.Kind.CAPTURED_LENGTH_BEYOND_SNAPLEN, "frame " + frames + " has " + captured
                    + " bytes captured, more than the snapshot length " + snaplen);
        }
    }
}
