package synack.link;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;

/**
 * Closing a capture without waiting for the kernel. Releasing a packet socket that has a ring
 * waits out two RCU grace periods (packet_set_ring and packet_release each call
 * synchronize_net): 26-40 ms of every one-liner's end, spent asleep in close(2), and again
 * before the JVM may exit. Here the socket is first handed to a one-entry io_uring (registered
 * as one of its files) and its filter set to take nothing; libpcap's close then only drops our
 * reference, and closing the io_uring lets a kernel worker drop the last one and release the
 * socket a few milliseconds later, after we have gone. The socket captures nothing meanwhile.
 *
 * <p>Only from Linux 5.7 on: before it (commit 85faa7b8346e) closing an io_uring waited in close(2)
 * itself, and on 5.1-5.4 freed the registered socket there too, so the hand-over would wait longer.
 * Where io_uring is not there (kernels before 5.1, kernel.io_uring_disabled, a container's seccomp
 * profile that refuses it) or SYNACK_IO_URING=off says so (a seccomp profile that kills instead of
 * refusing), nothing is handed over and the close waits as it always did.
 */
final class LateRelease {
    /** io_uring_setup(2) and io_uring_register(2): the same numbers on x86-64, arm64 and the generic table. */
    private static final long IO_URING_SETUP = 425;
    private static final long IO_URING_REGISTER = 427;
    private static final long IORING_REGISTER_FILES = 2;
    /** struct io_uring_params: 120 bytes, zero for the defaults. */
    private static final int PARAMS_SIZE = 120;
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    /** Linux 5.7 or later, 64-bit (syscall(2)'s arguments are C longs, passed as Java longs), not turned off. */
    private static final boolean USABLE = Platform.isLinux() && Native.LONG_SIZE == 8 && fromLinux57(System.getProperty("os.version", ""))
            && !"off".equals(System.getenv("SYNACK_IO_URING"));
    /** Set when the kernel refused an io_uring once: the next closes do not ask again. */
    private static volatile boolean refused;

    /** libc, as a JNA direct mapping (see {@link PcapWaiter}); syscall(2) passes its arguments through as they are. */
    private static final class Libc {
        static {
            Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native long syscall(long number, long a, long b, long c, long d);

        static native int setsockopt(int fd, int level, int name, Memory value, int length);

        static native int close(int fd);
    }

    private LateRelease() {}

    /**
     * Hands {@code socket} over before its owner closes it; returns the io_uring's fd for {@link #letGo}
     * once the owner has closed the socket, or -1 when nothing was handed over (the close then waits).
     */
    static int handOver(int socket) {
        if (!USABLE || refused || socket < 0) {
            return -1;
        }
        int ring = -1;
        try {
            Memory params = new Memory(PARAMS_SIZE);
            params.clear();
            ring = (int) Libc.syscall(IO_URING_SETUP, 1, Pointer.nativeValue(params), 0, 0);
            Reference.reachabilityFence(params); // the kernel wrote into it: not freed before the call returned
            if (ring < 0) {
                refused = true;
                return -1;
            }
            Memory files = new Memory(4);
            files.setInt(0, socket);
            long registered = Libc.syscall(IO_URING_REGISTER, ring, IORING_REGISTER_FILES, Pointer.nativeValue(files), 1);
            Reference.reachabilityFence(files);
            if (registered < 0) {
                refused = true;
                Libc.close(ring);
                return -1;
            }
            takeNothing(socket);
            return ring;
        } catch (LinkageError | RuntimeException e) {
            refused = true; // no JNA binding here: the close waits
            if (ring >= 0) {
                Libc.close(ring); // the socket is registered: closing the ring is what releases it
            }
            return -1;
        }
    }

    /** "5.7", "6.18.44-fc-v1272", ...: at least 5.7. */
    static boolean fromLinux57(String version) {
        String[] parts = version.split("[.-]", 3);
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 5 || (major == 5 && minor >= 7);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The owner has closed the socket: the io_uring's end releases it in a kernel worker. */
    static void letGo(int ring) {
        if (ring >= 0) {
            Libc.close(ring);
        }
    }

    /**
     * A classic BPF program of one instruction, "ret #0": the socket, which lives on for a moment
     * after we close it, copies nothing more into its ring. Attaching a filter waits for nothing.
     */
    private static void takeNothing(int socket) {
        Memory program = new Memory(8); // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
        program.clear();
        program.setShort(0, (short) 0x06); // BPF_RET | BPF_K, k = 0: take 0 bytes
        Memory fprog = new Memory(2L * Native.POINTER_SIZE); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
        fprog.clear();
        fprog.setShort(0, (short) 1);
        fprog.setPointer(Native.POINTER_SIZE, program);
        Libc.setsockopt(socket, SOL_SOCKET, SO_ATTACH_FILTER, fprog, (int) fprog.size());
        Reference.reachabilityFence(program); // reached only through fprog's raw bytes until the kernel copied it
    }
}
