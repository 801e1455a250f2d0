package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.Seq;
import synack.wire.TcpSegment;

class TcpDataTest {
    /** {@code dataPerSegment} bytes per segment: the MSS we configure is 12 more, for the timestamps every segment carries. */
    static TcpPair pair(int issA, int issB, int dataPerSegment) {
        int mss = dataPerSegment + 12;
        return new TcpPair(TcpPair.config(TcpPair.PORT_A, TcpPair.PORT_B, issA, mss, 200_000),
                TcpPair.config(TcpPair.PORT_B, TcpPair.PORT_A, issB, mss, 200_000), 10_000);
    }

    /** Makes a's data segments stay off the wire, collected for the test to deliver by hand. */
    static List<TcpSegment> capture(TcpPair p) {
        List<TcpSegment> captured = new ArrayList<>();
        p.dropRule = (from, seg) -> {
            if (from == p.a && seg.data().length > 0) {
                captured.add(seg);
                return true;
            }
            return false;
        };
        return captured;
    }

    static List<Integer> acksSentSince(TcpPair.End e, int from) {
        List<Integer> acks = new ArrayList<>();
        for (TcpPair.Sent s : e.sent.subList(from, e.sent.size())) {
            acks.add(s.segment().ack());
        }
        return acks;
    }

    static boolean isPrefix(byte[] prefix, byte[] of) {
        return prefix.length <= of.length && Arrays.equals(prefix, Arrays.copyOf(of, prefix.length));
    }

    @Test
    void outOfOrderAndDuplicateSegmentsAreDeliveredInOrderExactlyOnce() {
        int issA = 0x3000_0000;
        TcpPair p = pair(issA, 0x4000_0000, 100);
        p.handshake();
        List<TcpSegment> segs = capture(p);
        byte[] data = TcpPair.pattern(500, 11);
        p.a.conn.send(data, p.now);
        assertEquals(5, segs.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(issA + 1 + 100 * i, segs.get(i).seq());
            assertEquals(100, segs.get(i).data().length);
        }

        int firstAck = p.b.sent.size();
        int[] order = {2, 0, 2, 4, 1, 0, 3, 4};
        for (int i : order) {
            p.b.feed(segs.get(i));
            assertTrue(isPrefix(p.b.received.toByteArray(), data), "only a prefix of the stream, in order");
        }
        assertArrayEquals(data, p.b.received.toByteArray());
        assertEquals(500, p.b.conn.receivedBytes(), "every byte exactly once");
        assertEquals(issA + 501, p.b.conn.rcvNxt());
        // one ACK per arriving data segment, each the cumulative next expected byte
        List<Integer> expected = new ArrayList<>();
        for (int off : new int[] {0, 100, 100, 100, 300, 300, 500, 500}) {
            expected.add(issA + 1 + off);
        }
        assertEquals(expected, acksSentSince(p.b, firstAck));
        // the first arrival (segment 2, out of order) draws a duplicate ACK that says what is missing and what SACK holds
        String dup = p.b.sent.get(firstAck).annotation();
        assertEquals("duplicate ACK: ack = " + Integer.toUnsignedString(issA + 1) + " again, the bytes from "
                + Integer.toUnsignedString(issA + 1) + " are missing; SACK: we hold " + Integer.toUnsignedString(issA + 201) + "-"
                + Integer.toUnsignedString(issA + 301) + " (100 bytes)", dup);
        assertTrue(p.b.sent.stream().noneMatch(x -> x.annotation().contains("+ -")), "no negative arithmetic");
        // what each arrival was: 2, 0, 2, 4, 1, 0, 3, 4
        // (segment 2 again is a copy of what is held: a duplicate, not "held for reassembly" a second time)
        assertEquals(List.of(TcpArrival.Kind.OUT_OF_ORDER, TcpArrival.Kind.IN_ORDER, TcpArrival.Kind.DUPLICATE,
                        TcpArrival.Kind.OUT_OF_ORDER, TcpArrival.Kind.IN_ORDER, TcpArrival.Kind.DUPLICATE, TcpArrival.Kind.IN_ORDER,
                        TcpArrival.Kind.DUPLICATE),
                p.b.arrivals.subList(p.b.arrivals.size() - 8, p.b.arrivals.size()).stream().map(TcpArrival::kind).toList(),
                "a whole old segment fails the acceptability test (it lies below rcv.nxt), is told a duplicate and only acknowledged");
        List<TcpArrival> last = p.b.arrivals.subList(p.b.arrivals.size() - 8, p.b.arrivals.size());
        assertFalse(last.get(2).text().contains("held for reassembly"), last.get(2).text());
        assertTrue(last.get(2).text().contains("duplicate of data already held"), last.get(2).text());

        p.dropRule = (from, seg) -> false;
        p.runUntilIdle(TcpPair.MINUTE);
        assertTrue(!p.a.conn.hasUnsentOrUnacked(), "the ACKs reached the sender");
        assertEquals(Long.MAX_VALUE, p.a.conn.nextDeadline());
    }

    @Test
    void partlyDuplicateSegmentsDeliverOnlyTheNewBytes() {
        TcpPair p = pair(0x3000_0000, 0x4000_0000, 1460);
        p.handshake();
        byte[] data = TcpPair.pattern(300, 5);
        int base = p.b.conn.rcvNxt();
        int ack = p.b.conn.sndNxt();
        p.b.feed(p.b.segment(base, ack, TcpSegment.ACK, Arrays.copyOfRange(data, 0, 100)));
        // 50..200: half old, half new
        p.b.feed(p.b.segment(base + 50, ack, TcpSegment.ACK, Arrays.copyOfRange(data, 50, 200)));
        assertEquals(TcpArrival.Kind.PARTLY_DUPLICATE, p.b.lastArrival().kind());
        assertTrue(p.b.lastArrival().text().contains("partly duplicate: 50 bytes"), p.b.arrivals.toString());
        // held out of order: 250..300, then 150..260 overlaps both what we have and what is held
        p.b.feed(p.b.segment(base + 250, ack, TcpSegment.ACK, Arrays.copyOfRange(data, 250, 300)));
        assertEquals(200, p.b.conn.receivedBytes());
        p.b.feed(p.b.segment(base + 150, ack, TcpSegment.ACK, Arrays.copyOfRange(data, 150, 260)));
        assertArrayEquals(data, p.b.received.toByteArray());
        assertEquals(300, p.b.conn.receivedBytes());
        assertEquals(base + 300, p.b.conn.rcvNxt());
        assertEquals(base + 300, p.b.lastSent().segment().ack());
    }

    @Test
    void dataBothWaysWithReorderingAndDuplicatesArrivesIntactForManySeeds() {
        for (long seed = 1; seed <= 40; seed++) {
            TcpPair p = pair(0x3000_0000 + (int) seed * 7919, 0x7fff_ff00, 100).faults(seed, 0, 0.2, 0.3);
            byte[] toB = TcpPair.pattern(3000, seed);
            byte[] toA = TcpPair.pattern(2500, -seed);
            p.b.closeOnFin = true;
            boolean[] started = {false};
            p.app = () -> {
                if (!started[0] && p.a.conn.state() == TcpState.ESTABLISHED && p.b.conn.state() == TcpState.ESTABLISHED) {
                    started[0] = true;
                    p.a.conn.send(toB, p.now);
                    p.b.conn.send(toA, p.now);
                }
            };
            p.open();
            p.runUntil(() -> p.a.received.size() == toA.length && p.b.received.size() == toB.length
                    && !p.a.conn.hasUnsentOrUnacked() && !p.b.conn.hasUnsentOrUnacked(), 10 * TcpPair.MINUTE);
            assertArrayEquals(toB, p.b.received.toByteArray(), "seed " + seed);
            assertArrayEquals(toA, p.a.received.toByteArray(), "seed " + seed);
            assertEquals(toB.length, p.b.conn.receivedBytes(), "seed " + seed);
            assertEquals(toA.length, p.a.conn.receivedBytes(), "seed " + seed);
            p.a.conn.close(p.now);
            p.runUntilIdle(10 * TcpPair.MINUTE);
            assertEquals(TcpState.CLOSED, p.a.conn.state(), "seed " + seed + " " + p.a.states());
            assertEquals(TcpState.CLOSED, p.b.conn.state(), "seed " + seed + " " + p.b.states());
            assertEquals(toB.length, p.b.conn.receivedBytes(), "nothing delivered twice, seed " + seed);
        }
    }

    @Test
    void sequenceNumbersWrapPast2To32() {
        int issA = 0xFFFF_FFF0;
        int issB = 0xFFFF_FFE0;
        TcpPair p = pair(issA, issB, 16);
        p.handshake();
        byte[] toB = TcpPair.pattern(100, 21);
        byte[] toA = TcpPair.pattern(100, 22);
        int ackMark = p.b.sent.size();
        p.a.conn.send(toB, p.now);
        p.b.conn.send(toA, p.now);
        p.runUntilIdle(TcpPair.MINUTE);

        assertArrayEquals(toB, p.b.received.toByteArray());
        assertArrayEquals(toA, p.a.received.toByteArray());
        // 0xFFFFFFF0 + 1 (SYN) + 100 = 2^32 + 85
        assertEquals(85, p.a.conn.sndNxt());
        assertEquals(85, p.a.conn.sndUna());
        assertEquals(85, p.b.conn.rcvNxt());
        // 0xFFFFFFE0 + 1 + 100 = 2^32 + 69
        assertEquals(69, p.b.conn.sndNxt());
        assertEquals(69, p.b.conn.sndUna());
        assertEquals(69, p.a.conn.rcvNxt());

        // the data segments a sent: 16 bytes each from ISN + 1, crossing zero
        List<TcpSegment> data = p.a.sent.stream().map(TcpPair.Sent::segment).filter(s -> s.data().length > 0).toList();
        assertEquals(7, data.size());
        for (int i = 0; i < data.size(); i++) {
            assertEquals(issA + 1 + 16 * i, data.get(i).seq());
        }
        assertTrue(Seq.lt(data.get(0).seq(), data.get(6).seq()));
        assertTrue(Integer.compareUnsigned(data.get(0).seq(), data.get(6).seq()) > 0, "the raw numbers did wrap");
        // the acks b sent only moved forward (modulo 2^32), and the last one is the wrapped 85
        int last = issA + 1;
        for (TcpPair.Sent s : p.b.sent.subList(ackMark, p.b.sent.size())) {
            assertTrue(Seq.geq(s.segment().ack(), last), "ack went backwards: " + s.segment().ack());
            last = s.segment().ack();
        }
        assertEquals(85, last);

        p.b.closeOnFin = true;
        p.a.conn.close(p.now);
        p.runUntilIdle(TcpPair.MINUTE);
        assertEquals(TcpState.CLOSED, p.a.conn.state());
        assertEquals(TcpState.CLOSED, p.b.conn.state());
        assertEquals(86, p.a.conn.sndNxt());
        assertEquals(70, p.b.conn.sndNxt());
        assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"),
                p.a.states());
    }

    @Test
    void reassemblyAcrossTheWrapInReverseOrder() {
        int issA = 0xFFFF_FFF0;
        TcpPair p = pair(issA, 0xFFFF_FFFE, 16);
        p.handshake();
        List<TcpSegment> segs = capture(p);
        byte[] data = TcpPair.pattern(100, 23);
        p.a.conn.send(data, p.now);
        assertEquals(7, segs.size());
        for (int i = segs.size() - 1; i >= 1; i--) {
            p.b.feed(segs.get(i));
            assertEquals(0, p.b.conn.receivedBytes(), "nothing in order yet");
            assertEquals(issA + 1, p.b.lastSent().segment().ack(), "duplicate ACK for the missing first segment");
        }
        p.b.feed(segs.get(0));
        assertArrayEquals(data, p.b.received.toByteArray());
        assertEquals(85, p.b.conn.rcvNxt());
        assertEquals(85, p.b.lastSent().segment().ack());
    }

    @Test
    void wrapWithReorderingAndDuplicates() {
        for (long seed = 100; seed < 120; seed++) {
            TcpPair p = pair(0xFFFF_FFF0, 0xFFFF_FFFF, 16).faults(seed, 0, 0.2, 0.4);
            byte[] toB = TcpPair.pattern(200, seed);
            byte[] toA = TcpPair.pattern(150, seed + 1);
            p.handshake();
            p.a.conn.send(toB, p.now);
            p.b.conn.send(toA, p.now);
            p.runUntil(() -> p.a.received.size() == toA.length && p.b.received.size() == toB.length
                    && !p.a.conn.hasUnsentOrUnacked() && !p.b.conn.hasUnsentOrUnacked(), 10 * TcpPair.MINUTE);
            assertArrayEquals(toB, p.b.received.toByteArray(), "seed " + seed);
            assertArrayEquals(toA, p.a.received.toByteArray(), "seed " + seed);
            assertEquals(0xFFFF_FFF0 + 201, p.a.conn.sndUna(), "seed " + seed);
            assertEquals(0xFFFF_FFFF + 151, p.b.conn.sndUna(), "seed " + seed);
        }
    }
}
