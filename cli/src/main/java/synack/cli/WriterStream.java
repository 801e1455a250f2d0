package synack.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes written to a Writer. picocli hands a command its output as PrintWriters (getOut(),
 * getErr(): what a test replaces); the renderers print to PrintStreams. The stream encodes in
 * UTF-8 and this decodes whole characters back, so nothing is lost between the two, and a
 * character split across two writes waits for its last byte.
 */
public final class WriterStream extends OutputStream {
    private final Writer writer;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192);
    private final CharBuffer chars = CharBuffer.allocate(8192);

    private WriterStream(Writer writer) {
        this.writer = writer;
    }

    /** A PrintStream onto {@code writer}, flushing it on every line as System.out and System.err do: stderr's. */
    public static PrintStream printStream(PrintWriter writer) {
        return new PrintStream(new WriterStream(writer), true, StandardCharsets.UTF_8);
    }

    /**
     * A PrintStream onto {@code writer} that leaves flushing to its owner: a command's stdout. A flush
     * per line was a write(2) per line, the largest part of printing a bulk run's 20,000; the renderers
     * flush where a reader would otherwise wait (see {@link synack.cli.render.Renderer#flush}).
     */
    public static PrintStream buffered(PrintWriter writer) {
        return new Direct(writer);
    }

    /**
     * The renderers' lines go to the writer as the characters they are: encoding each to UTF-8 only to
     * decode it again here cost a bulk run as much as its writes. Anything else (bytes, printf)
     * takes the stream's way to the same writer, in the same order.
     */
    private static final class Direct extends PrintStream {
        private final PrintWriter writer;

        Direct(PrintWriter writer) {
            super(new WriterStream(writer), false, StandardCharsets.UTF_8);
            this.writer = writer;
        }

        @Override
        public void print(String s) {
            synchronized (this) {
                writer.write(String.valueOf(s));
            }
        }

        @Override
        public void println(String s) {
            synchronized (this) {
                writer.write(String.valueOf(s));
                writer.write(System.lineSeparator());
            }
        }

        @Override
        public void println() {
            synchronized (this) {
                writer.write(System.lineSeparator());
            }
        }
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, bytes.remaining()); // never 0: at most 3 bytes of a character wait in it
            bytes.put(b, off, n);
            off += n;
            len -= n;
            decode();
        }
    }

    private void decode() {
        bytes.flip();
        while (decoder.decode(bytes, chars, false).isOverflow()) {
            drain();
        }
        drain();
        bytes.compact();
    }

    private void drain() {
        chars.flip();
        try {
            writer.write(chars.array(), chars.position(), chars.remaining());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        chars.clear();
    }

    @Override
    public synchronized void flush() {
        try {
            writer.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Flushes, leaving the writer open: it is the command line's, not ours. */
    @Override
    public void close() {
        flush();
    }
}
