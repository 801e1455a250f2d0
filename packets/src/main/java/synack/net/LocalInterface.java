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

    private static final Path SYS = Path.of("/sys/class/net");

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
