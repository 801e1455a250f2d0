package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames.parseTcp reads the segment where it lies: the same answer as decoding layer by layer. */
class FramesTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:02");
    static final int SRC = Ip4.parse("198.18.2.2");
    static final int DST = Ip4.parse("198.18.1.2");

    static byte[] frame(int dataLength) {
        byte[] data = new byte[dataLength];
        new java.util.Random(dataLength).nextBytes(data);
        TcpSegment s = TcpSegment.of(80, 61234, 0x01020304, 0x0a0b0c0d, TcpSegment.ACK | TcpSegment.PSH, 501,
                TcpSegment.Options.NONE.withTimestamps(7, 9), data);
        return Frames.tcp(A, B, SRC, DST, 42, s);
    }

    @Test
    void theSegmentInPlaceIsTheSegmentLayerByLayer() throws MalformedFrameException {
        for (int n : new int[] {0, 1, 1448, 65_160}) {
            byte[] f = frame(n);
            Frames.Tcp t = Frames.parseTcp(f);
            Ipv4Packet ip = Ipv4Packet.parse(EthernetFrame.parse(f).payload());
            TcpSegment layered = TcpSegment.parse(ip.payload(), ip.source(), ip.destination());
            TcpSegment s = t.segment();
            assertEquals(List.of(layered.sourcePort(), layered.destinationPort(), layered.seq(), layered.ack(), layered.flags(),
                    layered.window(), layered.options().tsValue(), layered.options().tsEcho()),
                    List.of(s.sourcePort(), s.destinationPort(), s.seq(), s.ack(), s.flags(), s.window(), s.options().tsValue(),
                            s.options().tsEcho()));
            assertArrayEquals(layered.data(), s.data());
            assertEquals(ChecksumStatus.VALID, s.checksum());
            assertEquals(SRC, t.source());
            assertEquals(DST, t.destination());
            Ipv4Packet asked = t.ip(); // the IPv4 layer, decoded when asked for
            assertEquals(List.of(ip.source(), ip.destination(), ip.totalLength(), ip.identification(), ip.checksumValid()),
                    List.of(asked.source(), asked.destination(), asked.totalLength(), asked.identification(), asked.checksumValid()));
            assertArrayEquals(ip.payload(), asked.payload());
            assertEquals(A, t.eth().source());
        }
    }

    @Test
    void aChecksumIsVerifiedUnlessTheIntakeAlreadyDid() throws MalformedFrameException {
        byte[] f = frame(100);
        f[f.length - 1] ^= 1;
        assertEquals(ChecksumStatus.WRONG, Frames.parseTcp(f).segment().checksum());
        assertEquals(ChecksumStatus.OFFLOADED, Frames.parseTcp(f, ChecksumStatus.OFFLOADED).segment().checksum());
    }

    @Test
    void otherProtocolsAreNullAndMalformedHeadersSayWhy() {
        byte[] f = frame(10);
        assertNull(assertDoesNotThrow(() -> Frames.parseIcmp(f)));
        assertNull(assertDoesNotThrow(() -> Frames.parseUdp(f)));
        byte[] badLength = f.clone();
        badLength[14 + 2] = 0x7f; // total length beyond the frame
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> Frames.parseTcp(badLength));
        assertEquals(true, e.getMessage().contains("IPv4 total length"), e.getMessage());
        assertThrows(MalformedFrameException.class, () -> Frames.parseIcmp(badLength), "told by the ICMP parse too");
        assertThrows(MalformedFrameException.class, () -> Frames.parseTcp(new byte[10]));
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
