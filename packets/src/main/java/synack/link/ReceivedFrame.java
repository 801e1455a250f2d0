package synack.link;

/**
 * A frame as captured, with the capture's own timestamp in microseconds of the wall clock.
 * {@code fragments} is 0 for a frame that crossed the wire as it is; for a datagram the
 * interface put together from IPv4 fragments it counts them (each was told, and written to -w,
 * on its own: this frame never crossed the wire whole).
 */
public record ReceivedFrame(byte[] bytes, long timeMicros, int fragments) {
    public ReceivedFrame(byte[] bytes, long timeMicros) {
        this(bytes, timeMicros, 0);
    }
}
