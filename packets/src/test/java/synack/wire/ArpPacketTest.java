package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArpPacketTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");

    static ArpPacket roundTrip(ArpPacket p) throws MalformedFrameException {
        EthernetFrame eth = EthernetFrame.parse(p.toFrame(p.senderMac()));
        assertEquals(EthernetFrame.TYPE_ARP, eth.etherType());
        return ArpPacket.parse(eth.payload());
    }

    @Test
    void requestSurvivesBuildThenParse() throws MalformedFrameException {
        ArpPacket request = ArpPacket.request(US, US_IP, GW_IP);
        assertEquals(request, ArpPacket.parse(request.toBytes()));
        assertEquals(request, roundTrip(request));
    }

    @Test
    void replySurvivesBuildThenParse() throws MalformedFrameException {
        ArpPacket reply = new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP);
        assertEquals(reply, roundTrip(reply));
    }

    @Test
    void probeAndAnnouncementSurviveBuildThenParse() throws MalformedFrameException {
        assertEquals(ArpPacket.probe(US, US_IP), roundTrip(ArpPacket.probe(US, US_IP)));
        assertEquals(ArpPacket.announcement(US, US_IP), roundTrip(ArpPacket.announcement(US, US_IP)));
    }

    @Test
    void bytesAreTheRfc826Layout() {
        byte[] b = ArpPacket.request(US, US_IP, GW_IP).toBytes();
        assertEquals(ArpPacket.LENGTH, b.length);
        assertArrayEquals(new byte[] {0, 1, 0x08, 0x00, 6, 4, 0, 1}, java.util.Arrays.copyOfRange(b, 0, 8));
        assertArrayEquals(US.toBytes(), java.util.Arrays.copyOfRange(b, 8, 14));
        assertArrayEquals(new byte[] {(byte) 198, 18, 1, 2}, java.util.Arrays.copyOfRange(b, 14, 18));
        assertArrayEquals(new byte[6], java.util.Arrays.copyOfRange(b, 18, 24));
        assertArrayEquals(new byte[] {(byte) 198, 18, 1, 1}, java.util.Arrays.copyOfRange(b, 24, 28));
    }

    @Test
    void requestsAreBroadcastAndRepliesUnicastToTheTarget() throws MalformedFrameException {
        EthernetFrame req = EthernetFrame.parse(ArpPacket.request(US, US_IP, GW_IP).toFrame(US));
        assertEquals(MacAddress.BROADCAST, req.destination());
        assertEquals(US, req.source());
        EthernetFrame rep = EthernetFrame.parse(new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP).toFrame(GW));
        assertEquals(US, rep.destination());
        assertEquals(GW, rep.source());
    }

    @Test
    void probeAndAnnouncementFollowRfc5227() {
        ArpPacket probe = ArpPacket.probe(US, US_IP);
        assertTrue(probe.isProbe());
        assertFalse(probe.isGratuitous());
        assertEquals(Ip4.ANY, probe.senderIp());
        assertEquals(MacAddress.ZERO, probe.targetMac());
        ArpPacket announce = ArpPacket.announcement(US, US_IP);
        assertTrue(announce.isGratuitous());
        assertFalse(announce.isProbe());
        assertEquals(announce.senderIp(), announce.targetIp());
    }

    @Test
    void summariesNameWhatTheFrameSays() {
        assertEquals("ARP who-has 198.18.1.1 tell 198.18.1.2", ArpPacket.request(US, US_IP, GW_IP).summary());
        assertEquals("ARP 198.18.1.1 is-at 02:00:00:00:00:01",
                new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP).summary());
        assertTrue(ArpPacket.probe(US, US_IP).summary().startsWith("ARP probe: who-has 198.18.1.2"));
        assertTrue(ArpPacket.announcement(US, US_IP).summary().startsWith("ARP announce: 198.18.1.2 is-at"));
        assertEquals("ARP op 9", new ArpPacket(9, US, US_IP, GW, GW_IP).summary());
    }

    @Test
    void describeListsEveryFieldInWireOrder() {
        Layer l = new ArpPacket(ArpPacket.REPLY, GW, GW_IP, US, US_IP).describe();
        assertEquals("arp", l.name());
        assertEquals(java.util.List.of("op", "sha", "spa", "tha", "tpa"), java.util.List.copyOf(l.fields().keySet()));
        assertEquals("reply", l.fields().get("op"));
        assertEquals("198.18.1.1", l.fields().get("spa"));
    }
}
