package synack.net;

import java.io.IOException;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * One of this host's interfaces: name, MAC, IPv4 addresses with their prefixes, up or not, its
 * MTU (/sys/class/net/IF/mtu), and whether it is the loopback device. Linux's lo is framed as
 * Ethernet (libpcap reads and writes it as DLT_EN10MB) with the MAC 00:00:00:00:00:00 on both
 * ends, and nothing on it answers ARP.
 */
public record LocalInterface(String name, MacAddress mac, List<Address> addresses, boolean up, int mtu, boolean loopback) {
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPHRD_LOOPBACK = 772;

    public LocalInterface(String name, MacAddress mac, List<Address> addresses, boolean up, int mtu) {
        this(name, mac, addresses, up, mtu, false);
    }

    public record Address(int ip, int prefixLength) {
        public boolean contains(int other) {
            int mask = Ip4.mask(prefixLength);
            return (ip & mask) == (other & mask);
        }

        @Override
        public String toString() {
            return Ip4.toString(ip) + "/" + prefixLength;
        }
    }

    /**
     * An IPv6 address the kernel holds on an interface, with its prefix and its state flags as
     * /proc/net/if_inet6 has them (IFA_F_*): a tentative address (duplicate-address detection
     * still running, RFC 4862 5.4) cannot be a source yet; a DAD-failed one never will.
     */
    public record Address6(IpAddress ip, int prefixLength, int flags) {
        static final int TENTATIVE = 0x40;
        static final int DAD_FAILED = 0x08;
        static final int DEPRECATED = 0x20;

        public boolean usable() {
            return (flags & (TENTATIVE | DAD_FAILED)) == 0;
        }

        public boolean contains(IpAddress other) {
            return ip.samePrefix(other, prefixLength);
        }

        @Override
        public String toString() {
            return ip + "/" + prefixLength;
        }
    }

    private static final Path SYS = Path.of("/sys/class/net");
    private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");

    /**
     * This interface's IPv6 addresses as the kernel holds them now (read when asked, from
     * /proc/net/if_inet6: none when IPv6 is off), global ones first, then link-local.
     */
    public List<Address6> ipv6Addresses() {
        List<Address6> global = new ArrayList<>();
        List<Address6> linkLocal = new ArrayList<>();
        for (String[] f : ifInet6()) {
            if (f[5].equals(name)) {
                Address6 a = new Address6(IpAddress.of(hex(f[0])), Integer.parseInt(f[2], 16), Integer.parseInt(f[4], 16));
                (a.ip().isLinkLocal() ? linkLocal : global).add(a);
            }
        }
        global.addAll(linkLocal);
        return global;
    }

    /** The interface's usable link-local address (fe80::/10), null when it has none (yet). */
    public IpAddress linkLocal6() {
        return ipv6Addresses().stream().filter(a -> a.usable() && a.ip().isLinkLocal()).map(Address6::ip).findFirst().orElse(null);
    }

    /** The lines of /proc/net/if_inet6 split in their six fields (address, index, prefix, scope, flags, name). */
    private static List<String[]> ifInet6() {
        List<String[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(IF_INET6)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 6 && f[0].length() == 32) {
                    out.add(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // IPv6 off (no such file) or unreadable: no IPv6 addresses
        }
        return out;
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** Whether {@code ip} is one of this host's addresses (either family); see {@link #hostHolds(int)}. */
    public static boolean hostHolds(IpAddress ip) {
        if (!ip.ipv6()) {
            return hostHolds(ip.v4());
        }
        if (ip.equals(IpAddress.parse("::1"))) {
            return true;
        }
        for (String[] f : ifInet6()) {
            if (IpAddress.of(hex(f[0])).equals(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Reads an interface, failing with one clear line when it does not exist or is neither Ethernet nor loopback. */
    public static LocalInterface byName(String name) {
        Path dir = SYS.resolve(name);
        if (name.isEmpty() || name.contains("/") || !Files.isDirectory(dir)) {
            throw new EnvironmentException("no such interface: " + name + " (have: " + String.join(", ", names()) + ")");
        }
        try {
            int flags = Integer.decode(Files.readString(dir.resolve("flags")).trim());
            int type = Integer.parseInt(Files.readString(dir.resolve("type")).trim());
            int mtu = Integer.parseInt(Files.readString(dir.resolve("mtu")).trim());
            if (type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK) {
                throw new EnvironmentException("interface " + name + " is not Ethernet (ARPHRD " + type + "); synack builds Ethernet frames");
            }
            boolean loopback = type == ARPHRD_LOOPBACK;
            MacAddress mac = loopback ? MacAddress.ZERO : MacAddress.parse(Files.readString(dir.resolve("address")).trim());
            return new LocalInterface(name, mac, ipv4Addresses(name), (flags & 0x1) != 0, mtu, loopback);
        } catch (IOException | NumberFormatException e) {
            throw new EnvironmentException("cannot read interface " + name + ": " + e.getMessage(), e);
        }
    }

    public LocalInterface requireUp() {
        if (!up) {
            throw new EnvironmentException("interface " + name + " is down (bring it up: ip link set " + name + " up)");
        }
        return this;
    }

    public boolean owns(int ip) {
        return addresses.stream().anyMatch(a -> a.ip() == ip);
    }

    /** The address on this interface whose subnet holds {@code destination}, if any. */
    public Address addressFacing(int destination) {
        return addresses.stream().filter(a -> a.contains(destination)).findFirst().orElse(null);
    }

    /** Every interface synack can read (Ethernet and loopback); the others are left out. */
    public static List<LocalInterface> readable() {
        List<LocalInterface> out = new ArrayList<>();
        for (String n : names()) {
            try {
                out.add(byName(n));
            } catch (EnvironmentException e) {
                // not Ethernet (a tunnel) or gone since it was listed
            }
        }
        return out;
    }

    /**
     * Whether {@code ip} is one of this host's addresses, as the kernel's local table has them:
     * an address an interface holds, or anything in a loopback prefix (all of 127.0.0.0/8).
     */
    public static boolean hostHolds(int ip) {
        try {
            var all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements()) {
                NetworkInterface ni = all.nextElement();
                for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof java.net.Inet4Address) {
                        Address a = new Address(Ip4.fromInet(ia.getAddress()), ia.getNetworkPrefixLength());
                        if (a.ip() == ip || (ni.isLoopback() && a.contains(ip))) {
                            return true;
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // cannot list them: say no, the kernel will refuse what it does not hold
        }
        return (ip >>> 24) == 127;
    }

    public static List<String> names() {
        try (var stream = Files.list(SYS)) {
            return stream.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Address> ipv4Addresses(String name) {
        List<Address> out = new ArrayList<>();
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            if (ni != null) {
                for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof java.net.Inet4Address) {
                        out.add(new Address(Ip4.fromInet(ia.getAddress()), ia.getNetworkPrefixLength()));
                    }
                }
            }
        } catch (SocketException e) {
            // an interface without addresses: nothing to list
        }
        return out;
    }
}
