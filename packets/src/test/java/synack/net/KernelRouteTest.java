package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/** Real answers of iproute2 6.1's {@code ip -j route get}, captured in the lab's client namespace and a scratch one. */
class KernelRouteTest {
    /** ip -j route get 198.18.2.2 (default via 198.18.1.1 dev c0) */
    static final String GATEWAY = "[{\"dst\":\"198.18.2.2\",\"gateway\":\"198.18.1.1\",\"dev\":\"c0\",\"prefsrc\":\"198.18.1.2\","
            + "\"flags\":[],\"uid\":0,\"cache\":[]}]\n";
    /** ip -j route get 198.18.1.1 (198.18.1.0/24 dev c0) */
    static final String ON_LINK = "[{\"dst\":\"198.18.1.1\",\"dev\":\"c0\",\"prefsrc\":\"198.18.1.2\",\"flags\":[],\"uid\":0,"
            + "\"cache\":[]}]\n";
    /** ip -j route get 198.18.1.2 (c0's own address) */
    static final String OWN = "[{\"type\":\"local\",\"dst\":\"198.18.1.2\",\"dev\":\"lo\",\"prefsrc\":\"198.18.1.2\",\"flags\":[],"
            + "\"uid\":0,\"cache\":[\"local\"]}]\n";
    /** ip -j route get 127.0.0.1 */
    static final String LOOPBACK = "[{\"type\":\"local\",\"dst\":\"127.0.0.1\",\"dev\":\"lo\",\"prefsrc\":\"127.0.0.1\","
            + "\"flags\":[],\"uid\":0,\"cache\":[\"local\"]}]\n";
    /** ip -j route get 10.8.1.1 (ip route add 10.8.0.0/16 via 10.7.0.1 mtu lock 1280) */
    static final String MTU_LOCK = "[{\"dst\":\"10.8.1.1\",\"gateway\":\"10.7.0.1\",\"dev\":\"d0\",\"prefsrc\":\"10.7.0.2\","
            + "\"flags\":[],\"uid\":0,\"cache\":[],\"metrics\":[{\"mtu\":1280}]}]\n";
    /** ip -j route get 10.9.1.1 (ip route add 10.9.0.0/16 via 10.7.0.1 mtu 1400 advmss 1360) */
    static final String MTU_ADVMSS = "[{\"dst\":\"10.9.1.1\",\"gateway\":\"10.7.0.1\",\"dev\":\"d0\",\"prefsrc\":\"10.7.0.2\","
            + "\"flags\":[],\"uid\":0,\"cache\":[],\"metrics\":[{\"mtu\":1400,\"advmss\":1360}]}]\n";
    /** ip -j route get 8.8.8.8 from 10.7.0.2 (no prefsrc when the question gives the source) */
    static final String FROM = "[{\"dst\":\"8.8.8.8\",\"from\":\"10.7.0.2\",\"gateway\":\"10.7.0.1\",\"dev\":\"d0\",\"flags\":[],"
            + "\"uid\":0,\"cache\":[]}]\n";
    /** ip -j route get 198.18.1.255 */
    static final String BROADCAST = "[{\"type\":\"broadcast\",\"dst\":\"198.18.1.255\",\"dev\":\"c0\",\"prefsrc\":\"198.18.1.2\","
            + "\"flags\":[],\"uid\":0,\"cache\":[\"local\",\"brd\"]}]\n";
    /** ip -j route get 224.0.0.1 */
    static final String MULTICAST = "[{\"type\":\"multicast\",\"dst\":\"224.0.0.1\",\"dev\":\"c0\",\"prefsrc\":\"198.18.1.2\","
            + "\"flags\":[\"rt_offload_failed\"],\"uid\":0,\"cache\":[\"local\",\"mc\"]}]\n";
    /** ip -j route get 8.8.8.8 oif lo (no type: unicast, though the kernel keeps it local) */
    static final String OIF_LO = "[{\"dst\":\"8.8.8.8\",\"dev\":\"lo\",\"prefsrc\":\"10.7.0.2\",\"flags\":[],\"uid\":0,"
            + "\"cache\":[\"local\"]}]\n";

    @Test
    void aGatewayRoute() {
        KernelRoute r = KernelRoute.parse(GATEWAY);
        assertEquals(KernelRoute.UNICAST, r.type());
        assertEquals("198.18.2.2", String.valueOf(r.destination()));
        assertEquals("198.18.1.1", String.valueOf(r.gateway()));
        assertEquals("c0", r.dev());
        assertEquals("198.18.1.2", String.valueOf(r.prefsrc()));
        assertNull(r.from());
        assertEquals(0, r.mtu());
        assertFalse(r.local());
        assertEquals("the kernel's route: 198.18.2.2 via 198.18.1.1 dev c0 src 198.18.1.2", r.how());
    }

    @Test
    void anOnLinkRouteHasNoGateway() {
        KernelRoute r = KernelRoute.parse(ON_LINK);
        assertNull(r.gateway());
        assertEquals("the kernel's route: 198.18.1.1 dev c0 src 198.18.1.2", r.how());
    }

    @Test
    void ourOwnAddressAndLoopbackAreLocalThroughLo() {
        for (String json : List.of(OWN, LOOPBACK)) {
            KernelRoute r = KernelRoute.parse(json);
            assertTrue(r.local(), json);
            assertEquals("lo", r.dev());
            assertNull(r.gateway());
            assertEquals(r.destination(), r.prefsrc());
        }
        assertEquals("the kernel's route: local 127.0.0.1 dev lo src 127.0.0.1", KernelRoute.parse(LOOPBACK).how());
    }

    @Test
    void routeMetricsGiveMtuAndAdvmss() {
        KernelRoute lock = KernelRoute.parse(MTU_LOCK);
        assertEquals(1280, lock.mtu());
        assertEquals(0, lock.advmss());
        assertTrue(lock.how().endsWith("dev d0 src 10.7.0.2 mtu 1280"), lock.how());
        KernelRoute both = KernelRoute.parse(MTU_ADVMSS);
        assertEquals(1400, both.mtu());
        assertEquals(1360, both.advmss());
    }

    @Test
    void aQuestionWithFromHasNoPrefsrc() {
        KernelRoute r = KernelRoute.parse(FROM);
        assertNull(r.prefsrc());
        assertEquals("10.7.0.2", String.valueOf(r.from()));
        assertEquals("the kernel's route: 8.8.8.8 from 10.7.0.2 via 10.7.0.1 dev d0", r.how());
    }

    @Test
    void broadcastMulticastAndFlags() {
        assertEquals("broadcast", KernelRoute.parse(BROADCAST).type());
        KernelRoute mc = KernelRoute.parse(MULTICAST);
        assertEquals("multicast", mc.type());
        assertEquals(List.of("rt_offload_failed"), mc.flags());
        assertEquals(KernelRoute.UNICAST, KernelRoute.parse(OIF_LO).type());
    }

    @Test
    void anIpv6NextHopIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelRoute.parse(
                "[{\"dst\":\"10.20.0.1\",\"via\":{\"family\":\"inet6\",\"host\":\"fe80::1\"},\"dev\":\"d0\",\"flags\":[]}]"));
        assertTrue(e.getMessage().contains("IPv6 next hop fe80::1"), e.getMessage());
    }

    @Test
    void notARouteIsRefused() {
        for (String bad : List.of("", "[]", "[{}]", "[{\"dst\":\"1.2.3.4\"}]", "RTNETLINK answers: Network is unreachable", "[1,2]")) {
            assertThrows(IllegalArgumentException.class, () -> KernelRoute.parse(bad), bad);
        }
    }
}
