package synack.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A neighbour discovery message (RFC 4861 4): ICMPv6 types 133-137, their fixed fields in
 * {@link Body}, their options, and the validity rules they break (a typed list, not an
 * exception: the message is still narrated, and the narrator says why a kernel would drop it).
 */
public record NdpMessage(int type, int code, ChecksumStatus checksum, Body body, List<NdpOption> options,
                         List<NdpViolation> violations) {
    /** Every NDP message is sent with hop limit 255, so a receiver knows it was not forwarded. */
    public static final int HOP_LIMIT = 255;

    /** The fixed part of each message type. */
    public sealed interface Body {
        int type();
    }

    /** Type 133: a host asking routers to advertise now. */
    public record RouterSolicitation() implements Body {
        public int type() {
            return Icmpv6Message.ROUTER_SOLICITATION;
        }
    }

    /**
     * Type 134: hop limit for hosts to use (0: unspecified), managed (M: addresses by DHCPv6) and
     * other (O: other settings by DHCPv6) flags, router lifetime in seconds (0: not a default
     * router), reachable time and retransmission timer in milliseconds (0: unspecified).
     */
    public record RouterAdvertisement(int curHopLimit, boolean managed, boolean other, int routerLifetime,
                                      long reachableTime, long retransTimer) implements Body {
        public int type() {
            return Icmpv6Message.ROUTER_ADVERTISEMENT;
        }
    }

    /** Type 135: who has {@code target}? (To its solicited-node group; unicast to check reachability.) */
    public record NeighborSolicitation(byte[] target) implements Body {
        public int type() {
            return Icmpv6Message.NEIGHBOR_SOLICITATION;
        }
    }

    /** Type 136: {@code target} is here. R: sender is a router; S: answers a solicitation; O: override cached MAC. */
    public record NeighborAdvertisement(boolean router, boolean solicited, boolean override, byte[] target) implements Body {
        public int type() {
            return Icmpv6Message.NEIGHBOR_ADVERTISEMENT;
        }
    }

    /** Type 137: a router telling a host that {@code target} is a better first hop for {@code destination}. */
    public record Redirect(byte[] target, byte[] destination) implements Body {
        public int type() {
            return Icmpv6Message.REDIRECT;
        }
    }

    public static boolean isNdp(int icmpType) {
        return icmpType >= Icmpv6Message.ROUTER_SOLICITATION && icmpType <= Icmpv6Message.REDIRECT;
    }

    /** The NDP message an IPv6 packet carries; its addresses and hop limit take part in the validity rules. */
    public static NdpMessage parse(Ipv6Packet ip) throws MalformedFrameException {
        return parse(Icmpv6Message.parse(ip), ip.source(), ip.destination(), ip.hopLimit());
    }

    public static NdpMessage parse(Icmpv6Message m, byte[] source, byte[] destination, int hopLimit)
            throws MalformedFrameException {
        if (!isNdp(m.type())) {
            throw new MalformedFrameException("ICMPv6 type " + m.type() + " is not neighbour discovery (133-137)");
        }
        byte[] b = m.body(); // after type, code, checksum
        int fixed = switch (m.type()) {
            case Icmpv6Message.ROUTER_SOLICITATION -> 4;
            case Icmpv6Message.ROUTER_ADVERTISEMENT -> 12;
            case Icmpv6Message.NEIGHBOR_SOLICITATION, Icmpv6Message.NEIGHBOR_ADVERTISEMENT -> 20;
            default -> 36;
        };
        if (b.length < fixed) {
            throw new MalformedFrameException("NDP " + m.meaning() + " of " + (b.length + Icmpv6Message.HEADER)
                    + " bytes is shorter than " + (fixed + Icmpv6Message.HEADER) + " (RFC 4861 6.1, 7.1, 8.1)");
        }
        Body body = switch (m.type()) {
            case Icmpv6Message.ROUTER_SOLICITATION -> new RouterSolicitation();
            case Icmpv6Message.ROUTER_ADVERTISEMENT -> new RouterAdvertisement(b[0] & 0xff, (b[1] & 0x80) != 0,
                    (b[1] & 0x40) != 0, ((b[2] & 0xff) << 8) | (b[3] & 0xff), Ip4.read(b, 4) & 0xffffffffL,
                    Ip4.read(b, 8) & 0xffffffffL);
            case Icmpv6Message.NEIGHBOR_SOLICITATION -> new NeighborSolicitation(Ip6.read(b, 4));
            case Icmpv6Message.NEIGHBOR_ADVERTISEMENT -> new NeighborAdvertisement((b[0] & 0x80) != 0,
                    (b[0] & 0x40) != 0, (b[0] & 0x20) != 0, Ip6.read(b, 4));
            default -> new Redirect(Ip6.read(b, 4), Ip6.read(b, 20));
        };
        List<NdpOption> options = NdpOption.parseAll(b, fixed, b.length);
        return new NdpMessage(m.type(), m.code(), m.checksum(), body, options,
                violations(m, body, options, source, destination, hopLimit));
    }

    private static List<NdpViolation> violations(Icmpv6Message m, Body body, List<NdpOption> options, byte[] source,
                                                 byte[] destination, int hopLimit) {
        List<NdpViolation> v = new ArrayList<>();
        if (hopLimit != HOP_LIMIT) {
            v.add(NdpViolation.HOP_LIMIT_NOT_255);
        }
        if (m.code() != 0) {
            v.add(NdpViolation.CODE_NOT_ZERO);
        }
        if (m.checksum() == ChecksumStatus.WRONG) {
            v.add(NdpViolation.CHECKSUM_WRONG);
        }
        boolean fromNobody = Ip6.isUnspecified(source);
        boolean hasSourceLinkLayer = options.stream().anyMatch(o -> o instanceof NdpOption.SourceLinkLayer);
        if ((body instanceof RouterAdvertisement || body instanceof Redirect) && !Ip6.isLinkLocal(source)) {
            v.add(NdpViolation.SOURCE_NOT_LINK_LOCAL);
        }
        if ((body instanceof RouterSolicitation || body instanceof NeighborSolicitation) && fromNobody && hasSourceLinkLayer) {
            v.add(NdpViolation.UNSPECIFIED_SOURCE_WITH_LINK_LAYER_OPTION);
        }
        if (body instanceof NeighborSolicitation ns) {
            if (Ip6.isMulticast(ns.target())) {
                v.add(NdpViolation.TARGET_MULTICAST);
            }
            if (fromNobody && !isSolicitedNode(destination)) {
                v.add(NdpViolation.UNSPECIFIED_SOURCE_NOT_TO_SOLICITED_NODE);
            }
        }
        if (body instanceof NeighborAdvertisement na) {
            if (Ip6.isMulticast(na.target())) {
                v.add(NdpViolation.TARGET_MULTICAST);
            }
            if (na.solicited() && Ip6.isMulticast(destination)) {
                v.add(NdpViolation.SOLICITED_TO_MULTICAST);
            }
        }
        if (body instanceof Redirect r) {
            if (Ip6.isMulticast(r.destination())) {
                v.add(NdpViolation.REDIRECT_DESTINATION_MULTICAST);
            }
            if (!Ip6.isLinkLocal(r.target()) && !java.util.Arrays.equals(r.target(), r.destination())) {
                v.add(NdpViolation.REDIRECT_TARGET_NOT_LINK_LOCAL);
            }
        }
        return List.copyOf(v);
    }

    private static boolean isSolicitedNode(byte[] a) {
        return Ip6.inPrefix(a, Ip6.parse("ff02::1:ff00:0"), 104);
    }

    /** True when a receiving kernel would accept the message. */
    public boolean isValid() {
        return violations.isEmpty();
    }

    public MacAddress sourceLinkLayer() {
        for (NdpOption o : options) {
            if (o instanceof NdpOption.SourceLinkLayer s) {
                return s.address();
            }
        }
        return null;
    }

    public MacAddress targetLinkLayer() {
        for (NdpOption o : options) {
            if (o instanceof NdpOption.TargetLinkLayer t) {
                return t.address();
            }
        }
        return null;
    }

    public List<NdpOption.PrefixInformation> prefixes() {
        List<NdpOption.PrefixInformation> out = new ArrayList<>();
        for (NdpOption o : options) {
            if (o instanceof NdpOption.PrefixInformation p) {
                out.add(p);
            }
        }
        return out;
    }

    // ---- building: whole IPv6 packets, hop limit 255, checksum computed ----

    /** The ICMPv6 message of {@code body} and {@code options}, code 0. */
    public static Icmpv6Message message(Body body, List<NdpOption> options) {
        byte[] fixed = switch (body.type()) {
            case Icmpv6Message.ROUTER_SOLICITATION -> new byte[4];
            case Icmpv6Message.ROUTER_ADVERTISEMENT -> {
                RouterAdvertisement ra = (RouterAdvertisement) body;
                byte[] f = new byte[12];
                f[0] = (byte) ra.curHopLimit();
                f[1] = (byte) ((ra.managed() ? 0x80 : 0) | (ra.other() ? 0x40 : 0));
                f[2] = (byte) (ra.routerLifetime() >>> 8);
                f[3] = (byte) ra.routerLifetime();
                Ip4.write((int) ra.reachableTime(), f, 4);
                Ip4.write((int) ra.retransTimer(), f, 8);
                yield f;
            }
            case Icmpv6Message.NEIGHBOR_SOLICITATION -> {
                byte[] f = new byte[20];
                Ip6.write(((NeighborSolicitation) body).target(), f, 4);
                yield f;
            }
            case Icmpv6Message.NEIGHBOR_ADVERTISEMENT -> {
                NeighborAdvertisement na = (NeighborAdvertisement) body;
                byte[] f = new byte[20];
                f[0] = (byte) ((na.router() ? 0x80 : 0) | (na.solicited() ? 0x40 : 0) | (na.override() ? 0x20 : 0));
                Ip6.write(na.target(), f, 4);
                yield f;
            }
            default -> {
                Redirect r = (Redirect) body;
                byte[] f = new byte[36];
                Ip6.write(r.target(), f, 4);
                Ip6.write(r.destination(), f, 20);
                yield f;
            }
        };
        int length = fixed.length;
        List<byte[]> encoded = new ArrayList<>();
        for (NdpOption o : options) {
            byte[] e = o.toBytes();
            encoded.add(e);
            length += e.length;
        }
        byte[] all = java.util.Arrays.copyOf(fixed, length);
        int at = fixed.length;
        for (byte[] e : encoded) {
            System.arraycopy(e, 0, all, at, e.length);
            at += e.length;
        }
        return new Icmpv6Message(body.type(), 0, ChecksumStatus.VALID, all);
    }

    /** An IPv6 packet carrying the NDP message from {@code source} to {@code destination}. */
    public static byte[] packet(byte[] source, byte[] destination, Body body, List<NdpOption> options) {
        byte[] icmp = message(body, options).toBytes(source, destination);
        return Ipv6Packet.build(source, destination, Ipv6Packet.ICMPV6, HOP_LIMIT, icmp);
    }

    /** A router solicitation to all routers; {@code mac} null when {@code source} is "::" (RFC 4861 4.1 forbids the option then). */
    public static byte[] routerSolicitation(byte[] source, MacAddress mac) {
        return packet(source, Ip6.allRouters(), new RouterSolicitation(), linkLayer(mac));
    }

    /** A neighbour solicitation for {@code target} to its solicited-node group (address resolution, RFC 4861 7.2.2). */
    public static byte[] neighborSolicitation(byte[] source, byte[] target, MacAddress mac) {
        return neighborSolicitation(source, Ip6.solicitedNode(target), target, mac);
    }

    /** A neighbour solicitation to {@code destination} (unicast: the reachability probe of RFC 4861 7.3.3 PROBE). */
    public static byte[] neighborSolicitation(byte[] source, byte[] destination, byte[] target, MacAddress mac) {
        return packet(source, destination, new NeighborSolicitation(target), linkLayer(mac));
    }

    /** A duplicate-address probe (RFC 4862 5.4.2): from "::", to the solicited-node group, no link-layer option. */
    public static byte[] duplicateAddressProbe(byte[] tentative) {
        return neighborSolicitation(Ip6.unspecified(), tentative, null);
    }

    /** A neighbour advertisement for {@code target}, with the target link-layer option when {@code mac} is given. */
    public static byte[] neighborAdvertisement(byte[] source, byte[] destination, byte[] target, boolean router,
                                               boolean solicited, boolean override, MacAddress mac) {
        List<NdpOption> options = mac == null ? List.of() : List.of(new NdpOption.TargetLinkLayer(mac));
        return packet(source, destination, new NeighborAdvertisement(router, solicited, override, target), options);
    }

    private static List<NdpOption> linkLayer(MacAddress mac) {
        return mac == null ? List.of() : List.of(new NdpOption.SourceLinkLayer(mac));
    }

    private static String typeName(int type) {
        return switch (type) {
            case Icmpv6Message.ROUTER_SOLICITATION -> "router-solicitation";
            case Icmpv6Message.ROUTER_ADVERTISEMENT -> "router-advertisement";
            case Icmpv6Message.NEIGHBOR_SOLICITATION -> "neighbor-solicitation";
            case Icmpv6Message.NEIGHBOR_ADVERTISEMENT -> "neighbor-advertisement";
            default -> "redirect";
        };
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", typeName(type));
        f.put("code", code);
        f.put("checksum", checksum.name().toLowerCase(java.util.Locale.ROOT));
        StringBuilder s = new StringBuilder("NDP ");
        if (body instanceof RouterSolicitation) {
            s.append("router solicitation");
        } else if (body instanceof RouterAdvertisement ra) {
            f.put("cur_hop_limit", ra.curHopLimit());
            f.put("managed", ra.managed());
            f.put("other", ra.other());
            f.put("router_lifetime", ra.routerLifetime());
            f.put("reachable_time", ra.reachableTime());
            f.put("retrans_timer", ra.retransTimer());
            s.append("router advertisement lifetime=").append(ra.routerLifetime()).append("s")
                    .append(ra.managed() ? " M" : "").append(ra.other() ? " O" : "");
        } else if (body instanceof NeighborSolicitation ns) {
            f.put("target", Ip6.toString(ns.target()));
            s.append("who has ").append(Ip6.toString(ns.target()));
        } else if (body instanceof NeighborAdvertisement na) {
            f.put("target", Ip6.toString(na.target()));
            f.put("router", na.router());
            f.put("solicited", na.solicited());
            f.put("override", na.override());
            s.append(Ip6.toString(na.target())).append(" is here [").append(na.router() ? "R" : "")
                    .append(na.solicited() ? "S" : "").append(na.override() ? "O" : "").append("]");
        } else if (body instanceof Redirect r) {
            f.put("target", Ip6.toString(r.target()));
            f.put("destination", Ip6.toString(r.destination()));
            s.append("redirect to ").append(Ip6.toString(r.destination())).append(" via ").append(Ip6.toString(r.target()));
        }
        List<String> opts = new ArrayList<>();
        for (NdpOption o : options) {
            opts.add(o.summary());
            s.append(", ").append(o.summary());
        }
        f.put("options", List.copyOf(opts));
        List<String> broken = new ArrayList<>();
        for (NdpViolation v : violations) {
            broken.add(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        f.put("violations", List.copyOf(broken));
        if (!violations.isEmpty()) {
            s.append(" (invalid: ").append(String.join(", ", broken)).append(")");
        }
        return new Layer("ndp", s.append(checksum.remark()).toString(), f);
    }
}
