package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/** IPv6 answers of iproute2's {@code ip -j route get} and the routes made of them. */
class KernelRouteIpv6Test {
    /** ip -j route get 2001:db8:9::2 (2001:db8:9::/64 dev a0, as the lab's namespaces have it) */
    static final String ON_LINK = "[{\"dst\":\"2001:db8:9::2\",\"from\":\"::\",\"dev\":\"a0\",\"protocol\":\"kernel\","
            + "\"prefsrc\":\"2001:db8:9::1\",\"metric\":256,\"flags\":[],\"pref\":\"medium\"}]";
    /** ip -j route get 2001:db8:9::1 (a0's own address) */
    static final String LOCAL = "[{\"type\":\"local\",\"dst\":\"2001:db8:9::1\",\"from\":\"::\",\"dev\":\"lo\",\"table\":\"local\","
            + "\"protocol\":\"kernel\",\"prefsrc\":\"2001:db8:9::1\",\"metric\":0,\"flags\":[],\"pref\":\"medium\"}]";
    /** ip -j route get 2001:db8:5::2 with a default route a router advertisement taught (the shape of the on-link one) */
    static final String VIA_RA = "[{\"dst\":\"2001:db8:5::2\",\"from\":\"::\",\"gateway\":\"fe80::1\",\"dev\":\"a0\",\"protocol\":\"ra\","
            + "\"prefsrc\":\"2001:db8:9::1\",\"metric\":1024,\"flags\":[],\"pref\":\"medium\"}]";
    /** A route with an MTU metric (ip -6 route add 2001:db8:7::/48 via fe80::1 dev a0 mtu 1400) */
    static final String MTU = "[{\"dst\":\"2001:db8:7::2\",\"from\":\"::\",\"gateway\":\"fe80::1\",\"dev\":\"a0\",\"protocol\":\"boot\","
            + "\"prefsrc\":\"2001:db8:9::1\",\"metric\":1024,\"flags\":[],\"metrics\":[{\"mtu\":1400}],\"pref\":\"medium\"}]";
    /** The on-link answer without a prefsrc (the shape of an answer to a question with from; here from is "::") */
    static final String NO_PREFSRC = "[{\"dst\":\"2001:db8:9::3\",\"from\":\"::\",\"dev\":\"a0\",\"protocol\":\"kernel\","
            + "\"metric\":256,\"flags\":[],\"pref\":\"medium\"}]";

    static final MacAddress A0_MAC = MacAddress.parse("02:00:00:00:00:a0");
    static final LocalInterface A0 = new LocalInterface("a0", A0_MAC, List.of(), true, 1500);
    static final IpAddress OURS = IpAddress.parse("2001:db8:9::1");

    static Routing routing(RoutingTest.Canned c) {
        return new Routing(c, name -> switch (name) {
            case "a0" -> A0;
            case "lo" -> RoutingTest.LO;
            default -> throw new EnvironmentException("no such interface: " + name);
        }, a -> a.equals(OURS));
    }

    static RoutingTest.Canned lab() {
        return new RoutingTest.Canned().answer("2001:db8:9::2", ON_LINK).answer("2001:db8:9::1", LOCAL)
                .answer("2001:db8:5::2", VIA_RA).answer("2001:db8:7::2", MTU).answer("2001:db8:9::3", NO_PREFSRC);
    }

    static Route resolve(String destination) {
        return routing(lab()).resolve(IpAddress.parse(destination), null, null);
    }

    @Test
    void anOnLinkAnswer() {
        KernelRoute r = KernelRoute.parse(ON_LINK);
        assertEquals(KernelRoute.UNICAST, r.type());
        assertEquals(IpAddress.parse("2001:db8:9::2"), r.destination());
        assertNull(r.gateway());
        assertEquals("a0", r.dev());
        assertEquals(OURS, r.prefsrc());
        assertFalse(r.local());
        assertEquals(0, r.mtu());
    }

    @Test
    void theUnspecifiedFromIsNoSourceAndNotTold() {
        // iproute2 prints "from":"::" for every IPv6 answer whose question named no source: it says nothing
        for (String json : List.of(ON_LINK, LOCAL, VIA_RA, NO_PREFSRC)) {
            KernelRoute r = KernelRoute.parse(json);
            assertNull(r.from(), json);
            assertFalse(r.how().contains(" from "), r.how());
        }
        assertEquals("the kernel's route: 2001:db8:9::2 dev a0 src 2001:db8:9::1", KernelRoute.parse(ON_LINK).how());
    }

    @Test
    void aLocalAnswer() {
        KernelRoute r = KernelRoute.parse(LOCAL);
        assertTrue(r.local());
        assertEquals("lo", r.dev());
        assertEquals(r.destination(), r.prefsrc());
    }

    @Test
    void aRouterLearnedFromAnAdvertisementIsTheGateway() {
        KernelRoute r = KernelRoute.parse(VIA_RA);
        assertEquals(IpAddress.parse("fe80::1"), r.gateway());
        assertTrue(r.gateway().isLinkLocal());
        assertTrue(r.how().contains(" via fe80::1 dev a0"), r.how());
    }

    @Test
    void anOnLinkRouteAsksTheDestinationAndItsMssLeavesRoomForIpv6() {
        RoutingTest.Canned c = lab();
        Route r = routing(c).resolve(IpAddress.parse("2001:db8:9::2"), null, null);
        assertEquals(List.of("route get 2001:db8:9::2"), c.asked);
        assertTrue(r.ipv6());
        assertEquals(A0, r.via());
        assertEquals(OURS, r.sourceAddress());
        assertEquals(IpAddress.parse("2001:db8:9::2"), r.nextHopAddress());
        assertTrue(r.onLink());
        assertTrue(r.needsArp(), "the next hop's MAC is asked (with NDP)");
        assertEquals(1500, r.mtu());
        assertEquals(1440, r.mss(), "1500 less 40 of IPv6 and 20 of TCP");
        assertEquals(Route.mssFor6(1500), r.mss());
        assertEquals("via a0 (2001:db8:9::1, 02:00:00:00:00:a0), on-link", r.describe());
        assertThrows(IllegalStateException.class, r::source, "the IPv4 ints are not there for an IPv6 route");
    }

    @Test
    void aRouteViaTheRoutersLinkLocalAddress() {
        Route r = resolve("2001:db8:5::2");
        assertTrue(r.ipv6());
        assertFalse(r.onLink());
        assertEquals(IpAddress.parse("fe80::1"), r.nextHopAddress());
        assertEquals(IpAddress.parse("2001:db8:5::2"), r.destinationAddress());
        assertEquals(OURS, r.sourceAddress());
        assertEquals(1440, r.mss());
        assertEquals("via a0 (2001:db8:9::1, 02:00:00:00:00:a0), next hop fe80::1", r.describe());
    }

    @Test
    void aRouteMtuSetsTheIpv6Mss() {
        Route r = resolve("2001:db8:7::2");
        assertEquals(1400, r.mtu());
        assertEquals(1340, r.mss());
        assertEquals(1220, Route.mssFor6(1280), "IPv6's minimum link MTU");
        assertEquals(65476, Route.mssFor6(65536), "lo: as Linux advertises over IPv6 on lo");
    }

    @Test
    void ourOwnAddressGoesThroughLo() {
        Route r = resolve("2001:db8:9::1");
        assertTrue(r.local());
        assertTrue(r.loopback());
        assertEquals("lo", r.via().name());
        assertEquals(OURS, r.sourceAddress());
        assertEquals(MacAddress.ZERO, r.nextHopMac());
        assertEquals(65476, r.mss());
    }

    @Test
    void anAnswerWithoutPrefsrcNeverMakesTheUnspecifiedAddressOurSource() {
        // a0 is a test interface: /proc/net/if_inet6 has no address of it, so the route must say so rather than send from ::
        try {
            Route r = resolve("2001:db8:9::3");
            assertNotEquals(IpAddress.parse("::"), r.sourceAddress(), "a segment from :: is one no peer can answer");
        } catch (EnvironmentException e) {
            assertEquals("interface a0 has no IPv6 address; give one with -S/--source", e.getMessage());
        }
    }

    @Test
    void aSourceOfTheOtherFamilyIsRefusedBeforeTheKernelIsAsked() {
        RoutingTest.Canned c = lab();
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> routing(c).resolve(IpAddress.parse("2001:db8:9::2"), null, IpAddress.parse("198.18.1.2")));
        assertEquals("-S 198.18.1.2 and 2001:db8:9::2 are of different families: give a source of the destination's family",
                e.getMessage());
        assertTrue(c.asked.isEmpty(), c.asked.toString());
        EnvironmentException back = assertThrows(EnvironmentException.class,
                () -> routing(c).resolve(IpAddress.parse("198.18.2.2"), null, OURS));
        assertTrue(back.getMessage().startsWith("-S 2001:db8:9::1 and 198.18.2.2 are of different families"), back.getMessage());
    }

    @Test
    void anIpv6SourceOfOursIsAskedWithFromAndAnInterfaceWithOif() {
        RoutingTest.Canned c = lab();
        Route r = routing(c).resolve(IpAddress.parse("2001:db8:9::2"), "a0", OURS);
        assertEquals(List.of("route get 2001:db8:9::2 from 2001:db8:9::1 oif a0"), c.asked);
        assertEquals(OURS, r.sourceAddress());
    }

    @Test
    void noIpv6RouteIsTheKernelsWordsInOneLine() {
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> resolve("2001:db8:99::1"));
        assertEquals("no route to 2001:db8:99::1: the kernel says Network is unreachable (see: ip route get 2001:db8:99::1;"
                + " or choose an interface with -i)", e.getMessage());
    }

    @Test
    void aRoutesAddressesAreOfOneFamily() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Route(A0, OURS,
                IpAddress.parse("198.18.2.2"), IpAddress.parse("198.18.1.1"), false, "mixed", Route.Type.UNICAST, 1500, 1440));
        assertTrue(e.getMessage().contains("one family"), e.getMessage());
    }

    @Test
    void anIpv6MulticastRouteMapsToItsMac() {
        Route r = new Route(A0, OURS, IpAddress.parse("ff02::1:ff00:2"), IpAddress.parse("ff02::1:ff00:2"), true, "multicast",
                Route.Type.MULTICAST, 1500, 1440);
        assertEquals(MacAddress.parse("33:33:ff:00:00:02"), r.nextHopMac());
        assertFalse(r.needsArp());
    }
}
