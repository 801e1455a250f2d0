package synack.exchange.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plaintext handshake messages of one direction, put together from the handshake records'
 * fragments: a message (type, 24-bit length, body; RFC 8446 4) may span records, and a record
 * may hold several messages.
 */
final class HandshakeReader {
    /** One whole handshake message: its type and body. */
    record Message(int type, byte[] body) {
        String name() {
            return TlsNames.handshakeType(type);
        }
    }

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    List<Message> feed(byte[] fragment) {
        pending.writeBytes(fragment);
        byte[] buf = pending.toByteArray();
        List<Message> out = new ArrayList<>();
        int at = 0;
        while (buf.length - at >= 4) {
            int length = ((buf[at + 1] & 0xff) << 16) | ((buf[at + 2] & 0xff) << 8) | (buf[at + 3] & 0xff);
            if (buf.length - at - 4 < length) {
                break;
            }
            out.add(new Message(buf[at] & 0xff, Arrays.copyOfRange(buf, at + 4, at + 4 + length)));
            at += 4 + length;
        }
        pending.reset();
        pending.write(buf, at, buf.length - at);
        return out;
    }

    /** Bytes of a message not yet whole. */
    int pendingBytes() {
        return pending.size();
    }
}
