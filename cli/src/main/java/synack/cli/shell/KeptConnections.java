package synack.cli.shell;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import synack.net.Unpredictable;
import synack.cli.ConnectionKeeper;
import synack.cli.LiveSession;
import synack.event.Event;
import synack.time.Clock;
import synack.exchange.tcp.TcpApp;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpState;

/**
 * Connections that stay open between shell commands (handshake --keep): each runs on its own
 * thread with its own capture, answering the peer's segments in the background; the shell hands
 * it work (send, close) through a queue the runner drains between waits. Commands outside the
 * shell reach them as the run's {@link ConnectionKeeper} ({@link #KEEPER}).
 */
public final class KeptConnections {
    private static final AtomicBoolean SHELL = new AtomicBoolean();
    private static final Map<Integer, Kept> OPEN = new TreeMap<>();
    private static int nextId = 1;

    private KeptConnections() {}

    /** The shell's connections as handshake --keep and fin-teardown ID ask them. */
    public static final ConnectionKeeper KEEPER = new ConnectionKeeper() {
        @Override
        public boolean keepsConnections() {
            return inShell();
        }

        @Override
        public Kept keep(LiveSession session, TcpConversation.Path path, TcpConnection.Config config) {
            TcpConversation conv = new TcpConversation(path, config, new KeepApp(), "handshake", Unpredictable.nextInt(65536));
            KeptConnections.Kept k = start(conv, session, path.peerIp(), config.remotePort());
            return new Kept(k.id(), k.state() == TcpState.ESTABLISHED, k.result());
        }

        @Override
        public boolean holds(int id) {
            return get(id) != null;
        }

        @Override
        public Event.Result close(int id, BooleanSupplier interrupted) {
            KeptConnections.Kept k = get(id);
            return k == null ? null : KeptConnections.close(k, interrupted);
        }
    };

    /** Keeping connections makes sense only where a next command can use them. */
    static void shellStarted() {
        SHELL.set(true);
    }

    public static boolean inShell() {
        return SHELL.get();
    }

    /** One kept connection: its thread, its session, its queue of the user's requests. */
    public static final class Kept {
        final int id;
        final String peer;
        final TcpConversation conversation;
        final LiveSession session;
        final ConcurrentLinkedQueue<java.util.function.Consumer<TcpConversation.Control>> work = new ConcurrentLinkedQueue<>();
        final AtomicBoolean abort = new AtomicBoolean();
        volatile Event.Result result;
        Thread thread;

        Kept(int id, String peer, TcpConversation conversation, LiveSession session) {
            this.id = id;
            this.peer = peer;
            this.conversation = conversation;
            this.session = session;
        }

        public int id() {
            return id;
        }

        public String peer() {
            return peer;
        }

        public TcpState state() {
            return conversation.control().connection().state();
        }

        public Event.Result result() {
            return result;
        }
    }

    /** The application of a kept connection: it only reports what arrives, and answers a close. */
    public static final class KeepApp implements TcpApp {
        @Override
        public void established(TcpConversation.Control c, long now) {
            c.note("connection kept open: use 'send ID DATA', 'connections', 'fin-teardown ID'", now);
        }

        @Override
        public void received(TcpConversation.Control c, byte[] data, long now) {
            String text = new String(data, 0, Math.min(data.length, 200), StandardCharsets.UTF_8).replace("\r", "").replace("\n", "⏎");
            c.note(data.length + " bytes received: " + text + (data.length > 200 ? "…" : ""), now);
        }
    }

    /** Starts the conversation on its own thread; returns once it is established or over. */
    public static synchronized Kept start(TcpConversation conversation, LiveSession session, synack.wire.IpAddress peerIp, int peerPort) {
        Kept k = new Kept(nextId++, peerIp.withPort(peerPort), conversation, session);
        k.thread = new Thread(() -> {
            try {
                k.result = session.capture(conversation, k.abort::get, () -> {
                    java.util.function.Consumer<TcpConversation.Control> job;
                    while ((job = k.work.poll()) != null) {
                        job.accept(conversation.control());
                    }
                    if (k.abort.get() && conversation.control().connection().state() != TcpState.CLOSED) {
                        conversation.control().abort(Clock.SYSTEM.nowMicros(), "the shell is leaving");
                    }
                });
            } finally {
                session.close();
            }
        }, "synack-connection-" + k.id);
        k.thread.setDaemon(true);
        OPEN.put(k.id, k);
        k.thread.start();
        long giveUp = System.currentTimeMillis() + 60_000;
        while (k.thread.isAlive() && k.state() != TcpState.ESTABLISHED && System.currentTimeMillis() < giveUp) {
            sleep(5);
        }
        if (!k.thread.isAlive()) {
            OPEN.remove(k.id);
        } else {
            // the runner tells frames in time order, a few ms after they happened: let our last
            // ACK of the handshake be told before the prompt says the connection is open
            sleep(20);
        }
        return k;
    }

    public static synchronized Kept get(int id) {
        return OPEN.get(id);
    }

    public static synchronized List<Kept> all() {
        return List.copyOf(OPEN.values());
    }

    public static void send(Kept k, byte[] data) {
        k.work.add(c -> c.send(data, Clock.SYSTEM.nowMicros()));
    }

    /** Closes with FIN and waits for the close to finish (TIME_WAIT included). */
    public static Event.Result close(Kept k, java.util.function.BooleanSupplier interrupted) {
        k.work.add(c -> {
            if (c.connection().state() == TcpState.ESTABLISHED || c.connection().state() == TcpState.CLOSE_WAIT) {
                c.close(Clock.SYSTEM.nowMicros());
            }
        });
        while (k.thread.isAlive()) {
            if (interrupted.getAsBoolean()) {
                k.abort.set(true);
            }
            sleep(10);
        }
        synchronized (KeptConnections.class) {
            OPEN.remove(k.id);
        }
        return k.result;
    }

    /** Leaving the shell: RST every connection still open. */
    public static void abortAll() {
        for (Kept k : all()) {
            k.abort.set(true);
            try {
                k.thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
