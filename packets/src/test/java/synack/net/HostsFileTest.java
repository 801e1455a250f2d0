package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/** hosts(5) and nsswitch.conf(5)'s hosts line, as glibc reads them. */
class HostsFileTest {
    static final String LAB = "127.0.0.1 localhost\n198.18.2.2 hosts.synack.test\n198.18.4.2\toverride.synack.test  alias # the edge\n"
            + "# 198.18.9.9 commented.synack.test\n::1 localhost ip6-localhost\n198.18.7.7 override.synack.test\nbogus line\n";

    @Test
    void theFirstLineNamingAHostAnswersWithItsLineNumber() {
        HostsFile h = HostsFile.parse("/etc/hosts", LAB);
        assertEquals(new HostsFile.Entry(Ip4.parse("198.18.2.2"), 2), h.lookup("hosts.synack.test"));
        assertEquals(new HostsFile.Entry(Ip4.parse("198.18.4.2"), 3), h.lookup("OVERRIDE.synack.test."), "case and a final dot do not matter");
        assertEquals(Ip4.parse("198.18.4.2"), h.lookup("alias").address());
        assertNull(h.lookup("commented.synack.test"));
        assertNull(h.lookup("www.synack.test"));
        assertEquals(Ip4.parse("127.0.0.1"), h.lookup("localhost").address(), "the IPv6 line does not take it");
        assertNull(h.lookup("ip6-localhost"), "A records only");
    }

    @Test
    void ipv6LinesAnswerWhereAnIpv6AddressIsWanted() {
        HostsFile h = HostsFile.parse("/etc/hosts", LAB + "2001:db8:2::2 www6.synack.test override.synack.test\n"
                + "fe80::1%c0 scoped.synack.test\n2001:db8::9 www6.synack.test\n");
        assertEquals(new HostsFile.Entry(IpAddress.parse("::1"), 5), h.lookup("ip6-localhost", AddressFamily.IPV6));
        assertEquals(IpAddress.parse("::1"), h.lookup("localhost", AddressFamily.IPV6).ip(), "each family its own first line");
        assertEquals(IpAddress.parse("127.0.0.1"), h.lookup("localhost", AddressFamily.IPV4).ip());
        assertEquals(new HostsFile.Entry(IpAddress.parse("2001:db8:2::2"), 8), h.lookup("WWW6.synack.test.", AddressFamily.IPV6));
        assertEquals(IpAddress.parse("2001:db8:2::2"), h.lookup("override.synack.test", AddressFamily.IPV6).ip());
        assertEquals(Ip4.parse("198.18.4.2"), h.lookup("override.synack.test").address(), "the IPv4 answer is unchanged");
        assertNull(h.lookup("www6.synack.test"), "no IPv4 line names it");
        assertNull(h.lookup("scoped.synack.test", AddressFamily.IPV6), "a scope id is not followed");
        assertEquals("/etc/hosts: www6.synack.test is 2001:db8:2::2 (line 8) — no DNS query",
                h.answerText("www6.synack.test", h.lookup("www6.synack.test", AddressFamily.IPV6)));
    }

    @Test
    void aMissingFileIsNoEntriesAndSaysSo(@TempDir Path dir) throws Exception {
        HostsFile none = HostsFile.read(dir.resolve("hosts"));
        assertFalse(none.present());
        assertNull(none.lookup("localhost"));
        HostsFile some = HostsFile.read(Files.writeString(dir.resolve("hosts2"), LAB));
        assertTrue(some.present());
        assertEquals(dir.resolve("hosts2").toString(), some.path());
    }

    @Test
    void theHostsLineGivesTheOrderAndItsCriteria() {
        NsSwitch ns = NsSwitch.parse("/etc/nsswitch.conf", "passwd: files\n# hosts: dns\nhosts:          files mdns4_minimal [NOTFOUND=return] dns\n");
        assertEquals(List.of("files", "mdns4_minimal", "dns"), ns.sources().stream().map(NsSwitch.Source::name).toList());
        assertEquals("/etc/nsswitch.conf: hosts: files mdns4_minimal [NOTFOUND=return] dns", ns.origin());
        assertTrue(ns.continuesAfter(0, NsSwitch.Status.NOTFOUND));
        assertFalse(ns.continuesAfter(0, NsSwitch.Status.SUCCESS));
        assertFalse(ns.continuesAfter(1, NsSwitch.Status.NOTFOUND), "[NOTFOUND=return] stops there");
        assertTrue(ns.continuesAfter(1, NsSwitch.Status.UNAVAIL));
        assertFalse(ns.continuesAfter(2, NsSwitch.Status.NOTFOUND), "nothing after the last");
        assertTrue(ns.sources().get(0).files());
        assertTrue(ns.sources().get(2).dns());
        assertTrue(NsSwitch.parse("x", "hosts: resolve [!UNAVAIL=return] files").sources().get(0).dns());
    }

    @Test
    void withoutAFileOrAHostsLineGlibcsDefaultIsDnsThenFilesOnlyWhenDnsIsUnavailable(@TempDir Path dir) {
        for (NsSwitch ns : List.of(NsSwitch.read(dir.resolve("absent")), NsSwitch.parse("n", "passwd: files\n"))) {
            assertEquals(List.of("dns", "files"), ns.sources().stream().map(NsSwitch.Source::name).toList());
            assertTrue(ns.continuesAfter(0, NsSwitch.Status.UNAVAIL));
            assertFalse(ns.continuesAfter(0, NsSwitch.Status.NOTFOUND));
            assertFalse(ns.continuesAfter(0, NsSwitch.Status.TRYAGAIN));
            assertTrue(ns.origin().endsWith("glibc's default, dns [!UNAVAIL=return] files"), ns.origin());
        }
    }
}
