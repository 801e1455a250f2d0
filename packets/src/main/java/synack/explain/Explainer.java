package synack.explain;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import synack.capture.CaptureFilter;
import synack.capture.CaptureProblem;
import synack.capture.CaptureReader;
import synack.capture.CapturedFrame;
import synack.capture.DecodedFrame;
import synack.capture.FrameDecoder;
import synack.event.Event;
import synack.event.EventSink;
import synack.event.Remark;

/**
 * {@code synack explain}: reads a capture in file order and hands each frame to the observer that
 * understands it — TCP (and, over its ordered streams, HTTP, TLS and DNS), DNS over UDP, ARP — which
 * tells it as synack tells its own exchanges. Frames no observer follows are still told, decoded.
 * Everything streams: what is kept per connection is bounded, so a capture of any size fits.
 */
public final class Explainer {
    /** {@code filter}: a BPF expression's program, or null; {@code stream}: one TCP connection only, or null. */
    public record Settings(CaptureFilter filter, Integer stream) {}

    /** What the run saw, for the result and the CI checks. */
    public record Seen(String file, long frames, long matched, long bytes, long firstMicros, long lastMicros, int problems) {}

    private final EventSink sink;
    private final Settings settings;
    private final ArpObserver arp;
    private final DnsObserver dns;
    private final NdpObserver ndp;
    private final ApplicationListeners applications = new ApplicationListeners();
    private final TcpObserver tcp;
    private int problems;

    public Explainer(EventSink out, Settings settings) {
        this.sink = settings.stream() == null ? out : new FlowFilter(out, settings.stream());
        this.settings = settings;
        this.arp = new ArpObserver(sink);
        this.dns = new DnsObserver(sink);
        this.ndp = new NdpObserver(sink);
        this.tcp = new TcpObserver(sink, (stream, aIp, aPort, bIp, bPort, s) -> aPort == 53 || bPort == 53
                ? dns.overTcp(stream, aIp, aPort, bIp, bPort, s) : applications.open(stream, aIp, aPort, bIp, bPort, s));
    }

    public Settings settings() {
        return settings;
    }

    public TcpObserver tcp() {
        return tcp;
    }

    public DnsObserver dns() {
        return dns;
    }

    public ArpObserver arp() {
        return arp;
    }

    public NdpObserver ndp() {
        return ndp;
    }

    public ApplicationListeners applications() {
        return applications;
    }

    /** The capture problems as notes, in the order the reader met them (give to {@link CaptureReader#open}). */
    public void problem(CaptureProblem p) {
        problems++;
        if (!headerTold) { // a problem met while opening the file: told after the header, at the first frame's time
            early.add(p);
            return;
        }
        tell(p);
    }

    private final java.util.List<CaptureProblem> early = new java.util.ArrayList<>();
    private boolean headerTold;

    private void tell(CaptureProblem p) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", "capture");
        f.put("problem", p.kind().name().toLowerCase(java.util.Locale.ROOT));
        f.put("offset", p.fileOffset());
        f.put("after_frame", p.afterFrame());
        sink.accept(new Event.Note(lastMicros, Event.Note.Kind.WARNING, "capture file: " + p.detail() + " (at byte " + p.fileOffset()
                + ", after frame " + p.afterFrame() + ")", f));
    }

    private long lastMicros;

    /** Tells every frame of {@code reader}; the header first (at the first frame's time), then each frame. */
    public Seen run(CaptureReader reader, String name) throws IOException {
        long frames = 0;
        long matched = 0;
        long first = -1;
        CapturedFrame f;
        while ((f = reader.next()) != null) {
            frames++;
            lastMicros = f.timeMicros();
            if (first < 0) {
                first = lastMicros;
                header(reader, name, first);
            }
            if (settings.filter() != null && !settings.filter().matches(f)) {
                continue;
            }
            matched++;
            route(FrameDecoder.decode(f));
        }
        if (first < 0) {
            first = 0;
            header(reader, name, 0);
        }
        tcp.finish(lastMicros);
        dns.finish(lastMicros);
        arp.finish(lastMicros);
        ndp.finish(lastMicros);
        return new Seen(name, frames, matched, reader.bytesRead(), first, lastMicros, problems);
    }

    private void header(CaptureReader reader, String name, long t) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("file", name);
        f.put("format", reader.format().name().toLowerCase(java.util.Locale.ROOT));
        f.put("link", reader.linkTypes().stream().map(l -> l.name().toLowerCase(java.util.Locale.ROOT)).toList());
        sink.accept(new Event.Note(t, Event.Note.Kind.HEADER, "explain " + name + " (" + reader.format() + ", link "
                + reader.linkTypes() + ")" + (settings.stream() != null ? ", TCP connection " + settings.stream() + " only" : ""), f));
        headerTold = true;
        early.forEach(this::tell);
        early.clear();
    }

    private void route(DecodedFrame d) {
        if (d.tcp() != null && d.hasIp()) {
            tcp.segment(d);
        } else if (d.udp() != null && (d.udp().sourcePort() == 53 || d.udp().destinationPort() == 53)) {
            dns.udp(d);
        } else if (d.arp() != null) {
            arp.arp(d);
        } else if (NdpObserver.isNeighbourDiscovery(d)) {
            ndp.ndp(d);
        } else {
            // what no observer follows (ICMP, ICMPv6 but neighbour solicitations and advertisements, other UDP, a fragment, a malformed frame) is still told, decoded
            Remark r = d.malformed() != null ? Remark.of("not decoded further: " + d.malformed()) : Remark.NONE;
            sink.accept(new Event.Frame(d.frame().timeMicros(), Event.Direction.OUT, d.frame().data(), r, false, 0,
                    new Event.Captured(d.frame().number(), d.frame().link(), d.frame().originalLength(), -1)));
        }
    }
}
