package synack.bench;

import java.util.List;
import synack.event.Event;
import synack.event.Remark;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpListener;
import synack.exchange.tcp.TcpState;
import synack.wire.ChecksumStatus;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;

/**
 * What the receive benchmarks share: the lab's addresses, a connection of ours brought to
 * ESTABLISHED by a SYN,ACK in memory, and data frames from the server as the lab's veth hands
 * them over (checksum left to offload, timestamps on), so they go through the intake exactly as
 * a TSO super-frame or a plain segment does in http-get.
 */
final class BulkReceive {
    static final MacAddress SERVER_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final int SERVER = Ip4.parse("198.18.2.2");
    static final int US = Ip4.parse("198.18.1.2");
    static final int OUR_PORT = 61234;
    static final int IRS = 0x10000000;
    static final int ISS = 0x5eed1234;
    static final int TCP_AT = 14 + 20;

    private BulkReceive() {}

    /** Counts what the connection hands over, so no delivery is optimised away. */
    static final class Sink implements TcpListener {
        long delivered;
        long sent;

        @Override
        public long send(TcpSegment segment, Remark remark) {
            sent++;
            return 0;
        }

        @Override
        public void transition(boolean peer, TcpState from, TcpState to, String cause, boolean inferred, String why) {}

        @Override
        public void note(Event.Note.Kind kind, String text) {}

        @Override
        public void delivered(byte[] data) {
            delivered += data.length;
        }
    }

    /** Our side, ESTABLISHED with the server (window scaling, SACK, timestamps), receive window as http-get's. */
    static TcpConnection established(Sink sink, int receiveWindow) {
        TcpConnection c = new TcpConnection(TcpConnection.Config.defaults(OUR_PORT, 80, ISS).withReceiveWindow(receiveWindow), sink);
        c.connect(1);
        c.onSegment(TcpSegment.of(80, OUR_PORT, IRS, ISS + 1, TcpSegment.SYN | TcpSegment.ACK, 65160,
                new TcpSegment.Options(1460, 10, true, 1000, 1, List.of()), new byte[0]), 2);
        if (c.state() != TcpState.ESTABLISHED) {
            throw new IllegalStateException("the in-memory handshake did not establish: " + c.state());
        }
        return c;
    }

    /** A data segment from the server, ACKing our SYN, with timestamps. */
    static TcpSegment data(int seq, byte[] payload) {
        return TcpSegment.of(80, OUR_PORT, seq, ISS + 1, TcpSegment.ACK | TcpSegment.PSH, 64,
                TcpSegment.Options.NONE.withTimestamps(2000, 1), payload);
    }

    /** The segment as a frame whose checksum field holds only the pseudo-header sum, as a veth delivers it. */
    static byte[] offloadedFrame(int seq, int size) {
        byte[] payload = new byte[size];
        new java.util.Random(size).nextBytes(payload);
        byte[] f = Frames.tcp(SERVER_MAC, OUR_MAC, SERVER, US, 7, data(seq, payload));
        int tcpLength = f.length - TCP_AT;
        int pseudo = ChecksumStatus.pseudoHeaderSum(SERVER, US, 6, tcpLength);
        f[TCP_AT + 16] = (byte) (pseudo >>> 8);
        f[TCP_AT + 17] = (byte) pseudo;
        return f;
    }

    /** Writes a new sequence number into a frame built by {@link #offloadedFrame} (the offloaded field does not cover it). */
    static void setSeq(byte[] frame, int seq) {
        Ip4.write(seq, frame, TCP_AT + 4);
    }
}
