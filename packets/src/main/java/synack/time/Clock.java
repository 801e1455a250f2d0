package synack.time;

import java.time.Instant;

/** Time for exchanges, injected so tests run on virtual time and never sleep. */
public interface Clock {
    long nowMicros();

    /** The wall clock, the one libpcap stamps captured frames with, so RTTs compare like with like. */
    Clock SYSTEM = () -> {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    };
}
