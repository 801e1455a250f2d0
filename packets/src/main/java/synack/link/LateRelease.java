package synack.link;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Closing a capture without waiting for the kernel. Releasing a packet socket that has a ring
 * waits out two RCU grace periods (packet_set_ring and packet_release each call
 * synchronize_net): 26-40 ms of every one-liner's end, spent asleep in close(2), and again
 * before the JVM may exit. Here the socket is first handed to a one-entry io_uring (registered
 * as one of its files) and its filter set to take nothing; libpcap's close then only drops our
 * reference, and closing the io_uring lets a kernel worker drop the last one and release the
 * socket a few milliseconds later, after we have gone. The socket captures nothing meanwhile.
 *
 * <p>Where io_uring is not there (kernels before 5.1, kernel.io_uring_disabled=2, a container's
 * seccomp profile that refuses it), nothing is handed over and the close waits as it always did.
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
    private static final boolean LINUX = Platform.isLinux();

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
        if (!LINUX || socket < 0) {
            return -1;
        }
        try {
            Memory params = new Memory(PARAMS_SIZE);
            params.clear();
            int ring = (int) Libc.syscall(IO_URING_SETUP, 1, com.sun.jna.Pointer.nativeValue(params), 0, 0);
            if (ring < 0) {
                return -1;
            }
            Memory files = new Memory(4);
            files.setInt(0, socket);
            if (Libc.syscall(IO_URING_REGISTER, ring, IORING_REGISTER_FILES, com.sun.jna.Pointer.nativeValue(files), 1) < 0) {
                Libc.close(ring);
                return -1;
            }
            takeNothing(socket);
            return ring;
        } catch (LinkageError | RuntimeException e) {
            return -1; // no JNA binding here: the close waits
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
    }
}
