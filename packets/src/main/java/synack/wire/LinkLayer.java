package synack.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The link-layer header a captured frame begins with, read in place: which network protocol follows
 * ({@code etherType}: 0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6, -1 when the header does not say one
 * synack knows) and where it starts ({@code networkOffset}). The header's own fields (addresses,
 * Linux cooked packet type, loopback family) are decoded only when {@link #describe()} is asked,
 * so the capture decoder pays for nothing it does not use.
 *
 * <p>{@code vlanTags} counts the 802.1Q/802.1ad tags skipped before the EtherType (Ethernet only).
 */
public record LinkLayer(LinkType type, byte[] frame, int etherType, int networkOffset, int vlanTags) {
    public static final int SLL_HEADER = 16;
    public static final int SLL2_HEADER = 20;
    public static final int LOOPBACK_HEADER = 4;
    static final int TYPE_QINQ = 0x88a8;
    static final int TYPE_QINQ_OLD = 0x9100;
    /** More stacked tags than this is not a real frame: stop there rather than walk the whole payload. */
    static final int MAX_VLAN_TAGS = 8;

    /** Address families in a BSD loopback header: IPv4, and the three values BSDs use for IPv6. */
    static final int AF_INET = 2;

    /** The header of {@code frame} for link type {@code type} (null: a link type synack does not decode). */
    public static LinkLayer parse(LinkType type, byte[] frame) throws MalformedFrameException {
        if (type == null) {
            throw new MalformedFrameException("link type not decoded");
        }
        return switch (type) {
            case ETHERNET -> ethernet(frame);
            case LINUX_SLL -> cooked(type, frame, SLL_HEADER, 14);
            case LINUX_SLL2 -> cooked(type, frame, SLL2_HEADER, 0);
            case NULL, LOOP -> loopback(type, frame);
            case RAW -> raw(frame);
            case IPV4 -> new LinkLayer(type, frame, EthernetFrame.TYPE_IPV4, 0, 0);
            case IPV6 -> new LinkLayer(type, frame, EthernetFrame.TYPE_IPV6, 0, 0);
        };
    }

    private static LinkLayer ethernet(byte[] frame) throws MalformedFrameException {
        if (frame.length < EthernetFrame.HEADER_LENGTH) {
            throw new MalformedFrameException("Ethernet frame of " + frame.length + " bytes is shorter than its 14-byte header");
        }
        int at = 12;
        int type = u16(frame, at);
        int tags = 0;
        while (isVlanTag(type) && tags < MAX_VLAN_TAGS) {
            if (at + 6 > frame.length) {
                throw new MalformedFrameException("802.1Q tag cut short at byte " + at);
            }
            at += 4;
            tags++;
            type = u16(frame, at);
        }
        return new LinkLayer(LinkType.ETHERNET, frame, type < 0x0600 ? -1 : type, at + 2, tags); // < 0x600: an 802.3 length
    }

    private static boolean isVlanTag(int etherType) {
        return etherType == EthernetFrame.TYPE_VLAN || etherType == TYPE_QINQ || etherType == TYPE_QINQ_OLD;
    }

    /** Linux cooked v1 (protocol at byte 14) or v2 (protocol at byte 0); both carry an EtherType there. */
    private static LinkLayer cooked(LinkType type, byte[] frame, int header, int protocolAt) throws MalformedFrameException {
        if (frame.length < header) {
            throw new MalformedFrameException("Linux cooked header of " + frame.length + " bytes is shorter than " + header);
        }
        int protocol = u16(frame, protocolAt);
        return new LinkLayer(type, frame, protocol < 0x0600 ? -1 : protocol, header, 0); // below: 802.2/802.3 or CAN, not an EtherType
    }

    private static LinkLayer loopback(LinkType type, byte[] frame) throws MalformedFrameException {
        if (frame.length < LOOPBACK_HEADER) {
            throw new MalformedFrameException("loopback header of " + frame.length + " bytes is shorter than 4");
        }
        int family = family(type, frame);
        int etherType = family == AF_INET ? EthernetFrame.TYPE_IPV4 : isIpv6Family(family) ? EthernetFrame.TYPE_IPV6 : -1;
        return new LinkLayer(type, frame, etherType, LOOPBACK_HEADER, 0);
    }

    /**
     * The address family: LOOP writes it in network order; NULL in the byte order of the host that
     * captured, which the frame does not say — as libpcap does, a value with its high half set must
     * be the other order (families are small numbers).
     */
    private static int family(LinkType type, byte[] frame) {
        int big = Ip4.read(frame, 0);
        if (type == LinkType.LOOP || (big & 0xffff0000) == 0) {
            return big;
        }
        return Integer.reverseBytes(big);
    }

    static boolean isIpv6Family(int family) {
        return family == 24 || family == 28 || family == 30; // NetBSD/OpenBSD, FreeBSD, macOS
    }

    private static LinkLayer raw(byte[] frame) throws MalformedFrameException {
        if (frame.length < 1) {
            throw new MalformedFrameException("raw IP frame of 0 bytes");
        }
        int version = (frame[0] & 0xff) >>> 4;
        int etherType = version == 4 ? EthernetFrame.TYPE_IPV4 : version == 6 ? EthernetFrame.TYPE_IPV6 : -1;
        return new LinkLayer(LinkType.RAW, frame, etherType, 0, 0);
    }

    /** The layer the renderers show: named "eth", "sll", "sll2", "loopback" or "raw", with the header's fields. */
    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        return switch (type) {
            case ETHERNET -> {
                MacAddress dst = MacAddress.read(frame, 0);
                MacAddress src = MacAddress.read(frame, 6);
                f.put("dst", dst.toString());
                f.put("src", src.toString());
                List<Integer> vlans = new ArrayList<>();
                for (int i = 0; i < vlanTags; i++) {
                    vlans.add(u16(frame, 14 + 4 * i) & 0x0fff);
                }
                if (!vlans.isEmpty()) {
                    f.put("vlan", vlans);
                }
                String what = typeName();
                f.put("type", what);
                String tags = vlans.isEmpty() ? "" : " vlan " + vlans.toString().replaceAll("[\\[\\] ]", "");
                yield new Layer("eth", src + " → " + dst + tags + " " + what, f);
            }
            case LINUX_SLL -> {
                int packetType = u16(frame, 0);
                int addressLength = Math.min(u16(frame, 4), 8);
                String address = address(frame, 6, addressLength);
                f.put("packet_type", packetTypeName(packetType));
                f.put("hatype", u16(frame, 2));
                f.put("address", address);
                f.put("protocol", typeName());
                yield new Layer("sll", "Linux cooked: " + packetTypeName(packetType) + (address.isEmpty() ? "" : " " + address)
                        + " " + typeName(), f);
            }
            case LINUX_SLL2 -> {
                int ifindex = Ip4.read(frame, 4);
                int packetType = frame[10] & 0xff;
                String address = address(frame, 12, Math.min(frame[11] & 0xff, 8));
                f.put("protocol", typeName());
                f.put("ifindex", ifindex);
                f.put("hatype", u16(frame, 8));
                f.put("packet_type", packetTypeName(packetType));
                f.put("address", address);
                yield new Layer("sll2", "Linux cooked v2: interface " + ifindex + " " + packetTypeName(packetType)
                        + (address.isEmpty() ? "" : " " + address) + " " + typeName(), f);
            }
            case NULL, LOOP -> {
                int family = family(type, frame);
                f.put("family", family);
                f.put("type", typeName());
                yield new Layer("loopback", "loopback family " + family + " (" + typeName() + ")", f);
            }
            case RAW, IPV4, IPV6 -> {
                f.put("type", typeName());
                yield new Layer("raw", "raw " + typeName(), f);
            }
        };
    }

    private String typeName() {
        return etherType < 0 ? "not an EtherType" : EthernetFrame.typeName(etherType);
    }

    /** Linux's PACKET_* numbers (linux/if_packet.h) as tcpdump words them. */
    static String packetTypeName(int packetType) {
        return switch (packetType) {
            case 0 -> "unicast to us";
            case 1 -> "broadcast";
            case 2 -> "multicast";
            case 3 -> "unicast to another host";
            case 4 -> "sent by us";
            default -> "packet type " + packetType;
        };
    }

    private static String address(byte[] b, int offset, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", b[offset + i] & 0xff));
        }
        return sb.toString();
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
