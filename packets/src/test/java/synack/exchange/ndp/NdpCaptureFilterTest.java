package synack.exchange.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static synack.exchange.ndp.Peers.HOST;
import static synack.exchange.ndp.Peers.HOST_IP;
import static synack.exchange.ndp.Peers.ROUTER_LL;
import static synack.exchange.ndp.Peers.US;
import static synack.exchange.ndp.Peers.US_IP;
import static synack.exchange.ndp.Peers.US_LL;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.capture.CaptureFilter;
import synack.capture.CaptureFilterException;
import synack.capture.CapturedFrame;
import synack.wire.Frames6;
import synack.wire.Icmpv6Message;
import synack.wire.Ip6;
import synack.wire.Ipv6Packet;
import synack.wire.UdpDatagram;

/** Each exchange's capture filter, compiled and run by libpcap, lets through exactly the NDP messages it reads. */
class NdpCaptureFilterTest {
    static final byte[] NS = NdpResolve.solicitation(US, US_IP, HOST_IP);
    static final byte[] NA = Peers.solicitedAdvertisement(HOST, HOST_IP, false, HOST, US_IP, US);
    static final byte[] RS = RouterDiscovery.solicitation(US, US_LL);
    static final byte[] RA = Peers.routerAdvertisement(HOST, ROUTER_LL, 1800, List.of());
    static final byte[] ECHO = Frames6.ethernet(HOST, US, Ipv6Packet.build(HOST_IP, US_IP, Ipv6Packet.ICMPV6, 64,
            Icmpv6Message.echoRequest(1, 1, new byte[8]).toBytes(HOST_IP, US_IP)));
    // byte 40 of this one is 136 too (its source port's high byte): only "icmp6" keeps it out
    static final byte[] UDP = Frames6.udp(HOST, US, HOST_IP, US_IP, new UdpDatagram(136 << 8, 53, new byte[4], null));
    static final List<byte[]> ALL = List.of(NS, NA, RS, RA, ECHO, UDP);

    static List<Boolean> matches(String expression) throws CaptureFilterException {
        try (CaptureFilter filter = CaptureFilter.compile(expression, synack.wire.LinkType.ETHERNET, 0)) {
            return ALL.stream().map(b -> filter.matches(new CapturedFrame(1, 0, 0, synack.wire.LinkType.ETHERNET, b.length, b))).toList();
        }
    }

    @Test
    void resolveTakesAdvertisementsOnly() throws CaptureFilterException {
        assertEquals(List.of(false, true, false, false, false, false), matches(NdpCaptureFilter.resolve()));
    }

    @Test
    void duplicateAddressProbeTakesSolicitationsAndAdvertisements() throws CaptureFilterException {
        assertEquals(List.of(true, true, false, false, false, false), matches(NdpCaptureFilter.duplicateAddressProbe()));
    }

    @Test
    void routerDiscoveryTakesRouterAdvertisementsOnly() throws CaptureFilterException {
        assertEquals(List.of(false, false, false, true, false, false), matches(NdpCaptureFilter.routerDiscovery()));
    }
}
