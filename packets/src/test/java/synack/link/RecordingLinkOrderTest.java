package synack.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.time.VirtualClock;

/** -w records wait for time order: what is written must be what was sent, even if the sender reuses its buffer. */
class RecordingLinkOrderTest {
    @Test
    void aReusedSendBufferIsRecordedAsItWasWhenSent(@TempDir Path dir) throws Exception {
        VirtualClock clock = new VirtualClock(1_700_000_000_000_000L);
        MemoryLink[] w = MemoryLink.pair(clock, 100);
        Path file = dir.resolve("f.pcap");
        RecordingLink rec = new RecordingLink(w[0], PcapFileWriter.open(file.toString()), clock);
        byte[] buf = new byte[60];
        for (int i = 0; i < 3; i++) {
            buf[59] = (byte) i; // patched in place, as the sweep's SYN template is
            rec.send(buf);
        }
        rec.close();
        byte[] pcap = Files.readAllBytes(file);
        // global header 24 bytes, then per record 16 + 60: the last byte of each record is its own i
        for (int i = 0; i < 3; i++) {
            assertEquals(i, pcap[24 + (i + 1) * (16 + 60) - 1], "record " + i);
        }
    }
}
