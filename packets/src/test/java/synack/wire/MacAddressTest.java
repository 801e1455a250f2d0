package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MacAddressTest {
    @Test
    void parsesColonsOrDashesAndPrintsLowercaseColons() {
        MacAddress m = MacAddress.parse("00:1A:2b:3C:4d:5E");
        assertEquals("00:1a:2b:3c:4d:5e", m.toString());
        assertEquals(m, MacAddress.parse("00-1a-2b-3c-4d-5e"));
        assertEquals(m, MacAddress.parse(m.toString()));
        assertEquals(m.hashCode(), MacAddress.parse("00-1A-2B-3C-4D-5E").hashCode());
        assertArrayEquals(new byte[] {0, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e}, m.toBytes());
    }

    @Test
    void singleDigitOctetsAreAccepted() {
        assertEquals("02:00:00:00:00:01", MacAddress.parse("2:0:0:0:0:1").toString());
    }

    @Test
    void rejectsWhatIsNotAMac() {
        for (String bad : List.of("", "02:00:00:00:00", "02:00:00:00:00:00:00", "02:00:00:00:00:0g", "002:00:00:00:00:01",
                "02::00:00:00:01", "0200.0000.0001", "hello")) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), "'" + bad + "'");
        }
    }

    @Test
    void ofTakesExactlySixOctetsAndCopiesThem() {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(null));
        byte[] b = {2, 0, 0, 0, 0, 1};
        MacAddress m = MacAddress.of(b);
        b[5] = 9;
        assertEquals("02:00:00:00:00:01", m.toString());
        m.toBytes()[0] = 0x7f;
        assertEquals("02:00:00:00:00:01", m.toString());
    }

    @Test
    void locallyAdministeredIsBitOneOfTheFirstOctet() {
        assertTrue(MacAddress.parse("02:00:00:00:00:01").isLocallyAdministered());
        assertTrue(MacAddress.parse("be:ef:00:00:00:01").isLocallyAdministered()); // 0xbe = 1011 1110
        assertFalse(MacAddress.parse("00:1a:2b:3c:4d:5e").isLocallyAdministered());
        assertFalse(MacAddress.parse("fc:aa:14:00:00:01").isLocallyAdministered()); // 0xfc = 1111 1100
        assertFalse(MacAddress.parse("01:00:5e:00:00:01").isLocallyAdministered());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertFalse(MacAddress.parse("02:00:00:00:00:01").isMulticast());
    }

    @Test
    void constantsAndOui() {
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
        assertTrue(MacAddress.ZERO.isZero());
        assertEquals("00:00:00:00:00:00", MacAddress.ZERO.toString());
        assertNotEquals(MacAddress.ZERO, MacAddress.BROADCAST);
        assertEquals(0x001a2b, MacAddress.parse("00:1a:2b:3c:4d:5e").oui());
        assertEquals(0xffffff, MacAddress.BROADCAST.oui());
    }

    @Test
    void readsAndWritesAtAnOffset() {
        byte[] buf = new byte[10];
        MacAddress.parse("02:00:00:00:00:07").write(buf, 2);
        assertEquals(MacAddress.parse("02:00:00:00:00:07"), MacAddress.read(buf, 2));
        assertEquals(0, buf[0]);
        assertEquals(0, buf[9]);
    }
}
