package synack.exchange.tcp;

import synack.event.Remark;

/**
 * An acknowledgment number as the arithmetic that makes it, ack = base + n, and what the n
 * counts (OUTPUT.md: the arithmetic the reader is learning is shown). The base is a sequence
 * number of one side, so it carries its offset from that side's ISN for --relative.
 */
public record AckArithmetic(int base, int relativeBase, long n, Reason reason) {
    /** What the n acknowledges. */
    public enum Reason {
        OUR_SYN("our SYN takes one sequence number"),
        THEIR_SYN("their SYN takes one sequence number"),
        OUR_FIN("our FIN takes one sequence number"),
        THEIR_FIN("their FIN takes one sequence number"),
        OUR_DATA("bytes we sent"),
        THEIR_DATA("bytes received");

        private final String words;

        Reason(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** The acknowledgment number itself. */
    public int ack() {
        return (int) (base + n);
    }

    /** "ack = BASE + n (why)". */
    public Remark remark() {
        return builder().words(" (" + reason.words() + ")").build();
    }

    /** "ack = BASE + n", where the context already says why. */
    public Remark bare() {
        return builder().build();
    }

    private Remark.Builder builder() {
        return Remark.builder().words("ack = ").seq(base, relativeBase).words(" + " + n);
    }
}
