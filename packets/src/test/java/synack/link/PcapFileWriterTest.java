package synack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import synack.time.VirtualClock;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;

class PcapFileWriterTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");

    record Captured(byte[] bytes, long micros) {}

    static long micros(Timestamp ts) {
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
    }

    static List<Captured> readBack(Path file) throws Exception {
        List<Captured> out = new ArrayList<>();
        PcapHandle h = Pcaps.openOffline(file.toString());
        try {
            assertEquals(DataLinkType.EN10MB, h.getDlt());
            byte[] raw;
            while ((raw = h.getNextRawPacket()) != null) {
                out.add(new Captured(raw, micros(h.getTimestamp())));
            }
        } finally {
            h.close();
        }
        return out;
    }

    static byte[] request() {
        return ArpPacket.request(US, US_IP, GW_IP).toFrame(US);
    }

    static byte[] reply() {
        return new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP).toFrame(GW);
    }

    static byte[] big() {
        byte[] payload = new byte[1500];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        return new EthernetFrame(GW, US, EthernetFrame.TYPE_IPV4, payload).toBytes();
    }

    @Test
    void framesAndMicrosecondTimestampsReadBackExactly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("three.pcap");
        long[] times = {1_700_000_000_123_456L, 1_700_000_000_123_457L, 1_700_000_001_999_999L};
        byte[][] frames = {request(), reply(), big()};
        try (PcapFileWriter w = PcapFileWriter.open(file.toString())) {
            for (int i = 0; i < 3; i++) {
                w.write(frames[i], times[i]);
            }
        }
        List<Captured> got = readBack(file);
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(frames[i], got.get(i).bytes(), "frame " + i);
            assertEquals(times[i], got.get(i).micros(), "timestamp " + i);
        }
    }

    @Test
    void recordingLinkWritesWhatGoesOutAndComesIn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rec.pcap");
        long start = 1_700_000_000_000_000L;
        VirtualClock clock = new VirtualClock(start);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(f -> List.of(reply()));
        try (RecordingLink link = new RecordingLink(wire[0], PcapFileWriter.open(file.toString()), clock)) {
            link.send(request());
            assertArrayEquals(reply(), link.receive(start + 1_000_000).bytes());
            assertNull(link.receive(start + 2_000_000));
        }
        List<Captured> got = readBack(file);
        assertEquals(2, got.size());
        assertArrayEquals(request(), got.get(0).bytes());
        assertEquals(start, got.get(0).micros());
        assertArrayEquals(reply(), got.get(1).bytes());
        assertEquals(start + 200, got.get(1).micros());
    }

    @Test
    void anUnwritablePathIsAnIoException(@TempDir Path dir) {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> PcapFileWriter.open(dir.resolve("no/such/dir/x.pcap").toString()));
        assertTrue(e.getMessage().startsWith("cannot write "), e.getMessage());
    }

    static Path tcpdump() {
        for (String p : List.of("/usr/sbin/tcpdump", "/usr/bin/tcpdump", "/sbin/tcpdump", "/usr/local/sbin/tcpdump")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    @Test
    void tcpdumpReadsOurFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("arp.pcap");
        try (PcapFileWriter w = PcapFileWriter.open(file.toString())) {
            w.write(request(), 1_700_000_000_000_000L);
            w.write(reply(), 1_700_000_000_000_200L);
        }
        Path tcpdump = tcpdump();
        Assumptions.assumeTrue(tcpdump != null, "tcpdump is not installed");
        Process p = new ProcessBuilder(tcpdump.toString(), "-nn", "-e", "-r", file.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "tcpdump did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Request who-has 198.18.1.1 tell 198.18.1.2"), out);
        assertTrue(out.contains("02:00:00:00:00:02 > ff:ff:ff:ff:ff:ff"), out);
        assertTrue(out.contains("Reply 198.18.1.1 is-at 02:00:00:00:00:01"), out);
    }

    @Test
    void ourOwnParserReadsWhatPcapStored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("one.pcap");
        try (PcapFileWriter w = PcapFileWriter.open(file.toString())) {
            w.write(request(), 5_000_000L);
        }
        byte[] back = readBack(file).get(0).bytes();
        try {
            assertEquals(ArpPacket.request(US, US_IP, GW_IP), ArpPacket.parse(EthernetFrame.parse(back).payload()));
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }
}
