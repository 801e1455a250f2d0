package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.capture.CaptureReader;
import synack.event.Event;
import synack.link.PcapFileWriter;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;

/**
 * A capture of a port scan's or a busy server's kind: 300,000 short connections. What explain
 * holds must stay bounded while it reads them (closed connections shed their state, open ones are
 * capped), yet every connection is told once and counted in the totals the checks judge.
 */
class ExplainManyConnectionsTest {
    static final int CONNECTIONS = 300_000;
    static final int SERVER = Ip4.parse("198.18.2.2");

    @TempDir
    Path dir;

    /** Connection i: every 10th refused (SYN, RST), every 10th + 1 unanswered (SYN), the rest handshake then reset by A. */
    private static Path write(Path file) throws Exception {
        long t = 1_000_000;
        try (PcapFileWriter w = PcapFileWriter.open(file.toString())) {
            for (int i = 0; i < CONNECTIONS; i++) {
                int client = Ip4.parse("198.18.0.0") + 1 + i / 50_000;
                int port = 10_000 + i % 50_000;
                int isn = 1000 + i;
                w.write(tcp(client, port, SERVER, 80, isn, 0, TcpSegment.SYN), t += 10);
                if (i % 10 == 0) {
                    w.write(tcp(SERVER, 80, client, port, 0, isn + 1, TcpSegment.RST | TcpSegment.ACK), t += 10);
                } else if (i % 10 != 1) {
                    w.write(tcp(SERVER, 80, client, port, 5000, isn + 1, TcpSegment.SYN | TcpSegment.ACK), t += 10);
                    w.write(tcp(client, port, SERVER, 80, isn + 1, 5001, TcpSegment.ACK), t += 10);
                    w.write(tcp(client, port, SERVER, 80, isn + 1, 0, TcpSegment.RST), t += 10);
                }
            }
        }
        return file;
    }

    private static byte[] tcp(int src, int sport, int dst, int dport, int seq, int ack, int flags) {
        TcpSegment s = TcpSegment.of(sport, dport, seq, ack, flags, 64240, TcpSegment.Options.NONE, new byte[0]);
        return Frames.tcp(MacAddress.ZERO, MacAddress.ZERO, src, dst, 1, s);
    }

    @Test
    void manyShortConnectionsAreToldInBoundedStateAndCountedWhole() throws Exception {
        Path file = write(dir.resolve("many.pcap"));
        Explainer[] x = new Explainer[1];
        int[] mostHeld = new int[2];
        BitSet answered = new BitSet(CONNECTIONS);
        long[] answers = new long[1];
        x[0] = new Explainer(e -> {
            TcpObserver tcp = x[0].tcp();
            mostHeld[0] = Math.max(mostHeld[0], tcp.openConnections());
            mostHeld[1] = Math.max(mostHeld[1], tcp.closedConnections());
            if (e instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER && "tcp".equals(n.fields().get("layer"))) {
                answers[0]++;
                answered.set((Integer) n.fields().get("stream"));
            }
        }, new Explainer.Settings(null, null));
        Explainer.Seen seen;
        try (CaptureReader reader = CaptureReader.open(file, p -> { })) {
            seen = x[0].run(reader, "many.pcap");
        }

        // what was held at any time stayed under the bounds, far below the number of connections
        assertTrue(mostHeld[0] <= TcpObserver.MAX_OPEN, "open connections held: " + mostHeld[0]);
        assertTrue(mostHeld[1] <= TcpObserver.MAX_CLOSED, "closed connections held: " + mostHeld[1]);
        assertEquals(0, x[0].tcp().openConnections() + x[0].tcp().closedConnections(), "all let go at the end");
        assertTrue(x[0].tcp().summaries().size() <= TcpObserver.MAX_LISTED);

        // yet each connection is told once, as it is forgotten, and counted
        assertEquals(CONNECTIONS, answers[0]);
        assertEquals(CONNECTIONS, answered.cardinality());
        TcpTotals totals = x[0].tcp().totals();
        assertEquals(CONNECTIONS, totals.connections());
        assertEquals(CONNECTIONS / 10 * 9, totals.resets(), "reset by A, and refused");
        assertEquals(CONNECTIONS / 10 * 8, totals.handshakes());
        assertEquals(0, totals.retransmissions());
        // the unanswered SYNs stay open: beyond the bound the least recently seen are forgotten (at most MAX_OPEN remain)
        assertTrue(totals.evicted() >= CONNECTIONS / 10 - TcpObserver.MAX_OPEN && totals.evicted() < CONNECTIONS / 10,
                "evicted: " + totals.evicted());

        Event.Result r = ExplainStory.result(x[0], seen, new ExplainChecks(false, true, 1000.0, null));
        Map<String, Object> f = r.fields();
        assertEquals((long) CONNECTIONS, f.get("tcp_connections"));
        assertEquals(TcpObserver.MAX_LISTED, ((List<?>) f.get("tcp")).size());
        assertEquals((long) CONNECTIONS - TcpObserver.MAX_LISTED, f.get("tcp_not_listed"));
        assertEquals(0, ((Map<?, ?>) ((List<?>) f.get("tcp")).get(0)).get("stream"));
        List<ExplainChecks.Outcome> checks = ExplainStory.judge(new ExplainChecks(false, true, 1000.0, null), totals,
                x[0].applications().totals());
        assertFalse(checks.get(0).held(), "resets were there");
        assertTrue(checks.get(1).held(), "every handshake took 20 µs");
        assertFalse(r.ok());
        assertTrue(r.lines().size() < 10, "no line per connection in the result: they streamed");
    }

    @Test
    void aClosedConnectionIsForgottenAfterItsLingerAndItsPortsThenStartANewStream() {
        TcpScript s = new TcpScript();
        s.handshake();
        s.send(Side.A, TcpScript.RST, 1001, 0, 0);
        assertEquals(1, s.observer.closedConnections(), "closed, it lingers for late segments");
        assertEquals(0, s.observer.openConnections());
        List<Event> late = s.after(1_000).send(Side.B, TcpScript.ACK, 5001, 1001, 509);
        assertEquals(0, TcpScript.frame(late).captured().stream(), "a late segment is told in its stream");
        s.after(TcpObserver.LINGER_MICROS);
        List<Event> again = s.send(Side.B, TcpScript.ACK, 5001, 1001, 509);
        assertEquals(0, s.observer.closedConnections(), "the old one was forgotten");
        assertEquals(1, TcpScript.frame(again).captured().stream(), "a segment for forgotten ports starts a new stream");
        List<Event.Note> told = TcpScript.notes(again).stream().filter(n -> n.kind() == Event.Note.Kind.ANSWER).toList();
        assertEquals(1, told.size());
        assertEquals(0, told.get(0).fields().get("stream"));
        assertEquals("reset_by_a", told.get(0).fields().get("close"));
        assertEquals(TcpClosePath.RESET_BY_A, s.summary(0).closePath());
    }
}
