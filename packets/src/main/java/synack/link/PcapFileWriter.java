package synack.link;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes frames to a classic pcap file (microsecond stamps, Ethernet link type), the format
 * libpcap's own dumper writes: a 24-byte file header, then a 16-byte header before each frame,
 * in this machine's byte order. Written here rather than through pcap4j's dumper, which cost
 * about 50 µs a frame in JNA calls and objects: -w of a 100 MB transfer in small segments
 * (offloads off) took five seconds more than the transfer.
 */
public final class PcapFileWriter implements AutoCloseable {
    private static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    private static final int LINKTYPE_ETHERNET = 1;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    private boolean closed;

    private PcapFileWriter(OutputStream out) {
        this.out = out;
    }

    public static PcapFileWriter open(String path) throws IOException {
        OutputStream out;
        try {
            out = new BufferedOutputStream(new FileOutputStream(path), 1 << 16);
        } catch (IOException e) {
            throw new IOException("cannot write " + path + ": " + e.getMessage());
        }
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        h.putInt(MAGIC_MICROSECONDS).putShort((short) 2).putShort((short) 4) // version 2.4
                .putInt(0).putInt(0) // thiszone (UTC), sigfigs
                .putInt(PcapLink.SNAPLEN).putInt(LINKTYPE_ETHERNET);
        try {
            out.write(h.array());
        } catch (IOException e) {
            out.close();
            throw new IOException("cannot write " + path + ": " + e.getMessage());
        }
        return new PcapFileWriter(out);
    }

    public synchronized void write(byte[] frame, long timeMicros) {
        if (closed) {
            throw new IllegalStateException("pcap file already closed");
        }
        header.clear();
        header.putInt((int) Math.floorDiv(timeMicros, 1_000_000L)).putInt((int) Math.floorMod(timeMicros, 1_000_000L))
                .putInt(frame.length).putInt(frame.length); // caplen, len: frames are kept whole
        try {
            out.write(header.array());
            out.write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pcap file: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pcap file: " + e.getMessage(), e);
        }
    }
}
