package synack.exchange.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import synack.wire.DnsMessage;

/**
 * One question of an iterative resolution: which server (its name and the address asked, of
 * the walk's family), for which zone, what it answered and what the trace made of it.
 * {@code step} is null while undecided, or when the hop ended the trace (a lame referral) or
 * waits for a name server's address.
 *
 * @param target the CNAME's target or the referral's child zone, for those steps
 */
public record TraceHop(String zone, RootHints.Server server, int rcode, String rcodeName, boolean authoritative, Step step,
                       String target) {
    /** What the trace did with a server's reply. */
    public enum Step {
        /** The records asked for (NOERROR). */
        ANSWER,
        /** An error rcode: NXDOMAIN, SERVFAIL, REFUSED… */
        NEGATIVE,
        /** An alias to follow from the root. */
        CNAME,
        /** A delegation to a closer zone, with glue. */
        REFERRAL,
        /** The name exists but has no records of the type (or the server had nothing to say). */
        NO_DATA,
        /** SERVFAIL or REFUSED from one of several servers for the zone: the next one is asked. */
        LAME
    }

    static TraceHop asked(String zone, RootHints.Server server, DnsMessage answer) {
        return new TraceHop(zone, server, answer.rcode(), answer.rcodeName(), answer.aa(), null, null);
    }

    TraceHop ended(Step step, String target) {
        return new TraceHop(zone, server, rcode, rcodeName, authoritative, step, target);
    }

    /** The hop in the trace's JSON result: zone, server, ip, rcode, aa and, once decided, outcome. */
    Map<String, Object> fields() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("zone", zone);
        h.put("server", server.name());
        h.put("ip", server.ip().toString()); // either family: the walk's
        h.put("rcode", rcodeName);
        h.put("aa", authoritative);
        if (step != null) {
            h.put("outcome", switch (step) {
                case ANSWER -> "answer";
                case NEGATIVE -> rcodeName;
                case CNAME -> "CNAME " + target;
                case REFERRAL -> "referral to " + target;
                case NO_DATA -> "no data";
                case LAME -> "lame " + rcodeName;
            });
        }
        return h;
    }
}
