package synack.exchange.dns;

import synack.wire.ChecksumStatus;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Frames6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

/**
 * A UDP datagram read from an Ethernet frame of either family, with its addresses: where a DNS
 * client reads its replies from. Over IPv6 the checksum is the datagram's only protection (the
 * IPv6 header has none), so a wrong one, or a zero one (not allowed over IPv6, RFC 8200 8.1), is
 * refused here with the reason, whatever the intake in front of us did.
 */
record UdpInFrame(IpAddress source, IpAddress destination, UdpDatagram datagram) {
    /** The datagram, or null when the frame holds no (whole) UDP datagram; malformed or damaged: the exception says why. */
    static UdpInFrame parse(byte[] frame) throws MalformedFrameException {
        if (frame.length >= EthernetFrame.HEADER_LENGTH && ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) == EthernetFrame.TYPE_IPV6) {
            return parse6(frame);
        }
        Frames.Udp u = Frames.parseUdp(frame);
        return u == null ? null : new UdpInFrame(IpAddress.of(u.ip().source()), IpAddress.of(u.ip().destination()), u.datagram());
    }

    private static UdpInFrame parse6(byte[] frame) throws MalformedFrameException {
        Ipv6Packet ip = Ipv6Packet.parse(EthernetFrame.parse(frame).payload());
        if (ip.upperProtocol() != Ipv6Packet.UDP || ip.end() != Ipv6Packet.End.UPPER_LAYER) {
            return null; // ICMPv6, TCP, a fragment: not a whole datagram for us
        }
        byte[] b = ip.payload();
        if (b.length >= UdpDatagram.HEADER && b[6] == 0 && b[7] == 0) {
            throw new MalformedFrameException("UDP checksum is zero, which IPv6 does not allow (RFC 8200 8.1)");
        }
        UdpDatagram d = Frames6.parseUdp(ip);
        if (d.checksum() == ChecksumStatus.WRONG) {
            throw new MalformedFrameException("UDP checksum is wrong (damaged in transit, not an offload)");
        }
        return new UdpInFrame(IpAddress.of(ip.source()), IpAddress.of(ip.destination()), d);
    }
}
