package synack.cli;

import java.util.List;
import java.util.Optional;
import synack.link.Link;
import synack.link.PcapLink;
import synack.net.LocalInterface;
import synack.net.Routing;
import synack.time.Clock;

/**
 * What a live command asks of the machine it runs on: its routes and interfaces, its name server,
 * the privilege to capture, a capture, and the kernel settings a hand-made conversation needs
 * for its length (no RSTs from our port, our UDP port held, lo taking our frames in). The real
 * one is {@link #KERNEL}; a test gives one on the in-memory link.
 */
public interface LiveHost {
    Routing routing();

    /** Whether {@code ip} is one of this host's own addresses (the kernel answers for it). */
    boolean holds(int ip);

    /** As {@link #holds(int)}, for an address of either family (a host without IPv6 holds none). */
    default boolean holds(synack.wire.IpAddress ip) {
        return !ip.ipv6() && holds(ip.v4());
    }

    /** The interface named (failing with the user's one line when there is none). */
    LocalInterface interfaceNamed(String name);

    /** Every interface that can be read. */
    List<LocalInterface> interfaces();

    /** The stub resolver's name servers (resolv.conf's, in order, of either family, at most 3 as glibc reads). */
    List<synack.net.ResolvConf.Nameserver> nameservers();

    /** The first IPv4 name server of the stub resolver's configuration (IPv4-only callers: http-get). */
    default Optional<Integer> nameserver() {
        return synack.net.ResolvConf.first(nameservers(), synack.net.AddressFamily.IPV4).map(s -> s.address().v4());
    }

    Clock clock();

    /** Fails with the user's one line (exit 3) when frames cannot be captured and sent. */
    void requireRawSockets();

    /** Opens a capture (and the way to send) on {@code interfaceName}, letting in what {@code filter} admits. */
    Link capture(String interfaceName, String filter, PcapLink.Capture size);

    /** Keeps the kernel from resetting a connection it does not know, on our TCP port (of the family), until closed. */
    AutoCloseable keepKernelRstsOff(int tcpPort, boolean ipv6);

    /** Holds our UDP port, so the kernel queues replies to it instead of answering ICMP port unreachable. */
    AutoCloseable holdUdpPort(synack.wire.IpAddress ip, int port);

    /** Lets lo take in the frames we send through it, until closed. */
    AutoCloseable takeInOnLoopback();

    /** This machine: the kernel's routes, libpcap, iptables, sysctl. */
    LiveHost KERNEL = new KernelHost();
}
