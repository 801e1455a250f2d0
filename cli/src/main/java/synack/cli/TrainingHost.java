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
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * The one-liners run whole for the start-up archive ({@code train-startup}), on an in-memory
 * wire in virtual time: nothing is sent, no process started, no firewall touched. A router at
 * 198.18.1.1 answers ARP, every host behind it listens on every TCP port (SYN,ACK) and closes when we
 * do (FIN,ACK), and the name server answers A. The live path's classes (the runner, the session, each exchange, the
 * renderers' story) and its lambdas are then in the archive: loaded from the jar and verified at
 * the first real run otherwise, ~120 classes, 40-70 ms of a one-liner's CPU (measured on Java 17).
 */
public final class TrainingHost implements LiveHost {
    private static final int OUR_IP = Ip4.parse("198.18.1.2");
    private static final int ROUTER_IP = Ip4.parse("198.18.1.1");
    private static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final LocalInterface C0 = new LocalInterface("c0", OUR_MAC, List.of(new LocalInterface.Address(OUR_IP, 24)), true, 1500);

    private final VirtualClock clock = new VirtualClock(1_700_000_000_000_000L);
    private int ipId;

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
            if (to.ipv6()) {
                throw new EnvironmentException("no IPv6 route in training");
            }
            boolean onLink = (to.v4() & 0xffffff00) == (OUR_IP & 0xffffff00);
            return new KernelRoute(KernelRoute.UNICAST, to, onLink ? null : IpAddress.of(ROUTER_IP), "c0",
                    from == null ? IpAddress.of(OUR_IP) : null, from, 0, 0, List.of(), "the kernel's route: " + to + " dev c0");
        }, this::interfaceNamed, ip -> !ip.ipv6() && holds(ip.v4()));
    }

    @Override
    public boolean holds(int ip) {
        return ip == OUR_IP;
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
                if (s.has(TcpSegment.FIN)) { // our close: the server closes too (FIN,ACK), and we ACK it
                    TcpSegment finAck = TcpSegment.of(s.destinationPort(), s.sourcePort(), 0x5eed + 1, s.seq() + 1,
                            TcpSegment.FIN | TcpSegment.ACK, 65160, TcpSegment.Options.NONE, new byte[0]);
                    return List.of(Frames.tcp(ROUTER_MAC, t.eth().source(), t.ip().destination(), t.ip().source(), ipId++, finAck));
                }
                if (!s.has(TcpSegment.SYN) || s.has(TcpSegment.ACK)) {
                    return List.of();
                }
                TcpSegment synAck = TcpSegment.of(s.destinationPort(), s.sourcePort(), 0x5eed, s.seq() + 1, TcpSegment.SYN | TcpSegment.ACK,
                        65160, new TcpSegment.Options(1460, 7, true, -1, -1, List.of()), new byte[0]);
                return List.of(Frames.tcp(ROUTER_MAC, t.eth().source(), t.ip().destination(), t.ip().source(), ipId++, synAck));
            }
            Frames.Udp u = Frames.parseUdp(frame.bytes());
            if (u != null && u.datagram().destinationPort() == 53) {
                DnsMessage q = DnsMessage.parse(u.datagram().payload());
                byte[] rdata = {(byte) 198, 18, 2, 2};
                DnsMessage a = new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.RD | DnsMessage.RA, q.questions(),
                        q.questions().get(0).type() == DnsType.A
                                ? List.of(new DnsMessage.Record(q.questions().get(0).name(), DnsType.A, DnsType.IN, 300, rdata, "198.18.2.2"))
                                : List.of(),
                        List.of(), List.of());
                return List.of(Frames.udp(ROUTER_MAC, u.eth().source(), u.ip().destination(), u.ip().source(), ipId++,
                        UdpDatagram.of(53, u.datagram().sourcePort(), a.toBytes())));
            }
        } catch (MalformedFrameException | RuntimeException e) {
            return List.of();
        }
        return List.of();
    }
}
