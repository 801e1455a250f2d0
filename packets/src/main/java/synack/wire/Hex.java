package synack.wire;

/** Hex as the renderers show it, without a Formatter (it parses its pattern with a regex on every call). */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /** "0x" and four lowercase digits: what String.format("0x%04x", v) writes, for a 16-bit field (an ID, a checksum). */
    public static String u16(int v) {
        if (v < 0 || v > 0xffff) {
            return String.format("0x%04x", v);
        }
        return new String(new char[] {'0', 'x', DIGITS[v >>> 12], DIGITS[(v >>> 8) & 0xf], DIGITS[(v >>> 4) & 0xf], DIGITS[v & 0xf]});
    }
}
