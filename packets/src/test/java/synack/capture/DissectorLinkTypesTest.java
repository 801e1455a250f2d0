package synack.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import synack.wire.Dissector;
import synack.wire.Layer;
import synack.wire.LinkType;

/** What the renderers show of a capture's frames, for every link type: the link layer, then the same network layers as ever. */
class DissectorLinkTypesTest {
    static List<Layer> first(String fixture, int index) throws IOException {
        CapturedFrame f = Fixtures.read(fixture).frames().get(index);
        return Dissector.dissect(f.link(), f.data(), f.originalLength());
    }

    static List<String> names(List<Layer> layers) {
        return layers.stream().map(Layer::name).toList();
    }

    /** The summaries: tshark -r F -T fields -e sll.pkttype -e sll.ifindex gives 0 ("unicast to us") and 1 (lo) for these. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lo-http.pcap | eth ip tcp | 00:00:00:00:00:00 → 00:00:00:00:00:00 IPv4",
        "any-http-sll.pcap | sll ip tcp | Linux cooked: unicast to us 00:00:00:00:00:00 IPv4",
        "any-http-sll2.pcap | sll2 ip tcp | Linux cooked v2: interface 1 unicast to us 00:00:00:00:00:00 IPv4",
        "null-udp.pcap | loopback ip udp malformed | loopback family 2 (IPv4)",
        "loop-udp.pcap | loopback ip udp malformed | loopback family 2 (IPv4)",
        "raw-udp.pcap | raw ip udp malformed | raw IPv4",
        "ipv4-udp.pcapng | raw ip udp malformed | raw IPv4",
        "vlan-udp.pcap | eth ip udp malformed | 02:00:00:00:00:01 → 02:00:00:00:00:02 vlan 10 IPv4",
    })
    void linkLayerThenNetworkLayers(String fixture, String layers, String linkSummary) throws IOException {
        List<Layer> l = first(fixture, 0);
        assertEquals(List.of(layers.split(" ")), names(l));
        assertEquals(linkSummary, l.get(0).summary());
    }

    @Test
    void stackedVlanTagsAreAllNamed() throws IOException {
        Layer eth = first("vlan-udp.pcap", 1).get(0);
        assertEquals("02:00:00:00:00:01 → 02:00:00:00:00:02 vlan 20,30 IPv4", eth.summary());
        assertEquals(List.of(20, 30), eth.fields().get("vlan"));
    }

    @Test
    void aCutFrameSaysSoOnItsInnermostLayer() throws IOException {
        Fixtures.Read read = Fixtures.read("lo-http-snap96.pcap");
        CapturedFrame cut = read.frames().stream().filter(CapturedFrame::cut).findFirst().orElseThrow();
        List<Layer> l = Dissector.dissect(cut.link(), cut.data(), cut.originalLength());
        assertEquals(List.of("eth", "ip", "tcp"), names(l));
        Layer tcp = l.get(2);
        assertTrue(tcp.summary().endsWith("(checksum not verifiable: segment not whole in the capture) (cut by the snapshot length: 96 of "
                + cut.originalLength() + " bytes captured)"), tcp.summary());
        assertEquals(cut.originalLength() - 14 - 20 - 32, tcp.fields().get("len_on_wire"));
        assertEquals("96 of " + cut.originalLength(), tcp.fields().get("captured"));
    }

    @Test
    void anUndecodedLinkTypeIsOneMalformedLayer() {
        List<Layer> l = Dissector.dissect(null, new byte[30]);
        assertEquals(List.of("malformed"), names(l));
        assertEquals("malformed: link type not decoded", Dissector.summary(l));
    }

    @Test
    void ipv6IsDecodedToItsTransport() throws IOException {
        Fixtures.Read read = Fixtures.read("lo-http.pcap");
        CapturedFrame v6 = read.frames().stream().filter(f -> (f.data()[12] & 0xff) == 0x86).findFirst().orElseThrow();
        assertEquals(List.of("eth", "ipv6", "tcp"), names(Dissector.dissect(LinkType.ETHERNET, v6.data())));
    }
}
