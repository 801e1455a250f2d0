package synack.exchange.ndp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.exchange.ndp.Peers.HOST;
import static synack.exchange.ndp.Peers.HOST_IP;
import static synack.exchange.ndp.Peers.OTHER;
import static synack.exchange.ndp.Peers.START;
import static synack.exchange.ndp.Peers.US;
import static synack.exchange.ndp.Peers.US_IP;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.arp.ArpResolve;
import synack.exchange.arp.NeighbourState;
import synack.link.ReceivedFrame;
import synack.wire.Icmpv6Message;
import synack.wire.Ip6;
import synack.wire.Ipv6Packet;
import synack.wire.NdpMessage;
import synack.wire.NdpOption;

class NdpResolveTest {
    /** RFC 4861's timing without the settle window: the run ends at the answer. */
    static final ArpResolve.Settings RFC = new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0);

    /** A peer that answers the n-th solicitation for HOST_IP (and later ones) with {@code answer}. */
    static Function<ReceivedFrame, List<byte[]>> answersFrom(int n, Function<byte[], List<byte[]>> answer) {
        AtomicInteger seen = new AtomicInteger();
        return f -> {
            if (!Peers.is(f.bytes(), Icmpv6Message.NEIGHBOR_SOLICITATION)) {
                return List.of();
            }
            NdpMessage ns = Peers.ndp(f.bytes());
            if (!java.util.Arrays.equals(((NdpMessage.NeighborSolicitation) ns.body()).target(), HOST_IP)) {
                return List.of();
            }
            return seen.incrementAndGet() >= n ? answer.apply(f.bytes()) : List.of();
        };
    }

    /** The kernel's answer: unicast to the asker's address and MAC (from its source link-layer option). */
    static List<byte[]> kernelAnswer(byte[] ns, boolean router) {
        NdpMessage m = Peers.ndp(ns);
        return List.of(Peers.solicitedAdvertisement(HOST, HOST_IP, router, HOST, Peers.ip(ns).source(), m.sourceLinkLayer()));
    }

    static NdpResolve resolve(ArpResolve.Settings settings) {
        return new NdpResolve(US, US_IP, List.of(HOST_IP), settings, mac -> null, false);
    }

    // Ether(src="02:00:00:00:00:02",dst="33:33:ff:00:00:01")/IPv6(src="2001:db8:1::2",dst="ff02::1:ff00:1",hlim=255)
    //   /ICMPv6ND_NS(tgt="2001:db8:1::1")/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:02")   (scapy 2.5.0: bytes(...).hex())
    static final String NS = "3333ff00000102000000000286dd6000000000203aff20010db8000100000000000000000002ff0200000000000000000001"
            + "ff00000187001c250000000020010db80001000000000000000000010101020000000002";

    @Test
    void theSolicitationIsWhatScapyBuildsForTheSameFields() {
        assertEquals(NS, HexFormat.of().formatHex(NdpResolve.solicitation(US, US_IP, HOST_IP)));
    }

    @Test
    void theFrameSentIsTheSolicitationToTheSolicitedNodeGroupWithHopLimit255() {
        Peers.Run r = Peers.run(resolve(RFC), answersFrom(1, ns -> kernelAnswer(ns, false)));
        byte[] sent = r.frames(Event.Direction.OUT).get(0).bytes();
        assertEquals(NS, HexFormat.of().formatHex(sent));
        Ipv6Packet ip = Peers.ip(sent);
        assertEquals(255, ip.hopLimit());
        assertEquals("ff02::1:ff00:1", Ip6.toString(ip.destination()));
        assertEquals(US, Peers.ndp(sent).sourceLinkLayer());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void answeredAtTheNthSolicitationIsReachable(int n) {
        NdpResolve exchange = resolve(RFC);
        Peers.Run r = Peers.run(exchange, answersFrom(n, ns -> kernelAnswer(ns, false)));
        assertEquals(Verdict.OK, r.result().verdict(), r.events().toString());
        assertEquals(List.of("2001:db8:1::1 NONE→INCOMPLETE", "2001:db8:1::1 INCOMPLETE→REACHABLE"), r.transitions());
        assertEquals(n, r.frames(Event.Direction.OUT).size());
        NdpResolve.Entry e = exchange.entry(HOST_IP);
        assertEquals(NeighbourState.REACHABLE, e.state());
        assertEquals(HOST, e.mac());
        assertEquals(n, e.requests());
        assertEquals(200, e.rttMicros(), "from the latest solicitation: two link latencies");
        assertEquals(n > 1, e.rttAmbiguous());
        assertEquals((n - 1) * 1_000_000L + 200, e.rttFromFirstMicros());
        @SuppressWarnings("unchecked")
        Map<String, Object> a = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals("2001:db8:1::1", a.get("ip"));
        assertEquals(HOST.toString(), a.get("mac"));
        assertEquals("REACHABLE", a.get("state"));
        assertEquals(0.2, a.get("rtt_ms"));
        assertEquals(n, a.get("requests"));
    }

    @Test
    void neverAnsweredIsFailedAfterThreeSolicitationsASecondApartAndTheLastSecond() {
        NdpResolve exchange = resolve(RFC);
        Peers.Run r = Peers.run(exchange, f -> List.of());
        assertEquals(List.of("2001:db8:1::1 NONE→INCOMPLETE", "2001:db8:1::1 INCOMPLETE→FAILED"), r.transitions());
        List<Event.Frame> out = r.frames(Event.Direction.OUT);
        assertEquals(3, out.size());
        assertEquals(List.of(START, START + 1_000_000, START + 2_000_000), out.stream().map(Event.Frame::timeMicros).toList());
        assertEquals(START + 3_000_000, r.result().timeMicros());
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(List.of("2001:db8:1::1"), r.result().fields().get("failed"));
        assertEquals(NeighbourState.FAILED, exchange.entry(HOST_IP).state());
    }

    @Test
    void theDefaultsAreRfc4861s() {
        ArpResolve.Settings s = NdpResolve.rfc4861();
        assertEquals(3, s.count());
        assertEquals(1_000_000, s.intervalMicros());
        assertEquals(1_000_000, s.timeoutMicros());
    }

    @Test
    void anAdvertisementWithHopLimit64IsAnnotatedAndDropped() {
        NdpResolve exchange = resolve(RFC);
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> List.of(Peers.withHopLimit(64, HOST, US, HOST_IP, US_IP,
                new NdpMessage.NeighborAdvertisement(false, true, true, HOST_IP), List.of(new NdpOption.TargetLinkLayer(HOST))))));
        assertEquals(3, r.remarksIn().size(), "each of the three answers is told");
        assertTrue(r.remarksIn().get(0).contains("hop limit 64"), r.remarksIn().get(0));
        assertTrue(r.remarksIn().get(0).startsWith("dropped"), r.remarksIn().get(0));
        assertEquals(NeighbourState.FAILED, exchange.entry(HOST_IP).state());
        assertNull(exchange.entry(HOST_IP).mac());
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void anUnsolicitedAdvertisementMakesTheEntryStaleUntilASolicitedOneConfirmsIt() {
        NdpResolve exchange = resolve(RFC);
        AtomicInteger seen = new AtomicInteger();
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> seen.incrementAndGet() == 1
                ? List.of(Peers.announcement(HOST, HOST_IP)) : kernelAnswer(ns, false)));
        assertEquals(List.of("2001:db8:1::1 NONE→INCOMPLETE", "2001:db8:1::1 INCOMPLETE→STALE",
                "2001:db8:1::1 STALE→REACHABLE"), r.transitions());
        assertEquals(2, r.frames(Event.Direction.OUT).size(), "a STALE entry is solicited again");
        assertEquals(Verdict.OK, r.result().verdict());
    }

    @Test
    void onlyAnnouncedStaysStaleAndIsNotAConfirmation() {
        NdpResolve exchange = resolve(RFC);
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> List.of(Peers.announcement(HOST, HOST_IP))));
        assertEquals(NeighbourState.STALE, exchange.entry(HOST_IP).state());
        assertEquals(HOST, exchange.entry(HOST_IP).mac());
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        @SuppressWarnings("unchecked")
        Map<String, Object> a = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals("STALE", a.get("state"));
        assertNull(a.get("rtt_ms"));
    }

    @Test
    void anAdvertisementWithoutTheTargetLinkLayerOptionLeavesTheEntryIncomplete() {
        NdpResolve exchange = resolve(RFC);
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> List.of(Peers.solicitedAdvertisement(HOST, HOST_IP, false,
                null, US_IP, US))));
        assertEquals(List.of("2001:db8:1::1 NONE→INCOMPLETE", "2001:db8:1::1 INCOMPLETE→FAILED"), r.transitions());
        assertEquals(3, exchange.entry(HOST_IP).withoutLinkLayer());
        assertTrue(r.remarksIn().get(0).contains("stays INCOMPLETE"), r.remarksIn().get(0));
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void twoMacsAdvertisingTheAddressAreAConflict() {
        NdpResolve exchange = resolve(new ArpResolve.Settings(3, 1_000_000, 1_000_000, 0, ArpResolve.Settings.WHOLE_WINDOW));
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> List.of(kernelAnswer(ns, false).get(0),
                Peers.solicitedAdvertisement(OTHER, HOST_IP, false, OTHER, US_IP, US))));
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(List.of(OTHER), exchange.entry(HOST_IP).conflicting());
        assertEquals(List.of("2001:db8:1::1"), r.result().fields().get("conflicts"));
        @SuppressWarnings("unchecked")
        Map<String, Object> a = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals(List.of(HOST.toString(), OTHER.toString()), a.get("macs"));
        assertEquals(1, r.frames(Event.Direction.OUT).size(), "a resolved address is not solicited again");
    }

    @Test
    void theRouterFlagIsReported() {
        NdpResolve exchange = resolve(RFC);
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> kernelAnswer(ns, true)));
        assertTrue(exchange.entry(HOST_IP).router());
        @SuppressWarnings("unchecked")
        Map<String, Object> a = ((List<Map<String, Object>>) r.result().fields().get("answered")).get(0);
        assertEquals(true, a.get("router"));
        assertTrue(r.result().lines().get(0).contains("router"), r.result().lines().toString());
    }

    @Test
    void aHostIsNotReportedAsARouter() {
        NdpResolve exchange = resolve(RFC);
        Peers.run(exchange, answersFrom(1, ns -> kernelAnswer(ns, false)));
        assertFalse(exchange.entry(HOST_IP).router());
    }

    @Test
    void everyTruncationOfARealAdvertisementIsAnnotatedAndDropped() {
        byte[] whole = Peers.solicitedAdvertisement(HOST, HOST_IP, false, HOST, US_IP, US);
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(whole, length);
            NdpResolve exchange = resolve(new ArpResolve.Settings(1, 1_000_000, 1_000_000, 0));
            Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> List.of(cut)));
            assertTrue(exchange.isDone());
            assertEquals(1, r.remarksIn().size(), "length " + length);
            assertTrue(r.remarksIn().get(0).startsWith("dropped"), "length " + length + ": " + r.remarksIn().get(0));
            assertEquals(NeighbourState.FAILED, exchange.entry(HOST_IP).state(), "length " + length);
        }
    }

    @Test
    void aBrokenOptionIsAnnotatedAndDropped() {
        byte[] na = Peers.solicitedAdvertisement(HOST, HOST_IP, false, HOST, US_IP, US);
        na[14 + 40 + 24 + 1] = 0; // the target link-layer option's length: 0 is malformed (RFC 4861 4.6)
        NdpResolve exchange = resolve(new ArpResolve.Settings(1, 1_000_000, 1_000_000, 0));
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> List.of(na)));
        assertTrue(r.remarksIn().get(0).startsWith("dropped"), r.remarksIn().get(0));
        assertEquals(NeighbourState.FAILED, exchange.entry(HOST_IP).state());
    }

    @Test
    void aSweepResolvesEachTargetAndFailsTheSilentOne() {
        byte[] nobody = Ip6.parse("2001:db8:1::77");
        NdpResolve exchange = new NdpResolve(US, US_IP, List.of(HOST_IP, nobody), new ArpResolve.Settings(2, 200_000, 300_000, 500),
                mac -> null, true);
        Peers.Run r = Peers.run(exchange, answersFrom(1, ns -> kernelAnswer(ns, false)));
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(NeighbourState.REACHABLE, exchange.entry(HOST_IP).state());
        assertEquals(NeighbourState.FAILED, exchange.entry(nobody).state());
        assertEquals(3, r.frames(Event.Direction.OUT).size(), "round 2 asks only the silent one");
        assertArrayEquals(nobody, exchange.entry(nobody).ip());
    }
}
