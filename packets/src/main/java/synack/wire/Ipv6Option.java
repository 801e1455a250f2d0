package synack.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * One option of a hop-by-hop or destination options header (RFC 8200 4.2): type, data. Pad1 is
 * the only option without a length byte.
 */
public record Ipv6Option(int type, byte[] data) {
    public static final int PAD1 = 0;
    public static final int PADN = 1;
    public static final int ROUTER_ALERT = 5; // RFC 2711
    public static final int JUMBO = 0xc2; // RFC 2675
    public static final int HOME_ADDRESS = 0xc9; // RFC 6275

    /** What a node that does not know the option does with the packet: the type's two high bits. */
    public enum UnknownAction { SKIP, DISCARD, DISCARD_AND_REPORT, DISCARD_AND_REPORT_UNLESS_MULTICAST }

    public Ipv6Option {
        if (type == PAD1 ? data.length != 0 : data.length > 255) {
            throw new IllegalArgumentException("IPv6 option type " + type + " cannot carry " + data.length + " data bytes");
        }
    }

    public static Ipv6Option routerAlert(int value) {
        return new Ipv6Option(ROUTER_ALERT, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    public UnknownAction unknownAction() {
        return UnknownAction.values()[(type >>> 6) & 3];
    }

    /** The third high bit: the option's data may change on the way (and is summed as zeros by AH). */
    public boolean mayChangeEnRoute() {
        return (type & 0x20) != 0;
    }

    public boolean isPadding() {
        return type == PAD1 || type == PADN;
    }

    /** Bytes on the wire: 1 for Pad1, else type, length and data. */
    public int size() {
        return type == PAD1 ? 1 : 2 + data.length;
    }

    public String name() {
        return switch (type) {
            case PAD1 -> "pad1";
            case PADN -> "padn";
            case ROUTER_ALERT -> "router-alert";
            case JUMBO -> "jumbo-payload";
            case HOME_ADDRESS -> "home-address";
            default -> String.format("option-0x%02x", type);
        };
    }

    /** The options between {@code from} and {@code to} (a header's end); one that runs past it is malformed. */
    static List<Ipv6Option> parseAll(byte[] b, int from, int to) throws MalformedFrameException {
        List<Ipv6Option> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int type = b[i] & 0xff;
            if (type == PAD1) {
                out.add(new Ipv6Option(PAD1, new byte[0]));
                i++;
                continue;
            }
            if (i + 2 > to) {
                throw new MalformedFrameException("IPv6 option type " + type + " at byte " + i + " has no room for its length");
            }
            int length = b[i + 1] & 0xff;
            if (i + 2 + length > to) {
                throw new MalformedFrameException("IPv6 option type " + type + " of " + length
                        + " data bytes runs " + (i + 2 + length - to) + " bytes past the end of its header");
            }
            out.add(new Ipv6Option(type, java.util.Arrays.copyOfRange(b, i + 2, i + 2 + length)));
            i += 2 + length;
        }
        return out;
    }

    void write(byte[] out, int at) {
        out[at] = (byte) type;
        if (type != PAD1) {
            out[at + 1] = (byte) data.length;
            System.arraycopy(data, 0, out, at + 2, data.length);
        }
    }

    /** Padding that makes {@code used} bytes a multiple of 8 (Pad1 for one byte, PadN for more), as senders do. */
    static List<Ipv6Option> padding(int used) {
        int need = (8 - used % 8) % 8;
        if (need == 0) {
            return List.of();
        }
        return List.of(need == 1 ? new Ipv6Option(PAD1, new byte[0]) : new Ipv6Option(PADN, new byte[need - 2]));
    }
}
