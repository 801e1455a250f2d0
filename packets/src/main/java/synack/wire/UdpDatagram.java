package synack.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A UDP datagram (RFC 768): ports, length, checksum over the IPv4 pseudo-header, payload. */
public record UdpDatagram(int sourcePort, int destinationPort, byte[] payload, ChecksumStatus checksum) {
    public static final int HEADER = 8;

    public static UdpDatagram of(int sourcePort, int destinationPort, byte[] payload) {
        return new UdpDatagram(sourcePort, destinationPort, payload, ChecksumStatus.VALID);
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
        ChecksumStatus status = checksum == 0 ? ChecksumStatus.VALID // zero: the sender computed none (RFC 768)
                : ChecksumStatus.of(b, 0, length, ChecksumStatus.pseudoHeaderSum(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, length), checksum);
        return new UdpDatagram(((b[0] & 0xff) << 8) | (b[1] & 0xff), ((b[2] & 0xff) << 8) | (b[3] & 0xff),
                Arrays.copyOfRange(b, HEADER, length), status);
    }

    /**
     * A datagram read from a capture file: {@code captured} bytes of it at {@code offset}, of the
     * {@code onWire} bytes the IP header declares ({@link Integer#MAX_VALUE} when not known: the first
     * fragment). The 8-byte header must be whole; the payload is what was captured up to the UDP
     * length (bytes after it are padding), the checksum {@link ChecksumStatus#UNVERIFIABLE} unless
     * the whole datagram is there.
     */
    public static UdpDatagram parseCaptured(byte[] b, int offset, int captured, int onWire, int sourceIp, int destinationIp)
            throws MalformedFrameException {
        if (captured < HEADER) {
            throw new MalformedFrameException(onWire >= HEADER ? "UDP header cut: " + captured + " of 8 bytes captured"
                    : "UDP datagram of " + onWire + " bytes is shorter than its 8-byte header");
        }
        int length = ((b[offset + 4] & 0xff) << 8) | (b[offset + 5] & 0xff);
        if (length < HEADER || length > onWire) {
            throw new MalformedFrameException("UDP length " + length + " outside 8.." + onWire);
        }
        int checksum = ((b[offset + 6] & 0xff) << 8) | (b[offset + 7] & 0xff);
        boolean whole = length <= captured;
        ChecksumStatus status = checksum == 0 ? ChecksumStatus.VALID // zero: the sender computed none (RFC 768)
                : !whole ? ChecksumStatus.UNVERIFIABLE
                : ChecksumStatus.of(b, offset, length, ChecksumStatus.pseudoHeaderSum(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, length), checksum);
        return new UdpDatagram(((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff), ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff),
                Arrays.copyOfRange(b, offset + HEADER, offset + Math.min(length, captured)), status);
    }

    /** True when the checksum verifies or was not computed (not when left to offload, nor when wrong). */
    public boolean checksumValid() {
        return checksum == ChecksumStatus.VALID;
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
        int sum = ~Checksum.sum(b, 0, length, ChecksumStatus.pseudoHeaderSum(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, length)) & 0xffff;
        if (sum == 0) {
            sum = 0xffff; // zero means "no checksum" in UDP
        }
        b[6] = (byte) (sum >>> 8);
        b[7] = (byte) sum;
        return b;
    }


    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sport", sourcePort);
        f.put("dport", destinationPort);
        f.put("len", payload.length);
        f.put("checksum_ok", checksum != ChecksumStatus.WRONG);
        f.put("checksum", checksum.name().toLowerCase(java.util.Locale.ROOT));
        return new Layer("udp", "UDP " + sourcePort + " → " + destinationPort + " len=" + payload.length
                + checksum.remark(), f);
    }
}
