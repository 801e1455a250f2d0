package synack.iface;

import synack.event.Event;
import synack.event.Remark;
import synack.wire.EthernetFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.NdpMessage;
import synack.wire.NdpOption;

/**
 * An IPv6 -S that no interface holds: nobody else answers the neighbour solicitations for it, so
 * we do — IPv6's answer to ARP for such an address. A solicitation for it (RFC 4861 7.2.3: valid,
 * about this target, not a duplicate-address probe from "::") is answered with a solicited
 * advertisement (S and O set, our MAC as the target link-layer option), unicast to the asker.
 */
final class OwnedAddress6 {
    private final IpAddress ip;
    private final MacAddress mac;

    OwnedAddress6(IpAddress ip, MacAddress mac) {
        this.ip = ip;
        this.mac = mac;
    }

    /** The question and our answer (two frames told), or null when {@code frame} is no solicitation for our address. */
    Answer answer(byte[] frame) {
        Ipv6Packet p;
        NdpMessage m;
        EthernetFrame eth;
        try {
            eth = EthernetFrame.parse(frame);
            p = Ipv6Packet.parse(eth.payload());
            if (p.upperProtocol() != 58 || p.end() != Ipv6Packet.End.UPPER_LAYER) {
                return null;
            }
            m = NdpMessage.parse(p);
        } catch (MalformedFrameException e) {
            return null;
        }
        if (!(m.body() instanceof NdpMessage.NeighborSolicitation ns) || !IpAddress.of(ns.target()).equals(ip)
                || !m.violations().isEmpty() || Ip6.isUnspecified(p.source())) {
            return null; // a DAD probe ("::") is someone claiming the address: not ours to deny
        }
        MacAddress to = m.options().stream().filter(o -> o instanceof NdpOption.SourceLinkLayer).map(o -> ((NdpOption.SourceLinkLayer) o).address())
                .findFirst().orElse(eth.source());
        byte[] reply = Frames6.ethernet(mac, to, NdpMessage.neighborAdvertisement(ip.bytes(), p.source(), ip.bytes(), false, true, true, mac));
        return new Answer(reply, "neighbour solicitation for our own address " + ip, "we own this address (-S): is-at our MAC");
    }

    /** The advertisement to send, and the words for the two frames. */
    record Answer(byte[] reply, String question, String told) {
        Event.Frame questionFrame(long t, byte[] frame) {
            return new Event.Frame(t, Event.Direction.IN, frame, Remark.of(question), false);
        }

        Event.Frame replyFrame(long t) {
            return new Event.Frame(t, Event.Direction.OUT, reply, Remark.of(told), false);
        }
    }
}
