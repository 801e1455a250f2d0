package synack.event;

/**
 * What an exchange's result amounts to, as data. The CLI alone turns it into an exit code
 * (OUTPUT.md's contract); the library never knows the numbers.
 */
public enum Verdict {
    /** The exchange completed and every check held. */
    OK,
    /** A negative answer: closed, refused, NXDOMAIN, a status or an expectation not met. */
    NEGATIVE,
    /** The peer answered, but could not prove who it is: its TLS certificate was not trusted (expired, unknown CA, wrong name). */
    UNTRUSTED,
    /** No answer at all after every retry. */
    NO_ANSWER,
    /** Stopped by the user (Ctrl-C) before it completed. */
    INTERRUPTED
}
