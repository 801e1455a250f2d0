package synack.wire;

import java.util.Arrays;

/**
 * An IPv6 packet as a capture file holds it, read leniently where a live receiver would be strict
 * (the IPv6 counterpart of {@link CapturedIpv4}):
 * <ul>
 *   <li>cut by the snapshot length: the header and the extension headers that were captured are
 *       decoded, the payload is the captured part ({@code capturedPayload} of {@code declaredPayload}
 *       bytes); an extension header the cut runs through ends the walk ({@link Ipv6Packet.End#TRUNCATED});</li>
 *   <li>payload length 0 with bytes after the header: a TSO/GSO super-frame captured on the sending
 *       host (or a jumbogram, RFC 2675, whose length is in a hop-by-hop option): as for IPv4, the
 *       captured length is taken and {@code tso} says so;</li>
 *   <li>bytes after the payload length (Ethernet pads frames to 60 bytes) are not payload.</li>
 * </ul>
 * {@code payloadOffset} is where the upper layer starts in the frame array (after the extension
 * headers), so the transport header can be read in place; {@code declaredPayload} is the upper
 * layer's length on the wire, extension headers not counted.
 */
public record CapturedIpv6(Ipv6Packet packet, int payloadOffset, int declaredPayload, boolean tso) {
    private static final int MAX_PAYLOAD_LENGTH = 0xffff;

    /**
     * The IPv6 packet at {@code offset} of {@code frame}, a frame that was {@code originalLength}
     * bytes on the wire (its array may hold fewer: the snapshot length cut it).
     */
    public static CapturedIpv6 parse(byte[] frame, int offset, int originalLength) throws MalformedFrameException {
        int captured = frame.length - offset;
        int onWire = Math.max(captured, originalLength - offset);
        if (captured < Ipv6Packet.HEADER) {
            throw new MalformedFrameException(onWire >= Ipv6Packet.HEADER
                    ? "IPv6 header cut: " + captured + " of 40 bytes captured"
                    : "IPv6 packet of " + captured + " bytes is shorter than its 40-byte header");
        }
        int version = (frame[offset] & 0xff) >>> 4;
        if (version != 6) {
            throw new MalformedFrameException("IP version " + version + " in an IPv6 frame");
        }
        int payloadLength = u16(frame, offset + 4);
        // payload length 0 with bytes after the header: a TSO/GSO super-frame (or a jumbogram) as the sender's capture
        // shows it — unless it says "no next header" (59, legal with length 0) or the bytes are Ethernet's padding
        // (a 60-byte minimum frame holds 6 after a bare IPv6 header)
        boolean tso = payloadLength == 0 && (frame[offset + 6] & 0xff) != Ipv6Packet.NO_NEXT_HEADER
                && onWire > Ipv6Packet.HEADER + 6;
        int declared = tso ? onWire - Ipv6Packet.HEADER : payloadLength;
        if (Ipv6Packet.HEADER + declared > onWire) {
            throw new MalformedFrameException("IPv6 payload length " + declared + " runs past the "
                    + (onWire - Ipv6Packet.HEADER) + " bytes after the header");
        }
        int available = Math.min(captured, Ipv6Packet.HEADER + declared);
        boolean cut = available < Ipv6Packet.HEADER + declared;
        byte[] p = Arrays.copyOfRange(frame, offset, offset + available);
        Ipv6Packet walked;
        int walkedLength = available;
        if (!cut && !tso) {
            walked = Ipv6Packet.parse(p); // whole: as strict as a receiver
        } else {
            if (tso) { // the walk reads lengths from the field: give it the most it can say
                walkedLength = Math.min(available, Ipv6Packet.HEADER + MAX_PAYLOAD_LENGTH);
                p[4] = (byte) (MAX_PAYLOAD_LENGTH >>> 8);
                p[5] = (byte) MAX_PAYLOAD_LENGTH;
            }
            walked = Ipv6Packet.parseQuoted(p, 0, walkedLength);
            if (walked.end() == Ipv6Packet.End.TRUNCATED && !cut) {
                throw new MalformedFrameException("IPv6 extension header runs past the " + declared + "-byte payload");
            }
        }
        int headers = walkedLength - walked.payload().length;
        byte[] payload = walkedLength == available ? walked.payload() : Arrays.copyOfRange(frame, offset + headers, offset + available);
        Ipv6Packet packet = new Ipv6Packet(walked.trafficClass(), walked.flowLabel(), payloadLength, walked.nextHeader(),
                walked.hopLimit(), walked.source(), walked.destination(), walked.extensions(), walked.upperProtocol(), walked.end(),
                payload);
        return new CapturedIpv6(packet, offset + headers, declared - (headers - Ipv6Packet.HEADER), tso);
    }

    /** Bytes of the upper layer the capture holds (fewer than declared when cut). */
    public int capturedPayload() {
        return packet.payload().length;
    }

    /** True when the snapshot length cut the payload short of what the header declares. */
    public boolean cut() {
        return capturedPayload() < declaredPayload;
    }

    /** Any fragment of a larger datagram (an atomic fragment, RFC 6946, is a whole packet). */
    public boolean fragment() {
        return packet.end() == Ipv6Packet.End.FIRST_FRAGMENT || packet.end() == Ipv6Packet.End.LATER_FRAGMENT;
    }

    /** Where the upper layer starts in the frame is known and its header follows: a whole packet or a first fragment. */
    public boolean upperLayerHere() {
        return packet.end() == Ipv6Packet.End.UPPER_LAYER || packet.end() == Ipv6Packet.End.FIRST_FRAGMENT;
    }

    /**
     * The TCP segment of {@code captured} bytes at {@code offset} of {@code onWire} declared
     * ({@link Integer#MAX_VALUE}: a first fragment), its checksum verified over the IPv6
     * pseudo-header when the capture holds it whole, else {@link ChecksumStatus#UNVERIFIABLE}.
     */
    public static TcpSegment tcp(byte[] b, int offset, int captured, int onWire, byte[] source, byte[] destination)
            throws MalformedFrameException {
        if (captured < onWire) {
            return TcpSegment.parseCaptured(b, offset, captured, onWire, 0, 0); // not verified: no IPv4 sum is taken
        }
        if (onWire < 20) {
            throw new MalformedFrameException("TCP segment of " + onWire + " bytes is shorter than its 20-byte header");
        }
        ChecksumStatus status = Checksum6.status(b, offset, onWire, 16, source, destination, Ipv6Packet.TCP);
        return TcpSegment.parse(b, offset, onWire, 0, 0, status);
    }

    /** The UDP datagram, as {@link #tcp}; a zero checksum is WRONG over IPv6 (RFC 8200 8.1). */
    public static UdpDatagram udp(byte[] b, int offset, int captured, int onWire, byte[] source, byte[] destination)
            throws MalformedFrameException {
        if (captured < UdpDatagram.HEADER) {
            throw new MalformedFrameException(onWire >= UdpDatagram.HEADER ? "UDP header cut: " + captured + " of 8 bytes captured"
                    : "UDP datagram of " + onWire + " bytes is shorter than its 8-byte header");
        }
        int length = u16(b, offset + 4);
        if (length < UdpDatagram.HEADER || length > onWire) {
            throw new MalformedFrameException("UDP length " + length + " outside 8.." + onWire);
        }
        ChecksumStatus status = length <= captured
                ? Checksum6.status(b, offset, length, 6, source, destination, Ipv6Packet.UDP) : ChecksumStatus.UNVERIFIABLE;
        return new UdpDatagram(u16(b, offset), u16(b, offset + 2),
                Arrays.copyOfRange(b, offset + UdpDatagram.HEADER, offset + Math.min(length, captured)), status);
    }

    /** The "ipv6" layer, saying when the length was taken from the capture (TSO). */
    public Layer describe() {
        Layer l = packet.describe();
        if (!tso) {
            return l;
        }
        l.fields().put("tso", true);
        return new Layer(l.name(), l.summary() + " (payload length 0: a TSO super-frame or a jumbogram, "
                + (payloadOffset - Ipv6Packet.HEADER + declaredPayload) + " bytes after the header as captured)", l.fields());
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
