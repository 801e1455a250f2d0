package synack.iface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.iface.Ipv4Reassembly.Piece;
import synack.iface.Ipv6Reassembly.Expired;
import synack.iface.Ipv6Reassembly.Fragment;
import synack.iface.Ipv6Reassembly.Key;
import synack.iface.Ipv6Reassembly.Limits;
import synack.iface.Ipv6Reassembly.Outcome;
import synack.iface.Ipv6Reassembly.Reason;
import synack.iface.Ipv6Reassembly.Reassembled;
import synack.iface.Ipv6Reassembly.Whole;
import synack.wire.ChecksumStatus;
import synack.wire.DnsMessage;
import synack.wire.Frames6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Extension;
import synack.wire.Ipv6Option;
import synack.wire.Ipv6Packet;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

class Ipv6ReassemblyTest {
    static final IpAddress SERVER = IpAddress.parse("2001:db8:2::2");
    static final IpAddress US = IpAddress.parse("2001:db8:1::2");
    static final long SECOND = 1_000_000L;
    static final long ID = 0x171ab026L;
    static final List<Ipv6Extension> NONE = List.of();

    /** The 2,573-byte DNS answer of the IPv4 tests, in UDP over IPv6 from the server (checksum over the IPv6 pseudo-header). */
    static byte[] udp() {
        return Frames6.udpBytes(UdpDatagram.of(53, 40123, Ipv4ReassemblyTest.dnsAnswer().toBytes()), SERVER.bytes(), US.bytes());
    }

    /** The datagram as the server's stack had it before cutting: unfragmentable headers, then the fragmentable part. */
    static byte[] datagram(List<Ipv6Extension> unfragmentable, List<Ipv6Extension> fragmentable, int upper, byte[] payload) {
        List<Ipv6Extension> all = new ArrayList<>(unfragmentable);
        all.addAll(fragmentable);
        return Ipv6Packet.build(SERVER.bytes(), US.bytes(), 63, all, upper, payload);
    }

    /**
     * Cuts a datagram as Linux's ip6_fragment does: each fragment carries the unfragmentable part and a Fragment
     * header, then {@code size} bytes (a multiple of 8) of the fragmentable part, the last one the rest.
     */
    static List<byte[]> fragments(List<Ipv6Extension> unfragmentable, List<Ipv6Extension> fragmentable, int upper,
                                  byte[] payload, long id, int size) {
        byte[] part = fragmentablePart(fragmentable, upper, payload);
        int firstType = fragmentable.isEmpty() ? upper : fragmentable.get(0).type();
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < part.length; at += size) {
            int end = Math.min(at + size, part.length);
            out.add(fragment(unfragmentable, at, end < part.length, id, firstType, Arrays.copyOfRange(part, at, end)));
        }
        return out;
    }

    static byte[] fragment(List<Ipv6Extension> unfragmentable, int offset, boolean more, long id, int nextHeader, byte[] bytes) {
        List<Ipv6Extension> headers = new ArrayList<>(unfragmentable);
        headers.add(new Ipv6Extension.Fragment(offset, more, id));
        return Ipv6Packet.build(SERVER.bytes(), US.bytes(), 63, headers, nextHeader, bytes);
    }

    static byte[] fragment(int offset, boolean more, byte[] bytes) {
        return fragment(NONE, offset, more, ID, Ipv6Packet.UDP, bytes);
    }

    /** The extension headers after the Fragment header and the upper layer, as bytes. */
    static byte[] fragmentablePart(List<Ipv6Extension> fragmentable, int upper, byte[] payload) {
        byte[] whole = Ipv6Packet.build(SERVER.bytes(), US.bytes(), 63, fragmentable, upper, payload);
        return Arrays.copyOfRange(whole, Ipv6Packet.HEADER, whole.length);
    }

    static Reassembled offerAll(Ipv6Reassembly r, List<byte[]> fragments, long now) throws MalformedFrameException {
        Outcome last = null;
        for (int i = 0; i < fragments.size(); i++) {
            last = r.offer(fragments.get(i), now + i);
            if (i < fragments.size() - 1) {
                assertEquals(Reason.HELD, reason(last), "fragment " + i);
            } else if (last instanceof Fragment f) {
                throw new AssertionError("the last fragment: " + f.reason() + " " + f.piece());
            }
        }
        return assertInstanceOf(Reassembled.class, last);
    }

    static Reason reason(Outcome o) {
        return assertInstanceOf(Fragment.class, o).reason();
    }

    @Test
    void inOrderMakesTheDatagramAgain() throws MalformedFrameException {
        byte[] udp = udp();
        byte[] d = datagram(NONE, NONE, Ipv6Packet.UDP, udp);
        List<byte[]> f = fragments(NONE, NONE, Ipv6Packet.UDP, udp, ID, 1448);
        // Linux's cut at a 1,500 MTU: 40 + 8 + 1,448 bytes, then the rest
        assertEquals(List.of(1496, 1496 - 1448 + (udp.length - 1448)), f.stream().map(b -> b.length).toList());
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);

        Fragment held = assertInstanceOf(Fragment.class, r.offer(f.get(0), 1_000));
        assertEquals(Reason.HELD, held.reason());
        assertEquals(new Piece(0, 1448, true), held.piece());
        assertEquals(new Key(SERVER, US, ID), held.key());
        assertEquals(1, r.datagramsHeld());
        assertEquals(40 + 1448, r.bytesHeld(), "the unfragmentable part and the bytes after the Fragment header");
        assertEquals(1_000 + 60 * SECOND, r.nextDeadlineMicros(), "RFC 8200's 60 s");

        Reassembled done = assertInstanceOf(Reassembled.class, r.offer(f.get(1), 1_250));
        assertArrayEquals(d, done.packet(), "the very datagram the server cut: no Fragment header, next header UDP");
        assertEquals(2, done.received().fragments());
        assertEquals(udp.length, done.received().bytes());
        assertEquals(0, r.datagramsHeld());
        assertEquals(0, r.bytesHeld());
        assertEquals(Long.MAX_VALUE, r.nextDeadlineMicros());

        Ipv6Packet ip = Ipv6Packet.parse(done.packet());
        assertEquals(udp.length, ip.payloadLength(), "payload length recomputed");
        UdpDatagram u = Frames6.parseUdp(ip);
        assertEquals(ChecksumStatus.VALID, u.checksum(), "the checksum holds over the whole datagram");
        assertEquals(11, DnsMessage.parse(u.payload()).answers().size());
    }

    /** scapy's IPv6ExtHdrFragment(offset=185, m=1, id=0xabcdef01, nh=17) / 16 bytes (Ipv6GoldenTest's): another implementation's bytes. */
    @Test
    void scapysLaterFragmentIsReadAsScapyMeantIt() throws MalformedFrameException {
        byte[] scapy = java.util.HexFormat.of().parseHex("6000000000182c4020010db800010000000000000000000120010db80002000000000000"
                + "00000009110005c9abcdef0178787878787878787878787878787878");
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        Fragment f = assertInstanceOf(Fragment.class, r.offer(scapy, 0));
        assertEquals(Reason.HELD, f.reason());
        assertEquals(new Piece(185 * 8, 16, true), f.piece());
        assertEquals(new Key(IpAddress.parse("2001:db8:1::1"), IpAddress.parse("2001:db8:2::9"), 0xabcdef01L), f.key());
        assertEquals(16, r.bytesHeld(), "no first fragment yet: only its bytes");
    }

    @Test
    void reverseOrder() throws MalformedFrameException {
        byte[] udp = udp();
        List<byte[]> f = new ArrayList<>(fragments(NONE, NONE, Ipv6Packet.UDP, udp, ID, 1448));
        Collections.reverse(f);
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        Fragment held = assertInstanceOf(Fragment.class, r.offer(f.get(0), 0));
        assertFalse(held.datagram().firstArrived());
        assertTrue(held.datagram().lastArrived());
        assertArrayEquals(datagram(NONE, NONE, Ipv6Packet.UDP, udp), assertInstanceOf(Reassembled.class, r.offer(f.get(1), 1)).packet());
    }

    @Test
    void shuffledSmallPieces() throws MalformedFrameException {
        byte[] udp = udp();
        byte[] d = datagram(NONE, NONE, Ipv6Packet.UDP, udp);
        List<byte[]> f = fragments(NONE, NONE, Ipv6Packet.UDP, udp, ID, 256);
        assertEquals(11, f.size());
        for (long seed = 1; seed <= 20; seed++) {
            List<byte[]> shuffled = new ArrayList<>(f);
            Collections.shuffle(shuffled, new Random(seed));
            Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
            assertArrayEquals(d, offerAll(r, shuffled, 0).packet(), "seed " + seed);
            assertEquals(0, r.bytesHeld());
        }
    }

    @Test
    void theFirstFragmentsUnfragmentablePartHeadsTheDatagramAndItsLastNextHeaderIsFixed() throws MalformedFrameException {
        // hop-by-hop and routing before the Fragment header; destination options after it (fragmentable, RFC 8200 4.5)
        List<Ipv6Extension> unfragmentable = List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0))),
                new Ipv6Extension.Routing(4, 0, new byte[4]));
        List<Ipv6Extension> fragmentable = List.of(Ipv6Extension.DestinationOptions.padded(List.of()));
        byte[] udp = udp();
        byte[] d = datagram(unfragmentable, fragmentable, Ipv6Packet.UDP, udp);
        List<byte[]> f = new ArrayList<>(fragments(unfragmentable, fragmentable, Ipv6Packet.UDP, udp, ID, 1000));
        assertEquals(3, f.size());
        // the later fragments carry another hop-by-hop: the first one's wins
        List<Ipv6Extension> other = List.of(Ipv6Extension.HopByHop.padded(List.of()), new Ipv6Extension.Routing(4, 0, new byte[4]));
        byte[] part = fragmentablePart(fragmentable, Ipv6Packet.UDP, udp);
        f.set(1, fragment(other, 1000, true, ID, Ipv6Packet.DESTINATION_OPTIONS, Arrays.copyOfRange(part, 1000, 2000)));
        Collections.reverse(f);
        byte[] out = offerAll(new Ipv6Reassembly(Limits.DEFAULT), f, 0).packet();
        assertArrayEquals(d, out);
        Ipv6Packet ip = Ipv6Packet.parse(out);
        assertEquals(List.of(Ipv6Packet.HOP_BY_HOP, Ipv6Packet.ROUTING, Ipv6Packet.DESTINATION_OPTIONS),
                ip.extensions().stream().map(Ipv6Extension::type).toList());
        assertEquals(Ipv6Packet.End.UPPER_LAYER, ip.end());
        assertEquals(ChecksumStatus.VALID, Frames6.parseUdp(ip).checksum());
    }

    @Test
    void theProtocolIsNotPartOfTheKey() throws MalformedFrameException {
        // RFC 8200 4.5 keys on addresses and identification only: a later fragment naming another next header joins
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        byte[] part = new byte[32];
        Arrays.fill(part, (byte) 7);
        assertEquals(Reason.HELD, reason(r.offer(fragment(NONE, 0, true, ID, Ipv6Packet.ICMPV6, Arrays.copyOf(part, 16)), 0)));
        Reassembled done = assertInstanceOf(Reassembled.class,
                r.offer(fragment(NONE, 16, false, ID, Ipv6Packet.UDP, Arrays.copyOfRange(part, 16, 32)), 1));
        assertEquals(Ipv6Packet.ICMPV6, done.packet()[6], "the first fragment's next header");
        // another source, or another identification, is another datagram
        assertEquals(Reason.HELD, reason(r.offer(fragment(0, true, new byte[16]), 2)));
        byte[] otherId = fragment(NONE, 16, false, ID + 1, Ipv6Packet.UDP, new byte[16]);
        assertEquals(Reason.HELD, reason(r.offer(otherId, 3)));
        byte[] otherSource = fragment(16, false, new byte[16]);
        IpAddress.parse("2001:db8:2::3").write(otherSource, 8);
        assertEquals(Reason.HELD, reason(r.offer(otherSource, 4)));
        assertEquals(3, r.datagramsHeld());
    }

    @Test
    void exactDuplicatesAreIgnored() throws MalformedFrameException {
        byte[] udp = udp();
        List<byte[]> f = fragments(NONE, NONE, Ipv6Packet.UDP, udp, ID, 1024);
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        assertEquals(Reason.HELD, reason(r.offer(f.get(0), 0)));
        Fragment dup = assertInstanceOf(Fragment.class, r.offer(f.get(0), 1));
        assertEquals(Reason.DUPLICATE, dup.reason());
        assertEquals(1, dup.datagram().duplicates());
        assertFalse(Reason.DUPLICATE.dropsDatagram());
        assertEquals(Reason.HELD, reason(r.offer(f.get(1), 2)));
        Reassembled done = assertInstanceOf(Reassembled.class, r.offer(f.get(2), 3));
        assertEquals(3, done.received().fragments());
        assertEquals(1, done.received().duplicates());
        assertArrayEquals(datagram(NONE, NONE, Ipv6Packet.UDP, udp), done.packet());
    }

    @Test
    void anOverlapDropsTheWholeDatagramEvenWhenTheBytesAgree() throws MalformedFrameException {
        byte[] part = fragmentablePart(NONE, Ipv6Packet.UDP, udp());
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        assertEquals(Reason.HELD, reason(r.offer(fragment(0, true, Arrays.copyOfRange(part, 0, 1024)), 0)));
        assertEquals(Reason.HELD, reason(r.offer(fragment(2048, false, Arrays.copyOfRange(part, 2048, part.length)), 1)));
        // the same bytes, cut another way: 1,016..2,048 reaches 8 bytes into what is held (RFC 5722)
        Fragment o = assertInstanceOf(Fragment.class, r.offer(fragment(1016, true, Arrays.copyOfRange(part, 1016, 2048)), 2));
        assertEquals(Reason.OVERLAP_CONFLICT, o.reason());
        assertTrue(o.reason().dropsDatagram());
        assertEquals(2, o.datagram().fragments(), "what was thrown away");
        assertEquals(0, r.datagramsHeld());
        assertEquals(0, r.bytesHeld());
        // the missing piece now starts a datagram of its own, which never completes
        assertEquals(Reason.HELD, reason(r.offer(fragment(1024, true, Arrays.copyOfRange(part, 1024, 2048)), 3)));
    }

    @Test
    void aCopyWithOtherBytesDropsTheDatagram() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        assertEquals(Reason.HELD, reason(r.offer(fragment(0, true, new byte[64]), 0)));
        byte[] other = new byte[64];
        other[40] = 1; // the same place, other bytes: which copy a receiver keeps is what overlap attacks play on
        assertEquals(Reason.OVERLAP_CONFLICT, reason(r.offer(fragment(0, true, other), 1)));
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void atomicFragmentsAreWholeAndNotMixedWithHeldOnes() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        byte[] part = fragmentablePart(NONE, Ipv6Packet.UDP, udp());
        assertEquals(Reason.HELD, reason(r.offer(fragment(0, true, Arrays.copyOfRange(part, 0, 1448)), 0)));
        long held = r.bytesHeld();
        // offset 0, M clear, the same identification: RFC 6946 processes it alone, at once
        byte[] atomic = fragment(0, false, fragmentablePart(NONE, Ipv6Packet.UDP,
                Frames6.udpBytes(UdpDatagram.of(53, 40123, new byte[20]), SERVER.bytes(), US.bytes())));
        Whole w = assertInstanceOf(Whole.class, r.offer(atomic, 1));
        assertTrue(w.atomic());
        assertSame(atomic, w.packet(), "passed on as it came");
        assertEquals(1, r.datagramsHeld());
        assertEquals(held, r.bytesHeld(), "the held datagram is untouched");
        assertEquals(Ipv6Packet.End.UPPER_LAYER, Ipv6Packet.parse(atomic).end(), "the exchange reads its UDP after the header");
        Reassembled done = assertInstanceOf(Reassembled.class, r.offer(fragment(1448, false, Arrays.copyOfRange(part, 1448, part.length)), 2));
        assertArrayEquals(datagram(NONE, NONE, Ipv6Packet.UDP, udp()), done.packet());
    }

    @Test
    void notAFragmentPassesThroughUntouched() throws MalformedFrameException {
        byte[] plain = datagram(List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0)))), NONE,
                Ipv6Packet.UDP, Frames6.udpBytes(UdpDatagram.of(53, 40123, new byte[20]), SERVER.bytes(), US.bytes()));
        Whole w = assertInstanceOf(Whole.class, new Ipv6Reassembly(Limits.DEFAULT).offer(plain, 0));
        assertFalse(w.atomic());
        assertSame(plain, w.packet());
    }

    @Test
    void aFirstFragmentWithoutTheWholeHeaderChainIsRefused() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        // a TCP header of 20 bytes cut after 16 (RFC 7112: the upper-layer header belongs in the first fragment)
        byte[] tcp = Frames6.tcpBytes(TcpSegment.of(80, 61000, 1, 1, TcpSegment.ACK, 1000, TcpSegment.Options.NONE, new byte[40]),
                SERVER.bytes(), US.bytes());
        Fragment f = assertInstanceOf(Fragment.class, r.offer(fragment(NONE, 0, true, ID, Ipv6Packet.TCP, Arrays.copyOf(tcp, 16)), 0));
        assertEquals(Reason.HEADER_CHAIN_INCOMPLETE, f.reason());
        assertFalse(f.reason().dropsDatagram());
        assertEquals(0, r.datagramsHeld(), "not held");
        // a destination options header of 16 bytes cut after 8: the chain ends inside an extension header
        List<Ipv6Extension> dest = List.of(Ipv6Extension.DestinationOptions.padded(List.of(new Ipv6Option(0x1e, new byte[10]))));
        byte[] part = fragmentablePart(dest, Ipv6Packet.UDP, udp());
        assertEquals(16, dest.get(0).length());
        assertEquals(Reason.HEADER_CHAIN_INCOMPLETE, reason(r.offer(fragment(NONE, 0, true, ID, Ipv6Packet.DESTINATION_OPTIONS,
                Arrays.copyOf(part, 8)), 1)));
        // the whole header there, the rest of the upper layer later: held
        assertEquals(Reason.HELD, reason(r.offer(fragment(NONE, 0, true, ID, Ipv6Packet.DESTINATION_OPTIONS,
                Arrays.copyOf(part, 24)), 2)));
        // a UDP header cut at 0 bytes would be BAD_LENGTH; a later fragment is never asked for headers
        assertEquals(Reason.HELD, reason(r.offer(fragment(NONE, 24, true, ID, Ipv6Packet.DESTINATION_OPTIONS,
                Arrays.copyOfRange(part, 24, 32)), 3)));
    }

    @Test
    void malformedLengthsAreRefusedAndTheDatagramGoesOn() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        assertEquals(Reason.HELD, reason(r.offer(fragment(0, true, new byte[16]), 0)));
        Fragment odd = assertInstanceOf(Fragment.class, r.offer(fragment(16, true, new byte[13]), 1));
        assertEquals(Reason.BAD_LENGTH, odd.reason(), "M set and 13 bytes: not a multiple of 8 (RFC 8200 4.5)");
        assertEquals(new Piece(16, 13, true), odd.piece());
        assertEquals(Reason.BAD_LENGTH, reason(r.offer(fragment(16, true, new byte[0]), 2)));
        assertEquals(1, r.datagramsHeld(), "the datagram goes on");
        assertInstanceOf(Reassembled.class, r.offer(fragment(16, false, new byte[13]), 3), "13 bytes are fine in the last one");
    }

    @Test
    void theLargestPayloadReassemblesAndOneByteMoreIsTooLarge() throws MalformedFrameException {
        // 65,535 bytes of payload: the Fragment header gone, 65,535 of fragmentable part
        byte[] part = new byte[65_535];
        new Random(3).nextBytes(part);
        List<byte[]> f = new ArrayList<>();
        for (int at = 0; at < part.length; at += 1448) {
            int end = Math.min(at + 1448, part.length);
            f.add(fragment(NONE, at, end < part.length, ID, Ipv6Packet.NO_NEXT_HEADER, Arrays.copyOfRange(part, at, end)));
        }
        byte[] out = offerAll(new Ipv6Reassembly(Limits.DEFAULT), f, 0).packet();
        assertEquals(40 + 65_535, out.length);
        assertEquals(0xffff, ((out[4] & 0xff) << 8) | (out[5] & 0xff));
        // the last fragment one byte longer: 65,536 would not fit the payload length field
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        for (int i = 0; i < f.size() - 1; i++) {
            r.offer(f.get(i), i);
        }
        int lastAt = 1448 * (f.size() - 1);
        Fragment big = assertInstanceOf(Fragment.class, r.offer(fragment(NONE, lastAt, false, ID, Ipv6Packet.NO_NEXT_HEADER,
                new byte[part.length - lastAt + 1]), 99));
        assertEquals(Reason.TOO_LARGE, big.reason());
        assertEquals(0, r.datagramsHeld(), "the whole datagram with it");
        // a lone fragment whose offset and length pass 65,535 (the offset field reaches 65,528)
        assertEquals(Reason.TOO_LARGE, reason(r.offer(fragment(65_528, true, new byte[16]), 100)));
        assertEquals(0, r.bytesHeld());
        // the unfragmentable part counts too: a hop-by-hop header of 8 bytes leaves 65,527
        List<Ipv6Extension> hop = List.of(Ipv6Extension.HopByHop.padded(List.of()));
        assertEquals(Reason.TOO_LARGE, reason(r.offer(fragment(hop, 65_520, false, ID, Ipv6Packet.UDP, new byte[8]), 101)));
        assertEquals(Reason.HELD, reason(r.offer(fragment(hop, 65_512, false, ID, Ipv6Packet.UDP, new byte[8]), 102)));
    }

    @Test
    void aBrokenPacketThrowsAsTheParserDoes() {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        byte[] f = fragment(16, true, new byte[16]);
        assertThrows(MalformedFrameException.class, () -> r.offer(Arrays.copyOf(f, f.length - 1), 0), "payload length past the end");
        assertThrows(MalformedFrameException.class, () -> r.offer(Arrays.copyOf(f, 30), 0), "shorter than the header");
        byte[] v4 = f.clone();
        v4[0] = 0x45;
        assertThrows(MalformedFrameException.class, () -> r.offer(v4, 0));
        byte[] cutHeader = Arrays.copyOf(f, 44); // the Fragment header itself cut
        cutHeader[4] = 0;
        cutHeader[5] = 4;
        assertThrows(MalformedFrameException.class, () -> r.offer(cutHeader, 0));
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void timeoutAtSixtySecondsFromTheFirstFragment() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        r.offer(fragment(0, true, new byte[16]), 5 * SECOND);
        r.offer(fragment(32, false, new byte[16]), 50 * SECOND); // does not push the deadline back
        assertEquals(65 * SECOND, r.nextDeadlineMicros());
        assertEquals(List.of(), r.expire(65 * SECOND - 1));
        List<Expired> gone = r.expire(65 * SECOND);
        assertEquals(1, gone.size());
        assertEquals(Reason.TIMEOUT, gone.get(0).reason());
        assertEquals(2, gone.get(0).received().fragments());
        assertTrue(gone.get(0).received().firstArrived());
        assertEquals(48, gone.get(0).received().expectedBytes());
        assertEquals(0, r.bytesHeld());
    }

    @Test
    void aFragmentAfterTheDeadlineStartsAfreshEvenBeforeExpire() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        r.offer(fragment(16, false, new byte[16]), 0);
        Fragment f = assertInstanceOf(Fragment.class, r.offer(fragment(0, true, new byte[16]), 60 * SECOND));
        assertEquals(Reason.HELD, f.reason());
        assertEquals(1, f.evicted().size());
        assertEquals(Reason.TIMEOUT, f.evicted().get(0).reason());
        assertFalse(f.evicted().get(0).received().firstArrived(), "the first fragment never came");
        assertEquals(1, f.datagram().fragments(), "a new datagram");
    }

    @Test
    void tooManyDatagramsEvictsTheOldest() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(new Limits(3, 65_535, 64, 60 * SECOND, 1L << 20));
        for (int i = 0; i < 3; i++) {
            r.offer(fragment(NONE, 0, true, i, Ipv6Packet.UDP, new byte[16]), i);
        }
        Fragment f = assertInstanceOf(Fragment.class, r.offer(fragment(NONE, 0, true, 99, Ipv6Packet.UDP, new byte[16]), 10));
        assertEquals(Reason.HELD, f.reason());
        assertEquals(1, f.evicted().size());
        assertEquals(Reason.TOO_MANY_DATAGRAMS, f.evicted().get(0).reason());
        assertEquals(0, f.evicted().get(0).key().identification(), "the oldest goes");
        assertEquals(3, r.datagramsHeld());
    }

    @Test
    void heldBytesAreCappedOldestFirst() throws MalformedFrameException {
        // room for one full datagram and its header, not two of 40,000
        Ipv6Reassembly r = new Ipv6Reassembly(new Limits(64, 65_535, 64, 60 * SECOND, 40 + 65_535));
        assertEquals(Reason.HELD, reason(r.offer(fragment(NONE, 0, true, 1, Ipv6Packet.UDP, new byte[40_000]), 0)));
        Fragment f = assertInstanceOf(Fragment.class, r.offer(fragment(NONE, 0, true, 2, Ipv6Packet.UDP, new byte[40_000]), 1));
        assertEquals(Reason.HELD, f.reason());
        assertEquals(List.of(Reason.TOO_MUCH_MEMORY), f.evicted().stream().map(Expired::reason).toList());
        assertEquals(1, f.evicted().get(0).key().identification());
        assertEquals(40 + 40_000, r.bytesHeld());
        assertTrue(r.bytesHeld() <= r.limits().maxHeldBytes());
    }

    @Test
    void tooManyFragments() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(new Limits(64, 65_535, 4, 60 * SECOND, 1L << 20));
        for (int i = 0; i < 4; i++) {
            assertEquals(Reason.HELD, reason(r.offer(fragment(8 * i, true, new byte[8]), i)));
        }
        assertEquals(Reason.TOO_MANY_FRAGMENTS, reason(r.offer(fragment(32, true, new byte[8]), 4)));
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void inconsistentEndsDropTheDatagram() throws MalformedFrameException {
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULT);
        r.offer(fragment(32, false, new byte[16]), 0);
        assertEquals(Reason.INCONSISTENT_END, reason(r.offer(fragment(40, false, new byte[16]), 1)), "two ends");
        r.offer(fragment(32, false, new byte[16]), 2);
        assertEquals(Reason.INCONSISTENT_END, reason(r.offer(fragment(48, true, new byte[8]), 3)), "bytes past the end");
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void limitsMustLeaveRoomForOneDatagram() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(0, 65_535, 64, 1, 1L << 20));
        assertThrows(IllegalArgumentException.class, () -> new Limits(1, 65_536, 64, 1, 1L << 20));
        assertThrows(IllegalArgumentException.class, () -> new Limits(1, 65_535, 64, 1, 65_535));
    }

    /**
     * Hostile fragments, in any order, into one bounded reassembly: each offer returns or throws
     * MalformedFrameException, the bounds always hold, and whatever it puts together is an IPv6 packet whose payload
     * length says its size, with no Fragment header left in front of its upper layer.
     */
    @Test
    void hostileFragmentsNeverBreakTheBounds() {
        Random random = new Random(17);
        byte[] udp = udp();
        List<Ipv6Extension> hop = List.of(Ipv6Extension.HopByHop.padded(List.of(Ipv6Option.routerAlert(0))));
        List<byte[]> seeds = new ArrayList<>(fragments(NONE, NONE, Ipv6Packet.UDP, udp, ID, 1448));
        seeds.addAll(fragments(hop, List.of(Ipv6Extension.DestinationOptions.padded(List.of())), Ipv6Packet.UDP, udp, ID + 1, 512));
        Limits limits = new Limits(8, 65_535, 16, 60 * SECOND, 4 * 65_575);
        Ipv6Reassembly r = new Ipv6Reassembly(limits);
        int reassembled = 0;
        int thrown = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
            switch (random.nextInt(6)) {
                case 0 -> b[40 + random.nextInt(Math.min(b.length - 40, 24))] ^= (byte) (1 + random.nextInt(255)); // headers
                case 1 -> { // the fragment offset and M bits anywhere
                    int at = b[6] == Ipv6Packet.FRAGMENT ? 42 : 50;
                    b[at] = (byte) random.nextInt(256);
                    b[at + 1] = (byte) random.nextInt(256);
                }
                case 2 -> { // cut, payload length made to agree
                    b = Arrays.copyOf(b, 40 + random.nextInt(b.length - 39));
                    b[4] = (byte) ((b.length - 40) >>> 8);
                    b[5] = (byte) (b.length - 40);
                }
                case 3 -> b[4 + random.nextInt(2)] ^= (byte) (1 + random.nextInt(255)); // payload length
                case 4 -> b[44 + random.nextInt(4)] = (byte) random.nextInt(4); // identification: a few keys
                default -> { }
            }
            try {
                Outcome o = r.offer(b, i * 10_000L);
                if (o instanceof Reassembled done) {
                    reassembled++;
                    byte[] p = done.packet();
                    assertEquals(p.length - 40, ((p[4] & 0xff) << 8) | (p[5] & 0xff), "payload length fixed");
                    try {
                        Ipv6Packet ip = Ipv6Packet.parse(p);
                        assertTrue(ip.fragment() == null || ip.fragment() != null && ip.end() != Ipv6Packet.End.FIRST_FRAGMENT,
                                "no Fragment header of ours left");
                    } catch (MalformedFrameException e) {
                        // mutated headers inside the fragmentable part: the exchange's parse annotates it
                    }
                }
            } catch (MalformedFrameException e) {
                thrown++;
            }
            assertTrue(r.datagramsHeld() <= limits.maxDatagrams());
            assertTrue(r.bytesHeld() >= 0 && r.bytesHeld() <= limits.maxHeldBytes(), "bytes held " + r.bytesHeld());
        }
        assertTrue(reassembled > 0 && thrown > 0, reassembled + " reassembled, " + thrown + " thrown: the mutations reach both");
        r.expire(Long.MAX_VALUE);
        assertEquals(0, r.datagramsHeld());
        assertEquals(0, r.bytesHeld(), "every byte held was counted back");
    }
}
