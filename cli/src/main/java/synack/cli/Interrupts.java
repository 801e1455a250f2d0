package synack.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C and SIGTERM: the JVM runs shutdown hooks on both. Ours asks the running exchange to
 * stop, then holds the JVM (briefly) until every open live session has cleaned up: connections
 * reset, firewall rules removed, the pcap file closed. A command may open several sessions in turn
 * (a name lookup, then a sweep), so the hook counts them rather than waiting for the first.
 */
public final class Interrupts {
    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static final Object LOCK = new Object();
    private static int open;
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private Interrupts() {}

    /** A live session opens: Ctrl-C from now on waits for its {@link #cleanedUp()}. */
    public static void install() {
        synchronized (LOCK) {
            open++;
        }
        if (INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::stopAndWait, "synack-interrupt"));
        }
    }

    private static void stopAndWait() {
        REQUESTED.set(true);
        long until = System.nanoTime() + 3_000_000_000L;
        synchronized (LOCK) {
            long left;
            while (open > 0 && (left = until - System.nanoTime()) > 0) {
                try {
                    LOCK.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
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
        synchronized (LOCK) {
            open = Math.max(0, open - 1);
            LOCK.notifyAll();
        }
    }
}
