package synack.time;

/** A clock that moves only when told to: deterministic tests of timers and retries. */
public final class VirtualClock implements Clock {
    private long now;

    public VirtualClock(long startMicros) {
        this.now = startMicros;
    }

    @Override
    public synchronized long nowMicros() {
        return now;
    }

    public synchronized void advanceTo(long micros) {
        if (micros > now) {
            now = micros;
        }
    }

    public synchronized void advance(long micros) {
        now += micros;
    }
}
