package synack.exchange.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import synack.wire.NdpMessage;
import synack.wire.UdpDatagram;

/**
 * DNS servers over IPv6 behind a router, on the far end of an in-memory wire, read with the wire
 * classes as a kernel would: the router answers a neighbour solicitation for its link-local
 * address (RFC 4861 7.2.4: solicited, router, its MAC in the target link-layer option); each
 * server address answers UDP queries on port 53 as its behaviour says (the client's IPv6 UDP
 * checksum must be right); a known host with no behaviour answers ICMPv6 port unreachable.
 * Every query is kept, and every frame that was not IPv6 is counted.
 */
final class SimulatedDnsServers6 {
    static final MacAddress US = SimulatedDnsServers.US;
    static final MacAddress ROUTER = SimulatedDnsServers.ROUTER;
    static final IpAddress US_IP = IpAddress.parse("2001:db8:1::2");
    static final IpAddress ROUTER_LL = IpAddress.parse("fe80::1");

    record Query(IpAddress server, int clientPort, DnsMessage message) {}

    private final Map<IpAddress, Function<DnsMessage, DnsMessage>> servers = new HashMap<>();
    private final Set<IpAddress> hosts = new HashSet<>();
    final List<Query> queries = new ArrayList<>();
    int solicitations;
    int framesNotIpv6;

    SimulatedDnsServers6 server(IpAddress ip, Function<DnsMessage, DnsMessage> answer) {
        servers.put(ip, answer);
        hosts.add(ip);
        return this;
    }

    /** A host with nothing on UDP port 53: every query draws ICMPv6 port unreachable from it. */
    SimulatedDnsServers6 host(IpAddress ip) {
        hosts.add(ip);
        return this;
    }

    List<Query> queriesTo(IpAddress ip) {
        return queries.stream().filter(q -> q.server().equals(ip)).toList();
    }

    List<byte[]> answer(ReceivedFrame frame) {
        try {
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() != EthernetFrame.TYPE_IPV6) {
                framesNotIpv6++;
                return List.of();
            }
            Ipv6Packet ip = Ipv6Packet.parse(eth.payload());
            if (ip.upperProtocol() == Ipv6Packet.ICMPV6) {
                NdpMessage ndp = NdpMessage.parse(ip);
                if (ndp.body() instanceof NdpMessage.NeighborSolicitation ns && IpAddress.of(ns.target()).equals(ROUTER_LL)) {
                    solicitations++;
                    return List.of(Frames6.ethernet(ROUTER, US, NdpMessage.neighborAdvertisement(ROUTER_LL.bytes(), ip.source(),
                            ROUTER_LL.bytes(), true, true, true, ROUTER)));
                }
                return List.of();
            }
            if (ip.upperProtocol() != Ipv6Packet.UDP) {
                return List.of();
            }
            IpAddress server = IpAddress.of(ip.destination());
            UdpDatagram d = Frames6.parseUdp(ip);
            if (d.checksum() != ChecksumStatus.VALID) {
                throw new AssertionError("the client's UDP checksum over IPv6 is " + d.checksum());
            }
            Function<DnsMessage, DnsMessage> behaviour = d.destinationPort() == 53 ? servers.get(server) : null;
            if (behaviour == null) {
                return hosts.contains(server) ? List.of(portUnreachable(frame.bytes(), server)) : List.of();
            }
            DnsMessage query = DnsMessage.parse(d.payload());
            queries.add(new Query(server, d.sourcePort(), query));
            return List.of(Frames6.udp(ROUTER, US, server.bytes(), ip.source(),
                    UdpDatagram.of(53, d.sourcePort(), behaviour.apply(query).toBytes())));
        } catch (MalformedFrameException e) {
            throw new AssertionError("the client sent a malformed frame", e);
        }
    }

    /** ICMPv6 destination unreachable, code 4 (port unreachable), from the host, quoting the query's packet (RFC 4443 3.1). */
    private static byte[] portUnreachable(byte[] frame, IpAddress host) {
        byte[] packet = java.util.Arrays.copyOfRange(frame, EthernetFrame.HEADER_LENGTH, frame.length);
        byte[] body = new byte[4 + packet.length];
        System.arraycopy(packet, 0, body, 4, packet.length);
        byte[] client = java.util.Arrays.copyOfRange(packet, 8, 24);
        byte[] icmp = new Icmpv6Message(Icmpv6Message.DESTINATION_UNREACHABLE, 4, ChecksumStatus.VALID, body)
                .toBytes(host.bytes(), client);
        return Frames6.ethernet(ROUTER, US, Ipv6Packet.build(host.bytes(), client, Ipv6Packet.ICMPV6, 64, icmp));
    }
}
