package synack.capture;

import synack.wire.LinkType;

/**
 * One frame of a capture file, as the file holds it. {@code number} counts from 1 in file order
 * (as tshark's frame.number); {@code timeNanos} is the capture's timestamp in nanoseconds since
 * the epoch (microsecond files are scaled); {@code originalLength} is the frame's length on the
 * wire, {@code data} what was captured of it (shorter when the snapshot length cut it).
 * {@code interfaceId} is the pcapng interface (0 for pcap files).
 *
 * <p>{@code link} is null for a frame of an interface (or a pcap file) whose link type synack does
 * not decode: {@link CaptureReader} reports that link type once, as a {@link CaptureProblem} of kind
 * UNSUPPORTED_LINK_TYPE with its number, and still delivers the interface's frames, so that frame
 * numbers stay tshark's; {@link FrameDecoder} gives them a {@code malformed} "link type not decoded".
 * A Simple Packet Block has no timestamp: its frame carries the previous frame's time.
 */
public record CapturedFrame(long number, long timeNanos, int interfaceId, LinkType link, int originalLength, byte[] data) {
    /** The timestamp in microseconds, the clock synack's events use. */
    public long timeMicros() {
        return Math.floorDiv(timeNanos, 1000);
    }

    /** True when the snapshot length cut the frame: fewer bytes captured than were on the wire. */
    public boolean cut() {
        return data.length < originalLength;
    }
}
