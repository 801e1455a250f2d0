package synack.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import synack.wire.Ip4;
import synack.wire.LinkType;

/**
 * Every fixture read and decoded agrees with tshark's decode of the same file, field by field.
 * The goldens (FIXTURE.tshark.tsv) are tshark's output written by make-fixtures.sh when the
 * fixtures were made: frame.number, frame.len, frame.cap_len, frame.time_epoch, ip.src, ip.dst,
 * tcp.srcport, tcp.dstport, tcp.seq_raw, tcp.ack_raw, tcp.flags, tcp.len, udp.srcport,
 * udp.dstport, ip.len — tshark itself is not run by the tests.
 */
class CaptureGoldenTest {
    static String[] fixtures() {
        return Fixtures.ALL;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void framesAgreeWithTshark(String fixture) throws IOException {
        Fixtures.Read read = Fixtures.read(fixture);
        List<String> golden = Fixtures.lines(fixture + ".tshark.tsv");
        assertEquals(List.of(), read.problems(), "a clean capture has no problems");
        assertEquals(golden.size(), read.frames().size(), "frame count");
        for (int i = 0; i < golden.size(); i++) {
            String[] t = golden.get(i).split("\t", -1);
            CapturedFrame f = read.frames().get(i);
            String where = fixture + " frame " + t[0];
            assertEquals(Long.parseLong(t[0]), f.number(), where + " number");
            assertEquals(Integer.parseInt(t[1]), f.originalLength(), where + " frame.len");
            assertEquals(Integer.parseInt(t[2]), f.data().length, where + " frame.cap_len");
            assertEquals(new BigDecimal(t[3]).movePointRight(9).longValueExact(), f.timeNanos(), where + " time");
            DecodedFrame d = FrameDecoder.decode(f);
            assertNull(d.malformed(), where + " decodes");
            if (t[4].isEmpty()) {
                assertNull(d.ip(), where + " has no IPv4 (tshark shows none)");
                continue;
            }
            assertNotNull(d.ip(), where + " ip");
            assertEquals(0x0800, d.etherType());
            assertEquals(t[4], Ip4.toString(d.ip().source()), where + " ip.src");
            assertEquals(t[5], Ip4.toString(d.ip().destination()), where + " ip.dst");
            assertEquals(Integer.parseInt(t[14]), d.ip().totalLength(), where + " ip.len");
            if (!t[6].isEmpty()) {
                assertNotNull(d.tcp(), where + " tcp");
                assertEquals(Integer.parseInt(t[6]), d.tcp().sourcePort(), where + " tcp.srcport");
                assertEquals(Integer.parseInt(t[7]), d.tcp().destinationPort(), where + " tcp.dstport");
                assertEquals(Long.parseLong(t[8]), Integer.toUnsignedLong(d.tcp().seq()), where + " tcp.seq_raw");
                assertEquals(Long.parseLong(t[9]), Integer.toUnsignedLong(d.tcp().ack()), where + " tcp.ack_raw");
                assertEquals(Integer.decode(t[10]).intValue(), d.tcp().flags(), where + " tcp.flags");
                assertEquals(Integer.parseInt(t[11]), d.tcpDataOnWire(), where + " tcp.len");
                assertEquals(f.cut() && d.tcpDataOnWire() > d.tcp().data().length, d.truncated(), where + " truncated");
            }
            if (!t[12].isEmpty()) {
                assertNotNull(d.udp(), where + " udp");
                assertEquals(Integer.parseInt(t[12]), d.udp().sourcePort(), where + " udp.srcport");
                assertEquals(Integer.parseInt(t[13]), d.udp().destinationPort(), where + " udp.dstport");
            }
        }
    }

    /** The format and link types as capinfos -t -E names them for each fixture. */
    @ParameterizedTest
    @CsvSource({
        "lo-http.pcap, PCAP, ETHERNET",
        "lo-http-nanos.pcap, PCAP_NANOS, ETHERNET",
        "lo-http-snap96.pcap, PCAP, ETHERNET",
        "any-http-sll2.pcap, PCAP, LINUX_SLL2",
        "any-http-sll.pcap, PCAP, LINUX_SLL",
        "raw-udp.pcap, PCAP, RAW",
        "null-udp.pcap, PCAP, NULL",
        "loop-udp.pcap, PCAP, LOOP",
        "vlan-udp.pcap, PCAP, ETHERNET",
        "lo-http.pcapng, PCAPNG, ETHERNET",
        "merged-eth-sll2.pcapng, PCAPNG, ETHERNET LINUX_SLL2",
        "dumpcap-http.pcapng, PCAPNG, ETHERNET",
        "ipv4-udp.pcapng, PCAPNG, IPV4",
    })
    void formatAndLinkTypes(String fixture, CaptureReader.Format format, String links) throws IOException {
        Fixtures.Read read = Fixtures.read(fixture);
        assertEquals(format, read.format());
        List<LinkType> expected = java.util.Arrays.stream(links.split(" ")).map(LinkType::valueOf).toList();
        assertEquals(expected, read.links());
        assertEquals(Fixtures.bytes(fixture).length, read.bytesRead(), "the whole file was read");
        for (CapturedFrame f : read.frames()) {
            assertTrue(expected.contains(f.link()));
        }
    }

    /** tshark -r lo-http-snap96.pcap: 96 of each longer frame captured; the reader keeps the snapshot length of the header. */
    @ParameterizedTest
    @CsvSource({"lo-http-snap96.pcap, 96", "lo-http.pcap, 262144"})
    void snapshotLength(String fixture, int snaplen) throws IOException {
        try (CaptureReader r = CaptureReader.of(new java.io.ByteArrayInputStream(Fixtures.bytes(fixture)), fixture, p -> { })) {
            assertEquals(snaplen, r.snaplen());
        }
    }
}
