package synack.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A UDP datagram (RFC 768): ports, length, checksum over the IPv4 pseudo-header, payload. */
public record UdpDatagram(int sourcePort, int destinationPort, byte[] payload, boolean checksumValid) {
    public static final int HEADER = 8;

    public static UdpDatagram of(int sourcePort, int destinationPort, byte[] payload) {
        return new UdpDatagram(sourcePort, destinationPort, payload, true);
    }

    public static UdpDatagram parse(byte[] b, int sourceIp, int destinationIp) throws MalformedFrameException {
        if (b.length < HEADER) {
            throw new MalformedFrameException("UDP datagram of " + b.length + " bytes is shorter than its 8-byte header");
        }
        int length = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
        if (length < HEADER || length > b.length) {
            throw new MalformedFrameException("UDP length " + length + " outside 8.." + b.length);
        }
        int checksum = ((b[6] & 0xff) << 8) | (b[7] & 0xff);
        byte[] datagram = Arrays.copyOf(b, length);
        boolean valid = checksum == 0 || Checksum.compute(pseudo(datagram, sourceIp, destinationIp), 0, 12 + length) == 0;
        return new UdpDatagram(((b[0] & 0xff) << 8) | (b[1] & 0xff), ((b[2] & 0xff) << 8) | (b[3] & 0xff),
                Arrays.copyOfRange(b, HEADER, length), valid);
    }

    public byte[] toBytes(int sourceIp, int destinationIp) {
        int length = HEADER + payload.length;
        byte[] b = new byte[length];
        b[0] = (byte) (sourcePort >>> 8);
        b[1] = (byte) sourcePort;
        b[2] = (byte) (destinationPort >>> 8);
        b[3] = (byte) destinationPort;
        b[4] = (byte) (length >>> 8);
        b[5] = (byte) length;
        System.arraycopy(payload, 0, b, HEADER, payload.length);
        int sum = Checksum.compute(pseudo(b, sourceIp, destinationIp), 0, 12 + length);
        if (sum == 0) {
            sum = 0xffff; // zero means "no checksum" in UDP
        }
        b[6] = (byte) (sum >>> 8);
        b[7] = (byte) sum;
        return b;
    }

    private static byte[] pseudo(byte[] datagram, int src, int dst) {
        byte[] p = new byte[12 + datagram.length];
        Ip4.write(src, p, 0);
        Ip4.write(dst, p, 4);
        p[9] = (byte) Ipv4Packet.PROTO_UDP;
        p[10] = (byte) (datagram.length >>> 8);
        p[11] = (byte) datagram.length;
        System.arraycopy(datagram, 0, p, 12, datagram.length);
        return p;
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sport", sourcePort);
        f.put("dport", destinationPort);
        f.put("len", payload.length);
        f.put("checksum_ok", checksumValid);
        return new Layer("udp", "UDP " + sourcePort + " → " + destinationPort + " len=" + payload.length
                + (checksumValid ? "" : " (bad checksum)"), f);
    }
}
