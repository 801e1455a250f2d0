package synack.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Ethernet II: destination, source, EtherType, payload. The FCS is not seen by pcap. */
public record EthernetFrame(MacAddress destination, MacAddress source, int etherType, byte[] payload) {
    public static final int HEADER_LENGTH = 14;
    public static final int MIN_FRAME = 60; // without FCS: shorter frames are padded
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_IPV6 = 0x86dd;

    public static EthernetFrame parse(byte[] frame) throws MalformedFrameException {
        if (frame.length < HEADER_LENGTH) {
            throw new MalformedFrameException("Ethernet frame of " + frame.length + " bytes is shorter than its 14-byte header");
        }
        int type = ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
        return new EthernetFrame(MacAddress.read(frame, 0), MacAddress.read(frame, 6), type,
                Arrays.copyOfRange(frame, HEADER_LENGTH, frame.length));
    }

    /** The frame's bytes, padded with zeros to the 60-byte Ethernet minimum. */
    public byte[] toBytes() {
        byte[] out = new byte[Math.max(MIN_FRAME, HEADER_LENGTH + payload.length)];
        destination.write(out, 0);
        source.write(out, 6);
        out[12] = (byte) (etherType >>> 8);
        out[13] = (byte) etherType;
        System.arraycopy(payload, 0, out, HEADER_LENGTH, payload.length);
        return out;
    }

    public static String typeName(int etherType) {
        return switch (etherType) {
            case TYPE_IPV4 -> "IPv4";
            case TYPE_ARP -> "ARP";
            case TYPE_IPV6 -> "IPv6";
            case TYPE_VLAN -> "802.1Q";
            default -> String.format("0x%04x", etherType);
        };
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dst", destination.toString());
        f.put("src", source.toString());
        f.put("type", typeName(etherType));
        return new Layer("eth", source + " → " + destination + " " + typeName(etherType), f);
    }
}
