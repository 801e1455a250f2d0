package synack.link;

import synack.wire.ChecksumStatus;

/**
 * A frame as captured, with the capture's own timestamp in microseconds of the wall clock.
 * {@code fragments} is 0 for a frame that crossed the wire as it is; for a datagram the
 * interface put together from IPv4 or IPv6 fragments it counts them (each was told, and written to -w,
 * on its own: this frame never crossed the wire whole). {@code tcpChecksum} is what the intake
 * found when it verified a TCP segment's checksum over these very bytes (null when it did not),
 * so the parse need not sum 64 KiB again.
 */
public record ReceivedFrame(byte[] bytes, long timeMicros, int fragments, ChecksumStatus tcpChecksum) {
    public ReceivedFrame(byte[] bytes, long timeMicros) {
        this(bytes, timeMicros, 0, null);
    }

    public ReceivedFrame(byte[] bytes, long timeMicros, int fragments) {
        this(bytes, timeMicros, fragments, null);
    }

    /** The same frame, its TCP checksum found to be {@code status}. */
    public ReceivedFrame withTcpChecksum(ChecksumStatus status) {
        return new ReceivedFrame(bytes, timeMicros, fragments, status);
    }
}
