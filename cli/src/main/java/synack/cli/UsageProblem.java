package synack.cli;

/** A user's mistake found after parsing (a bad target, an unwritable file): exit 2 with one line. */
public final class UsageProblem extends RuntimeException {
    public UsageProblem(String message) {
        super(message);
    }
}
