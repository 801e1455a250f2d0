package synack.exchange.http;

import java.util.Map;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.PhaseOutput;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpState;
import synack.link.ReceivedFrame;

/**
 * Happy Eyeballs (RFC 8305 5): the first address's connection starts at once, the second's a
 * Connection Attempt Delay later unless the first has connected by then — or at once, when the
 * first fails before it. The first to reach ESTABLISHED wins; the other is aborted (our RST, also
 * from SYN_SENT: a server whose SYN,ACK is already on its way keeps no half-open connection).
 * Each attempt's own result is kept apart; the race's result is the winner's (or the last
 * attempt's, when none connected).
 */
final class ConnectionRace implements Exchange {
    /** RFC 8305 5: the recommended Connection Attempt Delay. */
    static final long ATTEMPT_DELAY_MICROS = 250_000;

    private final TcpConversation first;
    private TcpConversation second; // null while the other family's address is still asked (or when it has none)
    private String secondWhy;
    private boolean awaiting; // the other family's answer is still to come: the race is not over with the first alone
    private PhaseOutput firstOut;
    private PhaseOutput secondOut;
    private Output out;
    private long secondAt;
    private boolean secondStarted;
    private TcpConversation winner;
    private boolean resultTold;

    /** @param secondWhy the note told when the second attempt starts (what the first has not done) */
    ConnectionRace(TcpConversation first, TcpConversation second, String secondWhy) {
        this.first = first;
        this.second = second;
        this.secondWhy = secondWhy;
    }

    /**
     * A race whose second address is still being asked (RFC 8305 3: an answer that comes after
     * the attempts began is added to them): {@link #join} brings it, {@link #noSecond} says none comes.
     */
    static ConnectionRace awaitingSecond(TcpConversation first) {
        ConnectionRace r = new ConnectionRace(first, null, null);
        r.awaiting = true;
        return r;
    }

    /** Whether a late second attempt can still take part: none yet, and the first has not connected. */
    boolean canJoin() {
        return awaiting && winner == null && !isDone();
    }

    /**
     * The late address's attempt: started when the Connection Attempt Delay since the first has
     * passed (at once, then, or when the first has failed), else when it does.
     */
    void join(TcpConversation late, String why, long now) {
        awaiting = false;
        second = late;
        secondWhy = why;
        if (now >= secondAt) {
            startSecond(now, why);
        }
        decide(now);
    }

    /** The other family has no address after all: the first goes alone. */
    void noSecond(long now) {
        awaiting = false;
        decide(now);
    }

    /** The attempt that connected first; null before, and when none did. */
    TcpConversation winner() {
        return winner;
    }

    /** The attempt whose story ends the race: the winner, else the last attempt made. */
    TcpConversation decided() {
        return winner != null ? winner : secondStarted ? second : first;
    }

    boolean secondStarted() {
        return secondStarted;
    }

    @Override
    public void start(long now, Output output) {
        this.out = output;
        firstOut = new PhaseOutput(output);
        secondAt = now + ATTEMPT_DELAY_MICROS;
        first.start(now, firstOut);
        decide(now);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output output) {
        if (!first.isDone()) {
            first.onFrame(frame, firstOut);
        }
        if (secondStarted && !second.isDone()) {
            second.onFrame(frame, secondOut);
        }
        decide(frame.timeMicros());
    }

    @Override
    public void onTimer(long now, Output output) {
        if (!secondStarted && second != null && winner == null && now >= secondAt) {
            startSecond(now, secondWhy);
        }
        if (!first.isDone() && now >= first.nextDeadlineMicros()) {
            first.onTimer(now, firstOut);
        }
        if (secondStarted && !second.isDone() && now >= second.nextDeadlineMicros()) {
            second.onTimer(now, secondOut);
        }
        decide(now);
    }

    private void startSecond(long now, String why) {
        secondStarted = true;
        out.emit(new Event.Note(now, Event.Note.Kind.SECTION, why, Map.of()));
        secondOut = new PhaseOutput(out);
        second.start(now, secondOut);
    }

    /** The first established wins and the other is aborted; a first attempt that failed starts the second at once. */
    private void decide(long now) {
        if (winner == null) {
            if (established(first)) {
                winner = first;
                if (secondStarted && !second.isDone()) {
                    abandon(second, secondOut, now, "the other family connected first (RFC 8305)");
                }
            } else if (secondStarted && established(second)) {
                winner = second;
                if (!first.isDone()) {
                    abandon(first, firstOut, now, "the other family connected first (RFC 8305)");
                }
            } else if (!secondStarted && second != null && first.isDone()) {
                startSecond(now, "the first attempt failed before it connected: the other family at once (RFC 8305 5)");
            }
        }
        if (isDone() && !resultTold) {
            resultTold = true;
            PhaseOutput decided = decided() == first ? firstOut : secondOut;
            if (decided.result() != null) {
                out.emit(decided.result());
            }
        }
    }

    /** Our RST ends the attempt; its timer call then lets it see it is over (a conversation tells its end from there). */
    private static void abandon(TcpConversation c, PhaseOutput out, long now, String why) {
        c.control().abort(now, why);
        c.onTimer(now, out);
    }

    private static boolean established(TcpConversation c) {
        return c.connection().establishedAt() >= 0 && c.connection().state() != TcpState.SYN_SENT;
    }

    @Override
    public long nextDeadlineMicros() {
        long next = first.isDone() ? Long.MAX_VALUE : first.nextDeadlineMicros();
        if (secondStarted) {
            next = Math.min(next, second.isDone() ? Long.MAX_VALUE : second.nextDeadlineMicros());
        } else if (winner == null && second != null) {
            next = Math.min(next, secondAt);
        }
        return next;
    }

    @Override
    public boolean isDone() {
        // a late second is waited for only while nothing has connected
        return first.isDone() && (!awaiting || winner != null) && (!secondStarted || second.isDone());
    }

    /** Ends every attempt still open with our RST, for {@code why} (--max-time). */
    void abort(long now, String why) {
        if (!first.isDone()) {
            abandon(first, firstOut, now, why);
        }
        if (secondStarted && !second.isDone()) {
            abandon(second, secondOut, now, why);
        }
        decide(now);
    }

    @Override
    public void abort(long now, Output output) {
        if (!first.isDone()) {
            first.abort(now, firstOut);
        }
        if (secondStarted && !second.isDone()) {
            second.abort(now, secondOut);
        }
        decide(now);
    }
}
