package synack.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import synack.wire.LinkType;

/**
 * Reads a pcap or pcapng capture file frame by frame, in bounded memory, from one buffered stream.
 * The format is told by the file's first bytes, never by its name. {@link #next()} never throws
 * for damaged content: what is wrong is reported to the {@code problems} consumer as a
 * {@link CaptureProblem}, and the reader skips what it can skip and stops where it cannot go on
 * (see {@link CaptureProblem.Kind}). Only an I/O error of the stream itself escapes.
 *
 * <p>Frame numbers count every packet record or block in file order from 1, as tshark's
 * frame.number, including those reported and not delivered (a captured length too large, a
 * packet on an undefined interface), so the numbers of the frames delivered stay tshark's.
 */
public final class CaptureReader implements AutoCloseable {
    /** What the file is: pcap with micro- or nanosecond timestamps, or pcapng. */
    public enum Format { PCAP, PCAP_NANOS, PCAPNG }

    private final InputStream stream;
    private final CaptureInput in;
    private final FrameSource source;
    private final Format format;

    private CaptureReader(InputStream stream, CaptureInput in, FrameSource source, Format format) {
        this.stream = stream;
        this.in = in;
        this.source = source;
        this.format = format;
    }

    /** The capture in {@code file} ("-" reads standard input). */
    public static CaptureReader open(Path file, Consumer<CaptureProblem> problems) throws IOException {
        if (file.toString().equals("-")) {
            return of(System.in, "-", problems);
        }
        InputStream s = Files.newInputStream(file);
        try {
            return of(s, file.toString(), problems);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The capture read from {@code in}; {@code name} is how messages call it ("-" for standard input).
     * Throws {@link CaptureFormatException} when it is not a capture synack reads.
     */
    public static CaptureReader of(InputStream in, String name, Consumer<CaptureProblem> problems) throws IOException {
        CaptureInput input = new CaptureInput(in);
        if (!input.ensure(4)) {
            throw new CaptureFormatException(name + ": " + (input.available() == 0 ? "empty" : "only " + input.available() + " bytes")
                    + ", not a pcap or pcapng capture");
        }
        int magic = input.int32(0, true);
        return switch (magic) {
            case 0xa1b2c3d4 -> new CaptureReader(in, input, PcapRecords.start(input, name, problems, true, false), Format.PCAP);
            case 0xd4c3b2a1 -> new CaptureReader(in, input, PcapRecords.start(input, name, problems, false, false), Format.PCAP);
            case 0xa1b23c4d -> new CaptureReader(in, input, PcapRecords.start(input, name, problems, true, true), Format.PCAP_NANOS);
            case 0x4d3cb2a1 -> new CaptureReader(in, input, PcapRecords.start(input, name, problems, false, true), Format.PCAP_NANOS);
            case PcapngBlocks.SECTION_HEADER -> new CaptureReader(in, input, PcapngBlocks.start(input, name, problems), Format.PCAPNG);
            default -> throw new CaptureFormatException(name + ": not a pcap or pcapng capture: " + notACapture(magic));
        };
    }

    /** Why the first four bytes are no capture's, naming what they are when that helps. */
    private static String notACapture(int magic) {
        if ((magic >>> 16) == 0x1f8b) {
            return "it is gzip-compressed (decompress it first: zcat FILE | synack explain -)";
        }
        if (magic == 0xa1b2cd34 || magic == 0x34cdb2a1) {
            return "it is a \"modified\" pcap (Kuznetzov's patch), which synack does not read (convert it: editcap -F pcap IN OUT)";
        }
        return String.format("it begins 0x%08x, no capture format's magic number", magic);
    }

    /** The next frame in file order, or null at the end of the file (or where damage stopped the reader). */
    public CapturedFrame next() throws IOException {
        return source.next();
    }

    public Format format() {
        return format;
    }

    /** The link types synack decodes seen so far, in order of first appearance (unknown ones were reported instead). */
    public List<LinkType> linkTypes() {
        return source.linkTypes();
    }

    /** The snapshot length of the file (pcap) or of its first interface (pcapng); 0 when unlimited or not known yet. */
    public int snaplen() {
        return source.snaplen();
    }

    /** Bytes of the file consumed so far. */
    public long bytesRead() {
        return in.offset();
    }

    /** Frames counted so far (delivered or not): the number of the last one. */
    public long frames() {
        return source.frames;
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
