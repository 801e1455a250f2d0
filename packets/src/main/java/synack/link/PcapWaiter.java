package synack.link;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.nio.ByteOrder;
import org.pcap4j.core.PcapHandle;

/**
 * The capture's per-frame calls into libpcap and libc: the next frame (pcap_next_ex), a send
 * (pcap_sendpacket), and a wait until the handle has a frame or a deadline passes (poll(2) on
 * the handle's selectable fd). The wait is ours because libpcap 1.10 on Linux keeps polling
 * inside pcap_next() when its read timeout expires with nothing captured, so a blocking read
 * never returns to check a deadline; we read in non-blocking mode and sleep in poll() ourselves.
 * pcap4j 1.8.2 does not expose the fd, so this reads its pcap_t pointer.
 *
 * <p>The calls are JNA direct mappings ({@link Native#register}: static native methods bound
 * once), not {@code Function.invokeInt} with an {@code Object[]}: the generic path converts
 * every argument by reflection and boxes the result, ~3 µs a frame, 13% of a full-port sweep's
 * CPU. The frame's header and data pointers come back in one 16-byte buffer, read with one call,
 * and the header itself with one more, into arrays kept for the next frame: per frame, four
 * crossings into native code and the frame's own byte[] (which the caller keeps); a send is
 * two (the copy into a native buffer kept for the next, and the call).
 *
 * <p>The class registers its methods when it is initialised (libpcap's path must be known by
 * then: {@link PcapLibrary#ensureLoadable}); the live commands' warm-up initialises it on the
 * other core while the command line is parsed.
 */
final class PcapWaiter {
    private static final short POLLIN = 0x1;
    private static final boolean LONG64 = NativeLong.SIZE == 8;
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    static {
        Native.register(PcapWaiter.class, NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
        Libc.poll(Pointer.NULL, 0, 0); // binds libc's poll now, not on the first wait
    }

    private static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

    private static native int pcap_sendpacket(Pointer p, Pointer buf, int size);

    private static native int pcap_get_selectable_fd(Pointer p);

    /** libc, bound the same way. */
    private static final class Libc {
        static {
            Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int poll(Pointer fds, int nfds, int timeout);
    }

    private final Pointer pcap;
    private final Memory pollfd = new Memory(8); // struct pollfd { int fd; short events; short revents; }
    private boolean failed;
    /** pcap_next_ex's two out-parameters side by side: the header's address, then the data's. */
    private final Memory out = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer headerOut;
    private final Pointer dataOut;
    private final long[] addresses = new long[2];
    private final int[] addresses32 = new int[2];
    /** struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }, read whole. */
    private final long[] header64 = new long[3];
    private final int[] header32 = new int[4];
    private final Cursor cursor = new Cursor();
    private Memory sendBuffer = new Memory(2048);

    /** A pointer moved to each frame's header and data in turn (JNA's Pointer keeps its address in a protected field). */
    private static final class Cursor extends Pointer {
        Cursor() {
            super(0);
        }

        Cursor at(long address) {
            peer = address;
            return this;
        }
    }

    private PcapWaiter(int fd, Pointer pcap) {
        this.pcap = pcap;
        this.headerOut = out;
        this.dataOut = out.share(Native.POINTER_SIZE);
        pollfd.setInt(0, fd);
        pollfd.setShort(4, POLLIN);
    }

    static PcapWaiter of(PcapHandle handle) {
        Pointer pcap = pcap(handle);
        int fd = pcap_get_selectable_fd(pcap);
        if (fd < 0) {
            throw new IllegalStateException("libpcap has no selectable fd for this handle");
        }
        return new PcapWaiter(fd, pcap);
    }

    /** The handle's socket, or -1 when libpcap has none to tell. */
    static int socket(PcapHandle handle) {
        return pcap_get_selectable_fd(pcap(handle));
    }

    private static Pointer pcap(PcapHandle handle) {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            return (Pointer) f.get(handle);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this pcap4j has no PcapHandle.handle field", e);
        }
    }

    /** The handle's socket. */
    int socket() {
        return pollfd.getInt(0);
    }

    /** Sleeps until the fd is readable or {@code millis} pass; returns early on either (poll writes revents itself). */
    void await(int millis) {
        Libc.poll(pollfd, 1, millis);
    }

    /**
     * Sends one frame; libpcap's return code (negative: failed; pcap_geterr says why). The frame
     * is copied into a native buffer kept for the next send: a byte[] handed to a direct mapping
     * is copied into a fresh malloc'd block and back again after the call (JNI's
     * Get/ReleaseByteArrayElements), twice the copies and a malloc and free per frame.
     */
    int send(byte[] frame) {
        if (sendBuffer.size() < frame.length) {
            sendBuffer = new Memory(Math.max(frame.length, 2 * sendBuffer.size()));
        }
        sendBuffer.write(0, frame, 0, frame.length);
        return pcap_sendpacket(pcap, sendBuffer, frame.length);
    }

    /**
     * The next captured frame, or null when none is waiting. Calls pcap_next_ex with buffers
     * allocated once: pcap4j's getNextRawPacket builds a JNA Structure for every packet, which
     * costs more than the rest of our per-segment work together.
     */
    /** Whether the last {@link #next} failed rather than found nothing waiting. */
    boolean failed() {
        return failed;
    }

    ReceivedFrame next() {
        int rc = pcap_next_ex(pcap, headerOut, dataOut);
        if (rc != 1) {
            failed = rc < 0; // 0: nothing waiting; negative: an error (the interface gone), see failed()
            return null;
        }
        long header;
        long data;
        if (Native.POINTER_SIZE == 8) {
            out.read(0, addresses, 0, 2);
            header = addresses[0];
            data = addresses[1];
        } else {
            out.read(0, addresses32, 0, 2);
            header = Integer.toUnsignedLong(addresses32[0]);
            data = Integer.toUnsignedLong(addresses32[1]);
        }
        long sec;
        long usec;
        int caplen;
        if (LONG64) {
            cursor.at(header).read(0, header64, 0, 3);
            sec = header64[0];
            usec = header64[1];
            caplen = (int) (LITTLE ? header64[2] : header64[2] >>> 32);
        } else {
            cursor.at(header).read(0, header32, 0, 4);
            sec = Integer.toUnsignedLong(header32[0]);
            usec = header32[1];
            caplen = header32[2];
        }
        byte[] frame = cursor.at(data).getByteArray(0, caplen);
        return new ReceivedFrame(frame, sec * 1_000_000L + usec);
    }
}
