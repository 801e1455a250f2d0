package synack.explain;

import java.util.Locale;

/**
 * What the TCP observer flags on a segment, one for each of tshark's {@code tcp.analysis.*} flags
 * (Wireshark's tcp_analyze_sequence_number(), whose conditions and precedence {@link TcpFlow}
 * follows), so a test can count the agreement frame by frame.
 */
public enum TcpFinding {
    /**
     * Data (or SYN/FIN) below the highest sequence number seen, sent again after a wait (an RTO).
     * tshark's tcp.analysis.retransmission also marks the fast and spurious kinds: compare it with
     * {@link TcpFlowSummary#retransmissions()}.
     */
    RETRANSMISSION(true, "tcp.analysis.retransmission"),
    /** A retransmission at the sequence number two or more duplicate ACKs asked for, within 20 ms of the last. */
    FAST_RETRANSMISSION(true, "tcp.analysis.fast_retransmission"),
    /** A retransmission of data the receiver had already acknowledged. */
    SPURIOUS_RETRANSMISSION(true, "tcp.analysis.spurious_retransmission"),
    /** Below the highest sequence number, but soon after it (within the handshake RTT, or 3 ms): reordered, not repeated. */
    OUT_OF_ORDER(false, "tcp.analysis.out_of_order"),
    /** Beyond the next expected sequence number: a segment before it was not captured (tshark "previous segment not captured"). */
    LOST_SEGMENT(true, "tcp.analysis.lost_segment"),
    /** An ACK of data the capture never showed. */
    ACKED_UNSEEN_SEGMENT(false, "tcp.analysis.ack_lost_segment"),
    /** The same ACK, window and sequence number again, with no data: the receiver asks again for what it misses. */
    DUPLICATE_ACK(false, "tcp.analysis.duplicate_ack"),
    /** The sender's receive window is zero: the other side must stop sending. */
    ZERO_WINDOW(true, "tcp.analysis.zero_window"),
    /** One byte at the next sequence number into a zero window: is the window open again? */
    ZERO_WINDOW_PROBE(false, "tcp.analysis.zero_window_probe"),
    /** The answer to a zero-window probe, the window still zero. */
    ZERO_WINDOW_PROBE_ACK(false, "tcp.analysis.zero_window_probe_ack"),
    /** Only the window changed: the receiver made room. */
    WINDOW_UPDATE(false, "tcp.analysis.window_update"),
    /** This data fills the receiver's advertised window to its edge. */
    WINDOW_FULL(false, "tcp.analysis.window_full"),
    /** Zero or one byte one below the next sequence number: a keep-alive probe. */
    KEEP_ALIVE(false, "tcp.analysis.keep_alive"),
    /** The ACK that answers a keep-alive. */
    KEEP_ALIVE_ACK(false, "tcp.analysis.keep_alive_ack"),
    /** A RST (what it answered is told in the note: {@link TcpReset}). */
    RESET(false, "tcp.flags.reset"),
    /** A new SYN on a 4-tuple that already had a connection: a new stream (tshark "port numbers reused"). */
    PORTS_REUSED(false, "tcp.analysis.reused_ports");

    private final boolean warning;
    private final String tsharkField;

    TcpFinding(boolean warning, String tsharkField) {
        this.warning = warning;
        this.tsharkField = tsharkField;
    }

    /** True when the finding is trouble (its note is a WARNING), false when it is information. */
    public boolean warning() {
        return warning;
    }

    /** The tshark display filter field that flags the same frames. */
    public String tsharkField() {
        return tsharkField;
    }

    /** The JSON name: "retransmission", "duplicate_ack". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
