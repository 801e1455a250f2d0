package synack.cli;

/** The exit-code contract of OUTPUT.md, in one place. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int NEGATIVE = 1;
    public static final int USAGE = 2;
    public static final int ENVIRONMENT = 3;
    public static final int NO_ANSWER = 4;
    /** TLS: the server's certificate was not trusted (unknown CA, expired or not yet valid, wrong name). */
    public static final int UNTRUSTED = 5;
    /** Not in the contract's table: a bug in synack itself (EX_SOFTWARE); --debug shows the trace. */
    public static final int INTERNAL = 70;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}

    /** The exit code a result's verdict asks for: the one place the library's verdicts become numbers. */
    public static int of(synack.event.Verdict verdict) {
        return switch (verdict) {
            case OK -> OK;
            case NEGATIVE -> NEGATIVE;
            case NO_ANSWER -> NO_ANSWER;
            case UNTRUSTED -> UNTRUSTED;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
