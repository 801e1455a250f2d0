package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Remark;

/** ICMP errors about our segments: RFC 5461 in SYN_SENT, RFC 1122's soft errors, RFC 1191 path MTU. */
class TcpIcmpTest {
    @Test
    void portUnreachableWhileConnectingIsARefusalAtOnce() {
        TcpPair p = new TcpPair();
        p.a.conn.connect(p.now);
        p.clearWire();
        Remark note = p.a.conn.onIcmpUnreachable(3, 0, p.a.conn.iss(), "port unreachable", p.now);
        assertEquals(TcpState.CLOSED, p.a.conn.state(), note.text());
        assertEquals(TcpOutcome.REFUSED, p.a.conn.outcome());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline(), "no more SYNs");
    }

    @Test
    void hostUnreachableOrAProhibitionEndsTheAttemptAsUnreachable() {
        for (int code : new int[] {1, 13}) {
            TcpPair p = new TcpPair();
            p.a.conn.connect(p.now);
            p.a.conn.onIcmpUnreachable(code, 0, p.a.conn.iss(), "an unreachable", p.now);
            assertEquals(TcpState.CLOSED, p.a.conn.state());
            assertEquals(TcpOutcome.UNREACHABLE, p.a.conn.outcome());
        }
    }

    @Test
    void anErrorQuotingASequenceNumberWeDidNotSendIsIgnored() {
        TcpPair p = new TcpPair();
        p.a.conn.connect(p.now);
        Remark note = p.a.conn.onIcmpUnreachable(3, 0, p.a.conn.iss() + 5000, "port unreachable", p.now);
        assertTrue(note.text().startsWith("ignored"), note.text());
        assertTrue(note.text(true).contains("seq 5000,"), "the quoted seq is one of ours, relative to our ISN: " + note.text(true));
        assertEquals(TcpState.SYN_SENT, p.a.conn.state());
    }

    @Test
    void aSoftErrorDoesNotAbortAnEstablishedConnection() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.a.conn.send(new byte[100], p.now);
        p.a.conn.onIcmpUnreachable(1, 0, p.a.conn.sndUna(), "host unreachable", p.now);
        assertEquals(TcpState.ESTABLISHED, p.a.conn.state());
    }

    @Test
    void fragmentationNeededResendsInPiecesThatFitAndLaterSegmentsFitToo() {
        TcpPair p = new TcpPair();
        p.handshake();
        p.clearWire();
        int before = p.a.sent.size();
        p.a.conn.send(TcpPair.pattern(4000, 3), p.now);
        p.clearWire(); // lost: the two full segments were larger than the next hop's 1280, the last by the RTO's test
        int una = p.a.conn.sndUna();
        p.a.conn.onIcmpUnreachable(4, 1280, una, "fragmentation needed", p.now);
        List<Integer> resent = p.a.sent.subList(before, p.a.sent.size()).stream()
                .map(s -> s.segment().data().length).filter(n -> n > 0).toList();
        int fits = 1280 - 40 - 12; // IPv4 and TCP headers, timestamps
        assertTrue(resent.stream().skip(3).allMatch(n -> n <= fits), resent.toString());
        assertEquals(List.of(1448, 1448, 1104), resent.subList(0, 3), "first sent at the full MSS");
        assertEquals(2 * 1448, resent.stream().skip(3).mapToInt(Integer::intValue).sum(), "what was too big, again in pieces");
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(4000, p.b.conn.receivedBytes());
        int n = p.a.sent.size();
        p.a.conn.send(new byte[3000], p.now);
        assertTrue(p.a.sent.subList(n, p.a.sent.size()).stream().allMatch(s -> s.segment().data().length <= fits));
    }
}
