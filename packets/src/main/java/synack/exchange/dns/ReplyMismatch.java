package synack.exchange.dns;

/**
 * Why a datagram that reached our query's port is not the answer to it (the checks of RFC 5452
 * section 9.1: addresses, ports, ID and question must all match), or could not be read. The
 * words for the frame's remark are made here, from the reason and the two values compared.
 *
 * @param theirs what the datagram carried (an address, a port, an ID, a question, or the parse error)
 * @param ours   what our query expects ("" where nothing is compared)
 */
public record ReplyMismatch(Reason reason, String theirs, String ours) {
    public enum Reason {
        /** From another address than the server we asked. */
        OTHER_SERVER,
        /** From another port than the server's. */
        OTHER_SERVER_PORT,
        /** To another port than the one we asked from. */
        OTHER_CLIENT_PORT,
        /** QR clear: a query, not a reply. */
        NOT_A_REPLY,
        /** Another transaction ID: a forged or stale reply. */
        OTHER_ID,
        /** Not exactly one question. */
        QUESTION_COUNT,
        /** One question, but not ours (name, type or class). */
        OTHER_QUESTION,
        /** Not a DNS message that parses. */
        MALFORMED
    }

    public static ReplyMismatch of(Reason reason, String theirs) {
        return new ReplyMismatch(reason, theirs, "");
    }

    /** What is wrong, in words: "ID 0x0001 is not ours (0x1a2b): a forged or stale reply". */
    public String words() {
        return switch (reason) {
            case OTHER_SERVER -> "from " + theirs + ", but we asked " + ours;
            case OTHER_SERVER_PORT -> "from port " + theirs + ", but we asked port " + ours;
            case OTHER_CLIENT_PORT -> "to port " + theirs + ", but we asked from " + ours;
            case NOT_A_REPLY -> "a query, not a reply";
            case OTHER_ID -> "ID " + theirs + " is not ours (" + ours + "): a forged or stale reply";
            case QUESTION_COUNT -> "the reply carries " + theirs + " questions, not our one";
            case OTHER_QUESTION -> "question " + theirs + " is not ours (" + ours + ")";
            case MALFORMED -> "malformed DNS reply: " + theirs;
        };
    }

    /** The mismatch in a JSON result: reason (the enum's name in lower case) and detail (the words). */
    public java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("reason", reason.name().toLowerCase(java.util.Locale.ROOT));
        f.put("detail", words());
        return f;
    }

    /** The remark on the frame: a malformed datagram is dropped, a well-formed one that is not ours ignored. */
    public String remark() {
        return (reason == Reason.MALFORMED ? "dropped: " : "ignored: ") + words();
    }
}
