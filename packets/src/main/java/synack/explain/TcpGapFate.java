package synack.explain;

import java.util.Locale;

/**
 * What became of bytes the capture showed missing (a {@link TcpFinding#LOST_SEGMENT} gap). The
 * capture point sits somewhere between the two ends: a gap is either real loss before it, or
 * the capture's own drop, and the later segments tell which.
 */
public enum TcpGapFate {
    /** The sender sent them again: they were lost on the wire between the sender and the capture point. */
    LOST_ON_WIRE,
    /** They came late, soon after the segment beyond them, without being asked for: reordered on the way. */
    REORDERED,
    /** The receiver acknowledged them and nobody ever repeated them: they were on the wire and the capture missed them. */
    LOST_IN_CAPTURE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
