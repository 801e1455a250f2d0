package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Ip6Test {
    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void parsesEveryTextForm() {
        byte[] doc = hex("20010db8000000000000000000000001");
        assertArrayEquals(doc, Ip6.parse("2001:db8::1"));
        assertArrayEquals(doc, Ip6.parse("2001:0DB8:0000:0000:0000:0000:0000:0001"));
        assertArrayEquals(doc, Ip6.parse("2001:db8:0:0:0:0:0:1"));
        assertArrayEquals(new byte[16], Ip6.parse("::"));
        assertArrayEquals(hex("00000000000000000000000000000001"), Ip6.parse("::1"));
        assertArrayEquals(hex("00010000000000000000000000000000"), Ip6.parse("1::"));
        assertArrayEquals(hex("00010002000300040005000600070000"), Ip6.parse("1:2:3:4:5:6:7::"));
        assertArrayEquals(hex("00000000000000000000ffffc6120001"), Ip6.parse("::ffff:198.18.0.1"));
        assertArrayEquals(hex("00000000000000000000000001020304"), Ip6.parse("::1.2.3.4"));
        assertArrayEquals(hex("00010002000300040005000601020304"), Ip6.parse("1:2:3:4:5:6:1.2.3.4"));
    }

    @Test
    void formatsAsRfc5952Says() {
        // the examples of RFC 5952 section 4 (and 2.x for the forms it replaces)
        assertEquals("2001:db8::1", text("2001:db8:0:0:0:0:0:1"));      // 4.2.1 shorten as much as possible
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8::1:1:1:1:1")); // 4.2.2 never "::" for one group
        assertEquals("2001:db8::2:1", text("2001:db8:0000:0:0:0:2:1"));  // 4.1 no leading zeros
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1")); // 4.2.3 leftmost of equal runs
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"));       // 4.2.3 longest run wins
        assertEquals("2001:db8::aaaa", text("2001:DB8::AAAA"));          // 4.3 lowercase
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("1::", text("1:0:0:0:0:0:0:0"));
        assertEquals("fe80::ff:fe00:1", text("fe80:0:0:0:0:ff:fe00:1"));
        assertEquals("::ffff:198.18.0.1", text("::ffff:c612:1"));         // 5 mixed notation for IPv4-mapped
        assertEquals("1:2:3:4:5:6:7:8", text("1:2:3:4:5:6:7:8"));
    }

    static String text(String s) {
        return Ip6.toString(Ip6.parse(s));
    }

    @Test
    void formattingAgreesWithTheJdkParser() throws Exception {
        java.util.Random r = new java.util.Random(6);
        for (int i = 0; i < 2000; i++) {
            byte[] a = new byte[16];
            for (int g = 0; g < 8; g++) {
                if (r.nextInt(3) == 0) { // many zero groups, so runs of every length occur
                    a[2 * g] = (byte) r.nextInt(256);
                    a[2 * g + 1] = (byte) r.nextInt(256);
                }
            }
            String t = Ip6.toString(a);
            assertArrayEquals(a, Ip6.parse(t), t);
            byte[] jdk = InetAddress.getByName(t).getAddress(); // a literal: no lookup
            if (jdk.length == 16) { // the JDK turns an IPv4-mapped literal into an IPv4 address
                assertArrayEquals(a, jdk, t);
            }
            assertFalse(t.contains(":::") || t.matches(".*\\b0[0-9a-f].*"), t);
        }
    }

    @Test
    void rejectsWhatIsNotAnAddress() {
        String[] bad = {
            "",                      // nothing
            "1:2:3:4:5:6:7",         // 7 groups, no "::"
            "1:2:3:4:5:6:7:8:9",     // 9 groups
            "1::2::3",               // "::" twice: ambiguous
            ":::",                   // "::" twice in a row
            ":1:2:3:4:5:6:7",        // a lone leading colon
            "1:2:3:4:5:6:7:",        // a lone trailing colon
            "1:2:3:4:5:6:7::8",      // "::" must stand for at least one group
            "12345::",               // five hex digits
            "g::1",                  // not hex
            "::1.2.3",               // not a dotted quad
            "::1.2.3.256",           // octet over 255
            "1.2.3.4::",             // a dotted quad only as the last 32 bits
            "::1.2.3.4:5",           // nor before a group
            "fe80::1%eth0",          // a zone index is not part of the address (RFC 4007)
            "2001:db8::/32",         // a prefix, not an address
            "[::1]",                 // URL brackets
            "+1::",                  // a sign is not a hex digit
        };
        for (String b : bad) {
            assertThrows(IllegalArgumentException.class, () -> Ip6.parse(b), b);
            assertFalse(Ip6.isAddress(b), b);
        }
    }

    @Test
    void solicitedNodeAndItsMac() {
        byte[] group = Ip6.solicitedNode(Ip6.parse("2001:db8:1::abcd:1234"));
        assertEquals("ff02::1:ffcd:1234", Ip6.toString(group)); // RFC 4291 2.7.1: the low 24 bits
        assertEquals("33:33:ff:cd:12:34", Ip6.multicastMac(group).toString()); // RFC 2464 7
        assertEquals("33:33:00:00:00:01", Ip6.multicastMac(Ip6.allNodes()).toString());
        assertThrows(IllegalArgumentException.class, () -> Ip6.multicastMac(Ip6.parse("2001:db8::1")));
    }

    @Test
    void classifiesAddresses() {
        assertTrue(Ip6.isLinkLocal(Ip6.parse("fe80::1")));
        assertTrue(Ip6.isLinkLocal(Ip6.parse("febf::1")));
        assertFalse(Ip6.isLinkLocal(Ip6.parse("fec0::1")));
        assertTrue(Ip6.isDocumentation(Ip6.parse("2001:db8:ffff::1")));
        assertFalse(Ip6.isDocumentation(Ip6.parse("2001:db9::1")));
        assertTrue(Ip6.isMulticast(Ip6.allRouters()));
        assertFalse(Ip6.isMulticast(Ip6.parse("fe80::1")));
        assertTrue(Ip6.isUnspecified(Ip6.parse("::")));
        assertTrue(Ip6.inPrefix(Ip6.parse("2001:db8:1::9"), Ip6.parse("2001:db8:1::"), 48));
        assertFalse(Ip6.inPrefix(Ip6.parse("2001:db8:2::9"), Ip6.parse("2001:db8:1::"), 48));
        assertTrue(Ip6.inPrefix(Ip6.parse("2001:db8:1::9"), Ip6.parse("2001:db8:1::"), 0));
    }

    @Test
    void inetRoundTripKeepsMappedAddressesIpv6() {
        byte[] mapped = Ip6.parse("::ffff:198.18.0.1");
        assertArrayEquals(mapped, Ip6.toInet(mapped).getAddress());
        assertArrayEquals(Ip6.parse("2001:db8::1"), Ip6.fromInet(Ip6.toInet(Ip6.parse("2001:db8::1"))));
    }
}
