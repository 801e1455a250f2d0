package synack.explain;

import java.util.Locale;

/** What one neighbour solicitation or advertisement of a capture amounts to, as {@link NdpObserver} tells it. */
public enum NdpFinding {
    /** A neighbour solicitation: the IPv6 who-has (RFC 4861 7.2.2), its sender's entry for the target INCOMPLETE. */
    SOLICITATION,
    /** The same solicitation again while the first is unanswered: a retry (RFC 4861 7.2.2, every RetransTimer). */
    RETRY,
    /** A solicitation from :: : duplicate address detection (RFC 4862 5.4), asking whether anyone holds the target. */
    DAD_PROBE,
    /** A neighbour advertisement answering a solicitation seen in the capture: the IPv6 is-at. */
    ADVERTISEMENT,
    /** An advertisement that answers no solicitation in the capture (unsolicited, or asked before it began). */
    UNSOLICITED_ADVERTISEMENT,
    /** A solicitation never answered in the capture. */
    UNANSWERED,
    /** A neighbour discovery message that does not decode: annotated and dropped. */
    MALFORMED;

    /** The name in JSON ("dad_probe"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
