package synack.link;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * Waits until a capture handle has a frame or a deadline passes, with poll(2) on the handle's
 * selectable fd. Needed because libpcap 1.10 on Linux keeps polling inside pcap_next() when its
 * read timeout expires with nothing captured, so a blocking read never returns to check a
 * deadline; we read in non-blocking mode and sleep in poll() ourselves. pcap4j 1.8.2 does not
 * expose the fd, so this reads its pcap_t pointer and calls libpcap and libc through JNA.
 */
final class PcapWaiter {
    private static final short POLLIN = 0x1;
    private final int fd;
    private final Function poll;
    private final Memory pollfd = new Memory(8); // struct pollfd { int fd; short events; short revents; }
    private final Pointer pcap;
    private final Function nextEx;
    private final Memory headerOut = new Memory(Native.POINTER_SIZE);
    private final Memory dataOut = new Memory(Native.POINTER_SIZE);
    private final Object[] nextArgs;

    private PcapWaiter(int fd, Function poll, Pointer pcap, Function nextEx) {
        this.fd = fd;
        this.poll = poll;
        this.pcap = pcap;
        this.nextEx = nextEx;
        this.nextArgs = new Object[] {pcap, headerOut, dataOut};
        pollfd.setInt(0, fd);
        pollfd.setShort(4, POLLIN);
    }

    static PcapWaiter of(PcapHandle handle) {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            Pointer pcap = (Pointer) f.get(handle);
            String lib = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
            int fd = NativeLibrary.getInstance(lib).getFunction("pcap_get_selectable_fd").invokeInt(new Object[] {pcap});
            if (fd < 0) {
                throw new IllegalStateException("libpcap has no selectable fd for this handle");
            }
            return new PcapWaiter(fd, NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME).getFunction("poll"), pcap,
                    NativeLibrary.getInstance(lib).getFunction("pcap_next_ex"));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this pcap4j has no PcapHandle.handle field", e);
        }
    }

    /** Sleeps until the fd is readable or {@code millis} pass; returns early on either. */
    void await(int millis) {
        pollfd.setShort(6, (short) 0);
        poll.invokeInt(new Object[] {pollfd, 1, millis});
    }

    /**
     * The next captured frame, or null when none is waiting. Calls pcap_next_ex directly with
     * buffers allocated once: pcap4j's getNextRawPacket builds a JNA Structure for every packet,
     * which costs more than the rest of our per-segment work together (measured: 26 → see BENCHMARKS).
     */
    ReceivedFrame next() {
        int rc = nextEx.invokeInt(nextArgs);
        if (rc != 1) {
            return null; // 0: nothing waiting; negative: error or end, reported by the caller's next receive
        }
        Pointer header = headerOut.getPointer(0);
        // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }
        long sec = header.getNativeLong(0).longValue();
        long usec = header.getNativeLong(NativeLong.SIZE).longValue();
        int caplen = header.getInt(2L * NativeLong.SIZE);
        byte[] frame = dataOut.getPointer(0).getByteArray(0, caplen);
        return new ReceivedFrame(frame, sec * 1_000_000L + usec);
    }

}
