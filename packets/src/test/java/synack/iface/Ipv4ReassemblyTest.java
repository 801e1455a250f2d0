package synack.iface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.iface.Ipv4Reassembly.Expired;
import synack.iface.Ipv4Reassembly.Fragment;
import synack.iface.Ipv4Reassembly.Limits;
import synack.iface.Ipv4Reassembly.Outcome;
import synack.iface.Ipv4Reassembly.Piece;
import synack.iface.Ipv4Reassembly.Reason;
import synack.iface.Ipv4Reassembly.Reassembled;
import synack.iface.Ipv4Reassembly.Whole;
import synack.wire.Checksum;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

class Ipv4ReassemblyTest {
    static final int SERVER = Ip4.parse("198.18.2.53");
    static final int US = Ip4.parse("198.18.1.2");
    static final long SECOND = 1_000_000L;
    static final byte[] NO_OPTIONS = {};

    /** A DNS answer of 2,573 bytes (TXT records, the kind that outgrows one Ethernet frame). */
    static DnsMessage dnsAnswer() {
        String name = "big.synack.test.";
        List<DnsMessage.Record> answers = new ArrayList<>();
        // 33 bytes of header and question, 12 per record plus its rdata: ten of 240 and one of 8 make 2,573
        for (int i = 0; i < 11; i++) {
            byte[] rdata = new byte[i < 10 ? 240 : 8];
            rdata[0] = (byte) (rdata.length - 1);
            Arrays.fill(rdata, 1, rdata.length, (byte) ('a' + i));
            answers.add(new DnsMessage.Record(name, DnsType.TXT, DnsType.IN, 300, rdata, null)); // text unused
        }
        return new DnsMessage(0x5ca9, DnsMessage.QR | DnsMessage.AA | DnsMessage.RD | DnsMessage.RA,
                List.of(new DnsMessage.Question(name, DnsType.TXT, DnsType.IN)), answers, List.of(), List.of());
    }

    /** The answer in UDP in IPv4 from the server, DF clear so a router may cut it. */
    static byte[] datagram(int id, byte[] options) {
        byte[] udp = UdpDatagram.of(53, 40123, dnsAnswer().toBytes()).toBytes(SERVER, US);
        return packet(header(id, Ipv4Packet.PROTO_UDP, options), 0, udp, false);
    }

    static byte[] header(int id, int protocol, byte[] options) {
        byte[] h = new byte[Ipv4Packet.MIN_HEADER + options.length];
        h[0] = (byte) (0x40 | h.length / 4);
        h[4] = (byte) (id >>> 8);
        h[5] = (byte) id;
        h[8] = 63;
        h[9] = (byte) protocol;
        Ip4.write(SERVER, h, 12);
        Ip4.write(US, h, 16);
        System.arraycopy(options, 0, h, Ipv4Packet.MIN_HEADER, options.length);
        return h;
    }

    /** header (its flags byte as given, plus MF and the offset) with length and checksum set, then payload. */
    static byte[] packet(byte[] header, int offset, byte[] payload, boolean more) {
        byte[] p = Arrays.copyOf(header, header.length + payload.length);
        System.arraycopy(payload, 0, p, header.length, payload.length);
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        int flags = (header[6] & 0xc0) << 8 | (more ? 0x2000 : 0) | offset / 8;
        p[6] = (byte) (flags >>> 8);
        p[7] = (byte) flags;
        p[10] = 0;
        p[11] = 0;
        int sum = Checksum.compute(p, 0, header.length);
        p[10] = (byte) (sum >>> 8);
        p[11] = (byte) sum;
        return p;
    }

    /** Cuts a datagram as Linux's ip_fragment does: size bytes of payload a piece; later pieces without options. */
    static List<byte[]> fragments(byte[] datagram, int size) {
        int ihl = (datagram[0] & 0x0f) * 4;
        byte[] first = Arrays.copyOf(datagram, ihl);
        byte[] later = Arrays.copyOf(datagram, Ipv4Packet.MIN_HEADER);
        later[0] = 0x45; // Router Alert's copied bit is set, but leaving it out shows whose header wins
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < datagram.length - ihl; at += size) {
            int end = Math.min(at + size, datagram.length - ihl);
            out.add(packet(at == 0 ? first : later, at, Arrays.copyOfRange(datagram, ihl + at, ihl + end),
                    end < datagram.length - ihl));
        }
        return out;
    }

    static Reassembled offerAll(Ipv4Reassembly r, List<byte[]> fragments, long now) throws MalformedFrameException {
        Outcome last = null;
        for (int i = 0; i < fragments.size(); i++) {
            last = r.offer(fragments.get(i), now + i);
            if (i < fragments.size() - 1) {
                assertEquals(Reason.HELD, assertInstanceOf(Fragment.class, last).reason(), "fragment " + i);
            }
        }
        return assertInstanceOf(Reassembled.class, last);
    }

    static Reason reason(Outcome o) {
        return assertInstanceOf(Fragment.class, o).reason();
    }

    @Test
    void inOrderMakesTheDatagramAgain() throws MalformedFrameException {
        byte[] d = datagram(0x1c46, NO_OPTIONS);
        assertEquals(20 + 8 + 2573, d.length);
        List<byte[]> f = fragments(d, 1480);
        assertEquals(List.of(1500, 1121), f.stream().map(b -> b.length).toList());
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);

        Fragment held = assertInstanceOf(Fragment.class, r.offer(f.get(0), 1_000));
        assertEquals(Reason.HELD, held.reason());
        assertEquals(new Piece(0, 1480, true), held.piece());
        assertEquals(1, r.datagramsHeld());
        assertEquals(1500, r.bytesHeld());
        assertEquals(1_000 + 30 * SECOND, r.nextDeadlineMicros());

        Reassembled done = assertInstanceOf(Reassembled.class, r.offer(f.get(1), 1_250));
        assertArrayEquals(d, done.packet()); // same header, DF clear, so the very bytes the server sent
        assertEquals("198.18.2.53 → 198.18.1.2 UDP id 0x1c46", done.key().toString());
        assertEquals(List.of(new Piece(0, 1480, true), new Piece(1480, 1101, false)), done.received().pieces());
        assertEquals(2, done.received().fragments());
        assertEquals(2581, done.received().bytes());
        assertEquals(2581, done.received().expectedBytes());
        assertEquals(1_000, done.received().firstMicros());
        assertEquals(1_250, done.received().lastMicros());
        assertEquals(0, r.datagramsHeld());
        assertEquals(0, r.bytesHeld());
        assertEquals(Long.MAX_VALUE, r.nextDeadlineMicros());
    }

    @Test
    void reassembledPacketParsesWithValidChecksums() throws MalformedFrameException {
        byte[] d = datagram(0x0101, NO_OPTIONS);
        byte[] out = offerAll(new Ipv4Reassembly(Limits.DEFAULT), fragments(d, 1480), 0).packet();
        assertEquals(0, Checksum.compute(out, 0, 20));
        Ipv4Packet ip = Ipv4Packet.parse(out);
        assertTrue(ip.checksumValid());
        assertEquals(0, ip.flagsAndFragment());
        assertEquals(out.length, ip.totalLength());
        UdpDatagram udp = UdpDatagram.parse(ip.payload(), ip.source(), ip.destination());
        assertTrue(udp.checksumValid());
        assertArrayEquals(dnsAnswer().toBytes(), udp.payload());
        assertEquals(11, DnsMessage.parse(udp.payload()).answers().size());
    }

    @Test
    void reverseOrder() throws MalformedFrameException {
        byte[] d = datagram(0x2222, NO_OPTIONS);
        List<byte[]> f = new ArrayList<>(fragments(d, 1480));
        Collections.reverse(f);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        Fragment held = assertInstanceOf(Fragment.class, r.offer(f.get(0), 0));
        assertFalse(held.datagram().firstArrived());
        assertTrue(held.datagram().lastArrived());
        assertEquals(2581, held.datagram().expectedBytes());
        assertArrayEquals(d, assertInstanceOf(Reassembled.class, r.offer(f.get(1), 1)).packet());
    }

    @Test
    void shuffledSmallPieces() throws MalformedFrameException {
        byte[] d = datagram(0x3333, NO_OPTIONS);
        List<byte[]> f = fragments(d, 256);
        assertEquals(11, f.size());
        for (long seed = 1; seed <= 20; seed++) {
            List<byte[]> shuffled = new ArrayList<>(f);
            Collections.shuffle(shuffled, new Random(seed));
            Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
            Reassembled done = offerAll(r, shuffled, 0);
            assertArrayEquals(d, done.packet(), "seed " + seed);
            assertEquals(11, done.received().fragments());
            assertEquals(0, r.bytesHeld());
        }
    }

    @Test
    void firstFragmentsHeaderAndOptionsHeadTheDatagram() throws MalformedFrameException {
        byte[] routerAlert = {(byte) 0x94, 4, 0, 0};
        byte[] d = datagram(0x4444, routerAlert);
        List<byte[]> f = new ArrayList<>(fragments(d, 1480));
        assertEquals(24, (f.get(0)[0] & 0x0f) * 4);
        assertEquals(20, (f.get(1)[0] & 0x0f) * 4);
        Collections.reverse(f);
        byte[] out = offerAll(new Ipv4Reassembly(Limits.DEFAULT), f, 0).packet();
        assertArrayEquals(d, out);
        Ipv4Packet ip = Ipv4Packet.parse(out);
        assertArrayEquals(routerAlert, ip.options());
        assertTrue(ip.checksumValid());
    }

    @Test
    void dontFragmentBitOfFragmentZeroIsKept() throws MalformedFrameException {
        // odd but seen: DF set on pieces (a host that cut the datagram itself and then set DF on the pieces)
        byte[] h = header(0x4545, Ipv4Packet.PROTO_UDP, NO_OPTIONS);
        h[6] = 0x40;
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(packet(h, 0, new byte[16], true), 0);
        byte[] out = assertInstanceOf(Reassembled.class, r.offer(packet(h, 16, new byte[5], false), 1)).packet();
        assertEquals(0x4000, Ipv4Packet.parse(out).flagsAndFragment());
        assertEquals(0, Checksum.compute(out, 0, 20));
    }

    @Test
    void exactDuplicatesAreIgnored() throws MalformedFrameException {
        byte[] d = datagram(0x5555, NO_OPTIONS);
        List<byte[]> f = fragments(d, 1024);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        assertEquals(Reason.HELD, reason(r.offer(f.get(0), 0)));
        assertEquals(Reason.DUPLICATE, reason(r.offer(f.get(0), 1)));
        assertEquals(Reason.HELD, reason(r.offer(f.get(2), 2)));
        Fragment dup = assertInstanceOf(Fragment.class, r.offer(f.get(2), 3));
        assertEquals(Reason.DUPLICATE, dup.reason());
        assertFalse(dup.reason().dropsDatagram());
        assertEquals(2, dup.datagram().fragments());
        assertEquals(2, dup.datagram().duplicates());
        assertEquals(1044 + 533, r.bytesHeld()); // duplicates are not held twice

        // a copy of part of a held piece, cut differently but the same bytes, is a duplicate too
        int ihl = 20;
        byte[] part = packet(Arrays.copyOf(d, ihl), 512, Arrays.copyOfRange(d, ihl + 512, ihl + 1024), true);
        assertEquals(Reason.DUPLICATE, reason(r.offer(part, 4)));

        Reassembled done = assertInstanceOf(Reassembled.class, r.offer(f.get(1), 5));
        assertArrayEquals(d, done.packet());
        assertEquals(3, done.received().fragments());
        assertEquals(3, done.received().duplicates());
    }

    @Test
    void conflictingOverlapDropsTheDatagram() throws MalformedFrameException {
        byte[] d = datagram(0x6666, NO_OPTIONS);
        List<byte[]> f = fragments(d, 1480);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(f.get(0), 0);
        byte[] forged = f.get(0).clone();
        forged[100] ^= 1; // same place, one byte different: a teardrop-style rewrite
        Fragment dropped = assertInstanceOf(Fragment.class, r.offer(forged, 1));
        assertEquals(Reason.OVERLAP_CONFLICT, dropped.reason());
        assertTrue(dropped.reason().dropsDatagram());
        assertEquals(1, dropped.datagram().fragments()); // what was thrown away
        assertTrue(dropped.datagram().firstArrived());
        assertEquals(0, r.datagramsHeld());
        assertEquals(0, r.bytesHeld());
        // the rest arrives afterwards: it starts a new datagram, which never completes without its first piece
        Fragment late = assertInstanceOf(Fragment.class, r.offer(f.get(1), 2));
        assertEquals(Reason.HELD, late.reason());
        assertFalse(late.datagram().firstArrived());
    }

    @Test
    void partialOverlapDropsEvenWhenTheBytesAgree() throws MalformedFrameException {
        // Linux's rule (and RFC 5722's): only an exact copy of held bytes is harmless
        byte[] d = datagram(0x6767, NO_OPTIONS);
        byte[] h = Arrays.copyOf(d, 20);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(packet(h, 0, Arrays.copyOfRange(d, 20, 20 + 1024), true), 0);
        byte[] straddling = packet(h, 1016, Arrays.copyOfRange(d, 20 + 1016, 20 + 1016 + 16), true);
        assertEquals(Reason.OVERLAP_CONFLICT, reason(r.offer(straddling, 1)));
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void inconsistentEndsDropTheDatagram() throws MalformedFrameException {
        byte[] h = header(0x7777, Ipv4Packet.PROTO_UDP, NO_OPTIONS);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(packet(h, 800, new byte[100], false), 0); // ends at 900
        assertEquals(Reason.INCONSISTENT_END, reason(r.offer(packet(h, 1600, new byte[50], false), 1)));
        assertEquals(0, r.datagramsHeld());

        r.offer(packet(h, 800, new byte[100], false), 2);
        assertEquals(Reason.INCONSISTENT_END, reason(r.offer(packet(h, 896, new byte[8], true), 3))); // past 900
        r.offer(packet(h, 1600, new byte[800], true), 4);
        assertEquals(Reason.INCONSISTENT_END, reason(r.offer(packet(h, 800, new byte[100], false), 5))); // 2400 held
    }

    @Test
    void badLengthsAreRefusedAndTheDatagramGoesOn() throws MalformedFrameException {
        byte[] d = datagram(0x8888, NO_OPTIONS);
        List<byte[]> f = fragments(d, 1480);
        byte[] h = Arrays.copyOf(d, 20);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(f.get(0), 0);
        Fragment odd = assertInstanceOf(Fragment.class, r.offer(packet(h, 1480, new byte[1001], true), 1));
        assertEquals(Reason.BAD_LENGTH, odd.reason());
        assertFalse(odd.reason().dropsDatagram());
        assertEquals(1, odd.datagram().fragments());
        assertEquals(Reason.BAD_LENGTH, reason(r.offer(packet(h, 2000, new byte[0], false), 2)));
        assertArrayEquals(d, assertInstanceOf(Reassembled.class, r.offer(f.get(1), 3)).packet());
        // the same with nothing held: refused, nothing kept
        assertEquals(Reason.BAD_LENGTH, reason(r.offer(packet(h, 0, new byte[12], true), 4)));
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void badHeaderChecksumIsRefused() throws MalformedFrameException {
        byte[] piece = fragments(datagram(0x9999, NO_OPTIONS), 1480).get(0);
        piece[11] ^= 0x10;
        assertEquals(Reason.BAD_CHECKSUM, reason(new Ipv4Reassembly(Limits.DEFAULT).offer(piece, 0)));
    }

    @Test
    void timeoutWithFragmentZero() throws MalformedFrameException {
        List<byte[]> f = fragments(datagram(0xaaaa, NO_OPTIONS), 1480);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(f.get(0), 5 * SECOND);
        assertEquals(35 * SECOND, r.nextDeadlineMicros());
        assertEquals(List.of(), r.expire(35 * SECOND - 1));
        List<Expired> gone = r.expire(35 * SECOND);
        assertEquals(1, gone.size());
        assertEquals(Reason.TIMEOUT, gone.get(0).reason());
        assertTrue(gone.get(0).received().firstArrived()); // RFC 792's time-exceeded would be due
        assertEquals(1480, gone.get(0).received().bytes());
        assertEquals(0, r.bytesHeld());
        assertEquals(Long.MAX_VALUE, r.nextDeadlineMicros());
    }

    @Test
    void timeoutWithoutFragmentZero() throws MalformedFrameException {
        List<byte[]> f = fragments(datagram(0xbbbb, NO_OPTIONS), 1480);
        Ipv4Reassembly r = new Ipv4Reassembly(new Limits(64, 65_535, 64, 15 * SECOND, 4L << 20));
        r.offer(f.get(1), 0);
        r.offer(f.get(1), 10 * SECOND); // a later duplicate does not push the deadline back
        Expired gone = r.expire(15 * SECOND).get(0);
        assertFalse(gone.received().firstArrived()); // no time-exceeded: fragment zero never came
        assertTrue(gone.received().lastArrived());
        assertEquals(1, gone.received().duplicates());
    }

    @Test
    void aFragmentAfterTheDeadlineStartsAfreshEvenBeforeExpire() throws MalformedFrameException {
        List<byte[]> f = fragments(datagram(0xcccc, NO_OPTIONS), 1480);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(f.get(0), 0);
        Fragment late = assertInstanceOf(Fragment.class, r.offer(f.get(1), 30 * SECOND));
        assertEquals(Reason.HELD, late.reason());
        assertEquals(1, late.evicted().size());
        assertEquals(Reason.TIMEOUT, late.evicted().get(0).reason());
        assertFalse(late.datagram().firstArrived());
        assertEquals(60 * SECOND, r.nextDeadlineMicros());
    }

    @Test
    void tooManyDatagramsEvictsTheOldest() throws MalformedFrameException {
        Ipv4Reassembly r = new Ipv4Reassembly(new Limits(2, 65_535, 64, 30 * SECOND, 4L << 20));
        List<byte[]> a = fragments(datagram(1, NO_OPTIONS), 1480);
        List<byte[]> b = fragments(datagram(2, NO_OPTIONS), 1480);
        List<byte[]> c = fragments(datagram(3, NO_OPTIONS), 1480);
        r.offer(a.get(0), 0);
        r.offer(b.get(0), 1);
        Fragment third = assertInstanceOf(Fragment.class, r.offer(c.get(0), 2));
        assertEquals(Reason.HELD, third.reason());
        assertEquals(1, third.evicted().size());
        Expired oldest = third.evicted().get(0);
        assertEquals(Reason.TOO_MANY_DATAGRAMS, oldest.reason());
        assertEquals(1, oldest.key().identification());
        assertEquals(2, r.datagramsHeld());
        assertEquals(1, r.nextDeadlineMicros() - 30 * SECOND);
        assertInstanceOf(Reassembled.class, r.offer(b.get(1), 3));
        assertInstanceOf(Reassembled.class, r.offer(c.get(1), 4));
        assertEquals(Reason.HELD, reason(r.offer(a.get(1), 5))); // its first piece is gone
    }

    @Test
    void heldBytesAreCappedOldestFirst() throws MalformedFrameException {
        Ipv4Reassembly r = new Ipv4Reassembly(new Limits(64, 65_535, 64, 30 * SECOND, 65_535));
        List<Expired> evicted = new ArrayList<>();
        for (int id = 0; id < 50; id++) {
            byte[] first = fragments(datagram(id, NO_OPTIONS), 1480).get(0);
            Fragment f = assertInstanceOf(Fragment.class, r.offer(first, id));
            evicted.addAll(f.evicted());
            assertTrue(r.bytesHeld() <= 65_535, "held " + r.bytesHeld());
        }
        assertEquals(43, r.datagramsHeld()); // 43 first pieces of 1,500 bytes fit in 65,535
        assertEquals(7, evicted.size());
        for (int i = 0; i < evicted.size(); i++) {
            assertEquals(Reason.TOO_MUCH_MEMORY, evicted.get(i).reason());
            assertEquals(i, evicted.get(i).key().identification());
        }
    }

    @Test
    void largestDatagramReassemblesAndOneByteMoreIsTooLarge() throws MalformedFrameException {
        byte[] h = header(0xdddd, Ipv4Packet.PROTO_UDP, NO_OPTIONS);
        byte[] big = packet(h, 0, new byte[65_535 - 20], false);
        for (int i = 20; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        List<byte[]> f = fragments(big, 1480);
        assertEquals(45, f.size());
        Reassembled done = offerAll(new Ipv4Reassembly(Limits.DEFAULT), f, 0);
        assertEquals(65_535, done.packet().length);
        assertArrayEquals(big, done.packet());

        // the ping of death: offset 8189 (65,512 bytes) with 8 more and a 20-byte header is 65,540
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(f.get(0), 0);
        Fragment death = assertInstanceOf(Fragment.class, r.offer(packet(h, 8189 * 8, new byte[8], true), 1));
        assertEquals(Reason.TOO_LARGE, death.reason());
        assertEquals(1, death.datagram().fragments()); // the held first piece went with it
        assertEquals(0, r.datagramsHeld());
        // one byte past the limit, last fragment alone (nothing held yet): 20 + 65,512 + 4 = 65,536
        assertEquals(Reason.TOO_LARGE, reason(r.offer(packet(h, 65_512, new byte[4], false), 2)));
        assertEquals(0, r.datagramsHeld());
        // within the limit without options, but fragment zero brings 40 bytes of header: 40 + 65,500 > 65,535
        r.offer(packet(h, 65_496, new byte[4], false), 3);
        byte[] longHeader = header(0xdddd, Ipv4Packet.PROTO_UDP, new byte[20]);
        assertEquals(Reason.TOO_LARGE, reason(r.offer(packet(longHeader, 0, new byte[8], true), 4)));
    }

    @Test
    void tooManyFragments() throws MalformedFrameException {
        List<byte[]> f = fragments(datagram(0xeeee, NO_OPTIONS), 256);
        Ipv4Reassembly r = new Ipv4Reassembly(new Limits(64, 65_535, 4, 30 * SECOND, 4L << 20));
        for (int i = 0; i < 4; i++) {
            assertEquals(Reason.HELD, reason(r.offer(f.get(i), i)));
        }
        Fragment fifth = assertInstanceOf(Fragment.class, r.offer(f.get(4), 4));
        assertEquals(Reason.TOO_MANY_FRAGMENTS, fifth.reason());
        assertEquals(4, fifth.datagram().fragments());
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void keyIncludesProtocolAndAddresses() throws MalformedFrameException {
        // same identification, different protocol: two datagrams, interleaved, each made whole on its own
        byte[] udp = datagram(0x1234, NO_OPTIONS);
        byte[] other = udp.clone();
        other[9] = (byte) 253; // an experimental protocol (RFC 3692)
        other[30] ^= (byte) 0xff;
        List<byte[]> a = fragments(udp, 1480);
        List<byte[]> b = fragments(packet(Arrays.copyOf(other, 20), 0, Arrays.copyOfRange(other, 20, other.length),
                false), 1480);
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        r.offer(a.get(0), 0);
        r.offer(b.get(1), 1);
        assertEquals(2, r.datagramsHeld());
        assertArrayEquals(udp, assertInstanceOf(Reassembled.class, r.offer(a.get(1), 2)).packet());
        Reassembled second = assertInstanceOf(Reassembled.class, r.offer(b.get(0), 3));
        assertEquals(253, second.key().protocol());
        assertEquals((byte) (udp[30] ^ 0xff), second.packet()[30]);
    }

    @Test
    void notAFragmentPassesThroughUntouched() throws MalformedFrameException {
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        byte[] df = Ipv4Packet.build(US, SERVER, Ipv4Packet.PROTO_TCP, 7, 64, new byte[20]);
        assertSame(df, assertInstanceOf(Whole.class, r.offer(df, 0)).packet());
        // an "atomic fragment": MF clear and offset zero, DF clear: a whole datagram all the same
        byte[] atomic = datagram(0x0707, NO_OPTIONS);
        assertEquals(0, atomic[6]);
        assertSame(atomic, assertInstanceOf(Whole.class, r.offer(atomic, 1)).packet());
        assertEquals(0, r.datagramsHeld());
    }

    @Test
    void notIpv4Throws() {
        Ipv4Reassembly r = new Ipv4Reassembly(Limits.DEFAULT);
        assertThrows(MalformedFrameException.class, () -> r.offer(new byte[12], 0));
        byte[] shortened = fragments(datagram(1, NO_OPTIONS), 1480).get(0);
        assertThrows(MalformedFrameException.class, () -> r.offer(Arrays.copyOf(shortened, 600), 0));
    }

    @Test
    void limitsMustLeaveRoomForOneDatagram() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(64, 65_535, 64, SECOND, 65_534));
        assertThrows(IllegalArgumentException.class, () -> new Limits(64, 65_536, 64, SECOND, 4L << 20));
        assertThrows(IllegalArgumentException.class, () -> new Limits(0, 65_535, 64, SECOND, 4L << 20));
    }

    /** scapy's fragment() cut the datagram (see the fixture's header): another implementation, another cut. */
    @Test
    void scapyFragmentsReassembleToScapysDatagram() throws IOException, MalformedFrameException {
        byte[] datagram = null;
        List<byte[]> pieces = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("scapy-dns-fragments.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] w = line.split(" ");
                if (w[0].equals("datagram")) {
                    datagram = HexFormat.of().parseHex(w[1]);
                } else if (w[0].equals("fragment")) {
                    pieces.add(HexFormat.of().parseHex(w[1]));
                }
            }
        }
        assertEquals(3, pieces.size());
        for (List<Integer> order : List.of(List.of(0, 1, 2), List.of(2, 1, 0), List.of(1, 2, 0), List.of(2, 0, 1))) {
            List<byte[]> f = order.stream().map(pieces::get).toList();
            Reassembled done = offerAll(new Ipv4Reassembly(Limits.DEFAULT), f, 0);
            assertArrayEquals(datagram, done.packet(), "order " + order);
        }
        Ipv4Packet ip = Ipv4Packet.parse(datagram);
        DnsMessage answer = DnsMessage.parse(UdpDatagram.parse(ip.payload(), ip.source(), ip.destination()).payload());
        assertEquals(24, answer.answers().size());
    }
}
