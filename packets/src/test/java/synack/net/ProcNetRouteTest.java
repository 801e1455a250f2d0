package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/** The fallback without iproute2: RouteTableTest's table, our interfaces, a stand-in for the UDP-socket source. */
class ProcNetRouteTest {
    static final LocalInterface ETH0 = new LocalInterface("eth0", MacAddress.parse("02:00:00:00:00:01"),
            List.of(new LocalInterface.Address(Ip4.parse("198.18.1.2"), 24)), true, 1500);
    static final ProcNetRoute PROC = new ProcNetRoute(RouteTableTest.TABLE, () -> List.of(ETH0, RoutingTest.LO),
            dst -> Ip4.parse("198.18.1.2"));

    @Test
    void theMainTableDecidesAndSaysIpIsMissing() {
        KernelRoute r = PROC.get(IpAddress.parse("8.8.8.8"), null, null);
        assertEquals("eth0", r.dev());
        assertEquals("198.18.1.1", String.valueOf(r.gateway()));
        assertEquals("198.18.1.2", String.valueOf(r.prefsrc()));
        assertTrue(r.how().startsWith("route 0.0.0.0/0 via 198.18.1.1 dev eth0 (read from /proc/net/route: ip (iproute2) is not"
                + " installed"), r.how());
        assertNull(PROC.get(IpAddress.parse("198.18.1.9"), null, null).gateway());
    }

    @Test
    void loopbackAndOurOwnAddressesAreLocal() {
        KernelRoute lo = PROC.get(IpAddress.parse("127.0.0.9"), null, null);
        assertTrue(lo.local());
        assertEquals("lo", lo.dev());
        assertEquals("127.0.0.1", String.valueOf(lo.prefsrc()));
        KernelRoute own = PROC.get(IpAddress.parse("198.18.1.2"), null, null);
        assertTrue(own.local());
        assertEquals("198.18.1.2", String.valueOf(own.prefsrc()));
    }

    @Test
    void anInterfaceKeepsToItself() {
        KernelRoute facing = PROC.get(IpAddress.parse("198.18.1.9"), null, "eth0");
        assertNull(facing.gateway());
        assertTrue(facing.how().startsWith("subnet 198.18.1.2/24 on eth0"), facing.how());
        KernelRoute wlan = PROC.get(IpAddress.parse("198.18.1.9"), null, "wlan0");
        assertEquals("10.9.0.1", String.valueOf(wlan.gateway()));
    }

    @Test
    void noEntryIsNoRoute() {
        ProcNetRoute empty = new ProcNetRoute(RouteTable.parse(""), List::of, dst -> null);
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> empty.get(IpAddress.parse("8.8.8.8"), null, null));
        assertTrue(e.getMessage().startsWith("no route to 8.8.8.8 in /proc/net/route"), e.getMessage());
    }

    @Test
    void theRouteDecisionOnTopOfIt() {
        Routing r = new Routing(PROC, n -> n.equals("eth0") ? ETH0 : RoutingTest.LO, ip -> false);
        Route gw = r.resolve(Ip4.parse("8.8.8.8"), null, null);
        assertEquals("next hop 198.18.1.1", gw.describe().replaceAll(".*, ", ""));
        assertEquals(1460, gw.mss());
        assertTrue(r.resolve(Ip4.parse("127.0.0.1"), null, null).loopback());
    }
}
