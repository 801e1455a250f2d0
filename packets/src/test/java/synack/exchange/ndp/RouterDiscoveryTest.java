package synack.exchange.ndp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.exchange.ndp.Peers.HOST;
import static synack.exchange.ndp.Peers.ROUTER_LL;
import static synack.exchange.ndp.Peers.START;
import static synack.exchange.ndp.Peers.US;
import static synack.exchange.ndp.Peers.US_LL;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.link.ReceivedFrame;
import synack.wire.Icmpv6Message;
import synack.wire.Ip6;
import synack.wire.MacAddress;
import synack.wire.NdpOption;

class RouterDiscoveryTest {
    static final MacAddress ROUTER = HOST;
    static final byte[] PREFIX = Ip6.parse("2001:db8:1::");
    static final byte[] DNS = Ip6.parse("2001:db8:1::53");
    static final List<NdpOption> FULL = List.of(
            new NdpOption.Mtu(1500),
            new NdpOption.PrefixInformation(64, true, true, 86_400, 14_400, PREFIX),
            new NdpOption.Rdnss(600, List.of(DNS)));

    // Ether(src="02:00:00:00:00:02",dst="33:33:00:00:00:02")/IPv6(src="fe80::2",dst="ff02::2",hlim=255)
    //   /ICMPv6ND_RS()/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:02")   (scapy 2.5.0: bytes(...).hex())
    static final String RS = "33330000000202000000000286dd6000000000103afffe800000000000000000000000000002ff0200000000000000"
            + "0000000000000285007a2a000000000101020000000002";
    // Ether(src="02:00:00:00:00:02",dst="33:33:00:00:00:02")/IPv6(src="::",dst="ff02::2",hlim=255)/ICMPv6ND_RS()
    static final String RS_UNSPECIFIED = "33330000000202000000000286dd6000000000083aff0000000000000000000000000000000"
            + "0ff02000000000000000000000000000285007bb800000000";

    static Function<ReceivedFrame, List<byte[]>> onSolicitation(List<byte[]> answer) {
        return f -> Peers.is(f.bytes(), Icmpv6Message.ROUTER_SOLICITATION) ? answer : List.of();
    }

    static RouterDiscovery discovery() {
        return new RouterDiscovery(US, US_LL, RouterDiscovery.Settings.rfc4861(), mac -> null);
    }

    @Test
    void theSolicitationsAreWhatScapyBuildsForTheSameFields() {
        assertEquals(RS, HexFormat.of().formatHex(RouterDiscovery.solicitation(US, US_LL)));
        assertEquals(RS_UNSPECIFIED, HexFormat.of().formatHex(RouterDiscovery.solicitation(US, Ip6.unspecified())));
    }

    @Test
    void anAdvertisementWithPrefixMtuAndDnsIsNarratedAndReturned() {
        RouterDiscovery exchange = discovery();
        Peers.Run r = Peers.run(exchange, onSolicitation(List.of(Peers.routerAdvertisement(ROUTER, ROUTER_LL, 1800, FULL))));
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(1, r.frames(Event.Direction.OUT).size(), "the first answer ends the soliciting");
        assertEquals(START + 200 + 500_000, r.result().timeMicros(), "the answer, then the settle window for other routers");

        RouterDiscovery.Router router = exchange.routers().get(0);
        assertArrayEquals(ROUTER_LL, router.address());
        assertEquals(ROUTER, router.mac());
        assertTrue(router.isDefault());
        assertEquals(1800, router.lifetimeSeconds());
        assertEquals(1500L, router.mtu());
        assertEquals(64, router.curHopLimit());
        assertEquals(1, router.prefixes().size());
        assertArrayEquals(PREFIX, router.prefixes().get(0).prefix());
        assertEquals(1, router.dnsServers().get(0).servers().size());
        assertArrayEquals(DNS, router.dnsServers().get(0).servers().get(0));

        assertEquals("fe80::1", r.result().fields().get("default_router"));
        @SuppressWarnings("unchecked")
        Map<String, Object> f = ((List<Map<String, Object>>) r.result().fields().get("routers")).get(0);
        assertEquals("fe80::1", f.get("ip"));
        assertEquals(ROUTER.toString(), f.get("mac"));
        assertEquals(1500L, f.get("mtu"));
        assertEquals(List.of("2001:db8:1::53"), f.get("dns"));
        @SuppressWarnings("unchecked")
        Map<String, Object> p = ((List<Map<String, Object>>) f.get("prefixes")).get(0);
        assertEquals("2001:db8:1::/64", p.get("prefix"));
        assertEquals(true, p.get("on_link"));
        assertEquals(true, p.get("autonomous"));
        assertEquals(86_400L, p.get("valid_s"));

        // told to the user: the prefix, the MTU, the DNS server
        String story = String.join("\n", r.notes());
        assertTrue(story.contains("2001:db8:1::/64") && story.contains("MTU 1500") && story.contains("2001:db8:1::53"), story);
        assertTrue(r.transitions().contains("fe80::1 NONE→STALE"), r.transitions().toString());
    }

    @Test
    void anAdvertisementFromAGlobalAddressIsDroppedWithTheReason() {
        RouterDiscovery exchange = discovery();
        Peers.Run r = Peers.run(exchange, onSolicitation(List.of(Peers.routerAdvertisement(ROUTER, Ip6.parse("2001:db8:1::1"), 1800, FULL))));
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(3, r.remarksIn().size());
        assertTrue(r.remarksIn().get(0).contains("not link-local"), r.remarksIn().get(0));
        assertTrue(exchange.routers().isEmpty());
    }

    @Test
    void lifetimeZeroIsNotADefaultRouter() {
        RouterDiscovery exchange = discovery();
        Peers.Run r = Peers.run(exchange, onSolicitation(List.of(Peers.routerAdvertisement(ROUTER, ROUTER_LL, 0, FULL))));
        assertFalse(exchange.routers().get(0).isDefault());
        assertNull(r.result().fields().get("default_router"));
        @SuppressWarnings("unchecked")
        Map<String, Object> f = ((List<Map<String, Object>>) r.result().fields().get("routers")).get(0);
        assertEquals(false, f.get("default"));
        assertTrue(r.result().lines().get(0).contains("not a default router"), r.result().lines().toString());
    }

    @Test
    void noAdvertisementIsNegativeAfterThreeSolicitations() {
        Peers.Run r = Peers.run(discovery(), f -> List.of());
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(List.of(START, START + 4_000_000, START + 8_000_000),
                r.frames(Event.Direction.OUT).stream().map(Event.Frame::timeMicros).toList());
        assertEquals(START + 8_500_000, r.result().timeMicros(), "MAX_RA_DELAY_TIME after the last (RFC 4861 6.3.7)");
        assertEquals(3, r.result().fields().get("solicitations"));
    }

    @Test
    void aSecondRouterInTheSettleWindowIsLearnedToo() {
        byte[] second = Ip6.parse("fe80::60");
        RouterDiscovery exchange = discovery();
        Peers.Run r = Peers.run(exchange, onSolicitation(List.of(Peers.routerAdvertisement(ROUTER, ROUTER_LL, 1800, FULL),
                Peers.routerAdvertisement(Peers.OTHER, second, 600, List.of()))));
        assertEquals(2, exchange.routers().size());
        assertArrayEquals(second, exchange.routers().get(1).address());
        assertEquals(Verdict.OK, r.result().verdict());
    }

    @Test
    void everyTruncationOfARealAdvertisementIsAnnotatedAndDropped() {
        byte[] whole = Peers.routerAdvertisement(ROUTER, ROUTER_LL, 1800, FULL);
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(whole, length);
            RouterDiscovery exchange = new RouterDiscovery(US, US_LL, new RouterDiscovery.Settings(1, 0, 500_000, 500_000), mac -> null);
            Peers.Run r = Peers.run(exchange, onSolicitation(List.of(cut)));
            assertTrue(exchange.isDone());
            assertEquals(1, r.remarksIn().size(), "length " + length);
            assertTrue(r.remarksIn().get(0).startsWith("dropped"), "length " + length + ": " + r.remarksIn().get(0));
            assertEquals(Verdict.NEGATIVE, r.result().verdict());
        }
    }
}
