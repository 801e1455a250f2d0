package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DNS datagram the snapshot length cut is not decoded as a DNS message, whatever its UDP checksum. */
class DissectorCutTest {
    @Test
    void aCutDnsQueryWithoutAChecksumGetsNoDnsLayer() {
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        byte[] query = DnsMessage.query(7, "www.synack.test", DnsType.A, true, 1232).toBytes();
        byte[] frame = Frames.udp(mac, mac, Ip4.parse("198.18.1.2"), Ip4.parse("198.18.2.2"), 1, UdpDatagram.of(40000, 53, query));
        int udpChecksum = EthernetFrame.HEADER_LENGTH + 20 + 6;
        frame[udpChecksum] = 0; // RFC 768: no checksum computed
        frame[udpChecksum + 1] = 0;
        List<Layer> whole = Dissector.dissect(LinkType.ETHERNET, frame, frame.length);
        assertEquals("dns", whole.get(whole.size() - 1).name(), "whole, it is a DNS query: " + whole);
        byte[] cut = Arrays.copyOf(frame, frame.length - 10);
        List<Layer> layers = Dissector.dissect(LinkType.ETHERNET, cut, frame.length);
        assertEquals("udp", layers.get(layers.size() - 1).name(), "cut, it is a piece of one: " + layers);
        assertTrue(layers.get(layers.size() - 1).summary().contains("cut by the snapshot length"), layers.toString());
    }
}
