package synack.net;

/**
 * The machine cannot do what was asked: no privilege, no libpcap, no such interface, no route.
 * The message is the one line a user reads (what, and how to fix it); the CLI exits 3.
 */
public final class EnvironmentException extends RuntimeException {
    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
