package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.TcpSegment;

/**
 * The windows: which segments may move our send window (SND.WL1/SND.WL2, RFC 9293 3.10.7.4),
 * probing a zero window (3.8.6.1), and accepting segments within the window we advertised.
 */
class TcpWindowTest {
    /** Window fields of the peer's segments are scaled by its window scale: 7 with the default configs. */
    static final int PEER_SHIFT = 7;

    /** A segment from b to a with the window field chosen by the test. */
    static TcpSegment fromB(int seq, int ack, int window, byte[] data) {
        return TcpSegment.of(TcpPair.PORT_B, TcpPair.PORT_A, seq, ack, TcpSegment.ACK, window, TcpSegment.Options.NONE, data);
    }

    static TcpPair established() {
        TcpPair p = new TcpPair();
        p.handshake();
        return p;
    }

    /** The zero-window probes a sent: no data, one below SND.UNA, the Linux way. */
    static List<TcpPair.Sent> probes(TcpPair p, int una) {
        List<TcpPair.Sent> r = new ArrayList<>();
        for (TcpPair.Sent s : p.a.sent) {
            if (s.segment().flags() == TcpSegment.ACK && s.segment().data().length == 0 && s.segment().seq() == una - 1) {
                r.add(s);
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ SND.WL1 / SND.WL2

    @Test
    void anOldAckArrivingLateDoesNotShrinkTheSendWindow() {
        TcpPair p = established();
        p.dropRule = (from, seg) -> true;
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        p.a.conn.send(new byte[300], p.now);
        p.a.feed(fromB(r, una + 300, 100, new byte[0]));
        assertEquals(100 << PEER_SHIFT, p.a.conn.sendWindow());
        // an ACK the peer sent before that one, reordered on the way: it says nothing new about the window
        p.a.feed(fromB(r, una + 100, 0, new byte[0]));
        assertEquals(100 << PEER_SHIFT, p.a.conn.sendWindow());
    }

    @Test
    void anOlderSegmentArrivingAfterANewerOneDoesNotGrowTheSendWindow() {
        TcpPair p = established();
        p.dropRule = (from, seg) -> true;
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        // the peer sent 10 bytes (window 100), then 10 more when its buffer was full (window 0); the second came first
        p.a.feed(fromB(r + 10, una, 0, new byte[10]));
        assertEquals(0, p.a.conn.sendWindow());
        p.a.feed(fromB(r, una, 100, new byte[10]));
        assertEquals(20, p.a.conn.receivedBytes());
        assertEquals(0, p.a.conn.sendWindow(), "SND.WL1 is past the older segment's seq");
        // the peer's next segment (a window update at the next seq) moves it
        p.a.feed(fromB(r + 20, una, 50, new byte[0]));
        assertEquals(50 << PEER_SHIFT, p.a.conn.sendWindow());
    }

    @Test
    void aWindowUpdateWithTheSameSeqAndAckIsTaken() {
        TcpPair p = established();
        p.dropRule = (from, seg) -> true;
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        p.a.feed(fromB(r, una, 0, new byte[0]));
        assertEquals(0, p.a.conn.sendWindow());
        p.a.feed(fromB(r, una, 80, new byte[0]));
        assertEquals(80 << PEER_SHIFT, p.a.conn.sendWindow(), "SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK");
    }

    // ------------------------------------------------------------------ zero window

    @Test
    void aLostWindowUpdateIsRecoveredByAZeroWindowProbe() {
        TcpPair p = established();
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        // the peer's window closes; the update that reopens it never comes (lost)
        p.a.feed(fromB(r, una, 0, new byte[0]));
        byte[] data = TcpPair.pattern(500, 7);
        long t = p.now;
        long rto = p.a.conn.rtoMicros();
        p.a.conn.send(data, t);
        assertTrue(p.a.sent.stream().noneMatch(s -> s.segment().data().length > 0), "nothing may go into a zero window");
        assertTrue(p.a.conn.nextDeadline() < Long.MAX_VALUE, "the persist timer runs");

        p.runUntil(() -> p.b.received.size() == data.length, TcpPair.MINUTE);
        assertArrayEquals(data, p.b.received.toByteArray());
        List<TcpPair.Sent> probes = probes(p, una);
        assertEquals(1, probes.size(), "one probe drew the peer's window");
        assertEquals(t + rto, probes.get(0).at(), "the first probe after one RTO");
        assertTrue(probes.get(0).annotation().startsWith("zero window: probe 1"), probes.get(0).annotation());
        assertTrue(p.a.notes.stream().anyMatch(n -> n.text().contains("zero window")), p.a.notes.toString());
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline(), "no probe once the window is open");
    }

    @Test
    void unansweredProbesBackOffAndGiveUpAtTheRetryLimit() {
        TcpPair p = established();
        p.dropRule = (from, seg) -> true; // the peer is gone
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        p.a.feed(fromB(r, una, 0, new byte[0]));
        long t = p.now;
        long rto = p.a.conn.rtoMicros();
        p.a.conn.send(new byte[500], t);
        p.runUntilIdle(60 * TcpPair.MINUTE);

        List<Long> at = probes(p, una).stream().map(TcpPair.Sent::at).toList();
        int retries = p.a.conn.config().maxRetries();
        assertEquals(retries, at.size());
        List<Long> expected = new ArrayList<>();
        long when = t;
        for (int i = 0; i < retries; i++) {
            when += rto << i;
            expected.add(when);
        }
        assertEquals(expected, at, "the interval doubles from one RTO");
        assertEquals(TcpState.CLOSED, p.a.conn.state());
        assertEquals(TcpOutcome.TIMED_OUT, p.a.conn.outcome());
        assertEquals(when + (rto << retries), p.a.timeOf(TcpState.CLOSED), "it gives up one interval after the last probe");
        assertEquals(TcpSegment.RST | TcpSegment.ACK, p.a.lastSent().segment().flags());
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
    }

    @Test
    void aPeerThatAnswersEveryProbeKeepsTheConnectionOpenUntilItsWindowOpens() {
        TcpPair p = established();
        p.dropRule = (from, seg) -> true;
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        p.a.feed(fromB(r, una, 0, new byte[0]));
        p.a.conn.send(new byte[500], p.now);
        int rounds = p.a.conn.config().maxRetries() + 3;
        for (int i = 0; i < rounds; i++) {
            int before = p.a.sent.size();
            p.runUntil(() -> p.a.sent.size() > before, 10 * TcpPair.MINUTE);
            assertEquals(una - 1, p.a.lastSent().segment().seq(), "probe " + (i + 1));
            p.a.feed(fromB(r, una, 0, new byte[0])); // still no room, but it answers
        }
        assertEquals(TcpState.ESTABLISHED, p.a.conn.state(), "RFC 9293 3.8.6.1: a zero window may last while the peer answers");
        assertEquals(rounds, probes(p, una).size());
        int before = p.a.sent.size();
        p.a.feed(fromB(r, una, 501, new byte[0]));
        assertEquals(500, p.a.sent.subList(before, p.a.sent.size()).stream().mapToInt(s -> s.segment().data().length).sum(),
                "the window opened: everything queued leaves");
    }

    // ------------------------------------------------------------------ RCV.WND

    @Test
    void segmentsAreAcceptedWithinTheWindowWeAdvertisedNotTheBufferWeConfigured() {
        TcpConnection.Config d = TcpConnection.Config.defaults(TcpPair.PORT_B, TcpPair.PORT_A, 0x2000_0000);
        TcpConnection.Config noScaling = new TcpConnection.Config(d.localPort(), d.remotePort(), d.iss(), d.mss(), -1,
                d.sackPermitted(), d.timestamps(), d.receiveWindow(), d.mslMicros(), d.initialRtoMicros(), d.minRtoMicros(),
                d.maxRtoMicros(), d.maxRetries());
        TcpPair p = new TcpPair(TcpConnection.Config.defaults(TcpPair.PORT_A, TcpPair.PORT_B, 0x1000_0000)
                .withReceiveWindow(1_000_000), noScaling, 10_000);
        p.handshake();
        p.dropRule = (from, seg) -> true;
        // no window scaling: we can advertise at most 65535 of our million
        assertEquals(65535, p.a.lastSent().segment().window());
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        TcpArrival beyond = p.a.feed(TcpSegment.of(TcpPair.PORT_B, TcpPair.PORT_A, r + 100_000, una, TcpSegment.ACK, 8192,
                TcpSegment.Options.NONE, new byte[10]));
        assertEquals(TcpArrival.Kind.UNACCEPTABLE, beyond.kind(), beyond.text());
        TcpArrival within = p.a.feed(TcpSegment.of(TcpPair.PORT_B, TcpPair.PORT_A, r + 65_000, una, TcpSegment.ACK, 8192,
                TcpSegment.Options.NONE, new byte[10]));
        assertEquals(TcpArrival.Kind.OUT_OF_ORDER, within.kind(), within.text());
    }

    @Test
    void theScaledWindowWeAdvertisedBoundsAcceptanceToo() {
        TcpPair p = established();
        p.dropRule = (from, seg) -> true;
        // 64240 bytes configured, advertised as 501 << 7 = 64128
        assertEquals(501, p.a.lastSent().segment().window());
        int r = p.a.conn.rcvNxt();
        int una = p.a.conn.sndUna();
        TcpArrival edge = p.a.feed(fromB(r + 64_130, una, 501, new byte[10]));
        assertEquals(TcpArrival.Kind.UNACCEPTABLE, edge.kind(), "it starts beyond the advertised edge: " + edge.text());
        TcpArrival inside = p.a.feed(fromB(r + 64_120, una, 501, new byte[10]));
        assertEquals(TcpArrival.Kind.OUT_OF_ORDER, inside.kind(), inside.text());
    }
}
