package synack.exchange.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The record layer of one direction, read from the raw bytes: TCP hands us a stream, so a record
 * may span segments and a segment may hold several; the bytes are kept until a record is whole.
 * Bytes that cannot be a record header (an unknown content type, a version whose major is not 3,
 * a length over the limit) mean the peer does not speak TLS: from there on, the bytes are only
 * passed along as they came ({@link Chunk#garbage}).
 */
final class RecordStream {
    /** What a feed gave: whole records in order, then any bytes that are not TLS. */
    record Chunk(List<TlsRecord> records, byte[] garbage) {}

    private byte[] buf = new byte[TlsRecord.HEADER + TlsRecord.MAX_FRAGMENT];
    private int start; // buf[start, end) holds the bytes of a record not yet whole
    private int end;
    private boolean broken;

    Chunk feed(byte[] data) {
        if (broken) {
            return new Chunk(List.of(), data.clone());
        }
        append(data);
        List<TlsRecord> out = new ArrayList<>();
        while (end - start >= TlsRecord.HEADER) {
            int type = buf[start] & 0xff;
            int version = ((buf[start + 1] & 0xff) << 8) | (buf[start + 2] & 0xff);
            int length = ((buf[start + 3] & 0xff) << 8) | (buf[start + 4] & 0xff);
            if (!TlsNames.knownContentType(type) || (version >> 8) != 3 || length > TlsRecord.MAX_FRAGMENT) {
                return breakOff(out);
            }
            if (end - start < TlsRecord.HEADER + length) {
                break;
            }
            byte[] wire = Arrays.copyOfRange(buf, start, start + TlsRecord.HEADER + length);
            out.add(new TlsRecord(type, version, wire));
            start += TlsRecord.HEADER + length;
        }
        if (end > start && !couldStartARecord()) {
            return breakOff(out);
        }
        if (start == end) {
            start = end = 0;
        }
        return new Chunk(out, new byte[0]);
    }

    private Chunk breakOff(List<TlsRecord> out) {
        broken = true;
        byte[] rest = Arrays.copyOfRange(buf, start, end);
        start = end = 0;
        return new Chunk(out, rest);
    }

    private void append(byte[] data) {
        if (end + data.length > buf.length) {
            int held = end - start;
            byte[] to = held + data.length > buf.length ? new byte[held + data.length] : buf;
            System.arraycopy(buf, start, to, 0, held);
            buf = to;
            start = 0;
            end = held;
        }
        System.arraycopy(data, 0, buf, end, data.length);
        end += data.length;
    }

    /** A header's first bytes, before its whole 5 are in: a known type, then major version 3. */
    private boolean couldStartARecord() {
        int n = end - start;
        return TlsNames.knownContentType(buf[start] & 0xff) && (n < 2 || (buf[start + 1] & 0xff) == 3);
    }

    /** Bytes held for a record not yet whole. */
    int pendingBytes() {
        return end - start;
    }

    boolean broken() {
        return broken;
    }
}
