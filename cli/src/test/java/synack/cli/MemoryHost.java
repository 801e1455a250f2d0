package synack.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import synack.link.Link;
import synack.link.MemoryLink;
import synack.link.PcapLink;
import synack.link.ReceivedFrame;
import synack.net.EnvironmentException;
import synack.net.KernelRoute;
import synack.net.LocalInterface;
import synack.net.Routing;
import synack.time.Clock;
import synack.time.VirtualClock;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * A machine for live commands in a unit test: one Ethernet interface c0 (198.18.1.2/24, the
 * lab client's) on an in-memory wire, a router at 198.18.1.1 for everything off the /24, virtual
 * time, and a record of what the runner asked of it (capture filters, guarded and held ports,
 * what was released). What answers on the wire is {@link #network}.
 */
final class MemoryHost implements LiveHost {
    static final int OUR_IP = Ip4.parse("198.18.1.2");
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final LocalInterface C0 = new LocalInterface("c0", OUR_MAC, List.of(new LocalInterface.Address(OUR_IP, 24)), true, 1500);
    static final int NAME_SERVER = Ip4.parse("198.18.2.2");

    final VirtualClock clock = new VirtualClock(1_700_000_000_000_000L);
    final List<String> filters = new ArrayList<>();
    final List<Integer> guardedTcpPorts = new ArrayList<>();
    final List<Integer> heldUdpPorts = new ArrayList<>();
    final List<String> released = new ArrayList<>();
    /** Captures opened and not yet closed (a session closes its capture on a thread of its own, awaited). */
    final java.util.concurrent.atomic.AtomicInteger capturesOpen = new java.util.concurrent.atomic.AtomicInteger();
    boolean privileged = true;
    /** The segment beyond c0: each frame we send in, the frames that answer it out. */
    Function<ReceivedFrame, List<byte[]>> network = f -> List.of();

    @Override
    public Routing routing() {
        return new Routing((to, from, oif) -> {
            if (to.ipv6()) { // the simulated segment is IPv4 only: as a host without an IPv6 route
                throw new synack.net.EnvironmentException("no route to " + to + ": the kernel says Network is unreachable");
            }
            int destination = to.v4();
            boolean onLink = (destination & 0xffffff00) == (OUR_IP & 0xffffff00);
            return new KernelRoute(KernelRoute.UNICAST, to, onLink ? null : IpAddress.of(SimulatedSegment.ROUTER_IP), "c0",
                    from == null ? IpAddress.of(OUR_IP) : null, from, 0, 0, List.of(),
                    Ip4.toString(destination) + (onLink ? " dev c0" : " via 198.18.1.1 dev c0"));
        }, this::interfaceNamed, ip -> !ip.ipv6() && holds(ip.v4()));
    }

    @Override
    public boolean holds(int ip) {
        return ip == OUR_IP;
    }

    @Override
    public LocalInterface interfaceNamed(String name) {
        if (!name.equals("c0")) {
            throw new EnvironmentException("no such interface: " + name + " (have: c0)");
        }
        return C0;
    }

    @Override
    public List<LocalInterface> interfaces() {
        return List.of(C0);
    }

    /** resolv.conf's name servers: the lab's, unless a test says otherwise. */
    List<synack.net.ResolvConf.Nameserver> nameservers = List.of(new synack.net.ResolvConf.Nameserver(IpAddress.of(NAME_SERVER), null));

    @Override
    public List<synack.net.ResolvConf.Nameserver> nameservers() {
        return nameservers;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void requireRawSockets() {
        if (!privileged) {
            throw new EnvironmentException("synack needs raw-socket privilege (CAP_NET_RAW): run it as root (sudo)");
        }
    }

    @Override
    public Link capture(String interfaceName, String filter, PcapLink.Capture size) {
        filters.add(filter);
        MemoryLink[] wire = MemoryLink.pair(clock, 150);
        wire[1].respondWith(f -> network.apply(f));
        capturesOpen.incrementAndGet();
        return new Link() {
            @Override
            public void send(byte[] frame) throws java.io.IOException {
                wire[0].send(frame);
            }

            @Override
            public ReceivedFrame receive(long deadlineMicros) throws java.io.IOException {
                return wire[0].receive(deadlineMicros);
            }

            @Override
            public long captureDrops() {
                return wire[0].captureDrops();
            }

            @Override
            public void close() {
                wire[0].close();
                capturesOpen.decrementAndGet();
            }
        };
    }

    @Override
    public AutoCloseable keepKernelRstsOff(int tcpPort, boolean ipv6) {
        guardedTcpPorts.add(tcpPort);
        return () -> released.add("rst guard " + tcpPort);
    }

    @Override
    public AutoCloseable holdUdpPort(synack.wire.IpAddress ip, int port) {
        heldUdpPorts.add(port);
        return () -> released.add("udp " + port);
    }

    @Override
    public AutoCloseable takeInOnLoopback() {
        return () -> released.add("loopback");
    }
}
