package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static synack.wire.Ipv6GoldenTest.hex;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What cannot be followed says why; what breaks an NDP rule is listed, not thrown. */
class Ipv6MalformedTest {
    static String why(Executable e) {
        return assertThrows(MalformedFrameException.class, e).getMessage();
    }

    /** A packet cut at n bytes, its payload length set to what is left (so only the inner structure is short). */
    static byte[] cut(String golden, int n) {
        byte[] p = Arrays.copyOf(hex(golden), n);
        if (n >= Ipv6Packet.HEADER) {
            p[4] = (byte) ((n - Ipv6Packet.HEADER) >>> 8);
            p[5] = (byte) (n - Ipv6Packet.HEADER);
        }
        return p;
    }

    @Test
    void shorterThanTheFixedHeaderAtEveryLength() {
        for (int n = 0; n < Ipv6Packet.HEADER; n++) {
            byte[] p = Arrays.copyOf(hex(Ipv6GoldenTest.TCP), n);
            assertEquals("IPv6 packet of " + n + " bytes is shorter than its 40-byte header", why(() -> Ipv6Packet.parse(p)));
        }
    }

    @Test
    void payloadLengthPastTheEnd() {
        byte[] p = hex(Ipv6GoldenTest.TCP);
        byte[] shorter = Arrays.copyOf(p, p.length - 1);
        assertEquals("IPv6 payload length 20 runs past the 19 bytes after the header", why(() -> Ipv6Packet.parse(shorter)));
    }

    @Test
    void anotherVersion() {
        byte[] p = hex(Ipv6GoldenTest.TCP);
        p[0] = 0x45;
        assertEquals("IP version 4 in an IPv6 packet", why(() -> Ipv6Packet.parse(p)));
    }

    @Test
    void extensionHeadersCutAtEveryLength() throws MalformedFrameException {
        // the chain: hop-by-hop 40..48, fragment 48..56, destination options 56..64, UDP from 64
        for (int n = Ipv6Packet.HEADER; n < 64; n++) {
            byte[] p = cut(Ipv6GoldenTest.EXT, n);
            String m = why(() -> Ipv6Packet.parse(p));
            assertTrue(m.contains("header at byte") && m.contains("left in the payload"), n + ": " + m);
        }
        for (int n = 64; n <= hex(Ipv6GoldenTest.EXT).length; n++) {
            assertEquals(3, Ipv6Packet.parse(cut(Ipv6GoldenTest.EXT, n)).extensions().size(), "cut at " + n);
        }
    }

    @Test
    void extensionLengthRunningPastTheEnd() {
        byte[] p = hex(Ipv6GoldenTest.EXT);
        p[57] = 5; // destination options now claims 48 bytes
        assertEquals("IPv6 destination-options header at byte 56 needs 48 bytes, 21 left in the payload", why(() -> Ipv6Packet.parse(p)));
    }

    @Test
    void optionRunningPastItsHeader() {
        byte[] p = hex(Ipv6GoldenTest.EXT);
        p[43] = 5; // router alert claims 5 data bytes in a header with 6 bytes for options
        assertEquals("IPv6 option type 5 of 5 data bytes runs 1 bytes past the end of its header", why(() -> Ipv6Packet.parse(p)));
    }

    @Test
    void hopByHopNotFirst() {
        byte[] p = hex(Ipv6GoldenTest.EXT);
        p[48] = 0; // the fragment header now announces hop-by-hop
        assertTrue(why(() -> Ipv6Packet.parse(p)).contains("must come first (RFC 8200 4.3)"));
    }

    @Test
    void walkEndsWithAReason() throws MalformedFrameException {
        byte[] a = Ipv6GoldenTest.A;
        byte[] b = Ipv6GoldenTest.B;
        Ipv6Packet esp = Ipv6Packet.parse(Ipv6Packet.build(a, b, Ipv6Packet.ESP, 64, new byte[24]));
        assertEquals(Ipv6Packet.End.ENCRYPTED, esp.end());
        Ipv6Packet none = Ipv6Packet.parse(Ipv6Packet.build(a, b, 64,
                List.of(Ipv6Extension.DestinationOptions.padded(List.of())), Ipv6Packet.NO_NEXT_HEADER, new byte[0]));
        assertEquals(Ipv6Packet.End.NO_NEXT_HEADER, none.end());
        Ipv6Packet first = Ipv6Packet.parse(Ipv6Packet.build(a, b, 64, List.of(new Ipv6Extension.Fragment(0, true, 7)),
                Ipv6Packet.TCP, new byte[32]));
        assertEquals(Ipv6Packet.End.FIRST_FRAGMENT, first.end());
        Ipv6Packet sctp = Ipv6Packet.parse(Ipv6Packet.build(a, b, 132, 64, new byte[12]));
        assertEquals(Ipv6Packet.End.UPPER_LAYER, sctp.end()); // unknown to us, not broken
        assertEquals("proto 132", sctp.describe().fields().get("next_header"));
        Ipv6Packet ah = Ipv6Packet.parse(Ipv6Packet.build(a, b, 64, List.of(new Ipv6Extension.Authentication(0x100, 1, new byte[12])),
                Ipv6Packet.UDP, Frames6.udpBytes(UdpDatagram.of(1, 2, new byte[0]), a, b)));
        assertEquals(new Ipv6Extension.Authentication(0x100, 1, new byte[12]).length(), ah.extensions().get(0).length());
        assertEquals(Ipv6Packet.UDP, ah.upperProtocol()); // AH's length counts 4-byte words: the walk lands on UDP
        assertEquals(8, ah.payload().length);
    }

    @Test
    void icmpv6TooShort() {
        byte[] a = Ipv6GoldenTest.A;
        assertEquals("ICMPv6 message of 3 bytes is shorter than its 4-byte header", why(() -> Icmpv6Message.parse(new byte[3], a, a)));
        byte[] echo = {(byte) 128, 0, 0, 0, 0, 1};
        assertEquals("ICMPv6 type 128 of 6 bytes is shorter than 8", why(() -> Icmpv6Message.parse(echo, a, a)));
    }

    @Test
    void errorQuotingTooLittleHasNoInvokingPacket() throws MalformedFrameException {
        byte[] body = Arrays.copyOf(hex(Ipv6GoldenTest.UDP), 4 + 30); // 4 unused bytes, 30 of a 40-byte header
        Icmpv6Message m = new Icmpv6Message(Icmpv6Message.DESTINATION_UNREACHABLE, 4, ChecksumStatus.VALID, body);
        assertNull(m.invoking());
        assertEquals("port unreachable", m.meaning());
    }

    @Test
    void quotedPacketCutInsideAnExtensionHeader() {
        byte[] quote = Arrays.copyOf(hex(Ipv6GoldenTest.EXT), 52); // inside the fragment header
        byte[] body = new byte[4 + quote.length];
        System.arraycopy(quote, 0, body, 4, quote.length);
        Icmpv6Message.Invoking q = new Icmpv6Message(Icmpv6Message.TIME_EXCEEDED, 0, ChecksumStatus.VALID, body).invoking();
        assertEquals(Ipv6Packet.End.TRUNCATED, q.packet().end());
        assertEquals(-1, q.destinationPort());
        assertEquals("2001:db8:2::9", Ip6.toString(q.destination()));
    }

    @Test
    void ndpOptionOfLengthZero() {
        byte[] p = hex(Ipv6GoldenTest.NS);
        p[40 + 24 + 1] = 0; // the source link-layer option's length
        assertEquals("NDP option type 1 at byte 20 has length 0 (RFC 4861 4.6)", why(() -> NdpMessage.parse(Ipv6Packet.parse(p))));
    }

    @Test
    void ndpOptionPastTheEndAndBadSizes() {
        byte[] ns = hex(Ipv6GoldenTest.NS);
        ns[40 + 24 + 1] = 2;
        assertTrue(why(() -> NdpMessage.parse(Ipv6Packet.parse(ns))).contains("runs 8 bytes past the end"));
        byte[] ra = hex(Ipv6GoldenTest.RA);
        int prefixAt = 40 + 16 + 8 + 8; // after the RA's fixed part, the link-layer and MTU options
        ra[prefixAt + 1] = 3; // prefix information must be 4 units
        assertTrue(why(() -> NdpMessage.parse(Ipv6Packet.parse(ra))).contains("prefix information option (type 3) of 24 bytes, not 32"));
        for (int n = 40 + 4; n < 40 + 24; n++) { // a solicitation without a whole target
            byte[] cut = cut(Ipv6GoldenTest.NS, n);
            assertTrue(why(() -> NdpMessage.parse(Ipv6Packet.parse(cut))).contains("is shorter than 24"), "cut at " + n);
        }
    }

    @Test
    void unknownOptionIsSkippedAndListed() throws MalformedFrameException {
        byte[] p = NdpMessage.packet(Ipv6GoldenTest.A, Ip6.solicitedNode(Ipv6GoldenTest.T),
                new NdpMessage.NeighborSolicitation(Ipv6GoldenTest.T),
                List.of(new NdpOption.Unknown(14, new byte[6]), new NdpOption.SourceLinkLayer(Ipv6GoldenTest.MAC1)));
        NdpMessage m = NdpMessage.parse(Ipv6Packet.parse(p));
        assertEquals(new NdpOption.Unknown(14, new byte[6]).type(), m.options().get(0).type());
        assertEquals(Ipv6GoldenTest.MAC1, m.sourceLinkLayer());
        assertTrue(m.isValid());
        assertEquals("option-14 (8 bytes, skipped)", ((List<?>) m.describe().fields().get("options")).get(0));
    }

    /** A packet's NDP message after a change to its hop limit, code, source or destination. */
    static NdpMessage changed(byte[] packet, java.util.function.Consumer<byte[]> change) throws MalformedFrameException {
        change.accept(packet);
        return NdpMessage.parse(Ipv6Packet.parse(packet));
    }

    @Test
    void violationsAreListedNotThrown() throws MalformedFrameException {
        NdpMessage forwarded = changed(hex(Ipv6GoldenTest.NS), p -> p[7] = 64);
        assertEquals(List.of(NdpViolation.HOP_LIMIT_NOT_255), forwarded.violations());
        assertTrue(forwarded.describe().summary().contains("(invalid: hop_limit_not_255)"));

        NdpMessage code = changed(hex(Ipv6GoldenTest.NA), p -> p[41] = 1);
        assertEquals(List.of(NdpViolation.CODE_NOT_ZERO, NdpViolation.CHECKSUM_WRONG), code.violations());

        byte[] a = Ipv6GoldenTest.A;
        byte[] t = Ipv6GoldenTest.T;
        MacAddress mac = Ipv6GoldenTest.MAC1;
        assertEquals(List.of(NdpViolation.UNSPECIFIED_SOURCE_WITH_LINK_LAYER_OPTION),
                NdpMessage.parse(Ipv6Packet.parse(NdpMessage.neighborSolicitation(Ip6.unspecified(), t, mac))).violations());
        assertEquals(List.of(NdpViolation.UNSPECIFIED_SOURCE_NOT_TO_SOLICITED_NODE),
                NdpMessage.parse(Ipv6Packet.parse(NdpMessage.neighborSolicitation(Ip6.unspecified(), t, t, null))).violations());
        assertEquals(List.of(NdpViolation.TARGET_MULTICAST),
                NdpMessage.parse(Ipv6Packet.parse(NdpMessage.neighborSolicitation(a, Ip6.allNodes(), mac))).violations());
        assertEquals(List.of(NdpViolation.SOLICITED_TO_MULTICAST),
                NdpMessage.parse(Ipv6Packet.parse(NdpMessage.neighborAdvertisement(t, Ip6.allNodes(), t, false, true, true, mac))).violations());
        assertTrue(NdpMessage.parse(Ipv6Packet.parse(NdpMessage.neighborAdvertisement(t, Ip6.allNodes(), t, false, false, true, mac))).isValid());
        assertEquals(List.of(NdpViolation.UNSPECIFIED_SOURCE_WITH_LINK_LAYER_OPTION),
                NdpMessage.parse(Ipv6Packet.parse(NdpMessage.routerSolicitation(Ip6.unspecified(), mac))).violations());

        NdpMessage offLink = NdpMessage.parse(Ipv6Packet.parse(NdpMessage.packet(a, Ip6.allNodes(),
                new NdpMessage.RouterAdvertisement(64, false, false, 1800, 0, 0), List.of())));
        assertEquals(List.of(NdpViolation.SOURCE_NOT_LINK_LOCAL), offLink.violations());
        NdpMessage redirect = NdpMessage.parse(Ipv6Packet.parse(NdpMessage.packet(Ipv6GoldenTest.ROUTER, a,
                new NdpMessage.Redirect(t, Ip6.allNodes()), List.of())));
        assertEquals(List.of(NdpViolation.REDIRECT_DESTINATION_MULTICAST, NdpViolation.REDIRECT_TARGET_NOT_LINK_LOCAL),
                redirect.violations());
    }

    @Test
    void offloadedChecksumIsNoViolation() throws MalformedFrameException {
        byte[] p = hex(Ipv6GoldenTest.NS);
        int pseudo = Checksum6.pseudoHeaderSum(p, 0, Ipv6Packet.ICMPV6, p.length - 40);
        p[42] = (byte) (pseudo >>> 8);
        p[43] = (byte) pseudo;
        NdpMessage m = NdpMessage.parse(Ipv6Packet.parse(p));
        assertEquals(ChecksumStatus.OFFLOADED, m.checksum());
        assertTrue(m.isValid());
    }
}
