package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import synack.event.Remark;
import synack.wire.TcpSegment;

/** The sequence numbers in what TCP says are data: --relative counts them from each side's ISN, without reading words back. */
class TcpRemarkTest {
    static final int ISS_A = (int) 3_000_000_000L;
    static final int ISS_B = (int) 2_000_000_000L;
    /** Any number as long as the ISNs: an absolute sequence number that escaped into relative words. */
    static final Pattern ABSOLUTE = Pattern.compile("\\d{9,}");

    static TcpPair pair() {
        return TcpDataTest.pair(ISS_A, ISS_B, 100);
    }

    /** Every remark either side made: on the segments it sent and on those it received. */
    static List<Remark> everything(TcpPair p) {
        List<Remark> all = new ArrayList<>();
        for (TcpPair.End e : List.of(p.a, p.b)) {
            e.sent.forEach(s -> all.add(s.remark()));
            e.arrivals.forEach(c -> all.add(c.remark()));
        }
        return all;
    }

    @Test
    void theHandshakeIsToldFromZeroWithRelativeNumbersAndWithTheIsnsWithout() {
        TcpPair p = pair();
        p.handshake();
        Remark syn = p.a.sent.get(0).remark();
        Remark synAck = p.b.sent.get(0).remark();
        Remark ack = p.a.sent.get(1).remark();
        assertEquals("ISN 0", syn.text(true));
        assertEquals("ISN 3000000000", syn.text(false));
        assertEquals("ack = 0 + 1 (their SYN takes one sequence number)", synAck.text(true));
        assertEquals("ack = 3000000000 + 1 (their SYN takes one sequence number)", synAck.text(false));
        assertEquals("ack = 0 + 1 (their SYN takes one sequence number)", ack.text(true));
        assertEquals("ack = 2000000000 + 1 (their SYN takes one sequence number)", ack.text(false));
        // what each side said of what it received
        assertEquals("their ISN 0", p.b.arrivals.get(0).remark().text(true));
        assertEquals("their ISN 3000000000", p.b.arrivals.get(0).remark().text(false));
        assertEquals("ack = 0 + 1 (our SYN takes one sequence number)", p.a.arrivals.get(0).remark().text(true));
        assertEquals("ack = 3000000000 + 1 (our SYN takes one sequence number)", p.a.arrivals.get(0).remark().text(false));
    }

    @Test
    void dataItsAcknowledgmentsAndTheCloseAreToldRelativeToEachSidesIsn() {
        TcpPair p = pair();
        p.handshake();
        int sentA = p.a.sent.size();
        int sentB = p.b.sent.size();
        p.a.conn.send(TcpPair.pattern(100, 1), p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals("data 100 bytes, seq 1 → next seq 101", p.a.sent.get(sentA).remark().text(true));
        assertEquals("data 100 bytes, seq 3000000001 → next seq 3000000101", p.a.sent.get(sentA).remark().text(false));
        assertEquals("ack = 1 + 100", p.b.sent.get(sentB).remark().text(true));
        assertEquals("ack = 1 + 100 (bytes we sent)", p.a.lastArrival().remark().text(true));
        assertEquals("ack = 3000000001 + 100 (bytes we sent)", p.a.lastArrival().remark().text(false));

        p.b.closeOnFin = true;
        p.a.conn.close(p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals("FIN at seq 101: it takes one sequence number", p.a.sentWith(TcpSegment.FIN).get(0).remark().text(true));
        assertEquals("ack = 101 + 1 (their FIN takes one sequence number)", p.b.sentExactly(TcpSegment.ACK).get(1).remark().text(true));
        assertEquals("ack = 1 + 1 (their FIN takes one sequence number)", p.a.lastSent().remark().text(true));
        assertEquals("ack = 2000000001 + 1 (their FIN takes one sequence number)", p.a.lastSent().remark().text(false));
        for (Remark r : everything(p)) {
            assertFalse(ABSOLUTE.matcher(r.text(true)).find(), "an absolute number in relative words: " + r.text(true));
        }
    }

    @Test
    void aDuplicateAckAndItsSackBlocksAreRelativeToo() {
        TcpPair p = pair();
        p.handshake();
        List<TcpSegment> segs = TcpDataTest.capture(p);
        p.a.conn.send(TcpPair.pattern(300, 2), p.now);
        p.b.feed(segs.get(1));
        assertEquals(TcpArrival.Kind.OUT_OF_ORDER, p.b.lastArrival().kind());
        assertEquals("out of order: expected seq 1, held for reassembly", p.b.lastArrival().remark().text(true));
        assertEquals("duplicate ACK: ack = 1 again, the bytes from 1 are missing; SACK: we hold 101-201 (100 bytes)",
                p.b.lastSent().remark().text(true));
        assertTrue(p.b.lastSent().remark().text(false).contains("SACK: we hold 3000000101-3000000201 (100 bytes)"),
                p.b.lastSent().remark().text(false));
        for (Remark r : everything(p)) {
            assertFalse(ABSOLUTE.matcher(r.text(true)).find(), "an absolute number in relative words: " + r.text(true));
        }
    }
}
