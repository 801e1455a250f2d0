package synack.exchange.tcp;

/** The eleven connection states of RFC 9293 section 3.3.2, spelled as the RFC spells them. */
public enum TcpState {
    CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT;

    /** States after the handshake, where sequence numbers of both sides are known. */
    public boolean synchronizedState() {
        return ordinal() >= ESTABLISHED.ordinal() || this == SYN_RECEIVED;
    }
}
