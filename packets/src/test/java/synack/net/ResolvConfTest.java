package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/** resolv.conf(5)'s name servers of both families, as glibc and dig read them. */
class ResolvConfTest {
    static final String DUAL = "# the lab's\nsearch synack.test\nnameserver fe80::1%c0\nnameserver 2001:db8:2::2\n"
            + "nameserver  198.18.2.2 \nnameserver 198.18.3.3\n";

    @Test
    void nameServersOfBothFamiliesInTheFilesOrderAtMostThree() {
        List<ResolvConf.Nameserver> ns = ResolvConf.parse(DUAL);
        assertEquals(List.of("fe80::1%c0", "2001:db8:2::2", "198.18.2.2"), ns.stream().map(ResolvConf.Nameserver::toString).toList(),
                "glibc reads three (MAXNS): the fourth is not asked");
        assertEquals(new ResolvConf.Nameserver(IpAddress.parse("fe80::1"), "c0"), ns.get(0));
        assertTrue(ns.get(0).scoped());
        assertFalse(ns.get(1).scoped());
        assertEquals(AddressFamily.IPV6, ns.get(1).family());
    }

    @Test
    void theFirstOfAFamilyPassesOverAScopedOne() {
        List<ResolvConf.Nameserver> ns = ResolvConf.parse(DUAL);
        assertEquals(IpAddress.parse("2001:db8:2::2"), ResolvConf.first(ns, null).orElseThrow().address(), "either family: the file's order");
        assertEquals(IpAddress.parse("2001:db8:2::2"), ResolvConf.first(ns, AddressFamily.IPV6).orElseThrow().address());
        assertEquals(IpAddress.parse("198.18.2.2"), ResolvConf.first(ns, AddressFamily.IPV4).orElseThrow().address());
        List<ResolvConf.Nameserver> onlyScoped = ResolvConf.parse("nameserver fe80::1%c0\nnameserver 198.18.2.2\n");
        assertEquals(Optional.empty(), ResolvConf.first(onlyScoped, AddressFamily.IPV6));
        assertEquals("c0", ResolvConf.firstScoped(onlyScoped, AddressFamily.IPV6).orElseThrow().zone());
    }

    @Test
    void linesNamingNoAddressAreSkipped() {
        List<ResolvConf.Nameserver> ns = ResolvConf.parse("nameserver\nnameserver dns.example\nnameserver 2001:db8::zz\n"
                + "nameservers 198.18.9.9\nnameserver 198.18.2.2\n");
        assertEquals(List.of(IpAddress.parse("198.18.2.2")), ns.stream().map(ResolvConf.Nameserver::address).toList());
    }

    @Test
    void theIpv4CallersFirstNameServerSkipsTheIpv6Ones(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("resolv.conf"), DUAL);
        assertEquals(Optional.of(Ip4.parse("198.18.2.2")), ResolvConf.firstNameserver(f));
        assertEquals(List.of(), ResolvConf.nameservers(dir.resolve("missing")));
        assertEquals(Optional.empty(), ResolvConf.firstNameserver(Files.writeString(dir.resolve("v6"), "nameserver 2001:db8:2::2\n")));
    }
}
