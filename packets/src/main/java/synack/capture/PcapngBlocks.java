package synack.capture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import synack.wire.LinkType;

/**
 * The pcapng format (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html): blocks of
 * type, total length, body and the total length again. A Section Header Block sets the byte order
 * and starts a section with no interfaces; Interface Description Blocks give each interface's
 * link type, snapshot length and timestamp units; Enhanced, Simple and (obsolete) Packet Blocks
 * hold frames. Every other block is skipped by its length.
 *
 * <p>A block whose length cannot be true (not a multiple of 4, below 12, above 16 MiB) leaves no
 * way to find the next one: the reader reports it and stops, as tshark does.
 */
final class PcapngBlocks extends FrameSource {
    static final int SECTION_HEADER = 0x0a0d0d0a;
    static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    static final int INTERFACE_DESCRIPTION = 1;
    static final int OBSOLETE_PACKET = 2;
    static final int SIMPLE_PACKET = 3;
    static final int ENHANCED_PACKET = 6;
    static final int MAX_BLOCK = 16 * 1024 * 1024;
    /** Interfaces one section may define: enough for any real capture, a bound on memory for a forged one. */
    static final int MAX_INTERFACES = 4096;

    private static final int OPT_END = 0;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;

    /** One interface of the current section. */
    private record Interface(LinkType link, int snaplen, boolean binary, int exponent, long offsetSeconds) {
        /** A timestamp in the interface's units as nanoseconds since the epoch. */
        long nanos(long ts) {
            long n;
            if (binary) {
                long seconds = ts >>> exponent;
                long fraction = exponent == 0 ? 0 : ts & (-1L >>> (64 - exponent));
                long fractionNanos = exponent <= 33 ? (fraction * 1_000_000_000L) >>> exponent
                        : ((fraction >>> (exponent - 33)) * 1_000_000_000L) >>> 33;
                n = seconds * 1_000_000_000L + fractionNanos;
            } else if (exponent <= 9) {
                n = ts * POWERS[9 - exponent];
            } else {
                n = Long.divideUnsigned(ts, POWERS[exponent - 9]);
            }
            return n + offsetSeconds * 1_000_000_000L;
        }
    }

    private static final long[] POWERS = new long[19];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    private boolean bigEndian;
    private final List<Interface> interfaces = new ArrayList<>();
    private int firstSnaplen;
    private long lastTime; // a Simple Packet Block has no timestamp: it gets the previous frame's

    private PcapngBlocks(CaptureInput in, Consumer<CaptureProblem> problems) {
        super(in, problems);
    }

    /** The reader of a file whose first 4 bytes are a Section Header Block's type; its byte-order magic must make sense. */
    static PcapngBlocks start(CaptureInput in, String name, Consumer<CaptureProblem> problems) throws IOException {
        if (!in.ensure(12)) {
            throw new CaptureFormatException(name + ": pcapng section header cut short: " + in.available() + " of 12 bytes");
        }
        if (byteOrder(in) == null) {
            throw new CaptureFormatException(String.format("%s: not pcapng: byte-order magic 0x%08x is neither 0x1a2b3c4d nor its reverse",
                    name, in.int32(8, true)));
        }
        return new PcapngBlocks(in, problems);
    }

    /** True for big-endian, false for little, null for neither, from a Section Header Block at the position. */
    private static Boolean byteOrder(CaptureInput in) {
        int magic = in.int32(8, true);
        return magic == BYTE_ORDER_MAGIC ? Boolean.TRUE : magic == Integer.reverseBytes(BYTE_ORDER_MAGIC) ? Boolean.FALSE : null;
    }

    @Override
    int snaplen() {
        return firstSnaplen;
    }

    @Override
    CapturedFrame next() throws IOException {
        while (!done) {
            long start = in.offset();
            if (!in.ensure(8)) {
                if (in.available() == 0) {
                    done = true;
                    return null;
                }
                return truncated(start, "a block header (" + in.available() + " of 8 bytes)");
            }
            int type = in.int32(0, bigEndian);
            if (type == SECTION_HEADER) {
                if (!in.ensure(12)) {
                    return truncated(start, "a section header");
                }
                Boolean order = byteOrder(in);
                if (order == null) {
                    report(start, CaptureProblem.Kind.BAD_BLOCK_LENGTH, String.format(
                            "section header with byte-order magic 0x%08x: the rest of the file cannot be read", in.int32(8, true)));
                    done = true;
                    return null;
                }
                bigEndian = order;
            }
            long length = in.u32(4, bigEndian);
            if (length % 4 != 0 || length < 12 || length > MAX_BLOCK) {
                report(start, CaptureProblem.Kind.BAD_BLOCK_LENGTH, "block of type " + Integer.toUnsignedString(type)
                        + " claims " + length + " bytes (a multiple of 4 from 12 to 16 MiB): the rest of the file cannot be read");
                done = true;
                return null;
            }
            int size = (int) length;
            int buffered = Math.min(size, CaptureInput.BUFFER); // bodies past 1 MiB: their first MiB is read in place, the rest skipped
            if (!in.ensure(buffered)) {
                return truncated(start, "a block of " + size + " bytes (" + in.available() + " left)");
            }
            CapturedFrame frame = block(start, type, size, buffered);
            if (!finish(start, type, size, buffered)) {
                return null;
            }
            if (frame != null) {
                return frame;
            }
        }
        return null;
    }

    /** Checks the trailing length and consumes the block; false (and stopped) when the file ends inside it. */
    private boolean finish(long start, int type, int size, int buffered) throws IOException {
        long trailing;
        if (buffered == size) {
            trailing = in.u32(size - 4, bigEndian);
            in.advance(size);
        } else {
            in.advance(buffered);
            long rest = size - buffered - 4L;
            if (in.skip(rest) < rest || !in.ensure(4)) {
                truncated(start, "a block of " + size + " bytes");
                return false;
            }
            trailing = in.u32(0, bigEndian);
            in.advance(4);
        }
        if (trailing != size) {
            report(start, CaptureProblem.Kind.BLOCK_LENGTH_MISMATCH, "block of type " + Integer.toUnsignedString(type)
                    + " begins with length " + size + " but ends with " + trailing + ": the first is trusted");
        }
        return true;
    }

    /** The frame the block at the position holds, or null for a block that holds none (or one that cannot be delivered). */
    private CapturedFrame block(long start, int type, int size, int buffered) {
        switch (type) {
            case SECTION_HEADER -> section(start, size);
            case INTERFACE_DESCRIPTION -> describeInterface(start, size, buffered);
            case ENHANCED_PACKET -> {
                frames++;
                if (size < 32) {
                    return bad(start, "an enhanced packet block of " + size + " bytes, below its 32");
                }
                long ts = (in.u32(12, bigEndian) << 32) | in.u32(16, bigEndian);
                return packet(start, in.u32(8, bigEndian), ts, in.u32(20, bigEndian), in.u32(24, bigEndian), 28, size);
            }
            case OBSOLETE_PACKET -> {
                frames++;
                if (size < 32) {
                    return bad(start, "a packet block of " + size + " bytes, below its 32");
                }
                long ts = (in.u32(12, bigEndian) << 32) | in.u32(16, bigEndian);
                return packet(start, in.u16(8, bigEndian), ts, in.u32(20, bigEndian), in.u32(24, bigEndian), 28, size);
            }
            case SIMPLE_PACKET -> {
                frames++;
                if (size < 16) {
                    return bad(start, "a simple packet block of " + size + " bytes, below its 16");
                }
                if (interfaces.isEmpty()) {
                    return undefined(start, 0);
                }
                long original = in.u32(8, bigEndian);
                int snap = interfaces.get(0).snaplen();
                long captured = Math.min(original, size - 16);
                if (snap > 0) {
                    captured = Math.min(captured, snap);
                }
                return deliver(start, interfaces.get(0), 0, lastTime, captured, original, 12, size);
            }
            default -> { } // name resolution, statistics, decryption secrets, custom, unknown: nothing for explain
        }
        return null;
    }

    private void section(long start, int size) {
        interfaces.clear(); // each section numbers its interfaces afresh
        if (size < 28) {
            report(start, CaptureProblem.Kind.BAD_BLOCK_BODY, "a section header block of " + size + " bytes, below its 28");
            return;
        }
        int major = in.u16(12, bigEndian);
        int minor = in.u16(14, bigEndian);
        if (major != 1) {
            report(start, CaptureProblem.Kind.UNSUPPORTED_VERSION, "pcapng section version " + major + "." + minor + ", read as 1.0");
        }
    }

    private void describeInterface(long start, int size, int buffered) {
        if (size < 20) {
            report(start, CaptureProblem.Kind.BAD_BLOCK_BODY, "an interface description block of " + size + " bytes, below its 20");
            return;
        }
        if (interfaces.size() >= MAX_INTERFACES) {
            report(start, CaptureProblem.Kind.BAD_BLOCK_BODY, "more than " + MAX_INTERFACES + " interfaces in one section: ignored");
            return;
        }
        int number = in.u16(8, bigEndian);
        long snap = in.u32(12, bigEndian);
        LinkType link = link(start, number, "interface " + interfaces.size());
        boolean binary = false;
        int exponent = 6;
        long offsetSeconds = 0;
        int at = 16;
        int end = Math.min(size, buffered) - 4;
        while (at + 4 <= end) {
            int code = in.u16(at, bigEndian);
            int length = in.u16(at + 2, bigEndian);
            if (code == OPT_END || at + 4 + length > end) {
                break;
            }
            if (code == IF_TSRESOL && length >= 1) {
                int v = in.u8(at + 4);
                binary = (v & 0x80) != 0;
                exponent = v & 0x7f;
                if (binary ? exponent > 63 : exponent > 18) {
                    report(start, CaptureProblem.Kind.BAD_TIMESTAMP_RESOLUTION, "interface " + interfaces.size()
                            + " has if_tsresol " + v + ", beyond 64-bit timestamps: microseconds assumed");
                    binary = false;
                    exponent = 6;
                }
            } else if (code == IF_TSOFFSET && length >= 8) {
                long first = in.u32(at + 4, bigEndian);
                long second = in.u32(at + 8, bigEndian);
                offsetSeconds = bigEndian ? first << 32 | second : second << 32 | first; // a 64-bit value in the section's order
            }
            at += 4 + ((length + 3) & ~3);
        }
        int snaplen = (int) Math.min(snap, Integer.MAX_VALUE);
        if (interfaces.isEmpty() && firstSnaplen == 0) {
            firstSnaplen = snaplen;
        }
        interfaces.add(new Interface(link, snaplen, binary, exponent, offsetSeconds));
    }

    /** An Enhanced or obsolete Packet Block's frame: data at {@code dataAt}, within a block of {@code size} bytes. */
    private CapturedFrame packet(long start, long interfaceId, long ts, long captured, long original, int dataAt, int size) {
        if (interfaceId >= interfaces.size()) {
            return undefined(start, interfaceId);
        }
        if (captured > size - dataAt - 4) {
            return bad(start, "frame " + frames + " claims " + captured + " bytes captured in a block of " + size);
        }
        Interface iface = interfaces.get((int) interfaceId);
        return deliver(start, iface, (int) interfaceId, iface.nanos(ts), captured, original, dataAt, size);
    }

    private CapturedFrame deliver(long start, Interface iface, int interfaceId, long time, long captured, long original, int dataAt, int size) {
        if (captured > MAX_FRAME) {
            report(start, CaptureProblem.Kind.CAPTURED_LENGTH_TOO_LARGE, "frame " + frames + " claims " + captured
                    + " bytes captured, more than the " + MAX_FRAME + " synack reads of a frame: skipped");
            return null;
        }
        int length = (int) captured;
        checkSnaplen(start, length, iface.snaplen());
        int onWire = originalLength(start, original, length);
        lastTime = time;
        return new CapturedFrame(frames, time, interfaceId, iface.link(), onWire, in.copy(dataAt, length));
    }

    private CapturedFrame undefined(long start, long interfaceId) {
        report(start, CaptureProblem.Kind.UNDEFINED_INTERFACE, "frame " + frames + " is on interface " + interfaceId
                + ", which no interface description block of its section defined: not delivered");
        return null;
    }

    private CapturedFrame bad(long start, String what) {
        report(start, CaptureProblem.Kind.BAD_BLOCK_BODY, what + ": skipped");
        return null;
    }
}
