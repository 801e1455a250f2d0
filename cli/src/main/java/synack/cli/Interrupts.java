package synack.cli;

import java.io.Flushable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C and SIGTERM: the JVM runs shutdown hooks on both. Ours asks the running exchange to
 * stop, then holds the JVM (briefly) until every open live session has cleaned up: connections
 * reset, firewall rules removed, the pcap file closed. A command may open several sessions in turn
 * (a name lookup, then a sweep), so the hook counts them rather than waiting for the first. Then
 * it flushes stdout (buffered: see {@link WriterStream#buffered}), so that the story's last lines,
 * the result the stopped exchange told, reach the screen before the JVM ends.
 */
public final class Interrupts {
    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static final Object LOCK = new Object();
    private static int open;
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final java.util.List<Flushable> OUTPUTS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How long the hook waits for a flush: a reader that stopped reading (a full pipe) must not hold the JVM for ever. */
    private static final long FLUSH_WAIT_MILLIS = 1_000;

    private Interrupts() {}

    /** A live session opens: Ctrl-C from now on waits for its {@link #cleanedUp()}. */
    public static void install() {
        synchronized (LOCK) {
            open++;
        }
        installHook();
    }

    /** {@code output} is flushed when the JVM ends, however it ends (after the sessions' cleanup). */
    public static void flushAtExit(Flushable output) {
        OUTPUTS.add(output);
        installHook();
    }

    private static void installHook() {
        if (INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::stopAndWait, "synack-interrupt"));
        }
    }

    private static void stopAndWait() {
        REQUESTED.set(true);
        long until = System.nanoTime() + 3_000_000_000L;
        try {
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
        } finally {
            flushOutputs();
        }
    }

    /** On a thread of its own, waited for a while: a flush blocks while the command's thread holds the stream. */
    private static void flushOutputs() {
        if (OUTPUTS.isEmpty()) {
            return;
        }
        Thread flush = new Flush();
        flush.setDaemon(true);
        flush.start();
        try {
            flush.join(FLUSH_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A class, not a lambda: the JVM would bootstrap its first lambda here at every exit. */
    private static final class Flush extends Thread {
        Flush() {
            super("synack-flush");
        }

        @Override
        public void run() {
            for (Flushable f : OUTPUTS) {
                try {
                    f.flush();
                } catch (IOException | RuntimeException e) {
                    // the reader is gone (a closed pipe): nothing left to tell it
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
