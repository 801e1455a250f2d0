package synack.explain;

/**
 * The --expect checks a CI job puts on a capture. Each is off (false / null) unless asked.
 * {@code status}: a code (200) or a class (2xx).
 */
public record ExplainChecks(boolean noRetransmissions, boolean noResets, Double handshakeMaxMs, String status) {
    public ExplainChecks {
        if (handshakeMaxMs != null && !(handshakeMaxMs >= 0)) {
            throw new IllegalArgumentException("--expect-handshake-ms wants a number of milliseconds from 0, not " + handshakeMaxMs);
        }
        if (status != null && !status.matches("[1-5]([0-9]{2}|xx)")) {
            throw new IllegalArgumentException("--expect-status wants a status code (200) or class (2xx), not '" + status + "'");
        }
    }

    public boolean any() {
        return noRetransmissions || noResets || handshakeMaxMs != null || status != null;
    }

    /** Whether an HTTP status matches the expected code or class. */
    public boolean statusMatches(int code) {
        return status.endsWith("xx") ? code / 100 == status.charAt(0) - '0' : code == Integer.parseInt(status);
    }

    /** One check's outcome: which, whether it held, and the numbers behind it. */
    public record Outcome(Kind kind, boolean held, String detail) {}

    public enum Kind { NO_RETRANSMISSIONS, NO_RESETS, HANDSHAKE_MS, STATUS }
}
