package synack.exchange.dns;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import synack.wire.DnsMessage;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * The server end of one DNS-over-TCP connection (RFC 7766), scripted on a lossless wire: it
 * answers a SYN with SYN,ACK, acknowledges what arrives in order, answers each whole
 * length-prefixed query with a length-prefixed reply (in segments of at most {@link #MSS}),
 * and answers a FIN with its own FIN. Written against the wire format only, so it knows nothing
 * of synack's own TCP engine, which it talks to.
 */
final class TcpDnsPeer {
    static final int MSS = 1000;
    private static final int ISS = 0x7000_0000;

    private final Function<DnsMessage, DnsMessage> answer;
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private int snd = ISS;
    private int rcv;
    private boolean synced;
    private boolean finished;

    TcpDnsPeer(Function<DnsMessage, DnsMessage> answer) {
        this.answer = answer;
    }

    List<TcpSegment> onSegment(TcpSegment s) {
        List<TcpSegment> out = new ArrayList<>();
        if (s.has(TcpSegment.RST)) {
            return out;
        }
        if (s.has(TcpSegment.SYN)) {
            rcv = s.seq() + 1;
            synced = true;
            out.add(segment(s, TcpSegment.SYN | TcpSegment.ACK, new byte[0]));
            snd++;
            return out;
        }
        if (!synced || s.seq() != rcv) {
            out.add(segment(s, TcpSegment.ACK, new byte[0])); // out of order or old: say what we expect
            return out;
        }
        if (s.data().length > 0) {
            rcv += s.data().length;
            stream.writeBytes(s.data());
            byte[] reply = takeQuery();
            if (reply == null) {
                out.add(segment(s, TcpSegment.ACK, new byte[0]));
            }
            for (int at = 0; reply != null && at < reply.length; at += MSS) {
                byte[] piece = Arrays.copyOfRange(reply, at, Math.min(reply.length, at + MSS));
                out.add(segment(s, TcpSegment.ACK | TcpSegment.PSH, piece));
                snd += piece.length;
            }
        }
        if (s.has(TcpSegment.FIN) && !finished) {
            rcv++;
            finished = true;
            out.add(segment(s, TcpSegment.FIN | TcpSegment.ACK, new byte[0]));
            snd++;
        }
        return out;
    }

    /** The framed reply to the first whole query in the stream, or null while the query is incomplete. */
    private byte[] takeQuery() {
        byte[] b = stream.toByteArray();
        if (b.length < 2 || b.length < 2 + (((b[0] & 0xff) << 8) | (b[1] & 0xff))) {
            return null;
        }
        int length = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        stream.reset();
        stream.write(b, 2 + length, b.length - 2 - length);
        DnsMessage query;
        try {
            query = DnsMessage.parse(Arrays.copyOfRange(b, 2, 2 + length));
        } catch (MalformedFrameException e) {
            throw new AssertionError("the client's query over TCP does not parse", e);
        }
        byte[] message = answer.apply(query).toBytes();
        byte[] framed = new byte[2 + message.length];
        framed[0] = (byte) (message.length >>> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        return framed;
    }

    private TcpSegment segment(TcpSegment to, int flags, byte[] data) {
        return TcpSegment.of(to.destinationPort(), to.sourcePort(), snd, rcv, flags, 65535, TcpSegment.Options.NONE, data);
    }
}
