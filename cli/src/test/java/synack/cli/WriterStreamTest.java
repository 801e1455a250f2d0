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
    void theBufferedStreamWritesNothingUntilFlushedAndKeepsTheOrderOfLinesBytesAndFormats() {
        StringWriter sink = new StringWriter();
        java.io.Writer held = new java.io.Writer() { // what reaches the screen: only on flush
            private final StringBuilder pending = new StringBuilder();

            @Override
            public void write(char[] c, int off, int len) {
                pending.append(c, off, len);
            }

            @Override
            public void flush() {
                sink.write(pending.toString());
                pending.setLength(0);
            }

            @Override
            public void close() {
            }
        };
        PrintStream out = WriterStream.buffered(new PrintWriter(held, true));
        out.println("→ one");
        out.write("é".getBytes(StandardCharsets.UTF_8), 0, 2);
        out.print(" two ");
        out.printf("%d%n", 3);
        out.println((Object) null);
        out.println();
        assertEquals("", sink.toString(), "a line is not a flush");
        out.flush();
        String nl = System.lineSeparator();
        assertEquals("→ one" + nl + "é two 3" + nl + "null" + nl + nl, sink.toString());
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
