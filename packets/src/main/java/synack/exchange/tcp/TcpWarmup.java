package synack.exchange.tcp;

import java.util.ArrayDeque;
import java.util.Deque;
import synack.wire.Dissector;
import synack.wire.Frames;
import synack.wire.IpAddress;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * Runs a whole connection between two engines in memory before the real one, so the JVM has
 * loaded and compiled the segment paths before our first SYN: otherwise class loading sits
 * between the server's SYN,ACK and our ACK and inflates what we report as connect time.
 * Nothing here touches the wire. The frames are of the connection's family: IPv6's framing,
 * checksum and dissection are other code than IPv4's, cold otherwise on the way to an IPv6 SYN.
 */
public final class TcpWarmup {
    private static final IpAddress[] V4 = {IpAddress.parse("198.18.0.1"), IpAddress.parse("198.18.0.2")};
    private static final IpAddress[] V6 = {IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:db8::2")};

    private TcpWarmup() {}

    /** Over IPv4. */
    public static void run() {
        run(false);
    }

    /** @param ipv6 the real connection is over IPv6: so are the frames here */
    public static void run(boolean ipv6) {
        IpAddress[] ends = ipv6 ? V6 : V4;
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        Deque<byte[]> toServer = new ArrayDeque<>();
        Deque<byte[]> toClient = new ArrayDeque<>();
        long[] now = {1};
        TcpConnection client = new TcpConnection(TcpConnection.Config.defaults(40000, 80, 1), sink(toServer, mac, ends[0], ends[1]));
        TcpConnection server = new TcpConnection(TcpConnection.Config.defaults(80, 40000, 2), sink(toClient, mac, ends[1], ends[0]));
        server.listen();
        client.connect(now[0]);
        for (int step = 0; step < 64 && (!toServer.isEmpty() || !toClient.isEmpty()); step++) {
            now[0] += 10;
            deliver(toServer, server, now[0]);
            deliver(toClient, client, now[0]);
            if (client.state() == TcpState.ESTABLISHED && client.sndNxt() == client.iss() + 1) {
                client.send(new byte[32], now[0]);
                client.close(now[0]);
            }
            if (server.state() == TcpState.CLOSE_WAIT) {
                server.close(now[0]);
            }
        }
    }

    private static void deliver(Deque<byte[]> queue, TcpConnection to, long now) {
        while (!queue.isEmpty()) {
            byte[] frame = queue.poll();
            Dissector.dissect(frame);
            try {
                Frames.Tcp t = Frames.parseTcp(frame);
                if (t != null) {
                    to.onSegment(t.segment(), now);
                }
            } catch (MalformedFrameException e) {
                return;
            }
        }
    }

    private static TcpListener sink(Deque<byte[]> queue, MacAddress mac, IpAddress from, IpAddress to) {
        return new TcpListener() {
            @Override
            public long send(TcpSegment segment, synack.event.Remark annotation) {
                queue.add(Frames.tcp(mac, mac, from, to, 1, segment));
                return 0;
            }

            @Override
            public void transition(boolean peer, TcpState f, TcpState t, String cause, boolean inferred, String why) {}

            @Override
            public void note(synack.event.Event.Note.Kind kind, String text) {}
        };
    }
}
