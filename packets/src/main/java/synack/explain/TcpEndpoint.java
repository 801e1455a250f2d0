package synack.explain;

import synack.exchange.tcp.TcpState;

/**
 * What the observer knows of one end of a connection: its state as the wire shows it, the
 * numbers Wireshark's sequence analysis keeps per direction (next sequence number, last ACK and
 * window, duplicate-ACK count, unacknowledged segments), its SYN's options, its FIN, and the
 * counters of its summary. Plain fields: {@link TcpFlow} alone reads and writes them.
 */
final class TcpEndpoint {
    final Side side;
    final synack.wire.IpAddress ip;
    final int port;
    /** The connection's stream number: the subject of its transitions, made only when one is told. */
    private final int streamNumber;

    TcpState state = TcpState.CLOSED;
    /** The state was assumed, not shown (B's LISTEN before its SYN,ACK; ESTABLISHED mid-stream). */
    boolean stateAssumed;

    /** Its SYN was seen: {@code isn} is its initial sequence number. */
    boolean synSeen;
    int isn;
    /** What relative numbers count from: the ISN, or one below the first sequence number seen (as Wireshark). */
    boolean baseSet;
    int base;

    // Wireshark's tcp_analyze_seq_info for this direction
    boolean hasNext;
    int nextSeq;
    long nextSeqTime;
    long nextSeqFrame;
    boolean hasMaxSeqToBeAcked;
    int maxSeqToBeAcked;
    boolean ackSent;
    int lastAck;
    long lastAckTime;
    int window;
    boolean windowSeen;
    /** Its last window came in a SYN, where it is never scaled. */
    boolean windowFromSyn;
    int dupAcks;
    long lastNonDupAckFrame;
    /** The findings of its last segment (a bit per {@link TcpFinding}). */
    long lastFindings;

    // its SYN's options
    int mss = -1;
    /** Window scale shift: -1 unknown (no SYN seen), -2 not used, else the shift (as Wireshark's win_scale). */
    int winScale = -1;
    boolean sackPermitted;
    boolean timestamps;

    // its FIN
    boolean finSent;
    int finSeq;
    long finTime;
    /** The other side acknowledged its FIN. */
    boolean finAcked;
    /** When it sent its FIN it had acknowledged the other's already (false for the first FIN, and for crossing FINs). */
    boolean finAfterOthers;

    boolean resetSent;

    final TcpUnacked unacked;
    final TcpGaps gaps = new TcpGaps();
    TcpReassembly stream;
    final TcpRtt ackRtt = new TcpRtt();

    long frames;
    long wireBytes;
    long dataBytes;

    TcpEndpoint(Side side, synack.wire.IpAddress ip, int port, int streamNumber, TcpUnacked.Budget unackedBudget) {
        this.unacked = new TcpUnacked(unackedBudget);
        this.side = side;
        this.ip = ip;
        this.port = port;
        this.streamNumber = streamNumber;
    }

    /** What transitions of this end name: "stream N A". */
    String subject() {
        return "stream " + streamNumber + " " + side.name();
    }

    /** The window in bytes, scaled once both SYNs agreed on scaling (a SYN's own window is never scaled). */
    long scaledWindow() {
        return windowFromSyn || winScale < 0 ? window : (long) window << winScale;
    }

    /** True once this end has left the connection for good (CLOSED after having been in it, or TIME_WAIT). */
    boolean done() {
        return state == TcpState.TIME_WAIT || (state == TcpState.CLOSED && (synSeen || frames > 0));
    }
}
