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
    public static final int MAX_EXCHANGES = 1_000;
    /**
     * A request target longer than this is not waited for: a method of capital letters and a space
     * before it are enough to take the connection for HTTP.
     */
    static final int LONG_TARGET = 2 * 1024;
    /** The bytes of each side held while the choice is open: enough for a method, a space and a long target. */
    static final int SNIFF_BYTES = LONG_TARGET + 64;
    /** Pieces (deliveries) held while the choice is open, per connection. */
    static final int MAX_PIECES = 16;
    /** What remembering one piece costs (side, time, frame, length). */
    private static final int PIECE_COST = 21;
    /** First bytes (and pieces) held by all undecided connections together. */
    static final int SNIFF_BUDGET = 4 << 20;

    /** What a connection's first bytes say it carries. */
    public enum Protocol { HTTP, TLS, NOT_DECODED }

    private final List<HttpExchangeSummary> exchanges = new ArrayList<>();
    private long exchangesNotKept;
    private final HttpTotals totals = new HttpTotals();
    /** What all undecided connections hold now (at most {@link #SNIFF_BUDGET}). */
    private long sniffHeld;

    public ApplicationListeners() {
    }

    @Override
    public StreamListener open(int stream, synack.wire.IpAddress aIp, int aPort, synack.wire.IpAddress bIp, int bPort, EventSink sink) {
        if (aPort == 53 || bPort == 53) {
            return null; // DNS over TCP: the DNS reader's
        }
        return new Sniffer(stream, sink);
    }

    /** Every HTTP exchange told so far, in the order each ended (at most {@link #MAX_EXCHANGES}). */
    public List<HttpExchangeSummary> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Bytes held now by connections whose protocol is not told yet. */
    long heldWhileUndecided() {
        return sniffHeld;
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
            if (++target > LONG_TARGET) {
                return capitals(b, method) ? Guess.HTTP : Guess.NEITHER;
            }
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

    /** The method is capital letters, as every registered one is. */
    private static boolean capitals(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] < 'A' || b[i] > 'Z') {
                return false;
            }
        }
        return true;
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

    /**
     * Holds each side's first bytes until they tell the protocol, then hands everything to its
     * listener. Only the bytes themselves are held (at most {@link #SNIFF_BYTES} a side, no copies),
     * with where each piece came from: {@link #MAX_PIECES} pieces, later ones of the same side
     * joined to the last. All undecided connections together hold at most {@link #SNIFF_BUDGET}
     * bytes: past it, a connection is not decoded.
     */
    private final class Sniffer implements StreamListener {
        private final int stream;
        private final EventSink sink;
        private final byte[][] first = {new byte[0], new byte[0]};
        private final int[] firstLength = new int[2];
        /** The pieces held, in arrival order: side, time, frame and length of each. */
        private byte[] pieceSide = new byte[0];
        private long[] pieceTime = new long[0];
        private long[] pieceFrame = new long[0];
        private int[] pieceLength = new int[0];
        private int pieces;
        /** What this sniffer has drawn on the shared budget (its arrays' sizes). */
        private int drawn;
        private boolean budgetSpent;
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
            if (first[s].length < firstLength[s] + take
                    && !grow(s, Math.min(SNIFF_BYTES, Math.max(256, (firstLength[s] + take) * 2)))) {
                budgetSpent = true;
                choose(Protocol.NOT_DECODED);
                return;
            }
            System.arraycopy(data, offset, first[s], firstLength[s], take);
            firstLength[s] += take;
            Protocol p = protocol(from, first[s], firstLength[s]);
            if (p == null && firstLength[s] >= SNIFF_BYTES) {
                p = Protocol.NOT_DECODED;
            }
            if (p == null) {
                if (!remember(s, timeMicros, frameNumber, length)) {
                    budgetSpent = pieces < MAX_PIECES; // else the sides took turns too often, not the shared budget
                    choose(Protocol.NOT_DECODED);
                }
                return;
            }
            choose(p);
            if (delegate != null) {
                delegate.bytes(from, timeMicros, frameNumber, data, offset, length);
            }
        }

        /** Room for {@code size} first bytes of side {@code s}, if the shared budget has it. */
        private boolean grow(int s, int size) {
            int more = size - first[s].length;
            if (sniffHeld + more > SNIFF_BUDGET) {
                return false;
            }
            sniffHeld += more;
            drawn += more;
            first[s] = java.util.Arrays.copyOf(first[s], size);
            return true;
        }

        /** Notes where a held piece came from; false when there is no room for it. */
        private boolean remember(int s, long timeMicros, long frameNumber, int length) {
            if (pieces > 0 && pieceSide[pieces - 1] == s && pieces == MAX_PIECES) {
                pieceLength[pieces - 1] += length; // joined to the last: its bytes stay, its frame is the first's
                return true;
            }
            if (pieces == MAX_PIECES) {
                return false; // the sides take turns many times and neither is told yet: not a protocol read here
            }
            if (pieces == pieceLength.length) {
                int n = Math.min(MAX_PIECES, Math.max(4, pieces * 2));
                int more = (n - pieces) * PIECE_COST;
                if (sniffHeld + more > SNIFF_BUDGET) {
                    return false;
                }
                sniffHeld += more;
                drawn += more;
                pieceSide = java.util.Arrays.copyOf(pieceSide, n);
                pieceTime = java.util.Arrays.copyOf(pieceTime, n);
                pieceFrame = java.util.Arrays.copyOf(pieceFrame, n);
                pieceLength = java.util.Arrays.copyOf(pieceLength, n);
            }
            pieceSide[pieces] = (byte) s;
            pieceTime[pieces] = timeMicros;
            pieceFrame[pieces] = frameNumber;
            pieceLength[pieces] = length;
            pieces++;
            return true;
        }

        /** Lets go of the held bytes and gives their room back to the other connections. */
        private void release() {
            first[0] = first[1] = null;
            pieceSide = null;
            pieceTime = pieceFrame = null;
            pieceLength = null;
            pieces = 0;
            sniffHeld -= drawn;
            drawn = 0;
        }

        private void choose(Protocol p) {
            if (p == Protocol.NOT_DECODED) {
                notDecoded = true;
                release();
                return;
            }
            // what follows a CONNECT's 2xx (TLS, most often) or a 101 is chosen afresh from its own first bytes
            delegate = p == Protocol.HTTP ? new HttpStreamListener(stream, sink, ApplicationListeners.this::exchange,
                    () -> new Sniffer(stream, sink)) : new TlsStreamListener(stream, sink);
            int[] at = new int[2];
            for (int i = 0; i < pieces; i++) {
                int s = pieceSide[i];
                delegate.bytes(Side.values()[s], pieceTime[i], pieceFrame[i], first[s], at[s], pieceLength[i]);
                at[s] += pieceLength[i];
            }
            release();
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
            if (!notDecoded) {
                choose(Protocol.NOT_DECODED); // over and undecided: its held bytes go
            }
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
            if (budgetSpent) {
                f.put("undecided_budget_spent", true);
            }
            sink.accept(new Event.Note(timeMicros, Event.Note.Kind.INFO, "not decoded: " + bytes[0] + " bytes A→B, " + bytes[1]
                    + " bytes B→A" + (missing[0] + missing[1] > 0 ? " (and " + (missing[0] + missing[1]) + " not in the capture)" : "")
                    + (budgetSpent ? ": too many connections were undecided at once to hold their first bytes"
                    : ": neither an HTTP/1.x request nor a TLS record begins them"), f));
        }
    }
}
