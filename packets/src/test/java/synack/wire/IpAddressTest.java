package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An address of either family as a value: text both ways, equality however it was made, prefixes, ordering. */
class IpAddressTest {
    static IpAddress a(String text) {
        return IpAddress.parse(text);
    }

    @Test
    void textOfBothFamiliesIsTheCanonicalForm() {
        assertEquals("198.18.1.2", a("198.18.1.2").toString());
        assertFalse(a("198.18.1.2").ipv6());
        assertTrue(a("2001:db8::2").ipv6());
        // RFC 5952: lowercase, no leading zeros, the longest zero run as "::" (leftmost on a tie), one zero group kept
        assertEquals("2001:db8::2", a("2001:0DB8:0000:0000:0000:0000:0000:0002").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", a("2001:db8:0:1:1:1:1:1").toString());
        assertEquals("2001:0:0:1::1", a("2001:0:0:1:0:0:0:1").toString());
        assertEquals("2001:db8::1:0:0:1", a("2001:db8:0:0:1:0:0:1").toString());
        assertEquals("::", a("::").toString());
        assertEquals("::1", a("0:0:0:0:0:0:0:1").toString());
        assertEquals("fe80::1", a("FE80::0001").toString());
        assertEquals("::ffff:198.18.1.2", a("::ffff:c612:102").toString(), "IPv4-mapped keeps its dotted quad");
    }

    @Test
    void textMatchesWhatTheJdkPrintsForTheSameBytes() throws Exception {
        for (String s : List.of("2001:db8:9::1", "fe80::a8c1:abff:fe01:2", "ff02::1:ff00:2", "2001:db8:1:2:3:4:5:6")) {
            InetAddress jdk = InetAddress.getByName(s);
            assertArrayEquals(jdk.getAddress(), a(s).bytes(), s);
        }
    }

    @Test
    void equalAddressesMadeDifferentWaysAreEqualAndHashAlike() {
        IpAddress parsed = a("2001:db8::2");
        IpAddress ofBytes = IpAddress.of(Ip6.parse("2001:0db8:0:0::0002"));
        byte[] packet = new byte[40];
        Ip6.write(Ip6.parse("2001:db8::2"), packet, 24);
        IpAddress read = IpAddress.read(true, packet, 24);
        assertEquals(parsed, ofBytes);
        assertEquals(parsed, read);
        assertEquals(parsed.hashCode(), ofBytes.hashCode());
        assertEquals(parsed.hashCode(), read.hashCode());

        IpAddress v4 = a("198.18.1.2");
        assertEquals(v4, IpAddress.of(Ip4.parse("198.18.1.2")));
        assertEquals(v4.hashCode(), IpAddress.of(Ip4.parse("198.18.1.2")).hashCode());
        byte[] header = new byte[20];
        Ip4.write(Ip4.parse("198.18.1.2"), header, 12);
        assertEquals(v4, IpAddress.read(false, header, 12));
        // a high address (sign bit set in the int) is the same value too
        assertEquals(a("255.255.255.254"), IpAddress.of(Ip4.parse("255.255.255.254")));
        assertEquals(Ip4.parse("255.255.255.254"), a("255.255.255.254").v4());

        assertNotEquals(a("2001:db8::2"), a("2001:db8::3"));
        assertNotEquals(a("::c612:102"), a("198.18.1.2"), "an IPv6 address with the same low bits is another address");
        assertNotEquals(a("::ffff:198.18.1.2"), a("198.18.1.2"), "IPv4-mapped is an IPv6 address, not the IPv4 one");
        assertNotEquals(a("2001:db8::2"), a("2001:db9::2"), "the high 64 bits count too");
        assertNotEquals(a("198.18.1.2"), null);
        assertNotEquals(a("198.18.1.2"), "198.18.1.2");
    }

    /** The record IpAddress would be without its written-out equals and hashCode. */
    private record Generated(boolean ipv6, long high, long low) {}

    @Test
    void hashCodeIsTheRecordsOwnSoHashedCollectionsKeepTheirOrder() {
        for (String t : List.of("198.18.1.2", "255.255.255.254", "0.0.0.0", "2001:db8::2", "fe80::10b8:4bff:fed8:5abb", "::", "::1",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) {
            IpAddress ip = a(t);
            assertEquals(new Generated(ip.ipv6(), ip.high(), ip.low()).hashCode(), ip.hashCode(), t);
        }
    }

    @Test
    void theBytesAreFreshCopies() {
        byte[] b = Ip6.parse("2001:db8::2");
        IpAddress x = IpAddress.of(b);
        b[15] = 9;
        assertEquals("2001:db8::2", x.toString(), "changing the caller's array changes nothing");
        x.bytes()[15] = 7;
        assertEquals("2001:db8::2", x.toString());
    }

    @Test
    void v4IsForIpv4Only() {
        assertEquals(Ip4.parse("198.18.1.2"), a("198.18.1.2").v4());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a("2001:db8::2").v4());
        assertTrue(e.getMessage().contains("2001:db8::2"), e.getMessage());
    }

    @Test
    void bytesWriteAndReadRoundTrip() {
        for (String s : List.of("2001:db8::2", "fe80::1", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::1")) {
            IpAddress x = a(s);
            assertArrayEquals(Ip6.parse(s), x.bytes(), s);
            byte[] buf = new byte[3 + 16 + 3];
            x.write(buf, 3);
            assertEquals(0, buf[0] | buf[1] | buf[2] | buf[19] | buf[20] | buf[21], "nothing outside its 16 bytes: " + s);
            assertEquals(x, IpAddress.read(true, buf, 3), s);
            assertEquals(x, IpAddress.of(x.bytes()), s);
        }
        for (String s : List.of("198.18.1.2", "0.0.0.0", "255.255.255.255", "128.0.0.1")) {
            IpAddress x = a(s);
            assertEquals(4, x.bytes().length);
            byte[] buf = new byte[6];
            x.write(buf, 1);
            assertEquals(0, buf[0] | buf[5]);
            assertEquals(x, IpAddress.read(false, buf, 1), s);
            assertEquals(s, Ip4.toString(Ip4.read(x.bytes(), 0)));
        }
        assertThrows(IllegalArgumentException.class, () -> IpAddress.of(new byte[4]), "of(byte[]) is IPv6's 16 bytes");
    }

    @Test
    void linkLocalIsFe80Slash10And169Dot254() {
        assertTrue(a("fe80::1").isLinkLocal());
        assertTrue(a("fe80::a8c1:abff:fe01:2").isLinkLocal());
        assertTrue(a("febf::1").isLinkLocal(), "the top of fe80::/10");
        assertFalse(a("fec0::1").isLinkLocal(), "site-local (deprecated), just past fe80::/10");
        assertFalse(a("fe7f::1").isLinkLocal());
        assertFalse(a("2001:db8::1").isLinkLocal());
        assertFalse(a("ff02::1").isLinkLocal());
        assertTrue(a("169.254.0.1").isLinkLocal());
        assertTrue(a("169.254.255.254").isLinkLocal());
        assertFalse(a("169.253.255.255").isLinkLocal());
        assertFalse(a("169.255.0.1").isLinkLocal());
        assertFalse(a("198.18.1.2").isLinkLocal());
        for (String s : List.of("fe80::1", "febf::1", "fec0::1", "2001:db8::1")) {
            assertEquals(Ip6.isLinkLocal(Ip6.parse(s)), a(s).isLinkLocal(), "agrees with Ip6: " + s);
        }
    }

    @Test
    void multicastIsFf00Slash8And224Slash4() {
        assertTrue(a("ff02::1").isMulticast());
        assertTrue(a("ff02::1:ff00:2").isMulticast());
        assertTrue(a("ff0e::101").isMulticast());
        assertFalse(a("fe80::1").isMulticast());
        assertFalse(a("2001:db8::ff").isMulticast());
        assertTrue(a("224.0.0.1").isMulticast());
        assertTrue(a("239.255.255.250").isMulticast());
        assertFalse(a("223.255.255.255").isMulticast());
        assertFalse(a("240.0.0.1").isMulticast());
        assertFalse(a("198.18.1.2").isMulticast());
    }

    @Test
    void samePrefixAtEveryInterestingLength() {
        IpAddress x = a("2001:db8:1:2:8000::1");
        // the first bit differs: only /0 is shared
        IpAddress firstBit = a("a001:db8:1:2:8000::1");
        assertTrue(x.samePrefix(firstBit, 0));
        assertFalse(x.samePrefix(firstBit, 1));
        // bit 64 (the first of the low half) differs
        IpAddress bit64 = a("2001:db8:1:2::1");
        assertTrue(x.samePrefix(bit64, 63));
        assertTrue(x.samePrefix(bit64, 64));
        assertFalse(x.samePrefix(bit64, 65));
        // bit 63 (the last of the high half) differs
        IpAddress bit63 = a("2001:db8:1:3:8000::1");
        assertTrue(x.samePrefix(bit63, 62));
        assertTrue(x.samePrefix(bit63, 63));
        assertFalse(x.samePrefix(bit63, 64));
        assertFalse(x.samePrefix(bit63, 65));
        // only the last bit differs
        IpAddress last = a("2001:db8:1:2:8000::");
        assertTrue(x.samePrefix(last, 127));
        assertFalse(x.samePrefix(last, 128));
        assertTrue(x.samePrefix(x, 128));
        assertTrue(x.samePrefix(a("2001:db8:1:2:8000:0:0:1"), 128));
        // bit 65 differs
        IpAddress bit65 = a("2001:db8:1:2:c000::1");
        assertTrue(x.samePrefix(bit65, 65));
        assertFalse(x.samePrefix(bit65, 66));
        // agrees with the bit-by-bit Ip6.inPrefix at every length
        for (IpAddress other : List.of(firstBit, bit63, bit64, bit65, last, a("::"), a("ffff::"))) {
            for (int len = 0; len <= 128; len++) {
                assertEquals(Ip6.inPrefix(other.bytes(), x.bytes(), len), x.samePrefix(other, len), other + "/" + len);
            }
        }
    }

    @Test
    void samePrefixOverIpv4AndAcrossFamilies() {
        assertTrue(a("198.18.1.2").samePrefix(a("198.18.1.254"), 24));
        assertFalse(a("198.18.1.2").samePrefix(a("198.18.2.2"), 24));
        assertFalse(a("198.18.1.2").samePrefix(a("198.18.1.3"), 32));
        assertTrue(a("198.18.1.2").samePrefix(a("198.18.1.2"), 32));
        assertTrue(a("198.18.1.2").samePrefix(a("10.0.0.1"), 0));
        assertTrue(a("198.18.1.2").samePrefix(a("198.19.255.255"), 15));
        assertFalse(a("198.18.1.2").samePrefix(a("::c612:102"), 0), "never of another family, even at /0");
        assertFalse(a("::").samePrefix(a("0.0.0.0"), 0));
    }

    @Test
    void withPortBracketsIpv6() {
        assertEquals("[2001:db8::2]:80", a("2001:db8::2").withPort(80));
        assertEquals("[fe80::1]:65535", a("fe80::1").withPort(65535));
        assertEquals("198.18.1.2:80", a("198.18.1.2").withPort(80));
    }

    @Test
    void orderIsIpv4FirstThenByValueUnsigned() {
        List<IpAddress> sorted = List.of(a("0.0.0.1"), a("127.0.0.1"), a("198.18.1.2"), a("255.255.255.255"), a("::"), a("::1"),
                a("2001:db8::2"), a("2001:db8::10"), a("2001:db8:0:1::"), a("fe80::1"), a("ff02::1"));
        List<IpAddress> shuffled = new ArrayList<>(sorted);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertEquals(sorted, shuffled);
        assertTrue(a("128.0.0.0").compareTo(a("127.255.255.255")) > 0, "no sign trouble at the top bit");
        assertTrue(a("8000::").compareTo(a("7fff::")) > 0);
        assertTrue(a("::8000:0:0:0").compareTo(a("::7fff:0:0:0")) > 0, "the low half compared unsigned too");
        assertEquals(0, a("2001:db8::2").compareTo(IpAddress.of(Ip6.parse("2001:db8:0::2"))));
    }

    @Test
    void notAnAddressIsRefused() {
        for (String bad : List.of("", "198.18.1", "198.18.1.256", "2001:db8::zz", "2001:db8:::1", "1::2::3", "[2001:db8::2]",
                "2001:db8::2/64", "fe80::1%eth0", "12345::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "www.synack.test", ":1", "1:")) {
            assertFalse(IpAddress.isAddress(bad), bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains("not an I"), e.getMessage());
        }
        assertTrue(IpAddress.isAddress("2001:db8::2"));
        assertTrue(IpAddress.isAddress("198.18.1.2"));
        assertTrue(IpAddress.isAddress("::ffff:198.18.1.2"));
    }

    @Test
    void anIpv4ValueBeyond32BitsCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(false, 0, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(false, 1, 0));
    }
}
