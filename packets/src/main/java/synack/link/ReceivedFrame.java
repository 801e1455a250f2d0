package synack.link;

/** A frame as captured, with the capture's own timestamp in microseconds of the wall clock. */
public record ReceivedFrame(byte[] bytes, long timeMicros) {}
