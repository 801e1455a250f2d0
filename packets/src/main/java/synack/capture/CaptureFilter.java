package synack.capture;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Map;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import synack.link.PcapLibrary;
import synack.net.EnvironmentException;
import synack.wire.LinkType;

/**
 * A BPF filter as tcpdump takes it ("tcp port 80"), compiled by libpcap and run by libpcap's own
 * BPF interpreter over each captured frame, so a filter means exactly what it means to tcpdump
 * -r. A program is compiled per link type: the expression's link type first, others (a pcapng
 * file's other interfaces) when their first frame comes; a frame of an undecoded link type, or
 * of one the expression cannot be compiled for, does not match.
 */
public final class CaptureFilter implements AutoCloseable {
    private final String expression;
    private final int snaplen;
    private final Map<LinkType, BpfProgram> programs = new EnumMap<>(LinkType.class);

    private CaptureFilter(String expression, int snaplen) {
        this.expression = expression;
        this.snaplen = snaplen;
    }

    /**
     * The filter for frames of {@code link} cut to {@code snaplen} (0: unlimited). A bad expression
     * is a {@link CaptureFilterException} with libpcap's message; no libpcap on the machine, a
     * {@link synack.net.EnvironmentException}.
     */
    public static CaptureFilter compile(String expression, LinkType link, int snaplen) throws CaptureFilterException {
        PcapLibrary.ensureLoadable();
        CaptureFilter filter = new CaptureFilter(expression, snaplen > 0 ? snaplen : FrameSource.MAX_FRAME);
        filter.programs.put(link, filter.program(link));
        return filter;
    }

    public String expression() {
        return expression;
    }

    /** True when the frame passes the filter. */
    public boolean matches(CapturedFrame f) {
        if (f.link() == null) {
            return false;
        }
        BpfProgram p = programs.get(f.link());
        if (p == null) {
            if (programs.containsKey(f.link())) {
                return false; // tried before: the expression means nothing on this link type
            }
            try {
                p = program(f.link());
            } catch (CaptureFilterException e) {
                p = null;
            }
            programs.put(f.link(), p);
            if (p == null) {
                return false;
            }
        }
        return p.applyFilter(f.data(), f.originalLength(), f.data().length);
    }

    /** Compiled on a "dead" handle of the link type, whose pcap_geterr holds libpcap's words when compiling fails. */
    private BpfProgram program(LinkType link) throws CaptureFilterException {
        PcapHandle dead;
        try {
            dead = Pcaps.openDead(DataLinkType.getInstance(dlt(link)), snaplen);
        } catch (PcapNativeException e) {
            throw new EnvironmentException("libpcap cannot open a handle for link type " + link + ": " + e.getMessage(), e);
        }
        try {
            return dead.compileFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
        } catch (PcapNativeException e) {
            throw new CaptureFilterException(expression, e.getMessage()); // the message is pcap_geterr's, as tcpdump prints it
        } catch (NotOpenException e) {
            throw new IllegalStateException("a handle just opened is not open", e);
        } finally {
            dead.close(); // the compiled program is the caller's, freed by close()
        }
    }

    /**
     * The DLT_ number libpcap's compiler knows the link type by: the same as the file's LINKTYPE_
     * number except for raw IP, which files write as 101 and Linux's libpcap calls DLT_RAW 12.
     */
    static int dlt(LinkType link) {
        return link == LinkType.RAW ? 12 : link.number();
    }

    /** PCAP_NETMASK_UNKNOWN: "ip broadcast" is then refused, as tcpdump -r does without an interface. */
    private static final Inet4Address NETMASK_UNKNOWN;

    static {
        try {
            NETMASK_UNKNOWN = (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void close() {
        for (BpfProgram p : programs.values()) {
            if (p != null) {
                p.free();
            }
        }
        programs.clear();
    }
}
