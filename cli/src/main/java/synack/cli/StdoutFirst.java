package synack.cli;

import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;

/**
 * Stderr, which flushes stdout before each write. A command's stdout is buffered (flushed before
 * each wait for the wire, on the result, at exit), its stderr is not: without this a warning or a
 * failure's summary would overtake the lines printed before it wherever both reach one screen
 * (a terminal, 2>&1), and OUTPUT.md's stories are told in time order.
 */
final class StdoutFirst extends Writer {
    private final Writer err;
    private final Flushable out;

    StdoutFirst(Writer err, Flushable out) {
        super(err); // one lock with stderr's own writer
        this.err = err;
        this.out = out;
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        out.flush();
        err.write(chars, off, len);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        out.flush();
        err.write(s, off, len);
    }

    @Override
    public void flush() throws IOException {
        err.flush();
    }

    /** Leaves stderr open: it is the command line's, not ours. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
