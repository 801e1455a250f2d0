package synack.capture;

import java.io.IOException;
import java.util.function.Consumer;
import synack.wire.LinkType;

/**
 * The classic pcap format (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): a
 * 24-byte file header (magic, version, snaplen, link type), then records of a 16-byte header
 * (seconds, micro- or nanoseconds, captured length, original length) and the captured bytes.
 */
final class PcapRecords extends FrameSource {
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final boolean bigEndian;
    private final boolean nanos;
    private final int snaplen;
    private final LinkType link;

    private PcapRecords(CaptureInput in, Consumer<CaptureProblem> problems, boolean bigEndian, boolean nanos) {
        super(in, problems);
        this.bigEndian = bigEndian;
        this.nanos = nanos;
        int major = in.u16(4, bigEndian);
        int minor = in.u16(6, bigEndian);
        if (major != 2 || minor != 4) {
            report(0, CaptureProblem.Kind.UNSUPPORTED_VERSION, "pcap version " + major + "." + minor + ", read as 2.4");
        }
        long snap = in.u32(16, bigEndian);
        this.snaplen = (int) Math.min(snap, Integer.MAX_VALUE);
        // the top bits of the field hold the FCS length (pcap draft section 4): the link type is below them
        this.link = link(20, in.int32(20, bigEndian) & 0x03ffffff, "the file");
        in.advance(FILE_HEADER);
    }

    /** The reader of a file whose magic (its first 4 bytes) said pcap; the file header must be whole. */
    static PcapRecords start(CaptureInput in, String name, Consumer<CaptureProblem> problems, boolean bigEndian, boolean nanos)
            throws IOException {
        if (!in.ensure(FILE_HEADER)) {
            throw new CaptureFormatException(name + ": pcap file header cut short: " + in.available() + " of 24 bytes");
        }
        return new PcapRecords(in, problems, bigEndian, nanos);
    }

    @Override
    int snaplen() {
        return snaplen;
    }

    @Override
    CapturedFrame next() throws IOException {
        while (!done) {
            long start = in.offset();
            if (!in.ensure(RECORD_HEADER)) {
                if (in.available() == 0) {
                    done = true;
                    return null;
                }
                return truncated(start, "a record header (" + in.available() + " of 16 bytes)");
            }
            long seconds = in.u32(0, bigEndian);
            long fraction = in.u32(4, bigEndian);
            long captured = in.u32(8, bigEndian);
            long original = in.u32(12, bigEndian);
            in.advance(RECORD_HEADER);
            frames++;
            if (captured > MAX_FRAME) {
                report(start, CaptureProblem.Kind.CAPTURED_LENGTH_TOO_LARGE, "frame " + frames + " claims " + captured
                        + " bytes captured, more than the " + MAX_FRAME + " synack reads of a frame: skipped");
                if (in.skip(captured) < captured) {
                    return truncated(start, "frame " + frames);
                }
                continue;
            }
            int length = (int) captured;
            checkSnaplen(start, length, snaplen);
            int onWire = originalLength(start, original, length);
            byte[] data = in.take(length);
            if (data == null) {
                return truncated(start, "frame " + frames + " (" + length + " bytes captured)");
            }
            long time = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
            return new CapturedFrame(frames, time, 0, link, onWire, data);
        }
        return null;
    }
}
