package synack.capture;

/**
 * A filter expression libpcap would not compile; {@link #libpcapMessage()} is libpcap's own words
 * (as tcpdump prints them), {@link #expression()} what was given.
 */
public final class CaptureFilterException extends Exception {
    private final String expression;
    private final String libpcapMessage;

    public CaptureFilterException(String expression, String libpcapMessage) {
        super("bad filter \"" + expression + "\": " + libpcapMessage);
        this.expression = expression;
        this.libpcapMessage = libpcapMessage;
    }

    public String expression() {
        return expression;
    }

    public String libpcapMessage() {
        return libpcapMessage;
    }
}
