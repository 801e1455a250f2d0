package synack.exchange.scan;

import synack.wire.Frames;
import synack.wire.Icmpv6Message;
import synack.wire.Ipv6Packet;
import synack.wire.IpAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * What came back for an IPv6 probe, as {@link Reply} is over IPv4: a TCP SYN,ACK or RST to our
 * address and port (read by {@link Frames#parseTcp}, extension headers walked), or an ICMPv6
 * destination unreachable (RFC 4443 3.1, codes 0-6) quoting a SYN from our port. {@code ack}
 * is the TCP ack, or the quoted SYN's seq + 1, so one cookie check serves both.
 */
public record Reply6(Reply.Kind kind, IpAddress host, int port, int ack, int hopLimit, int icmpCode, IpAddress from) {
    private static final int ETH = 14;

    /** The reply in {@code f} to a probe from {@code ours}:{@code ourPort}, null for anything else; throws when the frame's lengths do not fit. */
    public static Reply6 parse(byte[] f, IpAddress ours, int ourPort) throws MalformedFrameException {
        if (f.length < ETH + Ipv6Packet.HEADER || (f[12] & 0xff) != 0x86 || (f[13] & 0xff) != 0xdd) {
            return null;
        }
        if (!IpAddress.read(true, f, ETH + 24).equals(ours)) {
            return null; // not to us
        }
        int hopLimit = f[ETH + 7] & 0xff;
        if (f.length < ETH + 40 + (((f[ETH + 4] & 0xff) << 8) | (f[ETH + 5] & 0xff))) {
            // cut by the sweep's short capture: an answer to our SYN is short (a SYN,ACK, a RST, an error quoting
            // an 80-byte SYN), so a longer frame is someone else's (a big ping, a packet too big): not malformed
            return null;
        }
        Frames.Tcp tcp = Frames.parseTcp(f);
        if (tcp != null) {
            TcpSegment s = tcp.segment();
            if (s.destinationPort() != ourPort) {
                return null;
            }
            int flags = s.flags();
            Reply.Kind kind = (flags & 0x12) == 0x12 ? Reply.Kind.SYN_ACK : (flags & TcpSegment.RST) != 0 ? Reply.Kind.RST
                    : Reply.Kind.OTHER_TCP;
            return new Reply6(kind, tcp.sourceAddress(), s.sourcePort(), s.ack(), hopLimit, -1, tcp.sourceAddress());
        }
        Frames.Icmp6 icmp = Frames.parseIcmp6(f);
        if (icmp == null || icmp.message().type() != Icmpv6Message.DESTINATION_UNREACHABLE) {
            return null;
        }
        Icmpv6Message.Invoking quoted = icmp.message().invoking();
        if (quoted == null || quoted.protocol() != Ipv6Packet.TCP || quoted.tcpSeq() < 0 || quoted.sourcePort() != ourPort
                || !IpAddress.of(quoted.source()).equals(ours)) {
            return null;
        }
        return new Reply6(Reply.Kind.ICMP_UNREACHABLE, IpAddress.of(quoted.destination()), quoted.destinationPort(),
                (int) quoted.tcpSeq() + 1, hopLimit, icmp.message().code(), icmp.source());
    }
}
