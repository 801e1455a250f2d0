package synack.link;

import java.io.IOException;

/** Moves whole Ethernet frames. Implementations: live pcap, in-memory pairs, fault injection, recording. */
public interface Link extends AutoCloseable {
    void send(byte[] frame) throws IOException;

    /** The next frame, or null once the clock passes {@code deadlineMicros} with nothing received. */
    ReceivedFrame receive(long deadlineMicros) throws IOException;

    /** Frames our own capture lost (the kernel's ring was full when they came): ours, not the network's. */
    default long captureDrops() {
        return 0;
    }

    @Override
    void close();
}
