package synack.capture;

import synack.wire.ArpPacket;
import synack.wire.Ipv4Packet;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * A captured frame decoded as far as explain's observers need it (see {@link FrameDecoder}).
 * Layers that are absent or could not be decoded are null; {@code malformed} says why decoding
 * stopped (null when it did not). {@code etherType} is the network protocol whatever the link
 * type carried it (0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6; -1 when unknown).
 * {@code tcpDataOnWire} is the TCP payload length the IP header declares — what was on the wire,
 * even when the capture holds less of it ({@code tcp.data().length} is what was captured).
 * {@code truncated}: the frame was cut by the snapshot length before the end of what its headers
 * declare. For a TCP segment cut short, {@code tcp.checksum()} is not verifiable (see FrameDecoder).
 */
public record DecodedFrame(CapturedFrame frame, int etherType, ArpPacket arp, Ipv4Packet ip, TcpSegment tcp, int tcpDataOnWire,
                           UdpDatagram udp, boolean truncated, String malformed) {}
