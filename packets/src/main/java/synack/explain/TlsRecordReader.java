package synack.explain;

import synack.exchange.tls.TlsNames;
import synack.exchange.tls.TlsRecord;

/**
 * One side's TLS record layer read from its ordered byte stream (RFC 8446 §5.1, RFC 5246 §6.2):
 * each record's 5-byte header, then its fragment. Fragments of handshake, alert and
 * change_cipher_spec records are held (at most one record's worth, reused) to be read;
 * application data is only counted. Bytes that cannot be a record header mean the side does
 * not speak TLS (or the reader lost its place): from there on its bytes are only counted.
 */
final class TlsRecordReader {
    interface Handler {
        /**
         * A whole record. {@code fragment} holds its bytes (valid during the call only; null for
         * application data, which is not kept); {@code missing} of them were not in the capture (zeros there).
         */
        void record(int type, int version, int length, byte[] fragment, long missing, long timeMicros, long frame);

        /** What came is not a record header: {@code first} holds the first {@code n} bytes of it. */
        void notTls(byte[] first, int n, long timeMicros, long frame);

        /** Bytes missing from the capture across a record's end: where the next record begins is unknown. */
        void lostSync(long missing, long timeMicros, long frame);
    }

    private final Handler handler;
    private final byte[] header = new byte[TlsRecord.HEADER];
    private int headerBytes;
    private static final byte[] NONE = new byte[0];
    /** The fragment of the record in hand (not application data's): grown to its length, let go once large. */
    private byte[] fragment = NONE;
    private int type;
    private int version;
    private int length;
    private int got; // bytes of the fragment so far (the missing ones included)
    private long missing;
    private boolean inRecord;
    private boolean stopped;
    private long ignoredBytes;

    TlsRecordReader(Handler handler) {
        this.handler = handler;
    }

    /** Whether these bytes (at least a header's worth) can begin a record: a known type, major version 3, a length a record may have. */
    static boolean plausibleHeader(byte[] b, int offset, int n) {
        if (n < TlsRecord.HEADER) {
            return false;
        }
        int length = ((b[offset + 3] & 0xff) << 8) | (b[offset + 4] & 0xff);
        return TlsNames.knownContentType(b[offset] & 0xff) && (b[offset + 1] & 0xff) == 3 && (b[offset + 2] & 0xff) <= 4
                && length > 0 && length <= TlsRecord.MAX_FRAGMENT;
    }

    void feed(byte[] data, int offset, int n, long timeMicros, long frame) {
        int i = offset;
        int end = offset + n;
        while (i < end) {
            if (stopped) {
                ignoredBytes += end - i;
                return;
            }
            if (!inRecord) {
                int take = Math.min(TlsRecord.HEADER - headerBytes, end - i);
                System.arraycopy(data, i, header, headerBytes, take);
                headerBytes += take;
                i += take;
                if (headerBytes == TlsRecord.HEADER) {
                    headerBytes = 0;
                    if (!plausibleHeader(header, 0, TlsRecord.HEADER)) {
                        stopped = true;
                        ignoredBytes += end - i;
                        handler.notTls(header, TlsRecord.HEADER, timeMicros, frame);
                        return;
                    }
                    type = header[0] & 0xff;
                    version = ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                    length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    got = 0;
                    missing = 0;
                    inRecord = true; // room for the fragment grows as its bytes come, not from what the header claims
                }
                continue;
            }
            int take = Math.min(length - got, end - i);
            if (type != TlsNames.APPLICATION_DATA) {
                room(got + take);
                System.arraycopy(data, i, fragment, got, take);
            }
            got += take;
            i += take;
            if (got == length) {
                recordDone(timeMicros, frame);
            }
        }
    }

    /** At least {@code needed} bytes of room for the fragment, doubling (a header's length is a claim, not bytes in hand). */
    private void room(int needed) {
        if (fragment.length < needed) {
            fragment = java.util.Arrays.copyOf(fragment, Math.min(length, Math.max(needed, Math.max(512, 2 * fragment.length))));
        }
    }

    private void recordDone(long timeMicros, long frame) {
        inRecord = false;
        handler.record(type, version, length, type == TlsNames.APPLICATION_DATA ? null : fragment, missing, timeMicros, frame);
        if (fragment.length > 4096) {
            fragment = NONE; // a connection holds no handshake record's room once past it (thousands may be open)
        }
    }

    /** Missing bytes inside a record are counted against it (zeros in its fragment); across its end the side stops. */
    void gap(long n, long timeMicros, long frame) {
        if (stopped) {
            ignoredBytes += n;
            return;
        }
        if (inRecord && n <= length - got) {
            if (type != TlsNames.APPLICATION_DATA) {
                room(got + (int) n);
                java.util.Arrays.fill(fragment, got, got + (int) n, (byte) 0);
            }
            got += (int) n;
            missing += n;
            if (got == length) {
                recordDone(timeMicros, frame);
            }
            return;
        }
        stopped = true;
        handler.lostSync(n, timeMicros, frame);
    }

    /** The room held for a record's fragment (tests: it follows the bytes in hand, not the header's claim). */
    int room() {
        return fragment.length;
    }

    /** Bytes of a record begun and not whole (its header included); 0 between records. */
    int pendingBytes() {
        return inRecord ? TlsRecord.HEADER + got : headerBytes;
    }

    /** The length the record in hand announced (0 between records). */
    int pendingLength() {
        return inRecord ? length : 0;
    }

    boolean stopped() {
        return stopped;
    }

    /** Bytes not read after the side stopped. */
    long ignoredBytes() {
        return ignoredBytes;
    }
}
