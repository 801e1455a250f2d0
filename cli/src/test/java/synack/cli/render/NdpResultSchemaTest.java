package synack.cli.render;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import synack.exchange.Exchange;
import synack.exchange.Runner;
import synack.exchange.arp.ArpResolve;
import synack.exchange.ndp.DuplicateAddressProbe;
import synack.exchange.ndp.NdpResolve;
import synack.exchange.ndp.RouterDiscovery;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.EthernetFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.NdpMessage;
import synack.wire.NdpOption;

/** The NDP exchanges' JSON lines (neighbour resolution, DAD, router discovery) against docs/events.schema.json. */
class NdpResultSchemaTest {
    static final long START = 1_700_000_000_000_000L;
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress PEER = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:60");
    static final byte[] US_IP = Ip6.parse("2001:db8:1::2");
    static final byte[] HOST = Ip6.parse("2001:db8:1::1");
    static final byte[] STALE = Ip6.parse("2001:db8:1::5");
    static final byte[] ROUTER = Ip6.parse("fe80::1");

    static String run(Exchange exchange, Function<ReceivedFrame, List<byte[]>> peer) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(peer);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JsonRenderer json = new JsonRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), "arp-resolve", START);
        new Runner(wire[0], clock, json).run(exchange, () -> clock.nowMicros() > START + 60_000_000L);
        return b.toString(StandardCharsets.UTF_8);
    }

    /** The link: HOST answers (twice, from two MACs), STALE only announces itself, the router advertises, TAKEN is defended. */
    static List<byte[]> peer(ReceivedFrame f) {
        try {
            Ipv6Packet ip = Ipv6Packet.parse(EthernetFrame.parse(f.bytes()).payload());
            NdpMessage m = NdpMessage.parse(ip);
            if (m.body() instanceof NdpMessage.NeighborSolicitation ns) {
                if (java.util.Arrays.equals(ns.target(), HOST)) {
                    return List.of(na(PEER, HOST, true), na(OTHER, HOST, true));
                }
                if (java.util.Arrays.equals(ns.target(), STALE) || Ip6.isUnspecified(ip.source())) {
                    return List.of(Frames6.toMulticast(PEER, NdpMessage.neighborAdvertisement(ns.target(), Ip6.allNodes(),
                            ns.target(), false, false, true, PEER)));
                }
            }
            if (m.body() instanceof NdpMessage.RouterSolicitation) {
                return List.of(Frames6.toMulticast(PEER, NdpMessage.packet(ROUTER, Ip6.allNodes(),
                        new NdpMessage.RouterAdvertisement(64, false, true, 1800, 0, 0),
                        List.of(new NdpOption.SourceLinkLayer(PEER), new NdpOption.Mtu(1500),
                                new NdpOption.PrefixInformation(64, true, true, 0xffffffffL, 14400, Ip6.parse("2001:db8:1::")),
                                new NdpOption.Rdnss(600, List.of(Ip6.parse("2001:db8:1::53")))))));
            }
        } catch (synack.wire.MalformedFrameException e) {
            throw new AssertionError(e);
        }
        return List.of();
    }

    static byte[] na(MacAddress from, byte[] target, boolean router) {
        return Frames6.ethernet(from, US, NdpMessage.neighborAdvertisement(target, US_IP, target, router, true, true, from));
    }

    @Test
    void everyNdpResultMatchesTheSchema() {
        String resolve = run(new NdpResolve(US, US_IP, List.of(HOST, STALE, Ip6.parse("2001:db8:1::77")),
                new ArpResolve.Settings(2, 1_000_000, 1_000_000, 0, ArpResolve.Settings.WHOLE_WINDOW), m -> null, false), NdpResultSchemaTest::peer);
        EventSchema.assertEveryLineValid(resolve);
        String sweep = run(new NdpResolve(US, US_IP, List.of(HOST), NdpResolve.rfc4861(), m -> null, true), NdpResultSchemaTest::peer);
        EventSchema.assertEveryLineValid(sweep);
        String taken = run(new DuplicateAddressProbe(US, Ip6.parse("2001:db8:1::9"), DuplicateAddressProbe.Settings.rfc4862()),
                NdpResultSchemaTest::peer);
        EventSchema.assertEveryLineValid(taken);
        EventSchema.assertEveryLineValid(run(new DuplicateAddressProbe(US, Ip6.parse("2001:db8:1::9"),
                DuplicateAddressProbe.Settings.rfc4862()), f -> List.of()));
        String routers = run(new RouterDiscovery(US, Ip6.parse("fe80::2"), RouterDiscovery.Settings.rfc4861(), m -> null),
                NdpResultSchemaTest::peer);
        EventSchema.assertEveryLineValid(routers);
        EventSchema.assertEveryLineValid(run(new RouterDiscovery(US, Ip6.unspecified(), RouterDiscovery.Settings.rfc4861(),
                m -> null), f -> List.of()));
    }
}
