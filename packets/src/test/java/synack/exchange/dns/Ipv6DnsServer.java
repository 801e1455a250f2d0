package synack.exchange.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import synack.link.ReceivedFrame;
import synack.wire.ChecksumStatus;
import synack.wire.DnsMessage;
import synack.wire.EthernetFrame;
import synack.wire.Frames6;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * A DNS server over IPv6 behind a router, scripted for one test: it reads what arrives with the
 * wire classes (the client's IPv6 UDP checksum must be right, or the test fails), answers each
 * UDP query as {@code udp} says — a reply, a reply with its UDP checksum zeroed or spoiled, or
 * ICMPv6 port unreachable from its kernel — and, when {@code tcp} is set, answers over TCP (RFC
 * 7766, {@link TcpDnsPeer}, segments framed over IPv6). Every query and every frame's family are
 * kept for the test to look at.
 */
final class Ipv6DnsServer {
    static final MacAddress US = SimulatedDnsServers.US;
    static final MacAddress ROUTER = SimulatedDnsServers.ROUTER;
    static final IpAddress US_IP = IpAddress.parse("2001:db8:1::2");
    static final IpAddress SERVER = IpAddress.parse("2001:db8:2::2");

    /** What the server does with one UDP query. */
    enum Act { ANSWER, ZERO_CHECKSUM, WRONG_CHECKSUM, PORT_UNREACHABLE, SILENCE }

    record Query(boolean overTcp, DnsMessage message, int hopLimit) {}

    final List<Query> queries = new ArrayList<>();
    /** Every IPv6 packet the client sent, and whether any frame was not IPv6. */
    final List<Ipv6Packet> packets = new ArrayList<>();
    boolean sawIpv4;
    private final Function<Integer, Act> udp; // by the query's number, from 1
    private final Function<DnsMessage, DnsMessage> answer;
    private final Function<DnsMessage, DnsMessage> tcpAnswer;
    private final Map<Integer, TcpDnsPeer> connections = new HashMap<>();

    Ipv6DnsServer(Function<Integer, Act> udp, Function<DnsMessage, DnsMessage> answer, Function<DnsMessage, DnsMessage> tcpAnswer) {
        this.udp = udp;
        this.answer = answer;
        this.tcpAnswer = tcpAnswer;
    }

    List<byte[]> answer(ReceivedFrame frame) {
        try {
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() != EthernetFrame.TYPE_IPV6) {
                sawIpv4 |= eth.etherType() == EthernetFrame.TYPE_IPV4;
                return List.of();
            }
            Ipv6Packet ip = Ipv6Packet.parse(eth.payload());
            packets.add(ip);
            if (!IpAddress.of(ip.destination()).equals(SERVER)) {
                return List.of();
            }
            if (ip.upperProtocol() == Ipv6Packet.UDP) {
                return onUdp(ip, frame.bytes());
            }
            if (ip.upperProtocol() == Ipv6Packet.TCP && tcpAnswer != null) {
                return onTcp(Frames6.parseTcp(ip), ip);
            }
        } catch (MalformedFrameException e) {
            throw new AssertionError("the client sent a malformed frame", e);
        }
        return List.of();
    }

    private List<byte[]> onUdp(Ipv6Packet ip, byte[] frame) throws MalformedFrameException {
        UdpDatagram d = Frames6.parseUdp(ip);
        if (d.checksum() != ChecksumStatus.VALID) {
            throw new AssertionError("the client's UDP checksum over IPv6 is " + d.checksum());
        }
        DnsMessage query = DnsMessage.parse(d.payload());
        queries.add(new Query(false, query, ip.hopLimit()));
        Act act = udp.apply(queries.size());
        if (act == Act.SILENCE) {
            return List.of();
        }
        if (act == Act.PORT_UNREACHABLE) {
            return List.of(portUnreachable(frame));
        }
        byte[] reply = Frames6.udp(ROUTER, US, SERVER.bytes(), ip.source(),
                UdpDatagram.of(53, d.sourcePort(), answer.apply(query).toBytes()));
        int sum = EthernetFrame.HEADER_LENGTH + Ipv6Packet.HEADER + 6;
        if (act == Act.ZERO_CHECKSUM) {
            reply[sum] = 0;
            reply[sum + 1] = 0;
        } else if (act == Act.WRONG_CHECKSUM) {
            reply[sum] ^= 0x5a;
        }
        return List.of(reply);
    }

    private List<byte[]> onTcp(TcpSegment s, Ipv6Packet ip) {
        TcpDnsPeer peer = connections.computeIfAbsent(s.sourcePort(), port -> new TcpDnsPeer(q -> {
            queries.add(new Query(true, q, ip.hopLimit()));
            return tcpAnswer.apply(q);
        }));
        List<byte[]> out = new ArrayList<>();
        for (TcpSegment reply : peer.onSegment(s)) {
            out.add(Frames6.tcp(ROUTER, US, SERVER.bytes(), ip.source(), reply));
        }
        return out;
    }

    /** ICMPv6 destination unreachable, code 4 (port unreachable), quoting the query's packet (RFC 4443 3.1). */
    private static byte[] portUnreachable(byte[] frame) {
        byte[] packet = java.util.Arrays.copyOfRange(frame, EthernetFrame.HEADER_LENGTH, frame.length);
        byte[] body = new byte[4 + packet.length];
        System.arraycopy(packet, 0, body, 4, packet.length);
        byte[] client = java.util.Arrays.copyOfRange(packet, 8, 24);
        byte[] icmp = new Icmpv6Message(Icmpv6Message.DESTINATION_UNREACHABLE, 4, ChecksumStatus.VALID, body)
                .toBytes(SERVER.bytes(), client);
        return Frames6.ethernet(ROUTER, US, Ipv6Packet.build(SERVER.bytes(), client, Ipv6Packet.ICMPV6, 64, icmp));
    }
}
