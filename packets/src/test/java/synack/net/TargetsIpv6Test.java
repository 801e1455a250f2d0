package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.wire.IpAddress;

class TargetsIpv6Test {
    static String refused(List<String> specs) {
        return assertThrows(IllegalArgumentException.class, () -> Targets.parseAddresses(specs), specs.toString()).getMessage();
    }

    @Test
    void aSlash120IsEveryOneOfIts256Addresses() {
        List<IpAddress> all = Targets.parseAddresses(List.of("2001:db8:1::/120"));
        assertEquals(256, all.size());
        assertEquals(IpAddress.parse("2001:db8:1::"), all.get(0));
        assertEquals(IpAddress.parse("2001:db8:1::ff"), all.get(255));
        assertEquals(all, Targets.parse6("2001:db8:1::77/120"), "the host bits of the base are ignored");
        assertEquals(65_536, Targets.parse6("2001:db8::/112").size());
        assertEquals(List.of(IpAddress.parse("2001:db8::5")), Targets.parse6("2001:db8::5/128"));
    }

    @Test
    void aSlash64IsRefusedInOneLineThatSaysWhy() {
        String why = refused(List.of("2001:db8::/64"));
        assertTrue(why.contains("2001:db8::/64 holds 2^64 addresses") && why.contains("/112"), why);
        assertTrue(!why.contains("\n"), why);
        assertTrue(refused(List.of("2001:db8::/111")).contains("2^17"));
        assertTrue(refused(List.of("2001:db8::/129")).contains("bad prefix length"));
    }

    @Test
    void rangesAndBrackets() {
        List<IpAddress> r = Targets.parse6("2001:db8::1-ff");
        assertEquals(255, r.size());
        assertEquals(IpAddress.parse("2001:db8::ff"), r.get(254));
        assertEquals(r, Targets.parse6("2001:db8::1-2001:db8::ff"));
        assertEquals(List.of(IpAddress.parse("2001:db8::2")), Targets.parse6("[2001:db8::2]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Targets.parse6("2001:db8::ff-1")).getMessage()
                .contains("ends before it starts"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Targets.parse6("2001:db8::1-2001:db9::1")).getMessage()
                .contains("more than 65536"));
    }

    @Test
    void aListKeepsItsOrderWithoutRepeatsAndOneFamily() {
        assertEquals(List.of(IpAddress.parse("2001:db8::2"), IpAddress.parse("2001:db8::1")),
                Targets.parseAddresses(List.of("2001:db8::2", "2001:db8::1", "2001:db8::2")));
        String mixed = refused(List.of("198.18.2.2", "2001:db8::2"));
        assertTrue(mixed.contains("one family per sweep") && mixed.contains("198.18.2.2 is IPv4") && mixed.contains("2001:db8::2 is IPv6"),
                mixed);
        assertEquals(254, Targets.parseAddresses(List.of("198.18.1.0/24")).size(), "IPv4 blocks as before");
    }
}
