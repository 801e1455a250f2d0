package synack.exchange.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import synack.event.Event;
import synack.event.Remark;
import synack.link.ReceivedFrame;
import synack.wire.Frames;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * A TCP server at the far end of an in-memory wire, for {@link synack.link.MemoryLink#respondWith}:
 * our own {@link TcpConnection} in LISTEN, fed each arriving frame at its arrival time, its
 * segments framed back. Its timers never run (a test that needs them uses {@link TcpPair}).
 */
final class SimulatedServer {
    enum Mode {
        /** It listens: handshake, then what the test asks. */
        LISTEN,
        /** Nothing listens: the kernel answers a SYN with RST,ACK. */
        CLOSED,
        /** A firewall drops everything. */
        SILENT
    }

    final MacAddress mac;
    final int ip;
    final int port;
    final Mode mode;
    TcpConnection conn;
    /** Sent once established (a response). */
    byte[] sendOnEstablished = new byte[0];
    /** How many SYNs are lost on the way before one reaches it. */
    int dropSyns;
    /** It answers a SYN,ACK without a timestamp echo (as if timestamps were off), so no SYN can be named. */
    boolean noTimestamps;
    /** It closes as soon as the handshake completes (a server that closes on accept). */
    boolean closeOnAccept;
    /** It never closes: no FIN from it, ever (its application never calls close). */
    boolean neverClose;
    /** It resets the connection when data arrives. */
    boolean resetOnData;
    /** It reorders the frames it sends in answer to one arrival (set before the run). */
    UnaryOperator<List<byte[]>> reorder = UnaryOperator.identity();
    final List<TcpSegment> received = new ArrayList<>();
    private final List<byte[]> out = new ArrayList<>();
    private MacAddress client;
    private int clientIp;
    private int ipId;
    private boolean sent;

    SimulatedServer(MacAddress mac, int ip, int port, Mode mode) {
        this.mac = mac;
        this.ip = ip;
        this.port = port;
        this.mode = mode;
    }

    List<byte[]> answer(ReceivedFrame frame) {
        Frames.Tcp t;
        try {
            t = Frames.parseTcp(frame.bytes());
        } catch (MalformedFrameException e) {
            return List.of();
        }
        if (t == null || t.ip().destination() != ip || t.segment().destinationPort() != port || mode == Mode.SILENT) {
            return List.of();
        }
        TcpSegment seg = t.segment();
        if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK) && dropSyns > 0) {
            dropSyns--;
            return List.of();
        }
        if (noTimestamps) {
            TcpSegment.Options o = seg.options();
            seg = TcpSegment.of(seg.sourcePort(), seg.destinationPort(), seg.seq(), seg.ack(), seg.flags(), seg.window(),
                    new TcpSegment.Options(o.mss(), o.windowScale(), o.sackPermitted(), -1, -1, o.other()), seg.data());
        }
        received.add(seg);
        client = t.eth().source();
        clientIp = t.ip().source();
        long now = frame.timeMicros();
        out.clear();
        if (mode == Mode.CLOSED) {
            if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK)) {
                frameOut(TcpSegment.of(port, seg.sourcePort(), 0, seg.seq() + 1, TcpSegment.RST | TcpSegment.ACK, 0,
                        TcpSegment.Options.NONE, new byte[0]));
            }
            return List.copyOf(out);
        }
        if (conn == null) {
            conn = new TcpConnection(TcpConnection.Config.defaults(port, seg.sourcePort(), 0x2000_0000), new Sink());
            conn.listen();
        }
        if (resetOnData && seg.data().length > 0 && conn.state() == TcpState.ESTABLISHED) {
            conn.abort(now, "test");
            return List.copyOf(out);
        }
        conn.onSegment(seg, now);
        if (conn.state() == TcpState.ESTABLISHED && !sent && sendOnEstablished.length > 0) {
            sent = true;
            conn.send(sendOnEstablished, now);
        }
        if (conn.state() == TcpState.ESTABLISHED && closeOnAccept) {
            conn.close(now);
        }
        if (conn.state() == TcpState.CLOSE_WAIT && !neverClose) {
            conn.close(now);
        }
        return reorder.apply(new ArrayList<>(out));
    }

    private void frameOut(TcpSegment seg) {
        out.add(Frames.tcp(mac, client, ip, clientIp, ipId++, seg));
    }

    private final class Sink implements TcpListener {
        @Override
        public long send(TcpSegment segment, Remark remark) {
            frameOut(segment);
            return 0;
        }

        @Override
        public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {}

        @Override
        public void note(Event.Note.Kind kind, String text) {}
    }
}
