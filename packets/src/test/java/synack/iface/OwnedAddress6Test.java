package synack.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.EthernetFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.NdpMessage;
import synack.wire.NdpOption;

/** An IPv6 -S no interface holds: the intake answers the solicitations for it, as ARP for an IPv4 one, and nothing else. */
class OwnedAddress6Test {
    static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress OWNED = IpAddress.parse("2001:db8:1::9");
    static final byte[] ROUTER_LL = Ip6.parse("fe80::1");

    private final VirtualClock clock = new VirtualClock(1_700_000_000_000_000L);
    private final MemoryLink[] wire = MemoryLink.pair(clock, 100);
    private final Interface iface = new Interface(wire[1], 1500, clock);

    ReceivedFrame deliver(byte[] frame) throws IOException {
        wire[0].send(frame);
        return iface.receive(clock.nowMicros() + 1_000);
    }

    /** The router's solicitation: to the target's solicited-node group, or unicast (the PROBE of RFC 4861 7.3.3). */
    static byte[] solicitation(byte[] target, boolean unicast) {
        byte[] ns = unicast ? NdpMessage.neighborSolicitation(ROUTER_LL, target, target, ROUTER)
                : NdpMessage.neighborSolicitation(ROUTER_LL, target, ROUTER);
        return unicast ? Frames6.ethernet(ROUTER, OURS, ns) : Frames6.toMulticast(ROUTER, ns);
    }

    @Test
    void aSolicitationForOurAddressIsAnsweredWithASolicitedAdvertisement() throws Exception {
        iface.answerNeighbourSolicitationsFor(OWNED, OURS);
        for (boolean unicast : new boolean[] {false, true}) {
            assertNull(deliver(solicitation(OWNED.bytes(), unicast)), "the exchange does not see it");
            ReceivedFrame sent = wire[0].receive(clock.nowMicros() + 1_000);
            assertNotNull(sent, "an advertisement went out");
            EthernetFrame eth = EthernetFrame.parse(sent.bytes());
            assertEquals(ROUTER, eth.destination(), "unicast to the asker's link-layer address");
            Ipv6Packet ip = Ipv6Packet.parse(eth.payload());
            assertEquals(OWNED, IpAddress.of(ip.source()));
            assertEquals(IpAddress.of(ROUTER_LL), IpAddress.of(ip.destination()));
            NdpMessage na = NdpMessage.parse(ip);
            assertTrue(na.violations().isEmpty(), na.violations().toString());
            NdpMessage.NeighborAdvertisement body = (NdpMessage.NeighborAdvertisement) na.body();
            assertTrue(body.solicited() && body.override() && !body.router());
            assertEquals(OWNED, IpAddress.of(body.target()));
            assertEquals(List.of(new NdpOption.TargetLinkLayer(OURS)), na.options());
            List<Event> told = iface.takeTold();
            assertEquals(2, told.size(), "the question and our answer are told");
            assertEquals(Event.Direction.OUT, ((Event.Frame) told.get(1)).direction());
        }
    }

    @Test
    void otherSolicitationsAndDuplicateAddressProbesArePassedOn() throws Exception {
        iface.answerNeighbourSolicitationsFor(OWNED, OURS);
        assertNotNull(deliver(solicitation(Ip6.parse("2001:db8:1::2"), false)), "a solicitation for another address");
        // someone else's duplicate-address detection for it: not ours to deny (RFC 4862 5.4.3 is the owner's)
        assertNotNull(deliver(Frames6.toMulticast(ROUTER, NdpMessage.duplicateAddressProbe(OWNED.bytes()))));
        assertNull(wire[0].receive(clock.nowMicros() + 1_000), "nothing sent");
    }

    @Test
    void withoutAnOwnedAddressNothingIsAnswered() throws Exception {
        assertNotNull(deliver(solicitation(OWNED.bytes(), false)));
        assertNull(wire[0].receive(clock.nowMicros() + 1_000));
    }
}
