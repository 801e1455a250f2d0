package synack.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import synack.capture.CapturedFrame;
import synack.capture.DecodedFrame;
import synack.event.Event;
import synack.event.Remark;
import synack.wire.ChecksumStatus;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.LinkType;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Hand-built captures for the TCP observer's tests: A (198.18.0.1:40000) and B (198.18.0.2:80)
 * exchange segments on a virtual clock; every event the observer emits is kept, and each send
 * returns the events of that one frame.
 */
final class TcpScript {
    static final int A_IP = Ip4.parse("198.18.0.1");
    static final int B_IP = Ip4.parse("198.18.0.2");
    static final int A_PORT = 40000;
    static final int B_PORT = 80;
    static final byte[] A_IP6 = synack.wire.Ip6.parse("2001:db8:77::1");
    static final byte[] B_IP6 = synack.wire.Ip6.parse("2001:db8:77::2");
    static final int SYN = TcpSegment.SYN;
    static final int ACK = TcpSegment.ACK;
    static final int FIN = TcpSegment.FIN;
    static final int RST = TcpSegment.RST;
    static final int PSH = TcpSegment.PSH;

    final List<Event> events = new ArrayList<>();
    final TcpObserver observer;
    long now = 1_000_000_000L;
    long number;
    int aPort = A_PORT;
    /** The segments go over IPv6 (A 2001:db8:77::1, B 2001:db8:77::2), decoded by FrameDecoder as a capture's are. */
    boolean ipv6;

    TcpScript() {
        this(null);
    }

    TcpScript(StreamListener.Factory applications) {
        observer = new TcpObserver(events::add, applications);
    }

    TcpScript(StreamListener.Factory applications, int maxOpen) {
        observer = new TcpObserver(events::add, applications, maxOpen);
    }

    TcpScript after(long micros) {
        now += micros;
        return this;
    }

    /** A segment of {@code from}; returns the events it caused. */
    List<Event> send(Side from, int flags, long seq, long ack, int window, byte[] data) {
        return send(from, flags, seq, ack, window, TcpSegment.Options.NONE, data, ChecksumStatus.VALID, data.length);
    }

    List<Event> send(Side from, int flags, long seq, long ack, int window) {
        return send(from, flags, seq, ack, window, new byte[0]);
    }

    List<Event> send(Side from, int flags, long seq, long ack, int window, TcpSegment.Options options) {
        return send(from, flags, seq, ack, window, options, new byte[0], ChecksumStatus.VALID, 0);
    }

    /** {@code captured}: how many of the data's bytes the capture holds (fewer: the snapshot length cut the frame). */
    List<Event> send(Side from, int flags, long seq, long ack, int window, TcpSegment.Options options, byte[] data,
                     ChecksumStatus checksum, int captured) {
        int src = from == Side.A ? A_IP : B_IP;
        int dst = from == Side.A ? B_IP : A_IP;
        int sport = from == Side.A ? aPort : B_PORT;
        int dport = from == Side.A ? B_PORT : aPort;
        TcpSegment full = TcpSegment.of(sport, dport, (int) seq, (int) ack, flags, window, options, data);
        if (ipv6) {
            return send6(from, full, checksum, captured);
        }
        byte[] bytes = Frames.tcp(MacAddress.ZERO, MacAddress.ZERO, src, dst, (int) number, full);
        int cut = data.length - captured;
        byte[] held = Arrays.copyOf(bytes, bytes.length - cut);
        Ipv4Packet ip;
        try {
            ip = Ipv4Packet.parse(Arrays.copyOfRange(bytes, 14, bytes.length));
        } catch (MalformedFrameException e) {
            throw new IllegalStateException(e);
        }
        TcpSegment seen = new TcpSegment(sport, dport, (int) seq, (int) ack, flags, window, options,
                Arrays.copyOf(data, captured), checksum);
        number++;
        CapturedFrame frame = new CapturedFrame(number, now * 1000, 0, LinkType.ETHERNET, bytes.length, held);
        int before = events.size();
        observer.segment(new DecodedFrame(frame, 0x0800, null, ip, seen, data.length, null, cut > 0, null));
        return new ArrayList<>(events.subList(before, events.size()));
    }

    private List<Event> send6(Side from, TcpSegment full, ChecksumStatus checksum, int captured) {
        byte[] bytes = synack.wire.Frames6.tcp(MacAddress.ZERO, MacAddress.ZERO, from == Side.A ? A_IP6 : B_IP6,
                from == Side.A ? B_IP6 : A_IP6, full);
        int cut = full.data().length - captured;
        number++;
        CapturedFrame frame = new CapturedFrame(number, now * 1000, 0, LinkType.ETHERNET, bytes.length,
                Arrays.copyOf(bytes, bytes.length - cut));
        DecodedFrame d = synack.capture.FrameDecoder.decode(frame);
        TcpSegment seen = new TcpSegment(full.sourcePort(), full.destinationPort(), full.seq(), full.ack(), full.flags(), full.window(),
                full.options(), Arrays.copyOf(full.data(), captured), checksum);
        int before = events.size();
        observer.segment(new DecodedFrame(frame, 0x86dd, null, null, d.ip6(), seen, full.data().length, null, cut > 0, null));
        return new ArrayList<>(events.subList(before, events.size()));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    static TcpSegment.Options synOptions(int mss, int windowScale) {
        return new TcpSegment.Options(mss, windowScale, true, -1, -1, List.of());
    }

    /** A SYN, SYN,ACK, ACK handshake: A's ISN 1000, B's ISN 5000, each half 1 ms apart. */
    TcpScript handshake() {
        send(Side.A, SYN, 1000, 0, 64240, synOptions(1460, 7));
        after(1000);
        send(Side.B, SYN | ACK, 5000, 1001, 65160, synOptions(1460, 7));
        after(1000);
        send(Side.A, ACK, 1001, 5001, 502);
        return this;
    }

    static List<Event.Transition> transitions(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Transition).map(e -> (Event.Transition) e).collect(Collectors.toList());
    }

    static List<Event.Note> notes(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Note).map(e -> (Event.Note) e).collect(Collectors.toList());
    }

    /** The notes of a finding (by its JSON key), in order. */
    static List<Event.Note> findings(List<Event> events, TcpFinding finding) {
        return notes(events).stream().filter(n -> finding.key().equals(n.fields().get("finding"))).collect(Collectors.toList());
    }

    static List<Event.Note> observations(List<Event> events, TcpObservation what) {
        return notes(events).stream().filter(n -> what.key().equals(n.fields().get("observation"))).collect(Collectors.toList());
    }

    static Event.Frame frame(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Frame).map(e -> (Event.Frame) e).findFirst().orElseThrow();
    }

    /** The sequence numbers a frame's remark tells, as {absolute, relative} pairs. */
    static List<long[]> seqNumbers(List<Event> events) {
        List<long[]> out = new ArrayList<>();
        for (Remark.Part p : frame(events).remark().parts()) {
            if (p instanceof Remark.SeqNo s) {
                out.add(new long[] {s.absolute(), s.relative()});
            }
        }
        return out;
    }

    /** "from>to" of each transition of a subject side (A or B), in order. */
    static List<String> moves(List<Event> events, Side side) {
        return transitions(events).stream().filter(t -> t.endpoint() == (side == Side.A ? Event.Endpoint.LOCAL : Event.Endpoint.PEER))
                .map(t -> t.from() + ">" + t.to()).collect(Collectors.toList());
    }

    TcpFlowSummary summary(int stream) {
        return observer.summaries().get(stream);
    }

    static Object field(Event.Note n, String key) {
        Map<String, Object> f = n.fields();
        return f.get(key);
    }
}
