package synack.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ARP for IPv4 over Ethernet (RFC 826): who-has (request) and is-at (reply).
 * sha/spa are the sender's hardware and protocol addresses, tha/tpa the target's.
 */
public record ArpPacket(int operation, MacAddress senderMac, int senderIp, MacAddress targetMac, int targetIp) {
    public static final int LENGTH = 28;
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    public static ArpPacket request(MacAddress ourMac, int ourIp, int targetIp) {
        return new ArpPacket(REQUEST, ourMac, ourIp, MacAddress.ZERO, targetIp);
    }

    /** Gratuitous ARP (RFC 5227 section 3 "announcement"): a request for our own address. */
    public static ArpPacket announcement(MacAddress ourMac, int ourIp) {
        return new ArpPacket(REQUEST, ourMac, ourIp, MacAddress.ZERO, ourIp);
    }

    /** RFC 5227 probe: sender address all zeros so that no neighbour cache learns from it. */
    public static ArpPacket probe(MacAddress ourMac, int candidateIp) {
        return new ArpPacket(REQUEST, ourMac, Ip4.ANY, MacAddress.ZERO, candidateIp);
    }

    public static ArpPacket parse(byte[] p) throws MalformedFrameException {
        if (p.length < LENGTH) {
            throw new MalformedFrameException("ARP packet of " + p.length + " bytes is shorter than 28");
        }
        int htype = u16(p, 0);
        int ptype = u16(p, 2);
        int hlen = p[4] & 0xff;
        int plen = p[5] & 0xff;
        if (htype != 1 || ptype != EthernetFrame.TYPE_IPV4 || hlen != 6 || plen != 4) {
            throw new MalformedFrameException(String.format(
                    "ARP for htype %d ptype 0x%04x hlen %d plen %d, not IPv4 over Ethernet", htype, ptype, hlen, plen));
        }
        return new ArpPacket(u16(p, 6), MacAddress.read(p, 8), Ip4.read(p, 14), MacAddress.read(p, 18), Ip4.read(p, 24));
    }

    public byte[] toBytes() {
        byte[] p = new byte[LENGTH];
        p[1] = 1; // htype Ethernet
        p[2] = 0x08; // ptype IPv4
        p[4] = 6;
        p[5] = 4;
        p[6] = (byte) (operation >>> 8);
        p[7] = (byte) operation;
        senderMac.write(p, 8);
        Ip4.write(senderIp, p, 14);
        targetMac.write(p, 18);
        Ip4.write(targetIp, p, 24);
        return p;
    }

    /** Wraps this packet in an Ethernet frame: requests are broadcast, replies go to the target. */
    public byte[] toFrame(MacAddress source) {
        MacAddress dst = operation == REQUEST ? MacAddress.BROADCAST : targetMac;
        return new EthernetFrame(dst, source, EthernetFrame.TYPE_ARP, toBytes()).toBytes();
    }

    public boolean isGratuitous() {
        return senderIp == targetIp && senderIp != Ip4.ANY;
    }

    public boolean isProbe() {
        return operation == REQUEST && senderIp == Ip4.ANY;
    }

    public String summary() {
        if (operation == REQUEST) {
            if (isProbe()) {
                return "ARP probe: who-has " + Ip4.toString(targetIp) + " (sender 0.0.0.0, RFC 5227)";
            }
            if (isGratuitous()) {
                return "ARP announce: " + Ip4.toString(senderIp) + " is-at " + senderMac + " (gratuitous)";
            }
            return "ARP who-has " + Ip4.toString(targetIp) + " tell " + Ip4.toString(senderIp);
        }
        if (operation == REPLY) {
            return "ARP " + Ip4.toString(senderIp) + " is-at " + senderMac;
        }
        return "ARP op " + operation;
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("op", operation == REQUEST ? "request" : operation == REPLY ? "reply" : Integer.toString(operation));
        f.put("sha", senderMac.toString());
        f.put("spa", Ip4.toString(senderIp));
        f.put("tha", targetMac.toString());
        f.put("tpa", Ip4.toString(targetIp));
        return new Layer("arp", summary(), f);
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
