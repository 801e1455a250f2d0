package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The renderers' PrintStream onto picocli's PrintWriter loses nothing, a character split across writes included. */
class WriterStreamTest {
    @Test
    void textReachesTheWriterWholeAndAtEachLine() {
        StringWriter sink = new StringWriter();
        PrintStream out = WriterStream.printStream(new PrintWriter(sink));
        out.println("handshake 198.18.1.2:41822 → 198.18.2.2:80 ── ok");
        assertEquals("handshake 198.18.1.2:41822 → 198.18.2.2:80 ── ok" + System.lineSeparator(), sink.toString());
    }

    @Test
    void aCharacterSplitAcrossWritesWaitsForItsLastByte() {
        StringWriter sink = new StringWriter();
        PrintStream out = WriterStream.printStream(new PrintWriter(sink));
        byte[] arrow = "→".getBytes(StandardCharsets.UTF_8);
        out.write(arrow, 0, 1);
        out.flush();
        assertEquals("", sink.toString());
        out.write(arrow, 1, 2);
        out.flush();
        assertEquals("→", sink.toString());
    }

    @Test
    void moreThanABufferAtOnce() {
        StringWriter sink = new StringWriter();
        PrintStream out = WriterStream.printStream(new PrintWriter(sink));
        String big = "é→x".repeat(10_000);
        out.print(big);
        out.flush();
        assertEquals(big, sink.toString());
    }
}
