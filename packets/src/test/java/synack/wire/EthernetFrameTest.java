package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EthernetFrameTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");

    @Test
    void shortPayloadIsPaddedWithZerosTo60Bytes() throws MalformedFrameException {
        byte[] payload = {1, 2, 3};
        byte[] bytes = new EthernetFrame(A, B, EthernetFrame.TYPE_IPV4, payload).toBytes();
        assertEquals(EthernetFrame.MIN_FRAME, bytes.length);
        assertArrayEquals(payload, Arrays.copyOfRange(bytes, 14, 17));
        for (int i = 17; i < 60; i++) {
            assertEquals(0, bytes[i], "padding byte " + i);
        }
        // the padding is part of what the receiver sees as payload
        assertEquals(46, EthernetFrame.parse(bytes).payload().length);
    }

    @Test
    void arpFrameIsPaddedTo60() {
        assertEquals(60, ArpPacket.request(A, Ip4.parse("10.0.0.1"), Ip4.parse("10.0.0.2")).toFrame(A).length);
    }

    @Test
    void longPayloadIsNotPaddedOrTruncated() throws MalformedFrameException {
        byte[] payload = new byte[1500];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        EthernetFrame f = new EthernetFrame(A, B, 0x88b5, payload);
        byte[] bytes = f.toBytes();
        assertEquals(1514, bytes.length);
        EthernetFrame back = EthernetFrame.parse(bytes);
        assertEquals(A, back.destination());
        assertEquals(B, back.source());
        assertEquals(0x88b5, back.etherType());
        assertArrayEquals(payload, back.payload());
        assertArrayEquals(bytes, back.toBytes());
    }

    @Test
    void buildParseBuildIsTheIdentityOnBytes() throws MalformedFrameException {
        byte[] bytes = new EthernetFrame(MacAddress.BROADCAST, A, EthernetFrame.TYPE_ARP, new byte[28]).toBytes();
        EthernetFrame back = EthernetFrame.parse(bytes);
        assertEquals(MacAddress.BROADCAST, back.destination());
        assertEquals(EthernetFrame.TYPE_ARP, back.etherType());
        assertArrayEquals(bytes, back.toBytes());
    }

    @Test
    void headerOnlyFrameParsesWithAnEmptyPayload() throws MalformedFrameException {
        byte[] bytes = Arrays.copyOf(new EthernetFrame(A, B, EthernetFrame.TYPE_IPV6, new byte[0]).toBytes(), 14);
        EthernetFrame f = EthernetFrame.parse(bytes);
        assertEquals(0, f.payload().length);
        assertEquals(EthernetFrame.TYPE_IPV6, f.etherType());
    }

    @Test
    void typeNames() {
        assertEquals("IPv4", EthernetFrame.typeName(0x0800));
        assertEquals("ARP", EthernetFrame.typeName(0x0806));
        assertEquals("IPv6", EthernetFrame.typeName(0x86dd));
        assertEquals("802.1Q", EthernetFrame.typeName(0x8100));
        assertEquals("0x88cc", EthernetFrame.typeName(0x88cc));
    }

    @Test
    void describeSaysSourceDestinationAndType() {
        Layer l = new EthernetFrame(A, B, EthernetFrame.TYPE_ARP, new byte[0]).describe();
        assertEquals("eth", l.name());
        assertTrue(l.summary().contains("02:00:00:00:00:0b → 02:00:00:00:00:0a ARP"), l.summary());
    }
}
