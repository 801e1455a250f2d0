package synack.explain;

import java.util.Locale;

/**
 * What the TCP observer says beyond tshark's flags, once per connection unless told otherwise
 * (a note's "observation" field).
 */
public enum TcpObservation {
    /** The capture began after the handshake: both ends assumed ESTABLISHED, A assumed to be the first sender. */
    MID_STREAM,
    /** The SYN was not captured, its SYN,ACK was: A is the side it answered. */
    SYN_NOT_CAPTURED,
    /** Checksums left to the NIC (the capture ran on the sending host): normal, told once per connection. */
    CHECKSUM_OFFLOADED,
    /** A wrong checksum: the receiving kernel drops the segment, so it moves no state (told per segment). */
    CHECKSUM_WRONG,
    /** Segments longer than the MSS: TSO on the sender or GRO on the receiver, seen on the capturing host. */
    SUPER_SEGMENT,
    /** One side's FIN is acknowledged and the other still sends data: a half-close. */
    HALF_CLOSE,
    /** A gap is settled: filled by a retransmission (lost before the capture point), by a late segment (reordered), or acknowledged unseen (the capture dropped it). */
    GAP_SETTLED,
    /** The reassembly gave up waiting for a hole (its bound was reached) and told the application layer a gap. */
    REASSEMBLY_BOUND,
    /** Too many open connections: the least recently seen one was forgotten. */
    EVICTED,
    /** The capture ended while the connection was still open. */
    OPEN_AT_END;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
