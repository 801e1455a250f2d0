package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Remark;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpListener;
import synack.exchange.tcp.TcpState;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;

class TextRendererTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:01");
    static final int CLIENT = Ip4.parse("198.18.1.2");
    static final int SERVER = Ip4.parse("198.18.2.2");

    @Test
    void relativeNumbersReachTheArithmeticInTheAnnotationsToo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextRenderer r = new TextRenderer(new PrintStream(bytes, true, StandardCharsets.UTF_8), new Style(false), 0, false, true);
        TcpSegment.Options none = TcpSegment.Options.NONE;
        byte[] syn = Frames.tcp(A, B, CLIENT, SERVER, 1, TcpSegment.of(61000, 80, 1_200_000_000, 0, TcpSegment.SYN, 64240, none, new byte[0]));
        byte[] synAck = Frames.tcp(B, A, SERVER, CLIENT, 1, TcpSegment.of(80, 61000, -559_038_737, 1_200_000_001,
                TcpSegment.SYN | TcpSegment.ACK, 65160, none, new byte[0]));
        // the numbers are data: the remark carries each sequence number absolute and relative to its ISN
        r.accept(new Event.Frame(1_000, Event.Direction.OUT, syn, Remark.builder().words("our ISN ").seq(1_200_000_000, 0).build(), false));
        r.accept(new Event.Frame(1_100, Event.Direction.IN, synAck, Remark.builder().words("ack = ").seq(1_200_000_000, 0)
                .words(" + 1, port 61000, RTT 0.100 ms").build(), false));
        String out = bytes.toString(StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).contains("our ISN 0"), out);
        assertTrue(lines.get(1).contains("ack = 0 + 1, port 61000, RTT 0.100 ms"), out);
        assertFalse(out.contains("1200000000"), out);
    }

    @Test
    void aRoutineNoteIsToldOnlyWithV() {
        for (int verbosity : new int[] {0, 1}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            TextRenderer r = new TextRenderer(new PrintStream(bytes, true, StandardCharsets.UTF_8), new Style(false), verbosity, false, false);
            r.accept(new Event.Note(1_000, Event.Note.Kind.ROUTINE, "TLS ← application_data record", java.util.Map.of()));
            r.accept(new Event.Note(1_100, Event.Note.Kind.INFO, "TLS records: 1 in", java.util.Map.of()));
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("TLS records: 1 in"), out);
            if (verbosity == 0) {
                assertFalse(out.contains("application_data record"), out);
            } else {
                assertTrue(out.contains("application_data record"), out);
            }
        }
    }

    /**
     * A real handshake, 100 bytes and a close between two of the library's TCP ends, told from the
     * client's side: every frame carries the remark TCP made (on what it sent, on what it received).
     */
    static List<Event> clientStory() {
        List<Event> story = new ArrayList<>();
        List<Event> answers = new ArrayList<>(); // what the client sends while reading a segment is told after it
        boolean[] reading = {false};
        Deque<TcpSegment> toServer = new ArrayDeque<>();
        Deque<TcpSegment> toClient = new ArrayDeque<>();
        long[] now = {1_000};
        TcpConnection client = new TcpConnection(TcpConnection.Config.defaults(61000, 80, 1_200_000_000), new TcpListener() {
            @Override
            public long send(TcpSegment segment, Remark remark) {
                Event.Frame f = new Event.Frame(now[0], Event.Direction.OUT, Frames.tcp(A, B, CLIENT, SERVER, 1, segment), remark, false);
                (reading[0] ? answers : story).add(f);
                toServer.add(segment);
                return now[0];
            }

            @Override
            public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {}

            @Override
            public void note(Event.Note.Kind kind, String text) {}
        });
        TcpConnection server = new TcpConnection(TcpConnection.Config.defaults(80, 61000, -559_038_737), new TcpListener() {
            @Override
            public long send(TcpSegment segment, Remark remark) {
                toClient.add(segment);
                return now[0];
            }

            @Override
            public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {}

            @Override
            public void note(Event.Note.Kind kind, String text) {}
        });
        server.listen();
        client.connect(now[0]);
        boolean sent = false;
        for (int step = 0; step < 100 && (!toServer.isEmpty() || !toClient.isEmpty()); step++) {
            now[0] += 100;
            while (!toServer.isEmpty()) {
                server.onSegment(toServer.poll(), now[0]);
            }
            while (!toClient.isEmpty()) {
                TcpSegment seg = toClient.poll();
                reading[0] = true;
                Remark remark = client.onSegment(seg, now[0]).remark();
                reading[0] = false;
                story.add(new Event.Frame(now[0], Event.Direction.IN, Frames.tcp(B, A, SERVER, CLIENT, 1, seg), remark, false));
                story.addAll(answers);
                answers.clear();
            }
            if (client.state() == TcpState.ESTABLISHED && !sent) {
                sent = true;
                client.send(new byte[100], now[0]);
                client.close(now[0]);
            }
            if (server.state() == TcpState.CLOSE_WAIT) {
                server.close(now[0]);
            }
        }
        return story;
    }

    static String render(List<Event> story, boolean relative) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextRenderer r = new TextRenderer(new PrintStream(bytes, true, StandardCharsets.UTF_8), new Style(false), 0, false, relative);
        story.forEach(r::accept);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRealTcpExchangeIsToldFromZeroWithRelativeAndWithTheIsnsWithout() {
        List<Event> story = clientStory();
        String rel = render(story, true);
        String abs = render(story, false);
        for (String said : List.of("ISN 0", "ack = 0 + 1 (our SYN takes one sequence number)",
                "ack = 0 + 1 (their SYN takes one sequence number)", "data 100 bytes, seq 1 → next seq 101",
                "ack = 1 + 100 (bytes we sent)", "FIN at seq 101: it takes one sequence number",
                "ack = 101 + 1 (our FIN takes one sequence number)", "ack = 1 + 1 (their FIN takes one sequence number)")) {
            assertTrue(rel.contains(said), said + " in:\n" + rel);
        }
        assertFalse(rel.contains("120000") || rel.contains("373592"), "no absolute number left, in the headers either:\n" + rel);
        for (String said : List.of("ISN 1200000000", "ack = 1200000000 + 1 (our SYN takes one sequence number)",
                "ack = 3735928559 + 1 (their SYN takes one sequence number)", "data 100 bytes, seq 1200000001 → next seq 1200000101",
                "ack = 3735928560 + 1 (their FIN takes one sequence number)")) {
            assertTrue(abs.contains(said), said + " in:\n" + abs);
        }
    }
}
