package synack.exchange.tcp;

import synack.event.Remark;

/**
 * What an arriving segment turned out to be, as data for the owner to act on (which frames of a
 * bulk transfer are routine, whether an ACK may wait), and the remark that tells it.
 */
public record TcpArrival(Kind kind, Fin fin, Remark remark) {
    /** What the segment was, as RFC 9293 3.10.7 sorts it. */
    public enum Kind {
        /** Nothing to act on: no connection, or a segment this state ignores (a RST that proves nothing, no ACK flag). */
        IGNORED,
        /** Failed the acceptability test (outside the window, an ACK of nothing we sent): dropped, answered with an ACK or a RST. */
        UNACCEPTABLE,
        /** A RST in the window but not exact, or a SYN once synchronized: answered with a challenge ACK (RFC 5961). */
        CHALLENGED,
        /** A RST that ended the connection: refused while connecting, reset once synchronized. */
        RESET,
        /** A SYN or SYN,ACK of the handshake. */
        SYN,
        /** An acknowledgment without data (it may carry a FIN). */
        ACK,
        /** Data at exactly RCV.NXT: delivered. */
        IN_ORDER,
        /** Data beyond RCV.NXT: held for reassembly until the gap before it fills. */
        OUT_OF_ORDER,
        /** Data that starts before RCV.NXT and ends after it: only the new bytes are delivered. */
        PARTLY_DUPLICATE,
        /** Data we already had (and acknowledged). */
        DUPLICATE
    }

    /** What became of a FIN: this segment's, or one held until now. */
    public enum Fin {
        NONE,
        /** Taken: the peer has no more data (it may be a FIN held until this segment filled the gap before it). */
        ACCEPTED,
        /** Beyond RCV.NXT: remembered with the data held out of order, taken when the gap fills. */
        HELD,
        /** A FIN we had already taken, sent again (our ACK of it was lost). */
        REPEATED
    }

    static TcpArrival of(Kind kind, Remark remark) {
        return new TcpArrival(kind, Fin.NONE, remark);
    }

    static TcpArrival of(Kind kind, String words) {
        return new TcpArrival(kind, Fin.NONE, Remark.of(words));
    }

    /** The remark's words, numbers absolute (tests, logs). */
    public String text() {
        return remark.text();
    }
}
