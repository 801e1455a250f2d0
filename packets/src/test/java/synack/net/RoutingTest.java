package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/** The route decision fed the kernel's canned answers (KernelRouteTest's captures). */
class RoutingTest {
    static final LocalInterface C0 = new LocalInterface("c0", MacAddress.parse("1a:a8:1d:71:1b:de"),
            List.of(new LocalInterface.Address(Ip4.parse("198.18.1.2"), 24)), true, 1500);
    static final LocalInterface D0 = new LocalInterface("d0", MacAddress.parse("02:00:00:00:00:d0"),
            List.of(new LocalInterface.Address(Ip4.parse("10.7.0.2"), 24)), true, 1500);
    static final LocalInterface LO = new LocalInterface("lo", MacAddress.ZERO,
            List.of(new LocalInterface.Address(Ip4.parse("127.0.0.1"), 8)), true, 65536, true);
    static final LocalInterface E9 = new LocalInterface("e9", MacAddress.parse("02:00:00:00:00:e9"), List.of(), false, 1500);

    /** Answers questions from canned JSON by destination; records each question as ip would be asked it. */
    static final class Canned implements RouteSource {
        final Map<String, String> answers = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Canned answer(String dst, String json) {
            answers.put(dst, json);
            return this;
        }

        @Override
        public KernelRoute get(IpAddress destination, IpAddress from, String oif) {
            asked.add(IpRouteGet.question(destination, from, oif));
            String json = answers.get(destination.toString());
            if (json == null) {
                throw IpRouteGet.noRoute(destination, from, oif, "RTNETLINK answers: Network is unreachable\n");
            }
            return KernelRoute.parse(json);
        }
    }

    static LocalInterface byName(String name) {
        return switch (name) {
            case "c0" -> C0;
            case "d0" -> D0;
            case "lo" -> LO;
            case "e9" -> E9;
            default -> throw new EnvironmentException("no such interface: " + name);
        };
    }

    static Canned lab() {
        return new Canned().answer("198.18.2.2", KernelRouteTest.GATEWAY).answer("198.18.1.1", KernelRouteTest.ON_LINK)
                .answer("198.18.1.2", KernelRouteTest.OWN).answer("127.0.0.1", KernelRouteTest.LOOPBACK)
                .answer("10.8.1.1", KernelRouteTest.MTU_LOCK).answer("10.9.1.1", KernelRouteTest.MTU_ADVMSS)
                .answer("198.18.1.255", KernelRouteTest.BROADCAST).answer("224.0.0.1", KernelRouteTest.MULTICAST);
    }

    static Routing routing(RouteSource source) {
        return new Routing(source, RoutingTest::byName, a -> !a.ipv6() && held(a.v4()));
    }

    private static boolean held(int ip) {
        return ip == Ip4.parse("198.18.1.2") || ip == Ip4.parse("10.7.0.2") || (ip >>> 24) == 127;
    }

    static Route resolve(Canned c, String dst) {
        return routing(c).resolve(Ip4.parse(dst), null, null);
    }

    @Test
    void aGatewayRouteArpsTheGateway() {
        Route r = resolve(lab(), "198.18.2.2");
        assertEquals(C0, r.via());
        assertEquals("198.18.1.2", Ip4.toString(r.source()));
        assertEquals("198.18.1.1", Ip4.toString(r.nextHop()));
        assertFalse(r.onLink());
        assertEquals(Route.Type.UNICAST, r.type());
        assertTrue(r.needsArp());
        assertNull(r.nextHopMac());
        assertEquals(1500, r.mtu());
        assertEquals(1460, r.mss());
        assertEquals("via c0 (198.18.1.2, 1a:a8:1d:71:1b:de), next hop 198.18.1.1", r.describe());
        assertEquals("the kernel's route: 198.18.2.2 via 198.18.1.1 dev c0 src 198.18.1.2", r.how());
    }

    @Test
    void anOnLinkRouteArpsTheDestination() {
        Route r = resolve(lab(), "198.18.1.1");
        assertTrue(r.onLink());
        assertEquals(r.destination(), r.nextHop());
        assertEquals("via c0 (198.18.1.2, 1a:a8:1d:71:1b:de), on-link", r.describe());
    }

    @Test
    void loopbackGoesThroughLoWithZeroMacsAndNoArp() {
        Route r = resolve(lab(), "127.0.0.1");
        assertEquals(LO, r.via());
        assertTrue(r.local());
        assertTrue(r.loopback());
        assertFalse(r.needsArp());
        assertEquals(MacAddress.ZERO, r.nextHopMac());
        assertEquals("127.0.0.1", Ip4.toString(r.source()));
        assertEquals(65536, r.mtu());
        assertEquals(65495, r.mss(), "Linux's cap: 65535 - 40");
        assertEquals("via lo (127.0.0.1, 00:00:00:00:00:00), local, mtu 65536", r.describe());
    }

    @Test
    void ourOwnAddressIsLocalThroughLoNotRefused() {
        Route r = resolve(lab(), "198.18.1.2");
        assertEquals("lo", r.via().name());
        assertTrue(r.local());
        assertEquals("198.18.1.2", Ip4.toString(r.source()));
        assertEquals("198.18.1.2", Ip4.toString(r.nextHop()));
        assertEquals(MacAddress.ZERO, r.nextHopMac());
    }

    @Test
    void aRouteMtuBeatsTheInterfacesAndSetsTheMss() {
        Canned c = lab();
        Route lock = resolve(c, "10.8.1.1");
        assertEquals(D0, lock.via());
        assertEquals(1280, lock.mtu());
        assertEquals(1240, lock.mss());
        assertEquals("via d0 (10.7.0.2, 02:00:00:00:00:d0), next hop 10.7.0.1, mtu 1280", lock.describe());
        Route advmss = resolve(c, "10.9.1.1");
        assertEquals(1400, advmss.mtu());
        assertEquals(1360, advmss.mss(), "the route's advmss is what the kernel advertises");
    }

    @Test
    void broadcastAndMulticastNeedNoArp() {
        Route b = resolve(lab(), "198.18.1.255");
        assertEquals(Route.Type.BROADCAST, b.type());
        assertEquals(MacAddress.BROADCAST, b.nextHopMac());
        assertTrue(b.describe().endsWith(", broadcast"), b.describe());
        Route m = resolve(lab(), "224.0.0.1");
        assertEquals(MacAddress.parse("01:00:5e:00:00:01"), m.nextHopMac());
    }

    @Test
    void noRouteIsTheKernelsWordsInOneLine() {
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> resolve(lab(), "10.10.1.1"));
        assertEquals("no route to 10.10.1.1: the kernel says Network is unreachable (see: ip route get 10.10.1.1;"
                + " or choose an interface with -i)", e.getMessage());
    }

    @Test
    void ourOwnSourceIsAskedAboutWithFrom() {
        Canned c = new Canned().answer("8.8.8.8", KernelRouteTest.FROM);
        Route r = routing(c).resolve(Ip4.parse("8.8.8.8"), null, Ip4.parse("10.7.0.2"));
        assertEquals(List.of("route get 8.8.8.8 from 10.7.0.2"), c.asked);
        assertEquals("10.7.0.2", Ip4.toString(r.source()), "no prefsrc in the answer: the source is the one asked");
        assertEquals("10.7.0.1", Ip4.toString(r.nextHop()));
    }

    @Test
    void aSourceNoInterfaceHoldsIsUsedOnTheKernelsOwnRoute() {
        Canned c = lab();
        Route r = routing(c).resolve(Ip4.parse("198.18.2.2"), null, Ip4.parse("198.18.1.99"));
        assertEquals(List.of("route get 198.18.2.2"), c.asked, "the kernel refuses 'from' an address it does not hold");
        assertEquals("198.18.1.99", Ip4.toString(r.source()));
        assertTrue(r.how().endsWith("; -S 198.18.1.99 is no address of this host, so this is the route for the kernel's own source"),
                r.how());
    }

    @Test
    void anInterfaceBecomesOifAndMustBeUp() {
        Canned c = lab();
        routing(c).resolve(Ip4.parse("198.18.2.2"), "c0", null);
        assertEquals(List.of("route get 198.18.2.2 oif c0"), c.asked);
        EnvironmentException down = assertThrows(EnvironmentException.class,
                () -> routing(c).resolve(Ip4.parse("198.18.2.2"), "e9", null));
        assertTrue(down.getMessage().startsWith("interface e9 is down"), down.getMessage());
        assertThrows(EnvironmentException.class, () -> routing(c).resolve(Ip4.parse("198.18.2.2"), "nope0", null));
        assertEquals(1, c.asked.size(), "nothing asked for an interface that is down or missing");
    }

    @Test
    void resolveAllKeepsTheOrderAndReadsEachInterfaceOnce() {
        int[] reads = {0};
        Routing r = new Routing(lab(), n -> {
            reads[0]++;
            return byName(n);
        }, ip -> false);
        List<Route> routes = r.resolveAll(List.of(Ip4.parse("198.18.2.2"), Ip4.parse("198.18.1.1"), Ip4.parse("127.0.0.1")), null, null);
        assertEquals(List.of("c0", "c0", "lo"), routes.stream().map(x -> x.via().name()).toList());
        assertEquals(2, reads[0]);
    }

    @Test
    void mssForCapsAt65495() {
        assertEquals(1460, Route.mssFor(1500));
        assertEquals(1240, Route.mssFor(1280));
        assertEquals(65495, Route.mssFor(65536));
        assertEquals(65495, Route.mssFor(65535));
        assertEquals(Route.MAX_MSS, Route.mssFor(1 << 20));
    }

    @Test
    void aRouteKnownAlreadyIsNotAskedAgainAndEveryOtherQuestionIs() {
        Canned c = lab();
        IpAddress server = IpAddress.of(Ip4.parse("198.18.2.2"));
        KernelRoute asked = routing(c).ask(server); // what a one-liner's warm-up asks while the command line is parsed
        assertEquals(List.of("route get 198.18.2.2"), c.asked);
        Routing knowing = routing(c).knowing(server, asked);

        Route r = knowing.resolve(server, null, null);
        assertEquals(List.of("route get 198.18.2.2"), c.asked, "the known answer, not a second ip process");
        assertEquals(resolve(lab(), "198.18.2.2").toString(), r.toString(), "the same route as asking the kernel now");

        knowing.resolve(server, "c0", null); // -i: another question
        knowing.resolve(server, null, IpAddress.of(Ip4.parse("198.18.1.2"))); // -S: another question
        knowing.resolve(IpAddress.of(Ip4.parse("198.18.1.1")), null, null); // another destination
        assertEquals(List.of("route get 198.18.2.2", "route get 198.18.2.2 oif c0", "route get 198.18.2.2 from 198.18.1.2",
                "route get 198.18.1.1"), c.asked);
    }
}
