package synack.exchange.tcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * One host behind a router at the far end of an in-memory wire, answering SYNs as a Linux kernel
 * does: SYN,ACK (ack = seq + 1) on a listening port, RST,ACK on a closed one, nothing where a
 * firewall drops, ICMP port unreachable from the router where one rejects. Counts the SYNs and
 * keeps the RSTs it sees.
 */
final class ProbedHost {
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final int ROUTER_IP = Ip4.parse("198.18.1.1");
    static final int SERVER_ISN = 0x5eed0000;

    final int ip;
    final Set<Integer> open = new HashSet<>();
    final Set<Integer> dropped = new HashSet<>();
    final Set<Integer> rejected = new HashSet<>();
    /** Every answer goes out twice (a duplicating path). */
    boolean duplicate;
    final Map<Integer, Integer> synsSeen = new HashMap<>();
    final List<TcpSegment> rstsSeen = new ArrayList<>();
    private int ipId;

    ProbedHost(String ip) {
        this.ip = Ip4.parse(ip);
    }

    List<byte[]> answer(ReceivedFrame frame) {
        Frames.Tcp t;
        try {
            t = Frames.parseTcp(frame.bytes());
        } catch (MalformedFrameException e) {
            return List.of();
        }
        if (t == null || t.ip().destination() != ip) {
            return List.of();
        }
        TcpSegment syn = t.segment();
        if (syn.has(TcpSegment.RST)) {
            rstsSeen.add(syn);
            return List.of();
        }
        if (!syn.has(TcpSegment.SYN)) {
            return List.of();
        }
        int port = syn.destinationPort();
        synsSeen.merge(port, 1, Integer::sum);
        MacAddress client = t.eth().source();
        byte[] reply;
        if (dropped.contains(port)) {
            return List.of();
        } else if (rejected.contains(port)) {
            reply = unreachable(client, t.ip().source(), t.ip().source(), ip, syn.sourcePort(), port, syn.seq());
        } else {
            int flags = open.contains(port) ? TcpSegment.SYN | TcpSegment.ACK : TcpSegment.RST | TcpSegment.ACK;
            reply = Frames.tcp(ROUTER, client, ip, t.ip().source(), ipId++, TcpSegment.of(port, syn.sourcePort(),
                    SERVER_ISN + port, syn.seq() + 1, flags, 65160, TcpSegment.Options.NONE, new byte[0]));
        }
        return duplicate ? List.of(reply, reply) : List.of(reply);
    }

    /**
     * ICMP port unreachable (type 3 code 3) from the router to {@code client}, quoting a TCP segment
     * with these addresses, ports and sequence number: the IP header and the first 8 bytes.
     */
    byte[] unreachable(MacAddress client, int clientIp, int quotedSource, int quotedDestination, int sport, int dport, int seq) {
        TcpSegment quotedSyn = TcpSegment.of(sport, dport, seq, 0, TcpSegment.SYN, 64240, TcpSegment.Options.NONE, new byte[0]);
        byte[] quoted = Ipv4Packet.build(quotedSource, quotedDestination, Ipv4Packet.PROTO_TCP, 1, 64,
                quotedSyn.toBytes(quotedSource, quotedDestination));
        byte[] icmp = new byte[8 + 28];
        icmp[0] = 3;
        icmp[1] = 3;
        System.arraycopy(quoted, 0, icmp, 8, 28);
        int sum = Checksum.compute(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        byte[] packet = Ipv4Packet.build(ROUTER_IP, clientIp, Ipv4Packet.PROTO_ICMP, ipId++, 64, icmp);
        byte[] frame = new byte[14 + packet.length];
        client.write(frame, 0);
        ROUTER.write(frame, 6);
        frame[12] = 0x08;
        System.arraycopy(packet, 0, frame, 14, packet.length);
        return frame;
    }
}
