package synack.exchange.scan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import synack.link.ReceivedFrame;
import synack.wire.Checksum;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Hosts behind a router on the far end of an in-memory wire, answering SYNs as a Linux kernel
 * does: SYN,ACK with ack = seq + 1 for a listening port, RST,ACK for any other, nothing for a
 * port a firewall drops, ICMP admin-prohibited (from the router) for a port it rejects. Counts
 * every SYN it sees per (host, port), for the shard and retry checks.
 */
class SimulatedHosts {
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final int ROUTER_IP = Ip4.parse("198.18.1.1");

    record Host(Set<Integer> open, Set<Integer> dropped, Set<Integer> rejected) {}

    final Map<Integer, Host> hosts = new HashMap<>();
    final Map<Long, Integer> synsSeen = new HashMap<>();
    final List<TcpSegment> rstsSeen = new ArrayList<>();
    int ipId;

    SimulatedHosts host(String ip, Set<Integer> open, Set<Integer> dropped, Set<Integer> rejected) {
        hosts.put(Ip4.parse(ip), new Host(open, dropped, rejected));
        return this;
    }

    static long key(int ip, int port) {
        return ((long) ip << 16) | port;
    }

    List<byte[]> answer(ReceivedFrame frame) {
        Frames.Tcp t;
        try {
            t = Frames.parseTcp(frame.bytes());
        } catch (MalformedFrameException e) {
            return List.of();
        }
        if (t == null || !t.segment().checksumValid() || !t.ip().checksumValid()) {
            return List.of();
        }
        Host h = hosts.get(t.ip().destination());
        TcpSegment syn = t.segment();
        if (syn.has(TcpSegment.RST)) {
            rstsSeen.add(syn);
            return List.of();
        }
        if (h == null || !syn.has(TcpSegment.SYN)) {
            return List.of();
        }
        int port = syn.destinationPort();
        synsSeen.merge(key(t.ip().destination(), port), 1, Integer::sum);
        MacAddress client = t.eth().source();
        if (h.dropped().contains(port)) {
            return List.of();
        }
        if (h.rejected().contains(port)) {
            return List.of(icmpProhibited(client, t.ip().source(), Ipv4Packet.build(t.ip().source(), t.ip().destination(),
                    Ipv4Packet.PROTO_TCP, 1, 64, syn.toBytes(t.ip().source(), t.ip().destination()))));
        }
        int flags = h.open().contains(port) ? TcpSegment.SYN | TcpSegment.ACK : TcpSegment.RST | TcpSegment.ACK;
        TcpSegment reply = TcpSegment.of(port, syn.sourcePort(), 0x5eed0000 + port, syn.seq() + 1, flags, 65160,
                TcpSegment.Options.NONE, new byte[0]);
        return List.of(Frames.tcp(ROUTER, client, t.ip().destination(), t.ip().source(), ipId++, reply));
    }

    /** An ICMP echo reply from the router to the client: traffic for us that answers nothing we sent. */
    static byte[] echoReply(MacAddress client, int clientIp) {
        byte[] icmp = new byte[8];
        int sum = Checksum.compute(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        return fromRouter(client, Ipv4Packet.build(ROUTER_IP, clientIp, Ipv4Packet.PROTO_ICMP, 7, 64, icmp));
    }

    /** An IPv4 packet in an Ethernet frame from the router to the client. */
    static byte[] fromRouter(MacAddress client, byte[] ip) {
        byte[] frame = new byte[14 + ip.length];
        client.write(frame, 0);
        ROUTER.write(frame, 6);
        frame[12] = 0x08;
        System.arraycopy(ip, 0, frame, 14, ip.length);
        return frame;
    }

    /** ICMP type 3 code 13 from the router, quoting the IP header and first 8 bytes of the SYN. */
    byte[] icmpProhibited(MacAddress client, int clientIp, byte[] quotedPacket) {
        byte[] icmp = new byte[8 + 28];
        icmp[0] = 3;
        icmp[1] = 13;
        System.arraycopy(quotedPacket, 0, icmp, 8, 28);
        int sum = Checksum.compute(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        return fromRouter(client, Ipv4Packet.build(ROUTER_IP, clientIp, Ipv4Packet.PROTO_ICMP, ipId++, 64, icmp));
    }
}
