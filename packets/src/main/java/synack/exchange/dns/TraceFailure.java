package synack.exchange.dns;

import synack.event.Verdict;

/** Why an iterative resolution ended without an answer to tell. */
public enum TraceFailure {
    /** More hops than a resolver allows: a chain of referrals that does not end. */
    HOP_LIMIT(Verdict.NEGATIVE),
    /** More CNAMEs in a chain than a resolver follows: a loop of aliases, most likely. */
    CNAME_LIMIT(Verdict.NEGATIVE),
    /** The router towards a server did not answer ARP. */
    NEXT_HOP_SILENT(Verdict.NO_ANSWER),
    /** The last server for a zone did not answer (or could not be asked): the lookup's own verdict stands. */
    SERVER_FAILED(Verdict.NO_ANSWER),
    /** A referral that brings us no closer to the name (upwards, sideways, or to the zone we asked): a lame server. */
    LAME_REFERRAL(Verdict.NEGATIVE),
    /** Glueless referrals whose servers' addresses need more traces inside each other than allowed. */
    GLUELESS_TOO_DEEP(Verdict.NEGATIVE),
    /** The trace for a name server's address found none. */
    NO_SERVER_ADDRESS(Verdict.NEGATIVE);

    private final Verdict verdict;

    TraceFailure(Verdict verdict) {
        this.verdict = verdict;
    }

    /** What the failure amounts to, unless the hop that failed gave its own. */
    public Verdict verdict() {
        return verdict;
    }
}
