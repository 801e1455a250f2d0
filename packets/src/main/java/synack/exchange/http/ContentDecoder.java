package synack.exchange.http;

import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes a content coding (RFC 9110 section 8.4.1) as the encoded bytes arrive, in bounded
 * memory: gzip (RFC 1952: its header, the deflate data, its CRC-32 and length checked; members
 * one after another, as gzip -c a b makes) and deflate (meant to be zlib-wrapped, RFC 1950;
 * some servers send it raw: both are taken, told apart by the first two bytes). Decoded bytes go
 * to the sink at once; nothing is kept but a 64 KiB buffer and the few header bytes in hand.
 */
final class ContentDecoder {
    interface Sink {
        void accept(byte[] data, int offset, int length);
    }

    static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message);
        }
    }

    private enum Coding { GZIP, DEFLATE }

    /** Where a gzip member stands (RFC 1952 section 2.3): the fixed header, its optional fields, data, trailer. */
    private enum Phase { HEADER, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DATA, TRAILER, BETWEEN_MEMBERS, IGNORING }

    private static final int FHCRC = 0x02, FEXTRA = 0x04, FNAME = 0x08, FCOMMENT = 0x10;

    private final Coding coding;
    private final String name;
    private final Sink sink;
    private final byte[] out = new byte[64 * 1024];
    private final byte[] held = new byte[10]; // header or trailer bytes in hand
    private int heldCount;
    private Inflater inflater;
    private final CRC32 crc = new CRC32();
    private long memberBytes;
    private Phase phase;
    private int flags;
    private int skip;
    private long encoded;
    private long decoded;

    private ContentDecoder(Coding coding, String name, Sink sink) {
        this.coding = coding;
        this.name = name;
        this.sink = sink;
        this.phase = coding == Coding.GZIP ? Phase.HEADER : null;
    }

    /** A decoder for a Content-Encoding value, or null for identity (nothing to undo). */
    static ContentDecoder of(String contentEncoding, Sink sink) throws DecodeException {
        String coding = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (coding) {
            case "", "identity" -> null;
            case "gzip", "x-gzip" -> new ContentDecoder(Coding.GZIP, coding, sink);
            case "deflate" -> new ContentDecoder(Coding.DEFLATE, coding, sink);
            default -> throw new DecodeException("unknown content coding '" + coding + "'");
        };
    }

    String name() {
        return name;
    }

    long encodedBytes() {
        return encoded;
    }

    long decodedBytes() {
        return decoded;
    }

    void feed(byte[] data, int offset, int length) throws DecodeException {
        encoded += length;
        if (coding == Coding.DEFLATE) {
            feedDeflate(data, offset, length);
            return;
        }
        int i = offset;
        int end = offset + length;
        while (i < end) {
            i = phase == Phase.DATA ? inflate(data, i, end) : gzipByte(data[i], i + 1);
        }
    }

    /** The body is complete: the coded stream must be too. Frees the inflater either way. */
    void finish() throws DecodeException {
        try {
            if (coding == Coding.DEFLATE) {
                if (inflater == null ? heldCount > 0 : !inflater.finished()) {
                    throw new DecodeException("the deflate stream is cut short");
                }
            } else if (phase != Phase.BETWEEN_MEMBERS && phase != Phase.IGNORING) {
                throw new DecodeException("the gzip stream is cut short");
            }
        } finally {
            close();
        }
    }

    void close() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    // ------------------------------------------------------------------ deflate

    private void feedDeflate(byte[] data, int offset, int length) throws DecodeException {
        int i = offset;
        int end = offset + length;
        if (inflater == null) {
            // the zlib header's two bytes (CM 8, and a multiple of 31) tell zlib from raw deflate
            while (heldCount < 2 && i < end) {
                held[heldCount++] = data[i++];
            }
            if (heldCount < 2) {
                return;
            }
            boolean zlib = (held[0] & 0x0f) == 8 && (((held[0] & 0xff) << 8) | (held[1] & 0xff)) % 31 == 0;
            inflater = new Inflater(!zlib);
            inflate(held, 0, 2);
            heldCount = 0;
        }
        if (i < end) {
            if (inflater.finished()) {
                return; // bytes after the end of the stream: ignored, as zlib's own tools do
            }
            inflate(data, i, end);
        }
    }

    // ------------------------------------------------------------------ gzip

    /** One byte of a gzip header, trailer or the space between members; returns the next index. */
    private int gzipByte(byte b, int next) throws DecodeException {
        int v = b & 0xff;
        switch (phase) {
            case HEADER -> {
                held[heldCount++] = b;
                if (heldCount == 1 && v != 0x1f || heldCount == 2 && v != 0x8b) {
                    throw new DecodeException("not in gzip format");
                }
                if (heldCount == 3 && v != 8) {
                    throw new DecodeException("gzip compression method " + v + " is not deflate");
                }
                if (heldCount == 10) {
                    flags = held[3] & 0xff;
                    heldCount = 0;
                    afterField(FHCRC - 1);
                }
            }
            case EXTRA_LENGTH -> {
                held[heldCount++] = b;
                if (heldCount == 2) {
                    skip = (held[0] & 0xff) | (held[1] & 0xff) << 8;
                    heldCount = 0;
                    phase = Phase.EXTRA;
                    if (skip == 0) {
                        afterField(FEXTRA);
                    }
                }
            }
            case EXTRA -> {
                if (--skip == 0) {
                    afterField(FEXTRA);
                }
            }
            case NAME -> {
                if (v == 0) {
                    afterField(FNAME);
                }
            }
            case COMMENT -> {
                if (v == 0) {
                    afterField(FCOMMENT);
                }
            }
            case HEADER_CRC -> {
                if (--skip == 0) {
                    startData();
                }
            }
            case TRAILER -> {
                held[heldCount++] = b;
                if (heldCount == 8) {
                    checkTrailer();
                }
            }
            case BETWEEN_MEMBERS -> {
                if (v == 0x1f) {
                    phase = Phase.HEADER;
                    held[0] = b;
                    heldCount = 1;
                } else {
                    phase = Phase.IGNORING; // trailing garbage after a whole member: ignored, as gzip does
                }
            }
            case IGNORING -> { }
            default -> throw new IllegalStateException(phase.name());
        }
        return next;
    }

    /** After the header field {@code done} (or the fixed header), the next optional field the flags announce, or the data. */
    private void afterField(int done) {
        if (done < FEXTRA && (flags & FEXTRA) != 0) {
            phase = Phase.EXTRA_LENGTH;
        } else if (done < FNAME && (flags & FNAME) != 0) {
            phase = Phase.NAME;
        } else if (done < FCOMMENT && (flags & FCOMMENT) != 0) {
            phase = Phase.COMMENT;
        } else if ((flags & FHCRC) != 0 && done != FHCRC) {
            phase = Phase.HEADER_CRC;
            skip = 2;
        } else {
            startData();
        }
    }

    private void startData() {
        phase = Phase.DATA;
        if (inflater == null) {
            inflater = new Inflater(true);
        } else {
            inflater.reset();
        }
        crc.reset();
        memberBytes = 0;
    }

    private void checkTrailer() throws DecodeException {
        long wantCrc = (held[0] & 0xffL) | (held[1] & 0xffL) << 8 | (held[2] & 0xffL) << 16 | (held[3] & 0xffL) << 24;
        long wantSize = (held[4] & 0xffL) | (held[5] & 0xffL) << 8 | (held[6] & 0xffL) << 16 | (held[7] & 0xffL) << 24;
        heldCount = 0;
        if (wantCrc != crc.getValue()) {
            throw new DecodeException("gzip CRC-32 mismatch: the data is damaged");
        }
        if (wantSize != (memberBytes & 0xffffffffL)) {
            throw new DecodeException("gzip length mismatch: the data is damaged");
        }
        phase = Phase.BETWEEN_MEMBERS;
    }

    // ------------------------------------------------------------------ inflating

    /** Inflates data[from, end) until it needs more input or the deflate stream ends; returns where it stopped. */
    private int inflate(byte[] data, int from, int end) throws DecodeException {
        inflater.setInput(data, from, end - from);
        try {
            while (!inflater.finished()) {
                int before = inflater.getRemaining();
                int n = inflater.inflate(out);
                if (n > 0) {
                    decoded += n;
                    if (coding == Coding.GZIP) {
                        crc.update(out, 0, n);
                        memberBytes += n;
                    }
                    sink.accept(out, 0, n);
                } else if (inflater.finished()) {
                    break; // the call that read the end of the stream gave no more bytes
                } else if (inflater.needsInput()) {
                    return end;
                } else if (inflater.needsDictionary()) {
                    throw new DecodeException(name + " data needs a preset dictionary");
                } else if (inflater.getRemaining() == before) {
                    throw new DecodeException(name + " data: the inflater made no progress"); // never loop on it
                }
            }
        } catch (DataFormatException e) {
            throw new DecodeException("damaged " + name + " data: " + e.getMessage());
        }
        int rest = inflater.getRemaining();
        if (coding == Coding.GZIP) {
            phase = Phase.TRAILER;
            heldCount = 0;
        }
        return end - rest;
    }
}
