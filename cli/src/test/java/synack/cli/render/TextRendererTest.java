package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Remark;
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
}
