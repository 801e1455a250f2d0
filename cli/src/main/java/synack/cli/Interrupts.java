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

    /** The REPL's Ctrl-C: stop the running exchange, but keep the JVM (and the shell) alive. */
    public static void request() {
        REQUESTED.set(true);
    }

    /** Before the REPL's next command. */
    public static void reset() {
        REQUESTED.set(false);
    }

    /** Called once the command has released everything it held. */
    public static void cleanedUp() {
        CLEANED_UP.countDown();
    }
}
