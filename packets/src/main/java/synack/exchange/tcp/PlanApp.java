package synack.exchange.tcp;

import java.util.function.Predicate;
import synack.event.Durations;

/**
 * The simple applications: open and close (handshake, fin-teardown), optionally sending some
 * bytes first and waiting for the server to close, or for a whole answer (DNS over TCP).
 */
final class PlanApp implements TcpApp {
    private final TcpConversation.Plan plan;
    /** How long after the handshake handshake and fin-teardown wait before closing: longer than the capture lags. */
    static final long CLOSE_DELAY_MICROS = 10_000;
    private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    private boolean closeSoon;

    PlanApp(TcpConversation.Plan plan) {
        this.plan = plan;
    }

    @Override
    public void established(TcpConversation.Control c, long now) {
        if (plan.ending() == TcpConversation.Ending.RST && plan.send().length == 0) {
            c.abort(now, "--rst: abort instead of closing");
        } else if (plan.send().length > 0) {
            c.send(plan.send(), now);
            c.idleIn(plan.idleMicros(), now);
        } else {
            // not at once: a server that closes on accept has its FIN on the way already, and we may
            // have captured it without reading it yet; closing a moment later lets it be seen, so that
            // our FIN answers it (a passive close) instead of crossing it in a story the wire did not tell
            closeSoon = true;
            c.idleIn(CLOSE_DELAY_MICROS, now);
        }
    }

    @Override
    public void received(TcpConversation.Control c, byte[] data, long now) {
        received.writeBytes(data);
        Predicate<byte[]> complete = plan.complete();
        if (complete != null && complete.test(received.toByteArray())) {
            c.note("the whole answer is in: we close first (active close)", now);
            c.close(now);
        } else {
            c.idleIn(plan.idleMicros(), now);
        }
    }

    @Override
    public void idle(TcpConversation.Control c, long now) {
        if (closeSoon) {
            closeSoon = false;
            c.close(now);
        } else if (plan.ending() == TcpConversation.Ending.RST) {
            c.abort(now, "--rst");
        } else {
            c.note("the server kept the connection open for " + Durations.human(plan.idleMicros()) + ": we close first (active close)", now);
            c.close(now);
        }
    }

    byte[] received() {
        return received.toByteArray();
    }
}
