package synack.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filters pass the frames tcpdump passes: filter-counts.tsv holds, for each fixture and expression,
 * the count of `tcpdump -r FIXTURE EXPRESSION`, written by make-fixtures.sh (tcpdump is not run here).
 */
class CaptureFilterTest {
    static List<String> goldens() {
        return Fixtures.lines("filter-counts.tsv");
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void matchesAgreeWithTcpdump(String golden) throws Exception {
        String[] t = golden.split("\t");
        Fixtures.Read read = Fixtures.read(t[0]);
        int passed = 0;
        try (CaptureFilter filter = CaptureFilter.compile(t[1], read.links().get(0), 262144)) {
            for (CapturedFrame f : read.frames()) {
                passed += filter.matches(f) ? 1 : 0;
            }
        }
        assertEquals(Integer.parseInt(t[2]), passed, t[0] + " '" + t[1] + "'");
    }

    @Test
    void framesOfEachLinkTypeOfAPcapngAreFilteredByTheirOwnProgram() throws Exception {
        Fixtures.Read read = Fixtures.read("merged-eth-sll2.pcapng");
        int passed = 0;
        try (CaptureFilter filter = CaptureFilter.compile("tcp port 8080", read.links().get(0), 0)) {
            for (CapturedFrame f : read.frames()) {
                passed += filter.matches(f) ? 1 : 0;
            }
        }
        // tcpdump -r lo-http.pcap 'tcp port 8080' and -r any-http-sll2.pcap: the two files mergecap joined
        int expected = 0;
        for (String line : goldens()) {
            String[] t = line.split("\t");
            if ((t[0].equals("lo-http.pcap") || t[0].equals("any-http-sll2.pcap")) && t[1].equals("tcp port 8080")) {
                expected += Integer.parseInt(t[2]);
            }
        }
        assertEquals(expected, passed);
    }

    @Test
    void aBadExpressionIsATypedErrorInLibpcapsWords() {
        CaptureFilterException e = assertThrows(CaptureFilterException.class,
                () -> CaptureFilter.compile("tcp prot 80", synack.wire.LinkType.ETHERNET, 0));
        assertEquals("tcp prot 80", e.expression());
        assertTrue(e.libpcapMessage().contains("syntax error"), e.libpcapMessage());
        CaptureFilterException noEther = assertThrows(CaptureFilterException.class,
                () -> CaptureFilter.compile("ether host 02:00:00:00:00:01", synack.wire.LinkType.RAW, 0));
        // tcpdump -y RAW ... says the same: "ethernet addresses supported only on ethernet/FDDI/..."
        assertTrue(noEther.libpcapMessage().startsWith("ethernet addresses supported only on ethernet"), noEther.libpcapMessage());
    }

    @Test
    void framesOfAnUndecodedLinkTypeDoNotMatch() throws Exception {
        try (CaptureFilter filter = CaptureFilter.compile("", synack.wire.LinkType.ETHERNET, 0)) {
            assertTrue(filter.matches(new CapturedFrame(1, 0, 0, synack.wire.LinkType.ETHERNET, 60, new byte[60])), "empty: all");
            assertEquals(false, filter.matches(new CapturedFrame(1, 0, 0, null, 60, new byte[60])));
        }
    }
}
