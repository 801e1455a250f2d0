package synack.link;

import java.io.IOException;
import java.sql.Timestamp;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/** Writes frames to a classic pcap file (Ethernet link type) through libpcap's own dumper. */
public final class PcapFileWriter implements AutoCloseable {
    private final PcapHandle dead;
    private final PcapDumper dumper;

    private PcapFileWriter(PcapHandle dead, PcapDumper dumper) {
        this.dead = dead;
        this.dumper = dumper;
    }

    public static PcapFileWriter open(String path) throws IOException {
        PcapLibrary.ensureLoadable();
        PcapHandle dead = null;
        try {
            dead = Pcaps.openDead(DataLinkType.EN10MB, PcapLink.SNAPLEN, PcapHandle.TimestampPrecision.MICRO);
            return new PcapFileWriter(dead, dead.dumpOpen(path));
        } catch (PcapNativeException | NotOpenException e) {
            if (dead != null) {
                dead.close();
            }
            throw new IOException("cannot write " + path + ": " + e.getMessage());
        }
    }

    public synchronized void write(byte[] frame, long timeMicros) {
        Timestamp ts = new Timestamp(Math.floorDiv(timeMicros, 1_000_000L) * 1000L);
        ts.setNanos((int) Math.floorMod(timeMicros, 1_000_000L) * 1000);
        try {
            dumper.dumpRaw(frame, ts);
        } catch (NotOpenException e) {
            throw new IllegalStateException("pcap file already closed", e);
        }
    }

    @Override
    public synchronized void close() {
        if (dumper.isOpen()) {
            try {
                dumper.flush();
            } catch (PcapNativeException | NotOpenException e) {
                // closing anyway; the close below flushes what it can
            }
            dumper.close();
        }
        dead.close();
    }
}
