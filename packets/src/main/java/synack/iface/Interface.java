package synack.iface;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import synack.event.Event;
import synack.event.Remark;
import synack.time.Clock;
import synack.link.Link;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.Checksum;
import synack.wire.ChecksumStatus;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;

/**
 * The one place frames come in and go out, between a link and the exchanges (smoltcp's
 * iface): it owns the checksum policy (a sum left to offload by the sender's kernel is
 * accepted and told once; real corruption is dropped and told), answers ARP for an address we
 * own and no interface holds (-S), keeps frames within the MTU, and counts what our own
 * capture dropped. What it tells (dropped frames, notes) waits in {@link #takeTold()} for the
 * runner, which puts it in the story in time order.
 */
public final class Interface implements Link {
    private static final int MAX_SKIPPED_PER_RECEIVE = 256;

    private final Link link;
    private final int mtu;
    private final Clock clock;
    private final List<Event> told = new ArrayList<>();
    private final Ipv4Reassembly reassembly = new Ipv4Reassembly(Ipv4Reassembly.Limits.DEFAULT);
    private final Ipv6Reassembly reassembly6 = new Ipv6Reassembly(Ipv6Reassembly.Limits.DEFAULT);
    private int ownedIp;
    private MacAddress ownedMac;
    private boolean offloadTold;
    private boolean drained;
    private long offloaded;
    private long corrupted;

    /** @param mtu the largest IPv4 packet the interface sends (its MTU); 0 = no check */
    public Interface(Link link, int mtu, Clock clock) {
        this.link = link;
        this.mtu = mtu;
        this.clock = clock;
    }

    public static Interface of(Link link, Clock clock) {
        return link instanceof Interface i ? i : new Interface(link, 0, clock);
    }

    /** An IPv6 -S no interface holds: we answer the neighbour solicitations for it (null: none). */
    private OwnedAddress6 owned6;

    /** As {@link #answerArpFor}, for an IPv6 -S: its neighbour solicitations are answered (RFC 4861 7.2.4). */
    public void answerNeighbourSolicitationsFor(synack.wire.IpAddress ip, MacAddress mac) {
        this.owned6 = new OwnedAddress6(ip, mac);
    }

    /** With -S ADDR that no interface holds, nobody else answers ARP for it: we do, for every exchange. */
    public void answerArpFor(int ip, MacAddress mac) {
        this.ownedIp = ip;
        this.ownedMac = mac;
    }

    public int mtu() {
        return mtu;
    }

    /** True when the last receive found the capture empty (not when it stopped after a run of dropped frames). */
    public boolean drained() {
        return drained;
    }

    /** A new exchange starts: its story tells the offload note again, once. */
    public void beginStory() {
        offloadTold = false;
    }

    /** What the intake has to tell since the last call: frames it dropped or answered, notes. */
    public List<Event> takeTold() {
        if (told.isEmpty()) {
            return List.of();
        }
        List<Event> out = new ArrayList<>(told);
        told.clear();
        return out;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        if (mtu > 0 && frame.length - EthernetFrame.HEADER_LENGTH > mtu) {
            // an exchange's bug, not the network's: say so rather than let the driver refuse it
            throw new IOException("frame of " + frame.length + " bytes exceeds the interface's MTU of " + mtu
                    + " (+14 Ethernet header): not sent");
        }
        link.send(frame);
    }

    @Override
    public ReceivedFrame receive(long deadlineMicros) throws IOException {
        drained = false;
        for (int skipped = 0; skipped < MAX_SKIPPED_PER_RECEIVE; skipped++) {
            ReceivedFrame f = link.receive(deadlineMicros);
            if (f == null) {
                drained = true;
                return null;
            }
            ReceivedFrame admitted = admit(f);
            if (admitted != null) {
                return admitted;
            }
        }
        return null; // a flood of frames we drop must not starve the exchange's timers
    }

    /** The frame as the exchanges should see it, or null when the intake kept it (dropped, answered). */
    ReceivedFrame admit(ReceivedFrame f) throws IOException {
        byte[] b = f.bytes();
        if (b.length < EthernetFrame.HEADER_LENGTH) {
            return f; // the exchange's parser annotates what is malformed
        }
        int type = ((b[12] & 0xff) << 8) | (b[13] & 0xff);
        if (type == EthernetFrame.TYPE_ARP) {
            return answerArp(f) ? null : f;
        }
        if (type == EthernetFrame.TYPE_IPV6) {
            return answerNeighbourSolicitation(f) ? null : admitIpv6(f);
        }
        if (type != EthernetFrame.TYPE_IPV4) {
            return f;
        }
        return admitIpv4(f);
    }

    /**
     * IPv6 has no header checksum (RFC 8200): the upper layer's, over the IPv6 pseudo-header, is
     * judged as IPv4's is — for TCP, UDP and ICMPv6 right after the fixed header (the common case;
     * a packet with extension headers is left to the exchange's own parse, which verifies it).
     * A UDP checksum of zero is not allowed over IPv6 (RFC 8200 8.1): dropped. A fragment is
     * reassembled first ({@link #reassemble6}), so the checksum is judged over the whole datagram.
     */
    private ReceivedFrame admitIpv6(ReceivedFrame f) {
        byte[] b = f.bytes();
        int ip = EthernetFrame.HEADER_LENGTH;
        if (b.length < ip + 40 || (b[ip] & 0xf0) != 0x60) {
            return f;
        }
        int length = u16(b, ip + 4);
        int protocol = b[ip + 6] & 0xff;
        int l4 = ip + 40;
        if (b.length < l4 + length) {
            return f; // cut by the capture's snaplen (or malformed: the exchange's parser says which)
        }
        if (protocol == Ipv6Packet.FRAGMENT || Ipv6Reassembly.mayHideFragmentHeader(protocol)) {
            f = reassemble6(f, length, protocol);
            if (f == null) {
                return null;
            }
            b = f.bytes();
            length = u16(b, ip + 4);
            protocol = b[ip + 6] & 0xff; // the reassembled datagram's: the Fragment header is gone
        }
        int field = switch (protocol) {
            case 6 -> 16;
            case 17 -> 6;
            case 58 -> 2;
            default -> -1;
        };
        if (field < 0 || length < field + 2) {
            return f;
        }
        String what = protocol == 6 ? "TCP" : protocol == 17 ? "UDP" : "ICMPv6";
        if (protocol == 17 && u16(b, l4 + 6) == 0) {
            return drop(f, "dropped: UDP checksum is zero, which IPv6 does not allow (RFC 8200 8.1)");
        }
        ChecksumStatus status = ChecksumStatus.of(b, l4, length, synack.wire.Checksum6.pseudoHeaderSum(b, ip, protocol, length),
                u16(b, l4 + field));
        ReceivedFrame judged = judged(f, status, what);
        return judged != null && protocol == 6 ? judged.withTcpChecksum(status) : judged;
    }

    private ReceivedFrame admitIpv4(ReceivedFrame f) {
        byte[] b = f.bytes();
        int ip = EthernetFrame.HEADER_LENGTH;
        if (b.length < ip + 20 || (b[ip] & 0xf0) != 0x40) {
            return f;
        }
        int ihl = (b[ip] & 0x0f) * 4;
        int total = u16(b, ip + 2);
        if (ihl < 20 || total < ihl || b.length < ip + ihl) {
            return f;
        }
        if (Checksum.compute(b, ip, ihl) != 0) {
            return drop(f, "dropped: IPv4 header checksum is wrong (damaged in transit)");
        }
        if (b.length < ip + total) {
            return f; // cut by the capture's snaplen: nothing more to verify here
        }
        boolean fragment = (u16(b, ip + 6) & 0x3fff) != 0;
        if (fragment) {
            f = reassemble(f, total);
            if (f == null) {
                return null;
            }
            b = f.bytes();
            total = u16(b, ip + 2);
            ihl = (b[ip] & 0x0f) * 4; // fragment zero's header, options and all
        }
        int protocol = b[ip + 9] & 0xff;
        int l4 = ip + ihl;
        int length = total - ihl;
        int src = Ip4.read(b, ip + 12);
        int dst = Ip4.read(b, ip + 16);
        ChecksumStatus status;
        String what;
        switch (protocol) {
            case 6 -> {
                if (length < 20) {
                    return f;
                }
                status = ChecksumStatus.of(b, l4, length, ChecksumStatus.pseudoHeaderSum(src, dst, 6, length), u16(b, l4 + 16));
                what = "TCP";
            }
            case 17 -> {
                if (length < 8 || u16(b, l4 + 6) == 0) {
                    return f; // no UDP checksum was computed (RFC 768 allows it over IPv4)
                }
                status = ChecksumStatus.of(b, l4, length, ChecksumStatus.pseudoHeaderSum(src, dst, 17, length), u16(b, l4 + 6));
                what = "UDP";
            }
            case 1 -> {
                status = Checksum.compute(b, l4, length) == 0 ? ChecksumStatus.VALID : ChecksumStatus.WRONG;
                what = "ICMP";
            }
            default -> {
                return f;
            }
        }
        ReceivedFrame judged = judged(f, status, what);
        return judged != null && protocol == 6 ? judged.withTcpChecksum(status) : judged;
    }

    /** The checksum policy: a wrong sum is dropped and told; one left to offload is accepted and told once. */
    private ReceivedFrame judged(ReceivedFrame f, ChecksumStatus status, String what) {
        if (status == ChecksumStatus.WRONG) {
            return drop(f, "dropped: " + what + " checksum is wrong (damaged in transit, not an offload)");
        }
        if (status == ChecksumStatus.OFFLOADED) {
            offloaded++;
            if (!offloadTold) {
                offloadTold = true;
                told.add(new Event.Note(f.timeMicros(), Event.Note.Kind.INFO, "checksum left to offload by the sender's kernel: the "
                        + what + " checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL; a NIC would fill it in, "
                        + "a veth or loopback never does, and the receiving kernel trusts it) — accepted, as the kernel does",
                        Map.of("checksum", "offloaded")));
            }
        }
        return f;
    }

    /** A fragment is held until its datagram is whole (RFC 791 3.2); the exchange sees the datagram, once. */
    private ReceivedFrame reassemble(ReceivedFrame f, int total) {
        expire(f.timeMicros());
        byte[] packet = java.util.Arrays.copyOfRange(f.bytes(), EthernetFrame.HEADER_LENGTH, EthernetFrame.HEADER_LENGTH + total);
        Ipv4Reassembly.Outcome o;
        try {
            o = reassembly.offer(packet, f.timeMicros());
        } catch (MalformedFrameException e) {
            return drop(f, "dropped: " + e.getMessage());
        }
        if (o instanceof Ipv4Reassembly.Whole) {
            return f;
        }
        if (o instanceof Ipv4Reassembly.Reassembled r) {
            told.add(new Event.Frame(f.timeMicros(), Event.Direction.IN, f.bytes(), Remark.of("the last missing piece: reassembled from "
                    + r.received().fragments() + " fragments, " + r.packet().length + " bytes (RFC 791)"), false));
            byte[] whole = new byte[EthernetFrame.HEADER_LENGTH + r.packet().length];
            System.arraycopy(f.bytes(), 0, whole, 0, EthernetFrame.HEADER_LENGTH);
            System.arraycopy(r.packet(), 0, whole, EthernetFrame.HEADER_LENGTH, r.packet().length);
            return new ReceivedFrame(whole, f.timeMicros(), r.received().fragments());
        }
        Ipv4Reassembly.Fragment frag = (Ipv4Reassembly.Fragment) o;
        for (Ipv4Reassembly.Expired e : frag.evicted()) {
            tellExpired(e, f.timeMicros());
        }
        boolean held = frag.reason() == Ipv4Reassembly.Reason.HELD;
        told.add(new Event.Frame(f.timeMicros(), Event.Direction.IN, f.bytes(), Remark.of(held
                ? "held until " + frag.key() + " is whole"
                : "dropped (" + frag.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + (frag.reason().dropsDatagram() ? ", with the whole datagram" : "") + ")"), false));
        return null;
    }

    /**
     * An IPv6 fragment is held until its datagram is whole (RFC 8200 4.5), as an IPv4 one is; the exchange sees
     * the datagram, once, and the intake's checksum policy then judges it whole. An atomic fragment (RFC 6946) and
     * a packet whose extension headers hold no Fragment header go on as they are.
     */
    private ReceivedFrame reassemble6(ReceivedFrame f, int payloadLength, int protocol) {
        expire(f.timeMicros());
        int ip = EthernetFrame.HEADER_LENGTH;
        byte[] packet = java.util.Arrays.copyOfRange(f.bytes(), ip, ip + Ipv6Packet.HEADER + payloadLength);
        Ipv6Reassembly.Outcome o;
        try {
            o = reassembly6.offer(packet, f.timeMicros());
        } catch (MalformedFrameException e) {
            // a fragment we cannot read is told and dropped; other extension headers are the exchange's to annotate
            return protocol == Ipv6Packet.FRAGMENT ? drop(f, "dropped: " + e.getMessage()) : f;
        }
        if (o instanceof Ipv6Reassembly.Whole) {
            return f;
        }
        if (o instanceof Ipv6Reassembly.Reassembled r) {
            told.add(new Event.Frame(f.timeMicros(), Event.Direction.IN, f.bytes(), Remark.of("the last missing piece: reassembled from "
                    + r.received().fragments() + " fragments, " + r.packet().length + " bytes (RFC 8200 4.5)"), false));
            byte[] whole = new byte[ip + r.packet().length];
            System.arraycopy(f.bytes(), 0, whole, 0, ip);
            System.arraycopy(r.packet(), 0, whole, ip, r.packet().length);
            return new ReceivedFrame(whole, f.timeMicros(), r.received().fragments());
        }
        Ipv6Reassembly.Fragment frag = (Ipv6Reassembly.Fragment) o;
        for (Ipv6Reassembly.Expired e : frag.evicted()) {
            tellExpired(e.key(), e.reason().name(), e.received(), f.timeMicros());
        }
        told.add(new Event.Frame(f.timeMicros(), Event.Direction.IN, f.bytes(), Remark.of(frag.reason() == Ipv6Reassembly.Reason.HELD
                ? "held until " + frag.key() + " is whole"
                : "dropped (" + why6(frag) + (frag.reason().dropsDatagram() ? ", with the whole datagram" : "") + ")"), false));
        return null;
    }

    private static String why6(Ipv6Reassembly.Fragment frag) {
        Ipv4Reassembly.Piece p = frag.piece();
        return switch (frag.reason()) {
            case BAD_LENGTH -> p.length() == 0 ? "bad length: no bytes after the Fragment header"
                    : "bad length: " + p.length() + " bytes with more fragments to follow is not a multiple of 8 (RFC 8200 4.5)";
            case HEADER_CHAIN_INCOMPLETE -> "the first fragment does not hold the whole header chain up to the upper-layer"
                    + " header (RFC 7112)";
            case OVERLAP_CONFLICT -> "overlaps bytes held: bytes " + p.offset() + "-" + p.end() + " (RFC 5722)";
            case TOO_LARGE -> "the reassembled payload would pass 65,535 bytes (RFC 8200 4.5)";
            default -> frag.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    /** When a held datagram's reassembly time runs out (Long.MAX_VALUE when none is held). */
    public long nextDeadlineMicros() {
        return Math.min(reassembly.nextDeadlineMicros(), reassembly6.nextDeadlineMicros());
    }

    /** Gives up the datagrams whose time ran out, and tells them: called by the runner at that deadline. */
    public void expire(long nowMicros) {
        for (Ipv4Reassembly.Expired e : reassembly.expire(nowMicros)) {
            tellExpired(e, nowMicros);
        }
        for (Ipv6Reassembly.Expired e : reassembly6.expire(nowMicros)) {
            tellExpired(e.key(), e.reason().name(), e.received(), nowMicros);
        }
    }

    private void tellExpired(Ipv4Reassembly.Expired e, long t) {
        tellExpired(e.key(), e.reason().name(), e.received(), t);
    }

    private void tellExpired(Object key, String reason, Ipv4Reassembly.Received received, long t) {
        told.add(new Event.Note(t, Event.Note.Kind.WARNING, key + ": " + received.fragments() + " fragments ("
                + received.bytes() + " bytes) given up (" + reason.toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ")" + (received.firstArrived() ? "" : "; the first fragment never came"), Map.of("reassembly", reason)));
    }

    private ReceivedFrame drop(ReceivedFrame f, String why) {
        corrupted++;
        told.add(new Event.Frame(f.timeMicros(), Event.Direction.IN, f.bytes(), Remark.of(why), false));
        return null;
    }

    /** Answers who-has for the address we own (-S); true when the frame was that request (or our own kind). */
    private boolean answerArp(ReceivedFrame f) throws IOException {
        if (ownedMac == null) {
            return false;
        }
        ArpPacket arp;
        try {
            arp = ArpPacket.parse(EthernetFrame.parse(f.bytes()).payload());
        } catch (MalformedFrameException e) {
            return false;
        }
        if (arp.operation() != ArpPacket.REQUEST || arp.targetIp() != ownedIp || arp.isProbe()) {
            return false;
        }
        told.add(new Event.Frame(f.timeMicros(), Event.Direction.IN, f.bytes(),
                Remark.of("who-has for our own address " + Ip4.toString(ownedIp)), false));
        byte[] reply = new ArpPacket(ArpPacket.REPLY, ownedMac, ownedIp, arp.senderMac(), arp.senderIp()).toFrame(ownedMac);
        long t = clock.nowMicros();
        link.send(reply);
        told.add(new Event.Frame(t, Event.Direction.OUT, reply, Remark.of("we own this address (-S): is-at our MAC"), false));
        return true;
    }

    /** Answers a neighbour solicitation for the IPv6 address we own (-S); true when the frame was one. */
    private boolean answerNeighbourSolicitation(ReceivedFrame f) throws IOException {
        OwnedAddress6.Answer a = owned6 == null ? null : owned6.answer(f.bytes());
        if (a == null) {
            return false;
        }
        told.add(a.questionFrame(f.timeMicros(), f.bytes()));
        long t = clock.nowMicros();
        link.send(a.reply());
        told.add(a.replyFrame(t));
        return true;
    }

    /** Frames whose checksum was left to offload, and frames dropped as damaged, since the start. */
    public long offloadedFrames() {
        return offloaded;
    }

    public long damagedFrames() {
        return corrupted;
    }

    @Override
    public long captureDrops() {
        return link.captureDrops();
    }

    @Override
    public void close() {
        link.close();
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
