package synack.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.event.Event;
import synack.event.EventSink;

/**
 * Chooses what reads each captured TCP connection's bytes, from the first bytes either side sends
 * (not from the ports, which any service may use): a request line ("GET /x HTTP/1.1") from A is
 * HTTP, a TLS record header (0x16 0x03 0x0x, or mid-connection 0x17 0x03 0x03, and a length a record
 * may have) is TLS. A connection
 * to or from port 53 is left to the DNS reader (null). Anything else is counted and said, once,
 * not decoded. Also counts every HTTP exchange for the CI gates ({@link HttpTotals}), and keeps the
 * first {@link #MAX_EXCHANGES} summaries for the result.
 */
public final class ApplicationListeners implements StreamListener.Factory {
    /** Summaries kept beyond this are only counted (memory stays bounded on a capture of millions of requests). */
    public static final int MAX_EXCHANGES = 10_000;
    /** The bytes of each side held while the choice is open: a request line longer than this is not taken for HTTP. */
    static final int SNIFF_BYTES = 8 * 1024;

    /** What a connection's first bytes say it carries. */
    public enum Protocol { HTTP, TLS, NOT_DECODED }

    private final List<HttpExchangeSummary> exchanges = new ArrayList<>();
    private long exchangesNotKept;
    private final HttpTotals totals = new HttpTotals();

    public ApplicationListeners() {
    }

    @Override
    public StreamListener open(int stream, int aIp, int aPort, int bIp, int bPort, EventSink sink) {
        if (aPort == 53 || bPort == 53) {
            return null; // DNS over TCP: the DNS reader's
        }
        return new Sniffer(stream, sink);
    }

    /** Every HTTP exchange told so far, in the order each ended (at most {@link #MAX_EXCHANGES}). */
    public List<HttpExchangeSummary> exchanges() {
        return List.copyOf(exchanges);
    }

    /** HTTP exchanges beyond {@link #MAX_EXCHANGES}, not kept. */
    public long exchangesNotKept() {
        return exchangesNotKept;
    }

    /** Every HTTP exchange, counted (the listed ones and the others). */
    public HttpTotals totals() {
        return totals;
    }

    private void exchange(HttpExchangeSummary s) {
        totals.add(s);
        if (exchanges.size() < MAX_EXCHANGES) {
            exchanges.add(s);
        } else {
            exchangesNotKept++;
        }
    }

    /** What one side's first bytes say: more needed, or a protocol. */
    private enum Guess { MORE, HTTP, TLS, NEITHER }

    /** An HTTP request line's beginning: method token SP target SP "HTTP/1.". */
    static Guess guessHttp(byte[] b, int n) {
        int i = 0;
        int method = 0;
        while (i < n && b[i] != ' ') {
            if (!HttpMessageReader.isTokenChar(b[i] & 0xff) || ++method > 32) {
                return Guess.NEITHER;
            }
            i++;
        }
        if (i == n) {
            return Guess.MORE;
        }
        if (method == 0) {
            return Guess.NEITHER;
        }
        i++; // SP
        int target = 0;
        while (i < n && b[i] != ' ') {
            int c = b[i] & 0xff;
            if (c <= 0x20 || c == 0x7f) {
                return Guess.NEITHER;
            }
            target++;
            i++;
        }
        if (i == n) {
            return Guess.MORE;
        }
        if (target == 0) {
            return Guess.NEITHER;
        }
        byte[] version = " HTTP/1.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int k = 0; k < version.length; k++, i++) {
            if (i == n) {
                return Guess.MORE;
            }
            if (b[i] != version[k]) {
                return Guess.NEITHER;
            }
        }
        return Guess.HTTP;
    }

    /**
     * A TLS record header: a handshake record (0x16 0x03 0x0x), or — a capture begun mid-connection — an
     * application_data record of TLS 1.2 or 1.3 (0x17 0x03 0x03); then a length a record may have.
     */
    static Guess guessTls(byte[] b, int n) {
        int type = b[0] & 0xff;
        if (type != 0x16 && type != 0x17 || n >= 2 && b[1] != 3 || n >= 3 && (type == 0x16 ? (b[2] & 0xff) > 4 : b[2] != 3)) {
            return Guess.NEITHER;
        }
        if (n < 5) {
            return Guess.MORE;
        }
        return TlsRecordReader.plausibleHeader(b, 0, n) ? Guess.TLS : Guess.NEITHER;
    }

    /** The protocol one side's first {@code n} bytes show (null: more bytes are needed to tell). */
    static Protocol protocol(Side from, byte[] b, int n) {
        Guess tls = guessTls(b, n);
        if (tls == Guess.TLS) {
            return Protocol.TLS;
        }
        Guess http = from == Side.A ? guessHttp(b, n) : Guess.NEITHER;
        if (http == Guess.HTTP) {
            return Protocol.HTTP;
        }
        return tls == Guess.MORE || http == Guess.MORE ? null : Protocol.NOT_DECODED;
    }

    /** Holds each side's first bytes until they tell the protocol, then hands everything to its listener. */
    private final class Sniffer implements StreamListener {
        private record Held(Side from, long timeMicros, long frame, byte[] data) {}

        private final int stream;
        private final EventSink sink;
        private final byte[][] first = {new byte[0], new byte[0]};
        private final int[] firstLength = new int[2];
        private final List<Held> held = new ArrayList<>();
        private StreamListener delegate;
        private boolean notDecoded;
        private final long[] bytes = new long[2];
        private final long[] missing = new long[2];
        private final boolean[] ended = new boolean[2];
        private long lastFrame;
        private boolean told;

        Sniffer(int stream, EventSink sink) {
            this.stream = stream;
            this.sink = sink;
        }

        @Override
        public void bytes(Side from, long timeMicros, long frameNumber, byte[] data, int offset, int length) {
            if (delegate != null) {
                delegate.bytes(from, timeMicros, frameNumber, data, offset, length);
                return;
            }
            bytes[from.ordinal()] += length;
            lastFrame = frameNumber;
            if (notDecoded) {
                return;
            }
            int s = from.ordinal();
            int take = Math.min(length, SNIFF_BYTES - firstLength[s]);
            if (first[s].length < firstLength[s] + take) {
                first[s] = java.util.Arrays.copyOf(first[s], Math.min(SNIFF_BYTES, Math.max(256, (firstLength[s] + take) * 2)));
            }
            System.arraycopy(data, offset, first[s], firstLength[s], take);
            firstLength[s] += take;
            Protocol p = protocol(from, first[s], firstLength[s]);
            if (p == null && firstLength[s] >= SNIFF_BYTES) {
                p = Protocol.NOT_DECODED;
            }
            if (p == null) {
                held.add(new Held(from, timeMicros, frameNumber, java.util.Arrays.copyOfRange(data, offset, offset + length)));
                return;
            }
            choose(p);
            if (delegate != null) {
                delegate.bytes(from, timeMicros, frameNumber, data, offset, length);
            }
        }

        private void choose(Protocol p) {
            first[0] = first[1] = null;
            if (p == Protocol.NOT_DECODED) {
                notDecoded = true;
                held.clear();
                return;
            }
            // what follows a CONNECT's 2xx (TLS, most often) or a 101 is chosen afresh from its own first bytes
            delegate = p == Protocol.HTTP ? new HttpStreamListener(stream, sink, ApplicationListeners.this::exchange,
                    () -> new Sniffer(stream, sink)) : new TlsStreamListener(stream, sink);
            for (Held h : held) {
                delegate.bytes(h.from(), h.timeMicros(), h.frame(), h.data(), 0, h.data().length);
            }
            held.clear();
        }

        @Override
        public void gap(Side from, long timeMicros, long missingBytes) {
            if (delegate != null) {
                delegate.gap(from, timeMicros, missingBytes);
                return;
            }
            missing[from.ordinal()] += missingBytes;
            if (!notDecoded) {
                choose(Protocol.NOT_DECODED); // the first bytes are not all in the capture: nothing to tell them by
            }
        }

        @Override
        public void end(Side from, long timeMicros, boolean reset) {
            if (delegate != null) {
                delegate.end(from, timeMicros, reset);
                return;
            }
            ended[from.ordinal()] = true;
            if (reset || (ended[0] && ended[1])) {
                tell(timeMicros);
            }
        }

        @Override
        public void captureEnded(long timeMicros) {
            if (delegate != null) {
                delegate.captureEnded(timeMicros);
                return;
            }
            tell(timeMicros);
        }

        /** Once: the bytes nobody read (a connection that carried none says nothing). */
        private void tell(long timeMicros) {
            if (told || bytes[0] + bytes[1] + missing[0] + missing[1] == 0) {
                return;
            }
            told = true;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("layer", "stream");
            f.put("stream", stream);
            if (lastFrame > 0) { // 0: no frame of its own (told at a close, or at the capture's end)
                f.put("frame", lastFrame);
            }
            f.put("bytes_a", bytes[0]);
            f.put("bytes_b", bytes[1]);
            if (missing[0] + missing[1] > 0) {
                f.put("missing_a", missing[0]);
                f.put("missing_b", missing[1]);
            }
            sink.accept(new Event.Note(timeMicros, Event.Note.Kind.INFO, "not decoded: " + bytes[0] + " bytes A→B, " + bytes[1]
                    + " bytes B→A" + (missing[0] + missing[1] > 0 ? " (and " + (missing[0] + missing[1]) + " not in the capture)" : "")
                    + ": neither an HTTP/1.x request nor a TLS record begins them", f));
        }
    }
}
