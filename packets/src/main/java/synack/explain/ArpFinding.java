package synack.explain;

import java.util.Locale;

/** What one ARP frame of a capture (or the capture's end) amounts to, as {@link ArpObserver} tells it. */
public enum ArpFinding {
    /** A who-has that begins a resolution: the requester's entry for the target goes INCOMPLETE. */
    REQUEST,
    /** The same who-has again while the first is unanswered: a retry. */
    RETRY,
    /** A who-has for an entry already REACHABLE: the requester re-confirms a neighbour it knows. */
    RECONFIRM,
    /** An is-at answering a request seen in the capture. */
    REPLY,
    /** Another is-at for a request already answered (from another MAC it is also a {@link #CONFLICT}). */
    DUPLICATE_REPLY,
    /** An is-at that answers no request in the capture (unsolicited, or asked before the capture began). */
    UNSOLICITED_REPLY,
    /** Gratuitous ARP: a host tells its own address (sender IP = target IP), request or reply. */
    ANNOUNCEMENT,
    /** RFC 5227 probe: who-has with sender IP 0.0.0.0, asking whether anyone holds an address before taking it. */
    PROBE,
    /** An is-at answering a probe: the probed address is in use. */
    PROBE_ANSWERED,
    /** The same IP claimed by two different MACs: a duplicate address. */
    CONFLICT,
    /** A resolution never answered in the capture: the entry goes FAILED at its end. */
    UNANSWERED,
    /** More addresses than the observer keeps: the oldest are forgotten (a pending resolution is given up as unanswered). */
    TOO_MANY_ADDRESSES,
    /** An ARP frame that does not decode: annotated and dropped. */
    MALFORMED;

    /** The name in JSON ("unsolicited_reply"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
