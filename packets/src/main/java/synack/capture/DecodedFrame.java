package synack.capture;

import synack.wire.ArpPacket;
import synack.wire.IpAddress;
import synack.wire.Ipv4Packet;
import synack.wire.Ipv6Packet;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * A captured frame decoded as far as explain's observers need it (see {@link FrameDecoder}).
 * Layers that are absent or could not be decoded are null; {@code malformed} says why decoding
 * stopped (null when it did not). {@code etherType} is the network protocol whatever the link
 * type carried it (0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6; -1 when unknown). At most one of
 * {@code ip} (IPv4) and {@code ip6} (IPv6) is set; {@link #source()}/{@link #destination()} give
 * its addresses as values of either family.
 * {@code tcpDataOnWire} is the TCP payload length the IP header declares — what was on the wire,
 * even when the capture holds less of it ({@code tcp.data().length} is what was captured).
 * {@code truncated}: the frame was cut by the snapshot length before the end of what its headers
 * declare. For a TCP segment cut short, {@code tcp.checksum()} is not verifiable (see FrameDecoder).
 */
public record DecodedFrame(CapturedFrame frame, int etherType, ArpPacket arp, Ipv4Packet ip, Ipv6Packet ip6, TcpSegment tcp,
                           int tcpDataOnWire, UdpDatagram udp, boolean truncated, String malformed) {

    /** An IPv4 (or ARP, or undecoded) frame: no IPv6 layer. */
    public DecodedFrame(CapturedFrame frame, int etherType, ArpPacket arp, Ipv4Packet ip, TcpSegment tcp, int tcpDataOnWire,
                        UdpDatagram udp, boolean truncated, String malformed) {
        this(frame, etherType, arp, ip, null, tcp, tcpDataOnWire, udp, truncated, malformed);
    }

    /** True when an IP header of either family was decoded. */
    public boolean hasIp() {
        return ip != null || ip6 != null;
    }

    /** The IP source address (a new value; the hot path compares with {@link #sourceIs} instead), or null without IP. */
    public IpAddress source() {
        return ip != null ? IpAddress.of(ip.source()) : ip6 != null ? IpAddress.of(ip6.source()) : null;
    }

    public IpAddress destination() {
        return ip != null ? IpAddress.of(ip.destination()) : ip6 != null ? IpAddress.of(ip6.destination()) : null;
    }

    /** Whether the IP source is {@code address}, compared in place (no allocation per frame). */
    public boolean sourceIs(IpAddress address) {
        if (ip != null) {
            return !address.ipv6() && address.low() == Integer.toUnsignedLong(ip.source());
        }
        return ip6 != null && address.ipv6() && address.high() == longAt(ip6.source(), 0) && address.low() == longAt(ip6.source(), 8);
    }

    /** The 64 bits at {@code offset} of an address's bytes, as {@link IpAddress} keeps them. */
    public static long longAt(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[offset + i] & 0xff);
        }
        return v;
    }
}
