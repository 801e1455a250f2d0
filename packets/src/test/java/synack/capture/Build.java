package synack.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hand-made pcap records and pcapng blocks, for the damage no tool writes on purpose. */
final class Build {
    private Build() {}

    /** A pcap file header: µs magic in {@code order}, version 2.4, snaplen, link type. */
    static byte[] pcapHeader(ByteOrder order, int snaplen, int link) {
        return buffer(24, order).putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(link).array();
    }

    static byte[] pcapRecord(ByteOrder order, long seconds, long micros, long captured, long original, byte[] data) {
        ByteBuffer b = buffer(16 + data.length, order).putInt((int) seconds).putInt((int) micros).putInt((int) captured)
                .putInt((int) original);
        return b.put(data).array();
    }

    /** A block: type, total length, body padded to 4, total length again. */
    static byte[] block(ByteOrder order, int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        int length = 12 + padded;
        ByteBuffer b = buffer(length, order).putInt(type).putInt(length);
        b.put(body);
        b.position(8 + padded);
        return b.putInt(length).array();
    }

    /** A block whose two length fields say {@code leading} and {@code trailing}, whatever its size. */
    static byte[] blockWithLengths(ByteOrder order, int type, byte[] body, int leading, int trailing) {
        byte[] b = block(order, type, body);
        ByteBuffer.wrap(b).order(order).putInt(4, leading).putInt(b.length - 4, trailing);
        return b;
    }

    static byte[] shb(ByteOrder order) {
        return block(order, 0x0a0d0d0a, buffer(16, order).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0)
                .putLong(-1).array());
    }

    /** An interface description block; {@code options} already encoded (see {@link #option}), end-of-options added. */
    static byte[] idb(ByteOrder order, int link, int snaplen, byte[]... options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(buffer(8, order).putShort((short) link).putShort((short) 0).putInt(snaplen).array());
        for (byte[] option : options) {
            o.writeBytes(option);
        }
        if (options.length > 0) {
            o.writeBytes(new byte[4]);
        }
        return block(order, 1, o.toByteArray());
    }

    static byte[] option(ByteOrder order, int code, byte[] value) {
        int padded = (value.length + 3) & ~3;
        ByteBuffer b = buffer(4 + padded, order).putShort((short) code).putShort((short) value.length);
        return b.put(value).array();
    }

    static byte[] epb(ByteOrder order, int interfaceId, long ts, byte[] data, int original) {
        ByteBuffer b = buffer(20 + data.length, order).putInt(interfaceId).putInt((int) (ts >>> 32)).putInt((int) ts)
                .putInt(data.length).putInt(original);
        return block(order, 6, b.put(data).array());
    }

    /** An EPB whose captured-length field says {@code captured}, whatever data it holds. */
    static byte[] epbClaiming(ByteOrder order, int interfaceId, long captured, byte[] data) {
        ByteBuffer b = buffer(20 + data.length, order).putInt(interfaceId).putInt(0).putInt(0).putInt((int) captured)
                .putInt((int) captured);
        return block(order, 6, b.put(data).array());
    }

    static byte[] spb(ByteOrder order, int original, byte[] data) {
        return block(order, 3, buffer(4 + data.length, order).putInt(original).put(data).array());
    }

    /** The obsolete Packet Block (type 2): 16-bit interface id and drop count. */
    static byte[] packetBlock(ByteOrder order, int interfaceId, long ts, byte[] data, int original) {
        ByteBuffer b = buffer(20 + data.length, order).putShort((short) interfaceId).putShort((short) 0)
                .putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length).putInt(original);
        return block(order, 2, b.put(data).array());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] frame(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private static ByteBuffer buffer(int size, ByteOrder order) {
        return ByteBuffer.allocate(size).order(order);
    }
}
