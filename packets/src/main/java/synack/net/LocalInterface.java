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

/** One of this host's interfaces: name, MAC, IPv4 addresses with their prefixes, up or not. */
public record LocalInterface(String name, MacAddress mac, List<Address> addresses, boolean up, int mtu) {
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

    /** Reads an interface, failing with one clear line when it does not exist, is down, or is not Ethernet. */
    public static LocalInterface byName(String name) {
        Path dir = SYS.resolve(name);
        if (name.isEmpty() || name.contains("/") || !Files.isDirectory(dir)) {
            throw new EnvironmentException("no such interface: " + name + " (have: " + String.join(", ", names()) + ")");
        }
        try {
            int flags = Integer.decode(Files.readString(dir.resolve("flags")).trim());
            int type = Integer.parseInt(Files.readString(dir.resolve("type")).trim());
            int mtu = Integer.parseInt(Files.readString(dir.resolve("mtu")).trim());
            if (type != 1) {
                throw new EnvironmentException("interface " + name + " is not Ethernet (ARPHRD " + type + "); synack builds Ethernet frames");
            }
            MacAddress mac = MacAddress.parse(Files.readString(dir.resolve("address")).trim());
            return new LocalInterface(name, mac, ipv4Addresses(name), (flags & 0x1) != 0, mtu);
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
