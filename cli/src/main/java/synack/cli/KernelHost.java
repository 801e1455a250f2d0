package synack.cli;

import java.nio.file.Path;
import java.util.List;
import synack.iface.UdpPortClaim;
import synack.link.Link;
import synack.link.PcapLink;
import synack.link.Privileges;
import synack.net.KernelRstFilter;
import synack.net.LocalInterface;
import synack.net.LoopbackIntake;
import synack.net.ResolvConf;
import synack.net.Routing;
import synack.time.Clock;

/** The machine synack runs on, as {@link LiveHost}: the kernel's routing, libpcap, iptables and sysctl. */
final class KernelHost implements LiveHost {
    @Override
    public Routing routing() {
        return EarlyCapture.routing(Routing.fromKernel()); // the target's route, when a one-liner's warm-up asked it
    }

    @Override
    public boolean holds(int ip) {
        return LocalInterface.hostHolds(ip);
    }

    @Override
    public boolean holds(synack.wire.IpAddress ip) {
        return LocalInterface.hostHolds(ip);
    }

    @Override
    public LocalInterface interfaceNamed(String name) {
        return LocalInterface.byName(name);
    }

    @Override
    public List<LocalInterface> interfaces() {
        return LocalInterface.readable();
    }

    @Override
    public List<ResolvConf.Nameserver> nameservers() {
        return ResolvConf.nameservers(Path.of("/etc/resolv.conf"));
    }

    @Override
    public Clock clock() {
        return Clock.SYSTEM;
    }

    @Override
    public void requireRawSockets() {
        Privileges.requireRawSockets();
    }

    @Override
    public Link capture(String interfaceName, String filter, PcapLink.Capture size) {
        PcapLink.Activated early = EarlyCapture.take(interfaceName, size); // a one-liner's, activated while it parsed
        return early != null ? PcapLink.open(early, filter) : PcapLink.open(interfaceName, filter, size);
    }

    @Override
    public AutoCloseable keepKernelRstsOff(int tcpPort, boolean ipv6) {
        return KernelRstFilter.install(tcpPort, ipv6);
    }

    @Override
    public AutoCloseable holdUdpPort(synack.wire.IpAddress ip, int port) {
        return UdpPortClaim.claim(ip, port);
    }

    @Override
    public AutoCloseable takeInOnLoopback() {
        return LoopbackIntake.install();
    }
}
