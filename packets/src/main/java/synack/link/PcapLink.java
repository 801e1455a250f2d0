package synack.link;

import java.io.IOException;
import java.sql.Timestamp;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import synack.time.Clock;
import synack.net.EnvironmentException;

/**
 * The live link: a libpcap handle on one interface through pcap4j. Immediate mode so a reply
 * is handed over the moment it lands (not when a buffer fills), except for a bulk transfer's
 * packed ring (at most 1 ms later, see {@link Capture}); a snaplen that keeps a 64 KiB
 * GSO frame whole; only inbound frames (our own sends are not echoed back); a BPF filter
 * narrowed by the exchange so the JVM sees only frames that could matter.
 */
public final class PcapLink implements Link {
    public static final int SNAPLEN = 262_144;
    private static final int POLL_MILLIS = 50;

    private final PcapHandle handle;
    private final String interfaceName;
    private final PcapWaiter waiter;

    private PcapLink(PcapHandle handle, String interfaceName, PcapWaiter waiter) {
        this.handle = handle;
        this.interfaceName = interfaceName;
        this.waiter = waiter;
    }

    /**
     * How much of each frame to keep, how big the kernel's ring for us is, and how frames sit in
     * it. In immediate mode libpcap uses TPACKET_V2: fixed slots, each as large as the biggest
     * frame the interface can hand over — with segmentation or receive offload on (the kernel's
     * default) that is a 64 KiB super-frame, and a slot takes a 128 KiB block. A 2 MiB ring then
     * holds 16 frames, and a TCP window larger than the ring can absorb loses segments in our own
     * capture. Without immediate mode ({@code packed}) libpcap uses TPACKET_V3: 256 KiB blocks
     * that frames fill back to back, each taking only its own length, handed over when a block
     * is full or {@link #PACKED_TIMEOUT_MILLIS} after its first frame: a bulk transfer's ring
     * holds as many bytes as it has, whatever the frames' sizes.
     */
    public record Capture(int snaplen, int bufferBytes, boolean packed) {
        /** Whole frames; room for 64 of them at the worst (offloads on): handshakes, DNS, ARP. */
        public static final Capture WHOLE = new Capture(SNAPLEN, 8 * 1024 * 1024, false);
        /**
         * Whole frames for a bulk transfer, packed: 8 MiB in 32 blocks (resident memory is the
         * ring's size, so it is no larger than the window needs: see {@link #absorbableBytes}).
         */
        public static final Capture BULK = new Capture(SNAPLEN, 8 * 1024 * 1024, true);
        /**
         * Many small datagrams at once (dns-resolve -f): frames up to 4,200 bytes (a fragment, or a
         * 4,096-byte EDNS answer on loopback) in 8 KiB slots, 4,096 of them.
         */
        public static final Capture DATAGRAMS = new Capture(4200, 32 * 1024 * 1024, false);
        /**
         * A sweep's replies at tens of thousands a second: headers only (an ICMP error quoting our SYN
         * fits in 256 bytes) and a 32 MiB ring of small slots.
         */
        public static final Capture HEADERS = new Capture(256, 32 * 1024 * 1024, false);

        private static final int WORST_SLOT = 128 * 1024;
        private static final int SPARE_SLOTS = 16;
        /** libpcap's TPACKET_V3 block: MAXIMUM_SNAPLEN (256 KiB), whatever the snaplen. */
        static final int PACKED_BLOCK = 256 * 1024;
        /** Blocks kept for ACKs, ARP and strays, and the one the kernel is filling when we read. */
        private static final int SPARE_BLOCKS = 4;
        /** What a frame costs in a block besides its TCP payload: headers (Ethernet, IPv4, TCP with options) and tpacket3_hdr, aligned. */
        private static final int PACKED_OVERHEAD = 160;
        /** How much more room than the window a packed ring keeps for blocks handed over part-filled. */
        private static final int PART_FILLED = 4;

        /** Frames the ring holds at the worst: super-frame slots when frames may be that big (fixed slots only). */
        public int slots() {
            int slot = snaplen >= 16 * 1024 ? WORST_SLOT : Integer.highestOneBit(Math.max(1, snaplen + 96) - 1) << 1;
            return Math.max(1, bufferBytes / slot);
        }

        /**
         * The receive window that cannot overflow the ring even when every segment is a small one
         * of {@code mss} bytes (a few slots, or blocks, kept for ACKs, ARP and strays). Packed, a
         * super-frame wastes at most the tail of a block it does not fit in: 3 of 64 KiB fill 75% of
         * one, more than small segments do (mss / (mss + overhead)). But the kernel's timer also hands
         * a block over part-filled, so a slow sender and a reader stalled meanwhile (a busy machine)
         * spread a window over many blocks: the window is a quarter of what full blocks would hold,
         * and overflows only if the sender keeps under a quarter block per timeout for the whole stall
         * (RealNetworkLabIT lost frames with the full ring's worth, 4 MiB, on a loaded 2-core machine).
         */
        public int absorbableBytes(int mss) {
            if (packed) {
                long perBlock = PACKED_BLOCK / (mss + PACKED_OVERHEAD);
                long bytes = Math.max(1, bufferBytes / PACKED_BLOCK - SPARE_BLOCKS) * perBlock * mss / PART_FILLED;
                return (int) Math.max(mss, Math.min(Integer.MAX_VALUE, bytes));
            }
            return Math.max(mss, (slots() - SPARE_SLOTS) * mss);
        }
    }

    /**
     * How long a packed ring's block may wait for more frames before it is handed over: a lone
     * frame (a SYN,ACK, an ACK) reaches us this late at most (in kernel ticks: 2 with HZ=250); its
     * timestamp is the kernel's, as always. It also bounds how long a reader may stall while a slow
     * sender's frames trickle in: the timer hands over one part-filled block per timeout, so the
     * ring lasts (blocks × timeout); with 1 ms (one tick) RealNetworkLabIT's GRO transfer lost
     * frames on a loaded 2-core machine, with 8 ms it did not.
     */
    static final int PACKED_TIMEOUT_MILLIS = 8;

    public static PcapLink open(String interfaceName, String bpfFilter) {
        return open(interfaceName, bpfFilter, Capture.WHOLE);
    }

    public static PcapLink open(String interfaceName, String bpfFilter, Capture capture) {
        return open(activate(interfaceName, capture), bpfFilter);
    }

    /**
     * A capture's first half: libpcap loaded, the handle activated on the interface (its ring set up and
     * mapped, bound), no filter yet. Setting up the ring is the slow part of an open: the kernel waits out an
     * RCU grace period in it, whether or not anything captures yet (PACKET_RX_RING, 15-30 ms here), so a
     * one-liner may do it while its command line is parsed ({@link #open(Activated, String)} finishes it).
     */
    public static Activated activate(String interfaceName, Capture capture) {
        PcapLibrary.ensureLoadable();
        try {
            return new Activated(new PcapHandle.Builder(interfaceName)
                    .snaplen(capture.snaplen())
                    .bufferSize(capture.bufferBytes())
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(capture.packed() ? PACKED_TIMEOUT_MILLIS : POLL_MILLIS)
                    .immediateMode(!capture.packed())
                    .timestampPrecision(PcapHandle.TimestampPrecision.MICRO)
                    .build(), interfaceName, capture);
        } catch (PcapNativeException e) {
            throw explain(interfaceName, e.getMessage());
        }
    }

    /**
     * A capture activated, not yet filtered: what it holds is told only once {@link #open(Activated, String)}
     * has set the filter (libpcap filters the frames the ring took before then in userland, as for any open).
     */
    public static final class Activated implements AutoCloseable {
        private final PcapHandle handle;
        private final String interfaceName;
        private final Capture capture;

        private Activated(PcapHandle handle, String interfaceName, Capture capture) {
            this.handle = handle;
            this.interfaceName = interfaceName;
            this.capture = capture;
        }

        /** Whether it is what {@link #activate} would make for these: the same interface, the same capture. */
        public boolean isFor(String interfaceName, Capture capture) {
            // fields compared: a record's equals bootstraps a method handle the first time (milliseconds on 17)
            return this.interfaceName.equals(interfaceName) && this.capture.snaplen() == capture.snaplen()
                    && this.capture.bufferBytes() == capture.bufferBytes() && this.capture.packed() == capture.packed();
        }

        /**
         * Lets nothing into the ring until {@link #open(Activated, String)} sets the filter: a capture activated
         * early would otherwise fill its ring with whatever the interface carries meanwhile (libpcap filters
         * those frames in userland once the filter is set, but a full ring drops what comes next). The same
         * reject-all filter libpcap itself sets for a moment whenever a filter is set.
         */
        public void letNothingIn() {
            try {
                handle.setFilter("less 1", BpfProgram.BpfCompileMode.OPTIMIZE); // no Ethernet frame is that short
            } catch (PcapNativeException | NotOpenException e) {
                throw new EnvironmentException("cannot set up capture on " + interfaceName + ": " + e.getMessage(), e);
            }
        }

        /** Gives it up unused (without waiting for the kernel to release it: {@link LateRelease}). */
        @Override
        public void close() {
            int ring = -1;
            try {
                ring = handle.isOpen() ? LateRelease.handOver(PcapWaiter.socket(handle)) : -1;
            } catch (LinkageError | RuntimeException e) {
                // libpcap's fd unknown here: the close waits
            }
            try {
                handle.close();
            } finally {
                LateRelease.letGo(ring);
            }
        }
    }

    /** A capture's second half: the link type checked, inbound frames only, the filter, non-blocking reads. */
    public static PcapLink open(Activated activated, String bpfFilter) {
        PcapHandle handle = activated.handle;
        String interfaceName = activated.interfaceName;
        org.pcap4j.packet.namednumber.DataLinkType dlt = handle.getDlt();
        if (!org.pcap4j.packet.namednumber.DataLinkType.EN10MB.equals(dlt)) {
            handle.close();
            // tun devices (WireGuard, OpenVPN, tailscale) carry bare IP, without an Ethernet header
            throw new EnvironmentException("interface " + interfaceName + " has link type " + dlt.name() + " (DLT " + dlt.value()
                    + "): synack speaks Ethernet (and loopback, which Linux frames as Ethernet) only; choose another with -i");
        }
        try {
            handle.setDirection(PcapHandle.PcapDirection.IN);
            handle.setFilter(bpfFilter, BpfProgram.BpfCompileMode.OPTIMIZE);
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            return new PcapLink(handle, interfaceName, PcapWaiter.of(handle));
        } catch (PcapNativeException | NotOpenException | IllegalStateException | LinkageError e) {
            handle.close(); // LinkageError: libpcap lacks a function PcapWaiter binds directly (its class failed to initialise)
            throw new EnvironmentException("cannot set up capture with filter '" + bpfFilter + "' on " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    private static EnvironmentException explain(String interfaceName, String message) {
        String m = message == null ? "" : message;
        if (m.contains("not permitted") || m.contains("ermission")) {
            return new EnvironmentException(Privileges.HOW_TO_FIX);
        }
        if (m.contains("No such device") || m.contains("doesn't exist")) {
            return new EnvironmentException("no such interface: " + interfaceName + " (see: ip link)");
        }
        if (m.contains("not up")) {
            return new EnvironmentException("interface " + interfaceName + " is down (ip link set " + interfaceName + " up)");
        }
        return new EnvironmentException("cannot capture on " + interfaceName + ": " + m);
    }

    @Override
    public void send(byte[] frame) throws IOException {
        if (!handle.isOpen()) {
            throw new IOException("send on " + interfaceName + " failed: the capture is closed");
        }
        // libpcap directly (pcap4j's sendPacket takes a lock and checks twice per frame; the handle is
        // used from one thread, as the receive side always was)
        if (waiter.send(frame) < 0) {
            throw new IOException("send on " + interfaceName + " failed: " + libpcapError());
        }
    }

    /** libpcap's words for its last error on this handle. */
    private String libpcapError() {
        try {
            return handle.getError();
        } catch (NotOpenException e) {
            return "the capture is closed";
        }
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) throws IOException {
        if (!handle.isOpen()) {
            throw new IOException("capture on " + interfaceName + " closed");
        }
        while (true) {
            ReceivedFrame frame = waiter.next();
            if (frame != null) {
                return frame;
            }
            if (waiter.failed()) { // the interface went away or down: poll would wake at once, for ever
                throw new IOException("capture on " + interfaceName + " failed: " + libpcapError());
            }
            long remaining = deadlineMicros - Clock.SYSTEM.nowMicros();
            if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
                return null;
            }
            waiter.await((int) Math.min(POLL_MILLIS, (remaining + 999) / 1000));
        }
    }

    private static long micros(Timestamp ts) {
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
    }

    /** What libpcap says the kernel dropped because our ring was full (pcap_stats' ps_drop). */
    @Override
    public long captureDrops() {
        try {
            return handle.isOpen() ? Integer.toUnsignedLong((int) handle.getStats().getNumPacketsDropped()) : 0;
        } catch (PcapNativeException | NotOpenException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** Closes the capture without waiting for the kernel to release its socket ({@link LateRelease}). */
    @Override
    public void close() {
        int ring = -1;
        try {
            ring = handle.isOpen() ? LateRelease.handOver(waiter.socket()) : -1;
        } catch (LinkageError e) {
            // JNA's libc binding not to be had: the close waits
        }
        try {
            handle.close();
        } finally {
            LateRelease.letGo(ring);
        }
    }
}
