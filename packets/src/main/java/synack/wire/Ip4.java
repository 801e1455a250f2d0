package synack.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as plain ints (network order in the int's bits): cheap to compare, mask and count. */
public final class Ip4 {
    public static final int ANY = 0;

    private Ip4() {}

    /** Parses a dotted quad strictly: four decimal octets 0-255, nothing else (no names, no shorthand). */
    public static int parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int value = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !digits(p)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text + " (" + octet + " > 255)");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    /** A loop, not a stream: every one-liner parses an address on its main thread, and a first lambda costs ms on 17. */
    private static boolean digits(String p) {
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    public static boolean isAddress(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static String toString(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    public static int read(byte[] buf, int offset) {
        return ((buf[offset] & 0xff) << 24) | ((buf[offset + 1] & 0xff) << 16)
                | ((buf[offset + 2] & 0xff) << 8) | (buf[offset + 3] & 0xff);
    }

    public static void write(int ip, byte[] buf, int offset) {
        buf[offset] = (byte) (ip >>> 24);
        buf[offset + 1] = (byte) (ip >>> 16);
        buf[offset + 2] = (byte) (ip >>> 8);
        buf[offset + 3] = (byte) ip;
    }

    public static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public static int fromInet(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("not an IPv4 address: " + address.getHostAddress());
        }
        return read(address.getAddress(), 0);
    }

    public static Inet4Address toInet(int ip) {
        byte[] b = new byte[4];
        write(ip, b, 0);
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }
}
