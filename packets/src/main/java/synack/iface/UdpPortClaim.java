package synack.iface;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import synack.net.EnvironmentException;
import synack.wire.IpAddress;

/**
 * Holds a real UDP socket on the port our hand-made datagrams leave from, for the command's
 * length. Without it the kernel, which knows nothing of our query, answers every reply with
 * ICMP port unreachable (and the server may log or rate-limit us); with it the kernel quietly
 * queues the replies on a socket nobody reads (a tiny buffer, dropped when full). It also keeps
 * another program from taking the port while we use it.
 */
public final class UdpPortClaim implements AutoCloseable {
    private final DatagramSocket socket; // null: the address is not this host's (-S), so its kernel never answers for it

    private UdpPortClaim(DatagramSocket socket) {
        this.socket = socket;
    }

    public static UdpPortClaim claim(int ip, int port) {
        return claim(IpAddress.of(ip), port);
    }

    public static UdpPortClaim claim(IpAddress ip, int port) {
        DatagramSocket s = null;
        try {
            s = new DatagramSocket(null);
            s.setReceiveBufferSize(2048);
            s.bind(new InetSocketAddress(java.net.InetAddress.getByAddress(ip.bytes()), port));
            return new UdpPortClaim(s);
        } catch (java.net.BindException e) {
            s.close();
            if (!synack.net.LocalInterface.hostHolds(ip)) {
                return new UdpPortClaim(null);
            }
            throw new EnvironmentException("UDP port " + port + " on " + ip + " is taken by another program ("
                    + e.getMessage() + "): try again, another port is chosen each time");
        } catch (SocketException e) {
            if (s != null) {
                s.close();
            }
            throw new EnvironmentException("UDP port " + port + " on " + ip + " is taken by another program ("
                    + e.getMessage() + "): try again, another port is chosen each time");
        } catch (IOException e) {
            if (s != null) {
                s.close();
            }
            throw new EnvironmentException("cannot hold UDP port " + port + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}
