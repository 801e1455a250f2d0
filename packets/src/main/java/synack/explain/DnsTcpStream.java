package synack.explain;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import synack.event.Event;
import synack.event.EventSink;
import synack.wire.IpAddress;

/**
 * The DNS messages of one TCP connection: each side's ordered bytes cut into messages by their
 * two-byte length (RFC 7766 section 8), each handed whole to the {@link DnsObserver}. A gap in a
 * side's bytes loses its framing for good (where the next length is cannot be known), so that
 * side is told and no longer read. A message takes at most 65,537 bytes of buffer, grown as its
 * bytes come, not on a length's say-so.
 */
final class DnsTcpStream implements StreamListener {
    private static final int FIRST_BUFFER = 512;

    /** One side's framing: the message being put together. */
    private static final class Framer {
        final IpAddress ip;
        final int port;
        byte[] buffer = new byte[2];
        int have;
        long firstFrame = -1;
        boolean lost;

        Framer(IpAddress ip, int port) {
            this.ip = ip;
            this.port = port;
        }

        /** The length the first two bytes declare, or -1 before they came. */
        int declared() {
            return have < 2 ? -1 : ((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff);
        }
    }

    private final DnsObserver observer;
    private final int stream;
    private final EventSink sink;
    private final Framer a;
    private final Framer b;

    DnsTcpStream(DnsObserver observer, int stream, IpAddress aIp, int aPort, IpAddress bIp, int bPort, EventSink sink) {
        this.observer = observer;
        this.stream = stream;
        this.sink = sink;
        this.a = new Framer(aIp, aPort);
        this.b = new Framer(bIp, bPort);
    }

    private Framer of(Side side) {
        return side == Side.A ? a : b;
    }

    @Override
    public void bytes(Side from, long timeMicros, long frameNumber, byte[] data, int offset, int length) {
        Framer f = of(from);
        Framer to = of(from.other());
        int p = offset;
        int end = offset + length;
        while (p < end && !f.lost) {
            if (f.have == 0) {
                f.firstFrame = frameNumber;
            }
            if (f.have < 2) {
                f.buffer[f.have++] = data[p++];
                if (f.have == 2 && f.declared() == 0) {
                    malformed(f, timeMicros, frameNumber, "a DNS message of length 0");
                    f.have = 0;
                }
                continue;
            }
            int need = 2 + f.declared();
            if (f.buffer.length < need) {
                f.buffer = Arrays.copyOf(f.buffer, Math.min(need, Math.max(FIRST_BUFFER, f.buffer.length * 2)));
            }
            int n = Math.min(end - p, Math.min(need, f.buffer.length) - f.have);
            System.arraycopy(data, p, f.buffer, f.have, n);
            f.have += n;
            p += n;
            if (f.have == need) {
                observer.tcpMessage(stream, sink, timeMicros, frameNumber, f.ip, f.port, to.ip, to.port,
                        Arrays.copyOfRange(f.buffer, 2, need));
                f.have = 0;
                if (f.buffer.length > FIRST_BUFFER) {
                    f.buffer = new byte[2]; // a large message's buffer is not kept for the next one
                }
            }
        }
    }

    @Override
    public void gap(Side from, long timeMicros, long missing) {
        Framer f = of(from);
        if (f.lost) {
            return;
        }
        f.lost = true;
        f.buffer = new byte[0];
        Map<String, Object> facts = facts(f, DnsFinding.STREAM_GAP);
        facts.put("missing", missing);
        sink.accept(new Event.Note(timeMicros, Event.Note.Kind.WARNING, "DNS over TCP (stream " + stream + "): " + missing
                + " bytes from " + f.ip.withPort(f.port) + " are not in the capture; where its next"
                + " message begins cannot be known, so the rest of its side is not read", Map.of("dns", facts)));
    }

    @Override
    public void end(Side from, long timeMicros, boolean reset) {
        unfinished(of(from), timeMicros, reset ? "the connection was reset" : "the side closed");
    }

    @Override
    public void captureEnded(long timeMicros) {
        unfinished(a, timeMicros, "the capture ended");
        unfinished(b, timeMicros, "the capture ended");
    }

    /** A side stopped inside a message: its part is dropped, and told. */
    private void unfinished(Framer f, long timeMicros, String why) {
        if (f.lost || f.have == 0) {
            return;
        }
        String what = f.have < 2 ? "1 of the 2 length bytes" : (f.have - 2) + " of the " + f.declared() + " bytes of a message";
        malformed(f, timeMicros, f.firstFrame, why + " inside a DNS message (" + what + " came)");
        f.have = 0;
        f.buffer = new byte[2];
    }

    private void malformed(Framer f, long timeMicros, long frameNumber, String why) {
        Map<String, Object> facts = facts(f, DnsFinding.MALFORMED);
        if (frameNumber > 0) { // 0: no frame of its own (told at a close, or at the capture's end)
            facts.put("frame", frameNumber);
        }
        facts.put("detail", why);
        sink.accept(new Event.Note(timeMicros, Event.Note.Kind.WARNING, "DNS over TCP (stream " + stream + ", frame " + frameNumber
                + "): dropped: " + why, Map.of("dns", facts)));
    }

    private Map<String, Object> facts(Framer f, DnsFinding finding) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("finding", finding.key());
        facts.put("transport", "tcp");
        facts.put("stream", stream);
        facts.put("from", f.ip.withPort(f.port));
        return facts;
    }
}
