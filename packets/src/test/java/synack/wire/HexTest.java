package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The IDs and checksums the renderers show read as they did with String.format, for every 16-bit value. */
class HexTest {
    @Test
    void everySixteenBitValueAsFormatWroteIt() {
        for (int v = 0; v <= 0xffff; v++) {
            assertEquals(String.format("0x%04x", v), Hex.u16(v));
        }
        assertEquals(String.format("0x%04x", 0x12345), Hex.u16(0x12345)); // not a 16-bit field: as before all the same
        assertEquals(String.format("0x%04x", -1), Hex.u16(-1));
    }
}
