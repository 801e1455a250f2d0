package synack.exchange.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.exchange.ndp.Peers.HOST;
import static synack.exchange.ndp.Peers.OTHER;
import static synack.exchange.ndp.Peers.START;
import static synack.exchange.ndp.Peers.US;

import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.link.ReceivedFrame;
import synack.wire.Icmpv6Message;
import synack.wire.Ip6;
import synack.wire.Ipv6Packet;
import synack.wire.NdpMessage;

class DuplicateAddressProbeTest {
    static final byte[] TENTATIVE = Ip6.parse("2001:db8:1::9");

    // Ether(src="02:00:00:00:00:02",dst="33:33:ff:00:00:09")/IPv6(src="::",dst="ff02::1:ff00:9",hlim=255)
    //   /ICMPv6ND_NS(tgt="2001:db8:1::9")   (scapy 2.5.0: bytes(...).hex())
    static final String PROBE = "3333ff00000902000000000286dd6000000000183aff00000000000000000000000000000000ff02000000000000"
            + "00000001ff00000987004cdc0000000020010db8000100000000000000000009";

    static Peers.Run probe(Function<ReceivedFrame, List<byte[]>> link) {
        return Peers.run(new DuplicateAddressProbe(US, TENTATIVE, DuplicateAddressProbe.Settings.rfc4862()), link);
    }

    /** Answers our probe for the tentative address with {@code answer}. */
    static Function<ReceivedFrame, List<byte[]>> onProbe(List<byte[]> answer) {
        return f -> Peers.is(f.bytes(), Icmpv6Message.NEIGHBOR_SOLICITATION) ? answer : List.of();
    }

    @Test
    void theProbeIsWhatScapyBuildsForTheSameFields() {
        assertEquals(PROBE, HexFormat.of().formatHex(DuplicateAddressProbe.probe(US, TENTATIVE)));
        NdpMessage m = Peers.ndp(DuplicateAddressProbe.probe(US, TENTATIVE));
        assertNull(m.sourceLinkLayer(), "no source link-layer option from ::");
        assertTrue(m.isValid());
    }

    @Test
    void silenceForTheWindowMeansFree() {
        Peers.Run r = probe(f -> List.of());
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(List.of("2001:db8:1::9 NONE→TENTATIVE", "2001:db8:1::9 TENTATIVE→PREFERRED"), r.transitions());
        assertEquals(1, r.frames(Event.Direction.OUT).size(), "DupAddrDetectTransmits = 1");
        assertEquals(START + 1_000_000, r.result().timeMicros(), "RetransTimer after the probe");
        assertEquals("free", r.result().fields().get("state"));
        assertNull(r.result().fields().get("holder"));
        Ipv6Packet sent = Peers.ip(r.frames(Event.Direction.OUT).get(0).bytes());
        assertTrue(Ip6.isUnspecified(sent.source()));
        assertEquals("ff02::1:ff00:9", Ip6.toString(sent.destination()));
    }

    @Test
    void countProbesIntervalApart() {
        Peers.Run r = Peers.run(new DuplicateAddressProbe(US, TENTATIVE, new DuplicateAddressProbe.Settings(3, 500_000)), f -> List.of());
        assertEquals(List.of(START, START + 500_000, START + 1_000_000),
                r.frames(Event.Direction.OUT).stream().map(Event.Frame::timeMicros).toList());
        assertEquals(START + 1_500_000, r.result().timeMicros());
        assertEquals(Verdict.OK, r.result().verdict());
    }

    @Test
    void anAdvertisementForTheAddressMeansInUseByItsHolder() {
        DuplicateAddressProbe exchange = new DuplicateAddressProbe(US, TENTATIVE, DuplicateAddressProbe.Settings.rfc4862());
        Peers.Run r = Peers.run(exchange, onProbe(List.of(Peers.announcement(HOST, TENTATIVE))));
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(List.of("2001:db8:1::9 NONE→TENTATIVE", "2001:db8:1::9 TENTATIVE→DUPLICATE"), r.transitions());
        assertEquals("in-use", r.result().fields().get("state"));
        assertEquals(HOST.toString(), r.result().fields().get("holder"));
        assertEquals(HOST, exchange.holder());
        assertEquals(DuplicateAddressProbe.State.DUPLICATE, exchange.state());
    }

    @Test
    void anotherHostProbingForTheSameAddressMeansInUse() {
        Peers.Run r = probe(onProbe(List.of(DuplicateAddressProbe.probe(OTHER, TENTATIVE))));
        assertEquals(Verdict.NEGATIVE, r.result().verdict());
        assertEquals(OTHER.toString(), r.result().fields().get("holder"));
    }

    @Test
    void ourOwnProbeLoopedBackIsNoConflict() {
        Peers.Run r = probe(f -> List.of(f.bytes()));
        assertEquals(Verdict.OK, r.result().verdict(), r.events().toString());
        assertEquals("free", r.result().fields().get("state"));
    }

    @Test
    void someoneResolvingTheAddressIsNoConflict() {
        // RFC 4862 5.4.3: a solicitation from a unicast source is address resolution, not a probe
        Peers.Run r = probe(onProbe(List.of(Peers.solicitation(OTHER, Ip6.parse("2001:db8:1::60"), TENTATIVE))));
        assertEquals(Verdict.OK, r.result().verdict());
        assertEquals(1, r.remarksIn().size(), "told, not taken");
    }

    @Test
    void anInvalidAdvertisementIsDroppedAndTheAddressStaysFree() {
        byte[] na = Peers.withHopLimit(64, HOST, Ip6.multicastMac(Ip6.allNodes()), TENTATIVE, Ip6.allNodes(),
                new NdpMessage.NeighborAdvertisement(false, false, true, TENTATIVE), List.of());
        Peers.Run r = probe(onProbe(List.of(na)));
        assertEquals(Verdict.OK, r.result().verdict());
        assertTrue(r.remarksIn().get(0).contains("hop limit 64"), r.remarksIn().get(0));
    }
}
