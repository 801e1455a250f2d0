package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import synack.wire.Ip4;

class RouteTableTest {
    /**
     * /proc/net/route as an x86 kernel prints it: tab-separated, addresses little-endian hex
     * (198.18.1.1 = c6.12.01.01 → 010112C6), lines padded with spaces to 127 characters.
     * <pre>
     * default via 198.18.1.1 dev eth0 metric 100
     * default via 10.9.0.1 dev wlan0 metric 600
     * 10.9.0.0/24 dev wlan0 metric 600
     * 198.18.1.0/24 dev eth0 metric 100
     * 198.18.1.66 via 198.18.1.254 dev eth0 metric 0      (a host route, more specific than the /24)
     * 198.18.4.0/24 dev eth0 metric 100
     * 198.18.4.0/24 dev wlan0 metric 50                   (the same prefix twice: the lower metric wins)
     * 203.0.113.0/24 dev eth0 (flags 0: not up, never chosen)
     * </pre>
     */
    static final String PROC = String.join("\n",
            pad("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"),
            pad("eth0\t00000000\t010112C6\t0003\t0\t0\t100\t00000000\t0\t0\t0"),
            pad("wlan0\t00000000\t0100090A\t0003\t0\t0\t600\t00000000\t0\t0\t0"),
            pad("wlan0\t0000090A\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0"),
            pad("eth0\t000112C6\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0"),
            pad("eth0\t420112C6\tFE0112C6\t0007\t0\t0\t0\tFFFFFFFF\t0\t0\t0"),
            pad("eth0\t000412C6\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0"),
            pad("wlan0\t000412C6\t00000000\t0001\t0\t0\t50\t00FFFFFF\t0\t0\t0"),
            pad("eth0\t007100CB\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0")) + "\n";

    static String pad(String line) {
        return String.format("%-127s", line);
    }

    static final RouteTable TABLE = RouteTable.parse(PROC);

    static RouteTable.Entry lookup(String ip) {
        return TABLE.lookup(Ip4.parse(ip)).orElseThrow();
    }

    @Test
    void parsesEveryRowButTheHeader() {
        assertEquals(8, TABLE.entries().size());
        RouteTable.Entry def = TABLE.entries().get(0);
        assertEquals("eth0", def.interfaceName());
        assertEquals(0, def.destination());
        assertEquals(0, def.prefixLength());
        assertEquals("198.18.1.1", Ip4.toString(def.gateway()));
        assertEquals(100, def.metric());
        assertTrue(def.up());
        assertTrue(def.viaGateway());
        RouteTable.Entry connected = TABLE.entries().get(3);
        assertEquals("198.18.1.0", Ip4.toString(connected.destination()));
        assertEquals(24, connected.prefixLength());
        assertFalse(connected.viaGateway());
        RouteTable.Entry host = TABLE.entries().get(4);
        assertEquals("198.18.1.66", Ip4.toString(host.destination()));
        assertEquals(32, host.prefixLength());
        assertEquals("198.18.1.254", Ip4.toString(host.gateway()));
        assertFalse(TABLE.entries().get(7).up());
    }

    @Test
    void connectedSubnetBeatsTheDefaultRoute() {
        RouteTable.Entry e = lookup("198.18.1.9");
        assertEquals("eth0", e.interfaceName());
        assertEquals(24, e.prefixLength());
        assertFalse(e.viaGateway());
    }

    @Test
    void hostRouteBeatsItsSubnet() {
        RouteTable.Entry e = lookup("198.18.1.66");
        assertEquals(32, e.prefixLength());
        assertTrue(e.viaGateway());
        assertEquals("198.18.1.254", Ip4.toString(e.gateway()));
    }

    @Test
    void samePrefixGoesToTheLowerMetric() {
        RouteTable.Entry e = lookup("198.18.4.20");
        assertEquals("wlan0", e.interfaceName());
        assertEquals(50, e.metric());
    }

    @Test
    void elsewhereGoesToTheDefaultWithTheLowerMetric() {
        RouteTable.Entry e = lookup("8.8.8.8");
        assertEquals("eth0", e.interfaceName());
        assertEquals(0, e.prefixLength());
        assertTrue(e.viaGateway());
        assertEquals("198.18.1.1", Ip4.toString(e.gateway()));
    }

    @Test
    void routesThatAreNotUpAreNeverChosen() {
        // 203.0.113.0/24 is down, so the default route carries it
        assertEquals(0, lookup("203.0.113.5").prefixLength());
    }

    @Test
    void lookupViaKeepsToTheInterface() {
        RouteTable.Entry e = TABLE.lookupVia("wlan0", Ip4.parse("198.18.1.9")).orElseThrow();
        assertEquals("wlan0", e.interfaceName());
        assertEquals(0, e.prefixLength());
        assertEquals("10.9.0.1", Ip4.toString(e.gateway()));
        assertEquals(24, TABLE.lookupVia("wlan0", Ip4.parse("10.9.0.7")).orElseThrow().prefixLength());
        assertEquals(Optional.empty(), TABLE.lookupVia("eth9", Ip4.parse("198.18.1.9")));
    }

    @Test
    void noMatchingRouteIsEmpty() {
        RouteTable onlyLocal = RouteTable.parse(PROC.lines().filter(l -> !l.split("\t")[1].equals("00000000"))
                .reduce("", (a, b) -> a + b + "\n"));
        assertEquals(6, onlyLocal.entries().size());
        assertEquals(Optional.empty(), onlyLocal.lookup(Ip4.parse("8.8.8.8")));
    }

    @Test
    void gatewayCountsOnlyWithTheGatewayFlag() {
        // a gateway column without RTF_GATEWAY (flags 0001) is not a next hop
        RouteTable t = RouteTable.parse("eth0\t000112C6\t010112C6\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
        assertFalse(t.entries().get(0).viaGateway());
        assertEquals(0, t.entries().get(0).gateway());
    }

    @Test
    void emptyTableIsEmpty() {
        assertTrue(RouteTable.parse("").entries().isEmpty());
        assertTrue(RouteTable.parse(PROC.lines().findFirst().orElseThrow()).entries().isEmpty());
    }
}
