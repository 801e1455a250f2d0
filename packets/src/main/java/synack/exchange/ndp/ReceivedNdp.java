package synack.exchange.ndp;

import java.util.ArrayList;
import java.util.List;
import synack.wire.EthernetFrame;
import synack.wire.Icmpv6Message;
import synack.wire.Ip6;
import synack.wire.Ipv6Packet;
import synack.wire.MalformedFrameException;
import synack.wire.NdpMessage;
import synack.wire.NdpViolation;

/**
 * A captured frame read as far as neighbour discovery: the Ethernet frame, the IPv6 packet and
 * the NDP message; or why it could not be read ({@code malformed}: the exchanges annotate and
 * drop it). Shared by the three NDP exchanges so they read frames alike.
 */
record ReceivedNdp(EthernetFrame ethernet, Ipv6Packet ip, NdpMessage message, String malformed) {

    /**
     * The frame read, or null when it is no NDP at all (other traffic the capture let through:
     * not ours to narrate). A frame cut short anywhere on the way is {@code malformed}.
     */
    static ReceivedNdp read(byte[] frame) {
        EthernetFrame eth;
        try {
            eth = EthernetFrame.parse(frame);
        } catch (MalformedFrameException e) {
            return broken(e);
        }
        if (eth.etherType() != EthernetFrame.TYPE_IPV6) {
            return null;
        }
        try {
            Ipv6Packet ip = Ipv6Packet.parse(eth.payload());
            if (ip.upperProtocol() != Ipv6Packet.ICMPV6 || ip.end() != Ipv6Packet.End.UPPER_LAYER) {
                return null;
            }
            Icmpv6Message icmp = Icmpv6Message.parse(ip);
            if (!NdpMessage.isNdp(icmp.type())) {
                return null;
            }
            return new ReceivedNdp(eth, ip, NdpMessage.parse(icmp, ip.source(), ip.destination(), ip.hopLimit()), null);
        } catch (MalformedFrameException e) {
            return broken(e);
        }
    }

    private static ReceivedNdp broken(MalformedFrameException e) {
        return new ReceivedNdp(null, null, null, e.getMessage());
    }

    /** The remark for a message a kernel would discard: each rule it breaks, in words, and the RFC sections. */
    String invalidRemark() {
        List<String> why = new ArrayList<>();
        for (NdpViolation v : message.violations()) {
            why.add(words(v) + " (" + v.sections() + ")");
        }
        return "dropped: invalid " + name() + " — " + String.join("; ", why) + ": the kernel would discard it, so do we";
    }

    private String words(NdpViolation v) {
        return switch (v) {
            case HOP_LIMIT_NOT_255 -> "hop limit " + ip.hopLimit() + ", not 255: it may come from off the link";
            case CODE_NOT_ZERO -> "ICMPv6 code " + message.code() + ", not 0";
            case CHECKSUM_WRONG -> "ICMPv6 checksum wrong";
            case SOURCE_NOT_LINK_LOCAL -> "source " + Ip6.toString(ip.source()) + " is not link-local (fe80::/10)";
            case TARGET_MULTICAST -> "the target is a multicast address";
            case UNSPECIFIED_SOURCE_WITH_LINK_LAYER_OPTION -> "from :: with a source link-layer option";
            case UNSPECIFIED_SOURCE_NOT_TO_SOLICITED_NODE -> "from :: but not to a solicited-node address";
            case SOLICITED_TO_MULTICAST -> "solicited flag set on an advertisement to a multicast address";
            case REDIRECT_DESTINATION_MULTICAST -> "redirect destination is multicast";
            case REDIRECT_TARGET_NOT_LINK_LOCAL -> "redirect target is neither link-local nor the destination";
        };
    }

    String name() {
        return switch (message.type()) {
            case Icmpv6Message.ROUTER_SOLICITATION -> "router solicitation";
            case Icmpv6Message.ROUTER_ADVERTISEMENT -> "router advertisement";
            case Icmpv6Message.NEIGHBOR_SOLICITATION -> "neighbour solicitation";
            case Icmpv6Message.NEIGHBOR_ADVERTISEMENT -> "neighbour advertisement";
            default -> "redirect";
        };
    }
}
