package synack.exchange.tcp;

/** How a connection ended (or that it has not): what the commands' results and verdicts are decided from. */
public enum TcpOutcome {
    OPEN(""),
    TIME_WAIT_OVER("TIME_WAIT over"),
    PASSIVE_CLOSE("closed (passive close)"),
    CLOSED_BEFORE_HANDSHAKE("closed before the handshake completed"),
    REFUSED("refused"),
    UNREACHABLE("unreachable"),
    RESET_BY_PEER("reset by peer"),
    TIMED_OUT("timed out"),
    /** Our FIN was acknowledged, the peer's never came: FIN_WAIT_2 timed out. */
    PEER_NEVER_CLOSED("the peer never closed (FIN_WAIT_2 timed out)"),
    ABORTED("aborted"),
    /** Stopped by the user (Ctrl-C): we sent RST. The words are those of the abort it is. */
    INTERRUPTED("aborted: interrupted");

    private final String text;

    TcpOutcome(String text) {
        this.text = text;
    }

    /** The words results have always used for it (JSON "outcome"). */
    public String text() {
        return text;
    }
}
