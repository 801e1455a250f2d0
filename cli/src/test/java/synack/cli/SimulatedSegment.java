package synack.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * What answers on {@link MemoryHost}'s wire: the router 198.18.1.1 answering ARP, and behind it
 * hosts whose kernels refuse every TCP port (RST,ACK) and a name server that knows a few names.
 * Counts what it was asked.
 */
final class SimulatedSegment implements Function<ReceivedFrame, List<byte[]>> {
    static final int ROUTER_IP = Ip4.parse("198.18.1.1");
    static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:01");

    boolean routerAnswersArp = true;
    boolean tcpRefused = true;
    Map<String, Integer> names = Map.of();
    final List<ArpPacket> arpAsked = new ArrayList<>();
    final List<TcpSegment> tcpSeen = new ArrayList<>();
    final List<DnsMessage> dnsAsked = new ArrayList<>();
    int ipId;

    @Override
    public List<byte[]> apply(ReceivedFrame frame) {
        try {
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() == EthernetFrame.TYPE_ARP) {
                ArpPacket a = ArpPacket.parse(eth.payload());
                arpAsked.add(a);
                if (routerAnswersArp && a.operation() == ArpPacket.REQUEST && a.targetIp() == ROUTER_IP) {
                    return List.of(new ArpPacket(ArpPacket.REPLY, ROUTER_MAC, ROUTER_IP, a.senderMac(), a.senderIp()).toFrame(ROUTER_MAC));
                }
                return List.of();
            }
            Frames.Tcp t = Frames.parseTcp(frame.bytes());
            if (t != null) {
                return tcp(t);
            }
            Frames.Udp u = Frames.parseUdp(frame.bytes());
            if (u != null && u.datagram().destinationPort() == 53) {
                return dns(u);
            }
        } catch (MalformedFrameException e) {
            return List.of();
        }
        return List.of();
    }

    private List<byte[]> tcp(Frames.Tcp t) {
        TcpSegment s = t.segment();
        tcpSeen.add(s);
        if (!tcpRefused || !s.has(TcpSegment.SYN) || s.has(TcpSegment.ACK)) {
            return List.of();
        }
        TcpSegment rst = TcpSegment.of(s.destinationPort(), s.sourcePort(), 0, s.seq() + 1, TcpSegment.RST | TcpSegment.ACK, 0,
                TcpSegment.Options.NONE, new byte[0]);
        return List.of(Frames.tcp(ROUTER_MAC, t.eth().source(), t.ip().destination(), t.ip().source(), ipId++, rst));
    }

    private List<byte[]> dns(Frames.Udp u) throws MalformedFrameException {
        DnsMessage q = DnsMessage.parse(u.datagram().payload());
        dnsAsked.add(q);
        String name = q.questions().get(0).name().replaceAll("\\.$", "");
        Integer ip = names.get(name);
        if (ip == null) {
            return List.of(); // a silent name server
        }
        byte[] rdata = new byte[4];
        Ip4.write(ip, rdata, 0);
        DnsMessage a = new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.RD | DnsMessage.RA, q.questions(),
                List.of(new DnsMessage.Record(q.questions().get(0).name(), DnsType.A, DnsType.IN, 300, rdata, Ip4.toString(ip))),
                List.of(), List.of());
        return List.of(Frames.udp(ROUTER_MAC, u.eth().source(), u.ip().destination(), u.ip().source(), ipId++,
                UdpDatagram.of(53, u.datagram().sourcePort(), a.toBytes())));
    }

    static Set<Integer> ports(List<TcpSegment> segments) {
        Set<Integer> out = new java.util.TreeSet<>();
        segments.forEach(s -> out.add(s.sourcePort()));
        return out;
    }
}
