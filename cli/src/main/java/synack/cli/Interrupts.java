package synack.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C and SIGTERM: the JVM runs shutdown hooks on both. Ours asks the running exchange to
 * stop, then holds the JVM (briefly) until the command has cleaned up: connections reset,
 * firewall rules removed, the pcap file closed.
 */
public final class Interrupts {
    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static final CountDownLatch CLEANED_UP = new CountDownLatch(1);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private Interrupts() {}

    public static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                REQUESTED.set(true);
                try {
                    CLEANED_UP.await(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "synack-interrupt"));
        }
    }

    public static boolean requested() {
        return REQUESTED.get();
    }

    /** Called once the command has released everything it held. */
    public static void cleanedUp() {
        CLEANED_UP.countDown();
    }
}
