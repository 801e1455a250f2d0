package synack.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A neighbour discovery option (RFC 4861 4.6): type, length in units of 8 bytes, data. Options
 * this code does not know are kept as {@link Unknown} (a receiver skips them, RFC 4861 4.6).
 */
public sealed interface NdpOption {
    int SOURCE_LINK_LAYER = 1;
    int TARGET_LINK_LAYER = 2;
    int PREFIX_INFORMATION = 3;
    int REDIRECTED_HEADER = 4;
    int MTU = 5;
    int RDNSS = 25; // RFC 8106

    int type();

    /** The option's bytes, type and length included, a multiple of 8 long. */
    byte[] toBytes();

    /** Words for a line: "source-lladdr 02:00:00:00:00:01", "prefix 2001:db8:1::/64 LA valid=86400 preferred=14400". */
    String summary();

    /** Source link-layer address (type 1): the sender's MAC, so the receiver needs no solicitation of its own. */
    record SourceLinkLayer(MacAddress address) implements NdpOption {
        public int type() {
            return SOURCE_LINK_LAYER;
        }

        public byte[] toBytes() {
            return linkLayer(SOURCE_LINK_LAYER, address);
        }

        public String summary() {
            return "source-lladdr " + address;
        }
    }

    /** Target link-layer address (type 2): in an advertisement, the MAC the target answers on. */
    record TargetLinkLayer(MacAddress address) implements NdpOption {
        public int type() {
            return TARGET_LINK_LAYER;
        }

        public byte[] toBytes() {
            return linkLayer(TARGET_LINK_LAYER, address);
        }

        public String summary() {
            return "target-lladdr " + address;
        }
    }

    /**
     * Prefix information (type 3, RFC 4861 4.6.2): on-link (L) and autonomous address
     * configuration (A) flags, lifetimes in seconds (0xffffffff = infinity).
     */
    record PrefixInformation(int prefixLength, boolean onLink, boolean autonomous, long validLifetime,
                             long preferredLifetime, byte[] prefix) implements NdpOption {
        public int type() {
            return PREFIX_INFORMATION;
        }

        public byte[] toBytes() {
            byte[] b = header(PREFIX_INFORMATION, 4);
            b[2] = (byte) prefixLength;
            b[3] = (byte) ((onLink ? 0x80 : 0) | (autonomous ? 0x40 : 0));
            Ip4.write((int) validLifetime, b, 4);
            Ip4.write((int) preferredLifetime, b, 8);
            Ip6.write(prefix, b, 16);
            return b;
        }

        public String summary() {
            return "prefix " + Ip6.toString(prefix) + "/" + prefixLength + " " + (onLink ? "L" : "") + (autonomous ? "A" : "")
                    + " valid=" + seconds(validLifetime) + " preferred=" + seconds(preferredLifetime);
        }
    }

    /** Redirected header (type 4): as much of the redirected packet as fits. */
    record RedirectedHeader(byte[] packet) implements NdpOption {
        public int type() {
            return REDIRECTED_HEADER;
        }

        public byte[] toBytes() {
            byte[] b = header(REDIRECTED_HEADER, (8 + packet.length + 7) / 8);
            System.arraycopy(packet, 0, b, 8, packet.length);
            return b;
        }

        public String summary() {
            return "redirected-header " + packet.length + " bytes";
        }
    }

    /** MTU (type 5): the link's MTU, for every host on it. */
    record Mtu(long mtu) implements NdpOption {
        public int type() {
            return MTU;
        }

        public byte[] toBytes() {
            byte[] b = header(MTU, 1);
            Ip4.write((int) mtu, b, 4);
            return b;
        }

        public String summary() {
            return "mtu " + mtu;
        }
    }

    /** Recursive DNS servers (type 25, RFC 8106 5.1), valid for {@code lifetime} seconds. */
    record Rdnss(long lifetime, List<byte[]> servers) implements NdpOption {
        public int type() {
            return RDNSS;
        }

        public byte[] toBytes() {
            byte[] b = header(RDNSS, 1 + 2 * servers.size());
            Ip4.write((int) lifetime, b, 4);
            for (int i = 0; i < servers.size(); i++) {
                Ip6.write(servers.get(i), b, 8 + 16 * i);
            }
            return b;
        }

        public String summary() {
            List<String> names = new ArrayList<>();
            for (byte[] s : servers) {
                names.add(Ip6.toString(s));
            }
            return "rdnss " + String.join(" ", names) + " lifetime=" + seconds(lifetime);
        }
    }

    /** An option this code does not read: skipped by a receiver, listed for the narration. */
    record Unknown(int type, byte[] data) implements NdpOption {
        public byte[] toBytes() {
            byte[] b = header(type, (2 + data.length + 7) / 8);
            System.arraycopy(data, 0, b, 2, data.length);
            return b;
        }

        public String summary() {
            return "option-" + type + " (" + (data.length + 2) + " bytes, skipped)";
        }
    }

    /**
     * The options from {@code from} to the message's end {@code to}. A length of 0 is malformed
     * (RFC 4861 4.6: the receiver discards the packet, else it would loop forever), as is one that
     * runs past the end or a known option of the wrong size.
     */
    static List<NdpOption> parseAll(byte[] b, int from, int to) throws MalformedFrameException {
        List<NdpOption> out = new ArrayList<>();
        int at = from;
        while (at < to) {
            if (at + 2 > to) {
                throw new MalformedFrameException("NDP option at byte " + at + " has " + (to - at) + " byte, not its 2-byte type and length");
            }
            int type = b[at] & 0xff;
            int units = b[at + 1] & 0xff;
            if (units == 0) {
                throw new MalformedFrameException("NDP option type " + type + " at byte " + at + " has length 0 (RFC 4861 4.6)");
            }
            int length = units * 8;
            if (at + length > to) {
                throw new MalformedFrameException("NDP option type " + type + " of " + length + " bytes runs "
                        + (at + length - to) + " bytes past the end of the message");
            }
            out.add(one(b, at, length, type));
            at += length;
        }
        return List.copyOf(out);
    }

    private static NdpOption one(byte[] b, int at, int length, int type) throws MalformedFrameException {
        switch (type) {
            case SOURCE_LINK_LAYER, TARGET_LINK_LAYER -> {
                // RFC 2464 6: on Ethernet the option is 8 bytes; longer ones (other links) still start with the MAC
                MacAddress mac = MacAddress.read(b, at + 2);
                return type == SOURCE_LINK_LAYER ? new SourceLinkLayer(mac) : new TargetLinkLayer(mac);
            }
            case PREFIX_INFORMATION -> {
                requireLength(type, "prefix information", length, 32, true);
                int flags = b[at + 3] & 0xff;
                return new PrefixInformation(b[at + 2] & 0xff, (flags & 0x80) != 0, (flags & 0x40) != 0,
                        u32(b, at + 4), u32(b, at + 8), Ip6.read(b, at + 16));
            }
            case REDIRECTED_HEADER -> {
                return new RedirectedHeader(Arrays.copyOfRange(b, at + 8, at + length));
            }
            case MTU -> {
                requireLength(type, "MTU", length, 8, true);
                return new Mtu(u32(b, at + 4));
            }
            case RDNSS -> {
                // RFC 8106 5.1: length 3 or more, odd: 8 bytes and one or more 16-byte addresses
                if (length < 24 || (length / 8) % 2 == 0) {
                    throw new MalformedFrameException("NDP RDNSS option of " + length + " bytes is not 8 + 16 per server");
                }
                List<byte[]> servers = new ArrayList<>();
                for (int s = at + 8; s < at + length; s += 16) {
                    servers.add(Ip6.read(b, s));
                }
                return new Rdnss(u32(b, at + 4), List.copyOf(servers));
            }
            default -> {
                return new Unknown(type, Arrays.copyOfRange(b, at + 2, at + length));
            }
        }
    }

    private static void requireLength(int type, String name, int length, int wanted, boolean exact) throws MalformedFrameException {
        if (exact ? length != wanted : length < wanted) {
            throw new MalformedFrameException("NDP " + name + " option (type " + type + ") of " + length + " bytes, not " + wanted);
        }
    }

    private static byte[] header(int type, int units) {
        byte[] b = new byte[units * 8];
        b[0] = (byte) type;
        b[1] = (byte) units;
        return b;
    }

    private static byte[] linkLayer(int type, MacAddress address) {
        byte[] b = header(type, 1);
        address.write(b, 2);
        return b;
    }

    private static String seconds(long seconds) {
        return seconds == 0xffffffffL ? "infinity" : Long.toString(seconds);
    }

    private static long u32(byte[] b, int o) {
        return Ip4.read(b, o) & 0xffffffffL;
    }
}
