package synack.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import synack.link.Link;
import synack.link.MemoryLink;
import synack.link.PcapLink;
import synack.link.ReceivedFrame;
import synack.net.EnvironmentException;
import synack.net.KernelRoute;
import synack.net.LocalInterface;
import synack.net.ResolvConf;
import synack.net.Routing;
import synack.time.Clock;
import synack.time.VirtualClock;
import synack.wire.ArpPacket;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Frames6;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.NdpMessage;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * The one-liners run whole for the start-up archive ({@code train-startup}), on an in-memory
 * wire in virtual time: nothing is sent, no process started, no firewall touched. A router at
 * 198.18.1.1 answers ARP, every host behind it listens on every TCP port (SYN,ACK), answers a request
 * with a web page (200, 4,000 bytes) and closes when we do (FIN,ACK), and the name server answers A and
 * AAAA. The same over IPv6: we are 2001:db8:1::2 on 2001:db8:1::/64, the router (2001:db8:1::1, next hop fe80::1 for the rest) answers neighbour
 * solicitations, and the hosts behind it answer TCP and DNS as above. The live path's classes (the runner,
 * the session, each exchange, the renderers' story, NDP and the IPv6 wire formats) and its lambdas are then
 * in the archive: loaded from the jar and verified at the first real run otherwise, ~120 classes, 40-70 ms
 * of a one-liner's CPU (measured on Java 17).
 */
public final class TrainingHost implements LiveHost {
    private static final int OUR_IP = Ip4.parse("198.18.1.2");
    private static final int ROUTER_IP = Ip4.parse("198.18.1.1");
    private static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final LocalInterface C0 = new LocalInterface("c0", OUR_MAC, List.of(new LocalInterface.Address(OUR_IP, 24)), true, 1500);
    private static final IpAddress OUR_IP6 = IpAddress.parse("2001:db8:1::2");
    private static final IpAddress ROUTER_IP6 = IpAddress.parse("2001:db8:1::1");
    private static final IpAddress ROUTER_LL6 = IpAddress.parse("fe80::1");

    private static final int BODY = 4000;
    private final VirtualClock clock = new VirtualClock(1_700_000_000_000_000L);
    private int ipId;
    /** The response bytes the web server has sent on this run's connection (a run makes one). */
    private int served;

    private TrainingHost() {
    }

    /**
     * Runs each one-liner once in memory, its story into nothing; what goes wrong is ignored (the archive holds
     * less). Returns each run's exit status (-1: it threw), in order.
     */
    public static int[] train(List<String[]> commandLines) {
        int[] codes = new int[commandLines.size()];
        java.util.Arrays.fill(codes, -1);
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(nowhere);
        System.setErr(nowhere);
        try {
            for (int i = 0; i < codes.length; i++) {
                String[] args = commandLines.get(i);
                try {
                    RunContext context = new RunContext(new TrainingHost(), SessionMemory.NONE, ConnectionKeeper.NONE);
                    picocli.CommandLine one = OneCommand.forArgs(args, context);
                    if (one != null) {
                        PrintWriter none = new PrintWriter(nowhere, true);
                        codes[i] = Main.configured(one).setOut(none).setErr(none).execute(args);
                    }
                } catch (RuntimeException e) {
                    // a command that cannot run here trains less; the live run is unaffected
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return codes;
    }

    @Override
    public Routing routing() {
        return new Routing((to, from, oif) -> {
            if (to.ipv6()) { // 2001:db8:1::/64 on the link, the rest through the router's link-local address
                boolean onLink = to.samePrefix(OUR_IP6, 64) || to.isLinkLocal();
                return new KernelRoute(KernelRoute.UNICAST, to, onLink ? null : ROUTER_LL6, "c0", from == null ? OUR_IP6 : null, from,
                        0, 0, List.of(), "the kernel's route: " + to + " dev c0");
            }
            boolean onLink = (to.v4() & 0xffffff00) == (OUR_IP & 0xffffff00);
            return new KernelRoute(KernelRoute.UNICAST, to, onLink ? null : IpAddress.of(ROUTER_IP), "c0",
                    from == null ? IpAddress.of(OUR_IP) : null, from, 0, 0, List.of(), "the kernel's route: " + to + " dev c0");
        }, this::interfaceNamed, this::holds);
    }

    @Override
    public boolean holds(int ip) {
        return ip == OUR_IP;
    }

    @Override
    public boolean holds(IpAddress ip) {
        return ip.ipv6() ? ip.equals(OUR_IP6) : holds(ip.v4());
    }

    @Override
    public LocalInterface interfaceNamed(String name) {
        if (!name.equals("c0")) {
            throw new EnvironmentException("no such interface: " + name);
        }
        return C0;
    }

    @Override
    public List<LocalInterface> interfaces() {
        return List.of(C0);
    }

    @Override
    public List<ResolvConf.Nameserver> nameservers() {
        return List.of(new ResolvConf.Nameserver(IpAddress.of(Ip4.parse("198.18.2.2")), null));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void requireRawSockets() {
    }

    @Override
    public Link capture(String interfaceName, String filter, PcapLink.Capture size) {
        MemoryLink[] wire = MemoryLink.pair(clock, 150);
        wire[1].respondWith(this::answer);
        return wire[0];
    }

    @Override
    public AutoCloseable keepKernelRstsOff(int tcpPort, boolean ipv6) {
        return () -> { };
    }

    @Override
    public AutoCloseable holdUdpPort(IpAddress ip, int port) {
        return () -> { };
    }

    @Override
    public AutoCloseable takeInOnLoopback() {
        return () -> { };
    }

    private List<byte[]> answer(ReceivedFrame frame) {
        try {
            EthernetFrame eth = EthernetFrame.parse(frame.bytes());
            if (eth.etherType() == EthernetFrame.TYPE_ARP) {
                ArpPacket a = ArpPacket.parse(eth.payload());
                if (a.operation() == ArpPacket.REQUEST) {
                    return List.of(new ArpPacket(ArpPacket.REPLY, ROUTER_MAC, a.targetIp(), a.senderMac(), a.senderIp()).toFrame(ROUTER_MAC));
                }
                return List.of();
            }
            Frames.Tcp t = Frames.parseTcp(frame.bytes());
            if (t != null) {
                TcpSegment s = t.segment();
                if (s.data().length > 0 && !s.has(TcpSegment.FIN)) { // a request: the server's response, MSS-sized segments
                    return respond(t, s);
                }
                if (s.has(TcpSegment.FIN)) { // our close: the server closes too (FIN,ACK), and we ACK it
                    TcpSegment finAck = TcpSegment.of(s.destinationPort(), s.sourcePort(), 0x5eed + 1 + served, s.seq() + 1,
                            TcpSegment.FIN | TcpSegment.ACK, 65160, TcpSegment.Options.NONE, new byte[0]);
                    return List.of(Frames.tcp(ROUTER_MAC, t.eth().source(), t.destinationAddress(), t.sourceAddress(), ipId++, finAck));
                }
                if (!s.has(TcpSegment.SYN) || s.has(TcpSegment.ACK)) {
                    return List.of();
                }
                TcpSegment synAck = TcpSegment.of(s.destinationPort(), s.sourcePort(), 0x5eed, s.seq() + 1, TcpSegment.SYN | TcpSegment.ACK,
                        65160, new TcpSegment.Options(1460, 7, true, -1, -1, List.of()), new byte[0]);
                return List.of(Frames.tcp(ROUTER_MAC, t.eth().source(), t.destinationAddress(), t.sourceAddress(), ipId++, synAck));
            }
            if (eth.etherType() == EthernetFrame.TYPE_IPV6) {
                Ipv6Packet ip = Ipv6Packet.parse(eth.payload());
                IpAddress target = ip.upperProtocol() == Ipv6Packet.ICMPV6 ? solicitedRouter(ip) : null;
                if (target != null) { // the router answers for its own addresses, as a kernel does: S and O set
                    return List.of(Frames6.ethernet(ROUTER_MAC, eth.source(), NdpMessage.neighborAdvertisement(target.bytes(), ip.source(),
                            target.bytes(), true, true, true, ROUTER_MAC)));
                }
                if (ip.upperProtocol() == Ipv6Packet.UDP) {
                    UdpDatagram d = Frames6.parseUdp(ip);
                    if (d.destinationPort() == 53) {
                        return List.of(Frames6.udp(ROUTER_MAC, eth.source(), ip.destination(), ip.source(),
                                UdpDatagram.of(53, d.sourcePort(), dnsAnswer(d.payload()))));
                    }
                }
                return List.of();
            }
            Frames.Udp u = Frames.parseUdp(frame.bytes());
            if (u != null && u.datagram().destinationPort() == 53) {
                return List.of(Frames.udp(ROUTER_MAC, u.eth().source(), u.ip().destination(), u.ip().source(), ipId++,
                        UdpDatagram.of(53, u.datagram().sourcePort(), dnsAnswer(u.datagram().payload()))));
            }
        } catch (MalformedFrameException | RuntimeException e) {
            return List.of();
        }
        return List.of();
    }

    /**
     * Every host's web server (http-get): to any request, 200 with a body of {@link #BODY} bytes in segments of
     * at most the MSS we advertise (1,460); then it waits for our close.
     */
    private List<byte[]> respond(Frames.Tcp t, TcpSegment request) {
        byte[] head = ("HTTP/1.1 200 OK\r\nServer: training\r\nContent-Type: text/plain\r\nContent-Length: " + BODY
                + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + BODY];
        System.arraycopy(head, 0, response, 0, head.length);
        java.util.Arrays.fill(response, head.length, response.length, (byte) 'x');
        int ack = request.seq() + request.data().length;
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int from = 0; from < response.length; from += 1460) {
            int to = Math.min(response.length, from + 1460);
            TcpSegment data = TcpSegment.of(request.destinationPort(), request.sourcePort(), 0x5eed + 1 + served, ack,
                    TcpSegment.PSH | TcpSegment.ACK, 65160, TcpSegment.Options.NONE, java.util.Arrays.copyOfRange(response, from, to));
            served += to - from;
            frames.add(Frames.tcp(ROUTER_MAC, t.eth().source(), t.destinationAddress(), t.sourceAddress(), ipId++, data));
        }
        return frames;
    }

    /** The target of a neighbour solicitation for the router (its global or link-local address), else null. */
    private static IpAddress solicitedRouter(Ipv6Packet ip) throws MalformedFrameException {
        if (ip.payload().length == 0 || !NdpMessage.isNdp(ip.payload()[0] & 0xff)) {
            return null;
        }
        if (NdpMessage.parse(ip).body() instanceof NdpMessage.NeighborSolicitation ns) {
            IpAddress target = IpAddress.of(ns.target());
            return target.equals(ROUTER_IP6) || target.equals(ROUTER_LL6) ? target : null;
        }
        return null;
    }

    /** The name server's answer: A 198.18.2.2 or AAAA 2001:db8:2::2 for any name, nothing for other types. */
    private static byte[] dnsAnswer(byte[] query) throws MalformedFrameException {
        DnsMessage q = DnsMessage.parse(query);
        DnsMessage.Question question = q.questions().get(0);
        List<DnsMessage.Record> answers = question.type() == DnsType.A
                ? List.of(new DnsMessage.Record(question.name(), DnsType.A, DnsType.IN, 300, new byte[] {(byte) 198, 18, 2, 2}, "198.18.2.2"))
                : question.type() == DnsType.AAAA
                ? List.of(new DnsMessage.Record(question.name(), DnsType.AAAA, DnsType.IN, 300, IpAddress.parse("2001:db8:2::2").bytes(),
                        "2001:db8:2::2"))
                : List.of();
        return new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.RD | DnsMessage.RA, q.questions(), answers, List.of(), List.of()).toBytes();
    }
}
