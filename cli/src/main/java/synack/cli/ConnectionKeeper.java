package synack.cli;

import java.util.function.BooleanSupplier;
import synack.event.Event;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;

/**
 * Where connections opened with handshake --keep live on between commands: the shell keeps
 * them (each on a thread of its own, answering the peer meanwhile); a one-liner has nowhere to
 * keep one ({@link #NONE}), since no next command could use it.
 */
public interface ConnectionKeeper {
    /** A connection handed over: its number, whether it is established, and its result if it ended already. */
    record Kept(int id, boolean established, Event.Result result) {}

    /** Whether connections can be kept here at all. */
    boolean keepsConnections();

    /**
     * Takes over an open session whose next hop is known and whose port is guarded, opens the
     * connection in it and keeps it; returns once it is established or over.
     */
    Kept keep(LiveSession session, TcpConversation.Path path, TcpConnection.Config config);

    /** Whether connection {@code id} is kept open. */
    boolean holds(int id);

    /** Closes kept connection {@code id} with FIN and waits for the close; null when stopped before a result. */
    Event.Result close(int id, BooleanSupplier interrupted);

    /** A one-liner's: it keeps nothing. */
    ConnectionKeeper NONE = new ConnectionKeeper() {
        @Override
        public boolean keepsConnections() {
            return false;
        }

        @Override
        public Kept keep(LiveSession session, TcpConversation.Path path, TcpConnection.Config config) {
            throw new IllegalStateException("a one-liner keeps no connection");
        }

        @Override
        public boolean holds(int id) {
            return false;
        }

        @Override
        public Event.Result close(int id, BooleanSupplier interrupted) {
            throw new IllegalStateException("a one-liner keeps no connection");
        }
    };
}
