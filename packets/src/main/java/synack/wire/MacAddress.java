package synack.wire;

import java.util.Arrays;

/** A 48-bit Ethernet address. Immutable. */
public final class MacAddress {
    public static final MacAddress BROADCAST = new MacAddress(new byte[] {-1, -1, -1, -1, -1, -1});
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private final byte[] octets;

    private MacAddress(byte[] octets) {
        this.octets = octets;
    }

    public static MacAddress of(byte[] octets) {
        if (octets == null || octets.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 octets");
        }
        return new MacAddress(octets.clone());
    }

    public static MacAddress read(byte[] buf, int offset) {
        return new MacAddress(Arrays.copyOfRange(buf, offset, offset + 6));
    }

    /** Parses aa:bb:cc:dd:ee:ff (or with dashes). */
    public static MacAddress parse(String text) {
        if (!text.trim().matches("[0-9A-Fa-f]{1,2}([:-][0-9A-Fa-f]{1,2}){5}")) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return new MacAddress(b);
    }

    public void write(byte[] buf, int offset) {
        System.arraycopy(octets, 0, buf, offset, 6);
    }

    public byte[] toBytes() {
        return octets.clone();
    }

    public boolean isBroadcast() {
        return equals(BROADCAST);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** Bit 1 of the first octet: the address was not assigned from the IEEE registry (veths, VMs). */
    public boolean isLocallyAdministered() {
        return (octets[0] & 0x02) != 0;
    }

    public boolean isMulticast() {
        return (octets[0] & 0x01) != 0;
    }

    /** The first three octets, the IEEE organisationally unique identifier. */
    public int oui() {
        return ((octets[0] & 0xff) << 16) | ((octets[1] & 0xff) << 8) | (octets[2] & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(octets, m.octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((octets[i] >> 4) & 0xf, 16)).append(Character.forDigit(octets[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
