package synack.wire;

import java.util.Arrays;
import java.util.Map;

/**
 * An IPv4 packet as a capture file holds it, read leniently where a live receiver would be strict:
 * <ul>
 *   <li>cut by the snapshot length: the header is decoded, the payload is the captured part
 *       ({@code capturedPayload} of {@code declaredPayload} bytes);</li>
 *   <li>total length 0 with bytes after the header: a TSO/GSO super-frame captured on the sending
 *       host before the NIC split it (the kernel leaves the field 0 when the length does not fit
 *       16 bits); as tshark does, the captured length is taken and {@code tso} says so;</li>
 *   <li>bytes after the total length (Ethernet pads frames to 60 bytes) are not payload;</li>
 *   <li>a wrong header checksum is kept and flagged ({@code packet.checksumValid()}), not fatal.</li>
 * </ul>
 * {@code payloadOffset} is where the payload starts in the frame array, so the transport header
 * can be read in place.
 */
public record CapturedIpv4(Ipv4Packet packet, int payloadOffset, int declaredPayload, boolean tso) {

    /**
     * The IPv4 packet at {@code offset} of {@code frame}, a frame that was {@code originalLength}
     * bytes on the wire (its array may hold fewer: the snapshot length cut it).
     */
    public static CapturedIpv4 parse(byte[] frame, int offset, int originalLength) throws MalformedFrameException {
        int captured = frame.length - offset;
        int onWire = Math.max(captured, originalLength - offset);
        if (captured < Ipv4Packet.MIN_HEADER) {
            throw new MalformedFrameException(onWire >= Ipv4Packet.MIN_HEADER
                    ? "IPv4 header cut: " + captured + " of 20 bytes captured"
                    : "IPv4 packet of " + captured + " bytes is shorter than its 20-byte header");
        }
        int version = (frame[offset] & 0xff) >>> 4;
        int ihl = (frame[offset] & 0x0f) * 4;
        if (version != 4) {
            throw new MalformedFrameException("IP version " + version + " in an IPv4 frame");
        }
        if (ihl < Ipv4Packet.MIN_HEADER || ihl > onWire) {
            throw new MalformedFrameException("IPv4 header length " + ihl + " outside 20.." + onWire);
        }
        if (ihl > captured) {
            throw new MalformedFrameException("IPv4 header cut: " + captured + " of " + ihl + " bytes captured");
        }
        int total = u16(frame, offset + 2);
        boolean tso = total == 0 && captured > ihl;
        if (tso) {
            total = onWire;
        } else if (total < ihl || total > onWire) {
            throw new MalformedFrameException("IPv4 total length " + total + " outside " + ihl + ".." + onWire);
        }
        int end = offset + Math.min(total, captured);
        boolean valid = Checksum.compute(frame, offset, ihl) == 0;
        Ipv4Packet packet = new Ipv4Packet(frame[offset + 1] & 0xff, u16(frame, offset + 2), u16(frame, offset + 4),
                u16(frame, offset + 6), frame[offset + 8] & 0xff, frame[offset + 9] & 0xff, u16(frame, offset + 10), valid,
                Ip4.read(frame, offset + 12), Ip4.read(frame, offset + 16),
                Arrays.copyOfRange(frame, offset + Ipv4Packet.MIN_HEADER, offset + ihl),
                Arrays.copyOfRange(frame, offset + ihl, end));
        return new CapturedIpv4(packet, offset + ihl, total - ihl, tso);
    }

    /** Bytes of the payload the capture holds (fewer than declared when cut). */
    public int capturedPayload() {
        return packet.payload().length;
    }

    /** True when the snapshot length cut the payload short of what the header declares. */
    public boolean cut() {
        return capturedPayload() < declaredPayload;
    }

    /** Any fragment of a larger datagram (more fragments follow, or a non-zero offset). */
    public boolean fragment() {
        return (packet.flagsAndFragment() & 0x3fff) != 0;
    }

    /** A fragment after the first: it carries no transport header. */
    public boolean laterFragment() {
        return (packet.flagsAndFragment() & 0x1fff) != 0;
    }

    /** The "ip" layer, saying when the length was taken from the capture (TSO). */
    public Layer describe() {
        Layer l = packet.describe();
        if (!tso) {
            return l;
        }
        Map<String, Object> f = l.fields();
        f.put("tso", true);
        return new Layer(l.name(), l.summary() + " (total length 0: a TSO super-frame, " + (declaredPayload + packet.options().length
                + Ipv4Packet.MIN_HEADER) + " bytes as captured)", f);
    }

    private static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }
}
