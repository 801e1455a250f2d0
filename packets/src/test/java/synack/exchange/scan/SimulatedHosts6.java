package synack.exchange.scan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import synack.link.ReceivedFrame;
import synack.wire.ChecksumStatus;
import synack.wire.Checksum6;
import synack.wire.Frames;
import synack.wire.Frames6;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * IPv6 hosts behind a router at the far end of an in-memory wire, answering as a Linux kernel
 * does: SYN,ACK (ack = seq + 1) for a listening port, RST,ACK for another, nothing for a port
 * dropped, an ICMPv6 destination unreachable (from the router, code as given: 1 administratively
 * prohibited, 4 port unreachable...) quoting the SYN for a port rejected. Only SYNs whose TCP
 * checksum is valid over the IPv6 pseudo-header are answered; each SYN and RST is counted.
 */
class SimulatedHosts6 {
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress ROUTER_IP = IpAddress.parse("2001:db8:1::1");

    record Host(Set<Integer> open, Set<Integer> dropped, Map<Integer, Integer> rejectedWithCode) {}

    final Map<IpAddress, Host> hosts = new HashMap<>();
    final Map<String, Integer> synsSeen = new HashMap<>();
    final List<TcpSegment> rstsSeen = new ArrayList<>();
    int badChecksums;

    SimulatedHosts6 host(String ip, Set<Integer> open, Set<Integer> dropped, Map<Integer, Integer> rejected) {
        hosts.put(IpAddress.parse(ip), new Host(open, dropped, rejected));
        return this;
    }

    List<byte[]> answer(ReceivedFrame frame) {
        byte[] f = frame.bytes();
        Frames.Tcp t;
        try {
            t = Frames.parseTcp(f);
        } catch (MalformedFrameException e) {
            return List.of();
        }
        if (t == null || !t.ipv6()) {
            return List.of();
        }
        byte[] src = t.sourceAddress().bytes();
        byte[] dst = t.destinationAddress().bytes();
        int tcpLength = f.length - 14 - Ipv6Packet.HEADER;
        if (Checksum6.status(f, 14 + Ipv6Packet.HEADER, tcpLength, 16, src, dst, Ipv6Packet.TCP) != ChecksumStatus.VALID) {
            badChecksums++;
            return List.of();
        }
        TcpSegment syn = t.segment();
        if (syn.has(TcpSegment.RST)) {
            rstsSeen.add(syn);
            return List.of();
        }
        Host h = hosts.get(t.destinationAddress());
        if (h == null || !syn.has(TcpSegment.SYN)) {
            return List.of();
        }
        int port = syn.destinationPort();
        synsSeen.merge(t.destinationAddress().withPort(port), 1, Integer::sum);
        MacAddress client = t.eth().source();
        if (h.dropped().contains(port)) {
            return List.of();
        }
        Integer code = h.rejectedWithCode().get(port);
        if (code != null) {
            byte[] quoted = java.util.Arrays.copyOfRange(f, 14, f.length); // RFC 4443: as much of the packet as fits
            byte[] body = new byte[4 + quoted.length];
            System.arraycopy(quoted, 0, body, 4, quoted.length);
            byte[] icmp = new Icmpv6Message(Icmpv6Message.DESTINATION_UNREACHABLE, code, ChecksumStatus.VALID, body)
                    .toBytes(ROUTER_IP.bytes(), src);
            return List.of(Frames6.ethernet(ROUTER, client, Ipv6Packet.build(ROUTER_IP.bytes(), src, Ipv6Packet.ICMPV6, 64, icmp)));
        }
        int flags = h.open().contains(port) ? TcpSegment.SYN | TcpSegment.ACK : TcpSegment.RST | TcpSegment.ACK;
        TcpSegment reply = TcpSegment.of(port, syn.sourcePort(), 0x5eed0000 + port, syn.seq() + 1, flags, 64800,
                TcpSegment.Options.NONE, new byte[0]);
        return List.of(Frames6.tcp(ROUTER, client, dst, src, reply));
    }
}
