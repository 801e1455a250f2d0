package synack.explain;

/**
 * What {@link ArpObserver} saw in a whole capture. {@code requests} counts who-has frames (retries
 * included, probes and announcements not); {@code retries} those of them that repeated an unanswered
 * request; {@code answered} / {@code unanswered} count resolutions (a requester asking for a target,
 * however many times); {@code conflicts} the addresses claimed by more than one MAC.
 */
public record ArpSummary(int requests, int retries, int answered, int unanswered, int conflicts, int announcements, int probes,
                         int unsolicitedReplies, int malformed) {}
