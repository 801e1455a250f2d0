package synack.exchange.ndp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.EthernetFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.NdpMessage;
import synack.wire.NdpOption;

/**
 * The other hosts on the link, as a test scripts them: frames built with the wire builders
 * (NdpMessage's), the way a kernel would send them, and a run of one exchange over an in-memory
 * link with a virtual clock.
 */
final class Peers {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress HOST = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:60");
    static final byte[] US_IP = Ip6.parse("2001:db8:1::2");
    static final byte[] US_LL = Ip6.parse("fe80::2");
    static final byte[] HOST_IP = Ip6.parse("2001:db8:1::1");
    static final byte[] ROUTER_LL = Ip6.parse("fe80::1");
    static final long START = 1_700_000_000_000_000L;
    static final long LATENCY = 100;

    private Peers() {}

    /** What one run told: every event, the result last. */
    record Run(List<Event> events) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<String> transitions() {
            List<String> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Transition t) {
                    out.add(t.subject() + " " + t.from() + "→" + t.to());
                }
            }
            return out;
        }

        List<Event.Frame> frames(Event.Direction d) {
            List<Event.Frame> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Frame f && f.direction() == d) {
                    out.add(f);
                }
            }
            return out;
        }

        List<String> remarksIn() {
            return frames(Event.Direction.IN).stream().map(f -> f.remark().text()).toList();
        }

        List<String> notes() {
            List<String> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Note n) {
                    out.add(n.text());
                }
            }
            return out;
        }
    }

    /** Runs {@code exchange} with the link's far end answering each frame we send as {@code responder} says. */
    static Run run(Exchange exchange, Function<ReceivedFrame, List<byte[]>> responder) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, LATENCY);
        wire[1].respondWith(responder);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(exchange, () -> false);
        return new Run(events);
    }

    /** The NDP message of a frame we sent (the test's peers read it as a kernel does). */
    static NdpMessage ndp(byte[] frame) {
        try {
            return NdpMessage.parse(Ipv6Packet.parse(EthernetFrame.parse(frame).payload()));
        } catch (MalformedFrameException e) {
            throw new AssertionError("we sent a malformed frame: " + e.getMessage(), e);
        }
    }

    static Ipv6Packet ip(byte[] frame) {
        try {
            return Ipv6Packet.parse(EthernetFrame.parse(frame).payload());
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    /** A neighbour advertisement as a kernel answers a solicitation: unicast back to the asker, S and O set. */
    static byte[] solicitedAdvertisement(MacAddress from, byte[] target, boolean router, MacAddress tlla, byte[] toIp, MacAddress toMac) {
        return Frames6.ethernet(from, toMac, NdpMessage.neighborAdvertisement(target, toIp, target, router, true, true, tlla));
    }

    /** Another host resolving {@code target}: a solicitation from its own address to the target's group. */
    static byte[] solicitation(MacAddress from, byte[] source, byte[] target) {
        return Frames6.toMulticast(from, NdpMessage.neighborSolicitation(source, target, from));
    }

    /** An unsolicited advertisement to all nodes (an announcement, or a DAD defence): S clear, O set. */
    static byte[] announcement(MacAddress from, byte[] target) {
        return Frames6.toMulticast(from, NdpMessage.neighborAdvertisement(target, Ip6.allNodes(), target, false, false, true, from));
    }

    /** A whole NDP packet with any hop limit (the builders always use 255), in an Ethernet frame. */
    static byte[] withHopLimit(int hopLimit, MacAddress from, MacAddress to, byte[] source, byte[] destination,
                               NdpMessage.Body body, List<NdpOption> options) {
        byte[] icmp = NdpMessage.message(body, options).toBytes(source, destination);
        return Frames6.ethernet(from, to, Ipv6Packet.build(source, destination, Ipv6Packet.ICMPV6, hopLimit, icmp));
    }

    /** A router advertisement to all nodes from {@code source}, with the source link-layer option. */
    static byte[] routerAdvertisement(MacAddress from, byte[] source, int lifetime, List<NdpOption> more) {
        List<NdpOption> options = new ArrayList<>();
        options.add(new NdpOption.SourceLinkLayer(from));
        options.addAll(more);
        return Frames6.toMulticast(from, NdpMessage.packet(source, Ip6.allNodes(),
                new NdpMessage.RouterAdvertisement(64, false, false, lifetime, 30_000, 1_000), options));
    }

    /** The frame as sent, its kind: "NS", "RS"... (for responders that answer one kind). */
    static boolean is(byte[] frame, int icmpType) {
        try {
            Ipv6Packet ip = Ipv6Packet.parse(EthernetFrame.parse(frame).payload());
            return ip.upperProtocol() == Ipv6Packet.ICMPV6 && (ip.payload()[0] & 0xff) == icmpType;
        } catch (MalformedFrameException e) {
            return false;
        }
    }
}
