package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.Ip4;

class TargetsTest {
    static String why(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> Targets.parse(spec), spec).getMessage();
    }

    static List<String> names(List<Integer> ips) {
        return ips.stream().map(Ip4::toString).toList();
    }

    @Test
    void singleAddress() {
        assertEquals(List.of(Ip4.parse("198.18.1.1")), Targets.parse("198.18.1.1"));
        assertEquals(List.of(Ip4.parse("198.18.1.1")), Targets.parse("  198.18.1.1 "));
    }

    @Test
    void slash24LeavesOutNetworkAndBroadcast() {
        List<Integer> ips = Targets.parse("198.18.1.0/24");
        assertEquals(254, ips.size());
        assertEquals("198.18.1.1", Ip4.toString(ips.get(0)));
        assertEquals("198.18.1.254", Ip4.toString(ips.get(253)));
        assertFalse(ips.contains(Ip4.parse("198.18.1.0")));
        assertFalse(ips.contains(Ip4.parse("198.18.1.255")));
        // host bits in the base are ignored
        assertEquals(ips, Targets.parse("198.18.1.77/24"));
    }

    @Test
    void slash31AndSlash32KeepEveryAddress() {
        assertEquals(List.of("198.18.1.4", "198.18.1.5"), names(Targets.parse("198.18.1.5/31")));
        assertEquals(List.of("198.18.1.5"), names(Targets.parse("198.18.1.5/32")));
        assertEquals(List.of("198.18.1.5", "198.18.1.6"), names(Targets.parse("198.18.1.4/30")));
    }

    @Test
    void slash16IsTheLargestBlock() {
        List<Integer> ips = Targets.parse("198.18.0.0/16");
        assertEquals(65_534, ips.size());
        assertEquals("198.18.0.1", Ip4.toString(ips.get(0)));
        assertEquals("198.18.255.254", Ip4.toString(ips.get(ips.size() - 1)));
    }

    @Test
    void blocksAtTheTopOfTheAddressSpaceDoNotWrap() {
        assertEquals(254, Targets.parse("255.255.255.0/24").size());
        assertEquals("255.255.255.254", Ip4.toString(Targets.parse("255.255.255.0/24").get(253)));
    }

    @Test
    void shortRange() {
        List<Integer> ips = Targets.parse("198.18.1.10-20");
        assertEquals(11, ips.size());
        assertEquals("198.18.1.10", Ip4.toString(ips.get(0)));
        assertEquals("198.18.1.20", Ip4.toString(ips.get(10)));
    }

    @Test
    void fullRangeMayCrossAnOctet() {
        List<Integer> ips = Targets.parse("198.18.1.250-198.18.2.5");
        assertEquals(12, ips.size());
        assertEquals("198.18.1.250", Ip4.toString(ips.get(0)));
        assertEquals("198.18.2.0", Ip4.toString(ips.get(6)));
        assertEquals("198.18.2.5", Ip4.toString(ips.get(11)));
        assertEquals(List.of("198.18.1.7"), names(Targets.parse("198.18.1.7-7")));
    }

    @Test
    void reversedRangeIsRejected() {
        assertEquals("range 198.18.1.20-10 ends before it starts", why("198.18.1.20-10"));
        assertTrue(why("198.18.2.1-198.18.1.1").contains("ends before it starts"));
    }

    @Test
    void badRangesAreRejected() {
        assertTrue(why("198.18.1.10-20-30").startsWith("bad range"));
        assertTrue(why("198.18.1.10-256").startsWith("bad range end"));
        assertTrue(why("198.18.1.10-x").startsWith("bad range end"));
        assertTrue(why("198.18.1.10-").startsWith("bad range end"));
        assertTrue(why("198.18.1-20").startsWith("not an IPv4 address"));
    }

    @Test
    void badPrefixIsRejected() {
        for (String spec : List.of("198.18.1.0/33", "198.18.1.0/-1", "198.18.1.0/x", "198.18.1.0/", "198.18.1.0/24/2")) {
            assertEquals("bad prefix length in " + spec + " (want 0-32)", why(spec));
        }
        assertTrue(why("198.18.1/24").startsWith("not an IPv4 address"));
    }

    @Test
    void overLimitBlocksAreRejectedWithTheCount() {
        assertEquals("10.0.0.0/8 holds 16777216 addresses; the limit is /16", why("10.0.0.0/8"));
        assertEquals("0.0.0.0/0 holds 4294967296 addresses; the limit is /16", why("0.0.0.0/0"));
        assertTrue(why("10.0.0.0/15").contains("the limit is /16"));
        String range = why("10.0.0.0-10.2.0.0");
        assertTrue(range.contains("131073 addresses") && range.contains("65536"), range);
    }

    @Test
    void manySpecsAreMergedWithoutDuplicatesAndCapped() {
        List<Integer> ips = Targets.parse(List.of("198.18.1.1", "198.18.1.0/30", "198.18.1.2-3"));
        assertEquals(List.of("198.18.1.1", "198.18.1.2", "198.18.1.3"), names(ips));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Targets.parse(List.of("10.0.0.0/16", "10.1.0.0/16")));
        assertTrue(e.getMessage().contains("more than 65536 addresses"), e.getMessage());
    }

    @Test
    void sweepIsABlockARangeOrSeveralTargets() {
        assertFalse(Targets.isSweep(List.of("198.18.1.1")));
        assertTrue(Targets.isSweep(List.of("198.18.1.1", "198.18.1.2")));
        assertTrue(Targets.isSweep(List.of("198.18.1.0/24")));
        assertTrue(Targets.isSweep(List.of("198.18.1.1-2")));
    }
}
