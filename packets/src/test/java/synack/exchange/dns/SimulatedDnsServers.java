package synack.exchange.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import synack.link.ReceivedFrame;
import synack.wire.Checksum;
import synack.wire.DnsMessage;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * DNS servers behind a router on the far end of an in-memory wire. Each (address, port) has a
 * behaviour: what it answers to a query over UDP (any number of replies, each of which may be
 * forged: another source address or port, another destination port), and optionally over TCP
 * (a {@link TcpDnsPeer} per connection). A UDP query to a port with no behaviour on a known
 * host draws ICMP port unreachable from that host, as its kernel would. Every query is counted.
 */
final class SimulatedDnsServers {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final int ROUTER_IP = Ip4.parse("198.18.1.1");

    /** One datagram a server sends back; the overrides forge where it seems to come from or go to. */
    record Reply(byte[] payload, int fromIp, int fromPort, int toPort) {
        static final int SAME = -1;

        static Reply of(DnsMessage message) {
            return raw(message.toBytes());
        }

        /** Any bytes at all, DNS or not. */
        static Reply raw(byte[] payload) {
            return new Reply(payload, SAME, SAME, SAME);
        }

        Reply fromIp(int ip) {
            return new Reply(payload, ip, fromPort, toPort);
        }

        Reply fromPort(int port) {
            return new Reply(payload, fromIp, port, toPort);
        }

        Reply toPort(int port) {
            return new Reply(payload, fromIp, fromPort, port);
        }
    }

    /** A query a server received. */
    record Query(int serverIp, int serverPort, boolean overTcp, int clientPort, DnsMessage message, long atMicros) {}

    private final Map<Long, Function<DnsMessage, List<Reply>>> udp = new HashMap<>();
    private final Map<Long, Function<DnsMessage, DnsMessage>> tcp = new HashMap<>();
    private final Map<List<Integer>, TcpDnsPeer> connections = new HashMap<>();
    private final Set<Integer> hosts = new HashSet<>();
    final List<Query> queries = new ArrayList<>();
    private int ipId = 1;

    private static long key(int ip, int port) {
        return ((long) ip << 16) | port;
    }

    SimulatedDnsServers udp(int ip, int port, Function<DnsMessage, List<Reply>> behaviour) {
        hosts.add(ip);
        udp.put(key(ip, port), behaviour);
        return this;
    }

    /** A server on port 53 that answers each query with one reply. */
    SimulatedDnsServers server(int ip, Function<DnsMessage, DnsMessage> answer) {
        return udp(ip, 53, q -> List.of(Reply.of(answer.apply(q))));
    }

    SimulatedDnsServers tcp(int ip, int port, Function<DnsMessage, DnsMessage> answer) {
        hosts.add(ip);
        tcp.put(key(ip, port), answer);
        return this;
    }

    /** A host with nothing listening on UDP: every query draws ICMP port unreachable. */
    SimulatedDnsServers host(int ip) {
        hosts.add(ip);
        return this;
    }

    List<Query> queriesTo(int ip) {
        return queries.stream().filter(q -> q.serverIp() == ip).toList();
    }

    /** The responder for {@link synack.link.MemoryLink#respondWith}. */
    List<byte[]> answer(ReceivedFrame frame) {
        try {
            Frames.Udp u = Frames.parseUdp(frame.bytes());
            if (u != null) {
                return answerUdp(u, frame);
            }
            Frames.Tcp t = Frames.parseTcp(frame.bytes());
            if (t != null) {
                return answerTcp(t, frame.timeMicros());
            }
        } catch (MalformedFrameException e) {
            throw new AssertionError("the client sent a malformed frame", e);
        }
        return List.of();
    }

    private List<byte[]> answerUdp(Frames.Udp u, ReceivedFrame frame) throws MalformedFrameException {
        int server = u.ip().destination();
        int port = u.datagram().destinationPort();
        Function<DnsMessage, List<Reply>> behaviour = udp.get(key(server, port));
        if (behaviour == null) {
            return hosts.contains(server) ? List.of(portUnreachable(frame.bytes(), server)) : List.of();
        }
        DnsMessage query = DnsMessage.parse(u.datagram().payload());
        queries.add(new Query(server, port, false, u.datagram().sourcePort(), query, frame.timeMicros()));
        List<byte[]> frames = new ArrayList<>();
        for (Reply r : behaviour.apply(query)) {
            int from = r.fromIp() == Reply.SAME ? server : r.fromIp();
            int fromPort = r.fromPort() == Reply.SAME ? port : r.fromPort();
            int toPort = r.toPort() == Reply.SAME ? u.datagram().sourcePort() : r.toPort();
            frames.add(Frames.udp(ROUTER, US, from, u.ip().source(), ipId++,
                    UdpDatagram.of(fromPort, toPort, r.payload())));
        }
        return frames;
    }

    private List<byte[]> answerTcp(Frames.Tcp t, long now) {
        int server = t.ip().destination();
        TcpSegment s = t.segment();
        Function<DnsMessage, DnsMessage> answer = tcp.get(key(server, s.destinationPort()));
        if (answer == null) {
            return List.of();
        }
        List<Integer> id = List.of(t.ip().source(), s.sourcePort(), server, s.destinationPort());
        TcpDnsPeer peer = connections.computeIfAbsent(id, k -> new TcpDnsPeer(query -> {
            queries.add(new Query(server, s.destinationPort(), true, s.sourcePort(), query, now));
            return answer.apply(query);
        }));
        List<byte[]> frames = new ArrayList<>();
        for (TcpSegment reply : peer.onSegment(s)) {
            frames.add(Frames.tcp(ROUTER, US, server, t.ip().source(), ipId++, reply));
        }
        return frames;
    }

    /** ICMP type 3 code 3 from the server's own address, quoting the IP header and 8 bytes of the datagram (RFC 792). */
    private byte[] portUnreachable(byte[] frame, int server) throws MalformedFrameException {
        byte[] ip = EthernetFrame.parse(frame).payload();
        int ihl = (ip[0] & 0x0f) * 4;
        byte[] icmp = new byte[8 + ihl + 8];
        icmp[0] = 3;
        icmp[1] = 3;
        System.arraycopy(ip, 0, icmp, 8, ihl + 8);
        int sum = Checksum.compute(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        byte[] packet = Ipv4Packet.build(server, Ip4.read(ip, 12), Ipv4Packet.PROTO_ICMP, ipId++, 64, icmp);
        return new EthernetFrame(US, ROUTER, EthernetFrame.TYPE_IPV4, packet).toBytes();
    }

    /** A reply to a query: its ID and question, QR, RD copied, and the given flags and sections. */
    static DnsMessage reply(DnsMessage query, int flags, List<DnsMessage.Record> answers, List<DnsMessage.Record> authority,
                            List<DnsMessage.Record> additional) {
        return new DnsMessage(query.id(), DnsMessage.QR | (query.flags() & DnsMessage.RD) | flags, query.questions(), answers,
                authority, additional);
    }

    /** The same message with another ID (a stale or forged reply). */
    static DnsMessage withId(DnsMessage m, int id) {
        return new DnsMessage(id, m.flags(), m.questions(), m.answers(), m.authority(), m.additional());
    }

    /** The same message asking another question. */
    static DnsMessage withQuestion(DnsMessage m, String name, int type) {
        return new DnsMessage(m.id(), m.flags(), List.of(new DnsMessage.Question(name, type, 1)), m.answers(), m.authority(),
                m.additional());
    }
}
