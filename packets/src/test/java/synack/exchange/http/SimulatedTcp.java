package synack.exchange.http;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import synack.wire.TcpSegment;

/**
 * The server's end of TCP connections, small and written for the tests (apart from the engine
 * under test): it answers a SYN with a SYN,ACK offering MSS 1460 and nothing else (so no window
 * scaling), takes data in order, sends what its application gives within the peer's window,
 * answers a FIN with its own, and closes first when its application says so. No
 * retransmission: the in-memory wire loses nothing unless a test says so.
 */
final class SimulatedTcp {
    static final int SEGMENT = 1400;

    /** What a server does with the bytes of one connection. */
    interface App {
        /** Everything received so far, in order; append replies with {@link Conn#send}, end with {@link Conn#close}. */
        void received(Conn c, byte[] stream);
    }

    /** One connection, from the server's side. */
    static final class Conn {
        final int clientIp;
        final int clientPort;
        final int serverPort;
        final int iss;
        int sndUna;
        int sndNxt;
        int rcvNxt;
        int peerWindow;
        boolean finReceived;
        boolean finSent;
        boolean closeAfterSending;
        boolean reset;
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        private final ByteArrayOutputStream unsent = new ByteArrayOutputStream();
        private byte[] queued = new byte[0];
        private int queuedOffset;
        /** Anything the app keeps per connection (how many requests it answered...). */
        int requestsAnswered;
        int consumed;

        Conn(int clientIp, int clientPort, int serverPort, int iss) {
            this.clientIp = clientIp;
            this.clientPort = clientPort;
            this.serverPort = serverPort;
            this.iss = iss;
        }

        void send(byte[] data) {
            unsent.writeBytes(data);
        }

        /** Our FIN goes after what is queued. */
        void close() {
            closeAfterSending = true;
        }

        /** What the app queued and TCP has not yet taken (a layer between them, TLS, takes it itself). */
        byte[] drain() {
            byte[] all = unsent.toByteArray();
            unsent.reset();
            return all;
        }

        private int pending() {
            return queued.length - queuedOffset + unsent.size();
        }

        private byte[] take(int n) {
            if (queuedOffset == queued.length) {
                queued = unsent.toByteArray();
                queuedOffset = 0;
                unsent.reset();
            }
            int k = Math.min(n, queued.length - queuedOffset);
            byte[] out = java.util.Arrays.copyOfRange(queued, queuedOffset, queuedOffset + k);
            queuedOffset += k;
            return out;
        }
    }

    private final Map<Long, Conn> connections = new HashMap<>();
    private final App app;
    private final int serverPort;
    final List<Conn> accepted = new ArrayList<>();
    final List<TcpSegment> syns = new ArrayList<>();
    /** Our FIN in a segment of its own after the data, rather than on the last data segment. */
    boolean finApart;
    /** Data that came after our FIN: a request sent into the half we closed (a real server's closed socket answers RST). */
    int dataAfterOurFin;

    SimulatedTcp(int serverPort, App app) {
        this.serverPort = serverPort;
        this.app = app;
    }

    private static long key(int ip, int port) {
        return ((long) ip << 16) | port;
    }

    /** The segments answering {@code seg} from {@code clientIp}. */
    List<TcpSegment> onSegment(int clientIp, TcpSegment seg) {
        List<TcpSegment> out = new ArrayList<>();
        long k = key(clientIp, seg.sourcePort());
        Conn c = connections.get(k);
        if (seg.has(TcpSegment.RST)) {
            if (c != null) {
                c.reset = true;
                connections.remove(k);
            }
            return out;
        }
        if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK)) {
            syns.add(seg);
            if (c == null) {
                c = new Conn(clientIp, seg.sourcePort(), serverPort, 0x5eed0000 + accepted.size() * 0x10000);
                c.rcvNxt = seg.seq() + 1;
                c.sndUna = c.iss;
                c.sndNxt = c.iss + 1;
                connections.put(k, c);
                accepted.add(c);
            }
            c.peerWindow = seg.window();
            out.add(TcpSegment.of(serverPort, c.clientPort, c.iss, c.rcvNxt, TcpSegment.SYN | TcpSegment.ACK, 65535,
                    new TcpSegment.Options(1460, -1, false, -1, -1, List.of()), new byte[0]));
            return out;
        }
        if (c == null) {
            return out; // not ours (a stray after the close)
        }
        if (seg.has(TcpSegment.ACK) && seg.ack() - c.sndUna > 0 && seg.ack() - c.sndNxt <= 0) {
            c.sndUna = seg.ack();
        }
        c.peerWindow = seg.window();
        boolean ackNeeded = false;
        if (seg.data().length > 0 || seg.has(TcpSegment.FIN)) {
            ackNeeded = true;
            if (seg.data().length > 0 && c.finSent) {
                dataAfterOurFin++;
                connections.remove(k);
                out.add(TcpSegment.of(serverPort, c.clientPort, c.sndNxt, 0, TcpSegment.RST, 0, TcpSegment.Options.NONE, new byte[0]));
                return out;
            }
            if (seg.seq() == c.rcvNxt) {
                c.stream.writeBytes(seg.data());
                c.rcvNxt += seg.data().length;
                if (seg.has(TcpSegment.FIN)) {
                    c.rcvNxt += 1;
                    c.finReceived = true;
                }
                if (seg.data().length > 0) {
                    app.received(c, c.stream.toByteArray());
                }
            }
        }
        if (c.finReceived && !c.finSent) {
            c.close(); // the client is done: so are we, after what is queued
        }
        boolean sent = flush(c, out);
        if (ackNeeded && !sent) {
            out.add(TcpSegment.of(serverPort, c.clientPort, c.sndNxt, c.rcvNxt, TcpSegment.ACK, 65535, TcpSegment.Options.NONE,
                    new byte[0]));
        }
        if (c.finSent && c.finReceived && c.sndUna == c.sndNxt) {
            connections.remove(k);
        }
        return out;
    }

    /** Sends what the peer's window allows, then our FIN when asked; true when anything left. */
    private boolean flush(Conn c, List<TcpSegment> out) {
        boolean sent = false;
        while (c.pending() > 0 && c.sndNxt - c.sndUna < c.peerWindow) {
            int room = c.peerWindow - (c.sndNxt - c.sndUna);
            byte[] data = c.take(Math.min(SEGMENT, room));
            boolean last = c.pending() == 0 && c.closeAfterSending && !finApart;
            int flags = TcpSegment.ACK | TcpSegment.PSH | (last ? TcpSegment.FIN : 0);
            out.add(TcpSegment.of(serverPort, c.clientPort, c.sndNxt, c.rcvNxt, flags, 65535, TcpSegment.Options.NONE, data));
            c.sndNxt += data.length + (last ? 1 : 0);
            c.finSent |= last;
            sent = true;
        }
        if (c.pending() == 0 && c.closeAfterSending && !c.finSent) {
            out.add(TcpSegment.of(serverPort, c.clientPort, c.sndNxt, c.rcvNxt, TcpSegment.FIN | TcpSegment.ACK, 65535,
                    TcpSegment.Options.NONE, new byte[0]));
            c.sndNxt += 1;
            c.finSent = true;
            sent = true;
        }
        return sent;
    }
}
