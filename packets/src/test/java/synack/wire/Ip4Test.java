package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Ip4Test {
    @Test
    void parsesDottedQuadsIntoNetworkOrder() {
        assertEquals(0xc6120101, Ip4.parse("198.18.1.1"));
        assertEquals(0, Ip4.parse("0.0.0.0"));
        assertEquals(-1, Ip4.parse("255.255.255.255"));
        assertEquals(0x0a000001, Ip4.parse("10.0.0.1"));
    }

    @Test
    void toStringRoundTrips() {
        for (String s : List.of("0.0.0.0", "255.255.255.255", "198.18.1.1", "10.0.0.1", "128.0.0.0", "1.2.3.4")) {
            assertEquals(s, Ip4.toString(Ip4.parse(s)));
        }
        for (int ip : new int[] {0, -1, 0x7fffffff, 0x80000000, 0xc6120101}) {
            assertEquals(ip, Ip4.parse(Ip4.toString(ip)));
        }
    }

    @Test
    void rejectsAnythingButFourDecimalOctets() {
        for (String bad : List.of("1.2.3", "256.1.1.1", "01.2.3.4x", " 1.2.3.4", "", "1.2.3.4 ", "1.2.3.4.", ".1.2.3.4",
                "1..2.3", "1.2.3.-4", "1.2.3.+4", "0x1.2.3.4", "1000.1.1.1", "a.b.c.d", "localhost", "1.2.3.4/24",
                "::1", "1.2.3.999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip4.parse(bad), "'" + bad + "'");
            assertTrue(e.getMessage().startsWith("not an IPv4 address: "), e.getMessage());
            assertFalse(Ip4.isAddress(bad), bad);
        }
    }

    @Test
    void saysWhichOctetIsTooLarge() {
        assertEquals("not an IPv4 address: 256.1.1.1 (256 > 255)",
                assertThrows(IllegalArgumentException.class, () -> Ip4.parse("256.1.1.1")).getMessage());
    }

    @Test
    void readsAndWritesBigEndian() {
        byte[] b = new byte[6];
        Ip4.write(Ip4.parse("198.18.1.2"), b, 1);
        assertArrayEquals(new byte[] {0, (byte) 198, 18, 1, 2, 0}, b);
        assertEquals(Ip4.parse("198.18.1.2"), Ip4.read(b, 1));
    }

    @Test
    void masks() {
        assertEquals(0, Ip4.mask(0));
        assertEquals(0xff000000, Ip4.mask(8));
        assertEquals(0xffffff00, Ip4.mask(24));
        assertEquals(0xfffffffe, Ip4.mask(31));
        assertEquals(0xffffffff, Ip4.mask(32));
    }

    @Test
    void inetRoundTrip() {
        int ip = Ip4.parse("198.18.200.7");
        assertEquals("198.18.200.7", Ip4.toInet(ip).getHostAddress());
        assertEquals(ip, Ip4.fromInet(Ip4.toInet(ip)));
    }

    @Test
    void fromInetRejectsIpv6() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Ip4.fromInet(java.net.InetAddress.getByName("::1")));
    }
}
