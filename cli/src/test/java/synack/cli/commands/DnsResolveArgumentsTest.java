package synack.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import synack.cli.UsageProblem;
import synack.net.AddressFamily;
import synack.net.EnvironmentException;
import synack.net.ResolvConf;
import synack.wire.IpAddress;

/** dns-resolve's @SERVER, -x and the name server it asks without one, as dig reads them. */
class DnsResolveArgumentsTest {
    static final List<ResolvConf.Nameserver> DUAL = ResolvConf.parse("nameserver fe80::1%c0\nnameserver 2001:db8:2::2\n"
            + "nameserver 198.18.2.2\n");

    @Test
    void atServerIsAnAddressOfEitherFamilyAlsoInBrackets() {
        assertEquals(IpAddress.parse("2001:db8:2::2"), DnsResolveCommand.serverArgument("2001:db8:2::2"));
        assertEquals(IpAddress.parse("2001:db8:2::2"), DnsResolveCommand.serverArgument("[2001:db8:2::2]"));
        assertEquals(IpAddress.parse("198.18.2.2"), DnsResolveCommand.serverArgument("198.18.2.2"));
        assertThrows(UsageProblem.class, () -> DnsResolveCommand.serverArgument("ns.synack.test"));
        assertThrows(UsageProblem.class, () -> DnsResolveCommand.serverArgument("fe80::1%c0"));
        assertThrows(UsageProblem.class, () -> DnsResolveCommand.serverArgument("[2001:db8:2::2"));
    }

    @Test
    void theNameServerAskedIsResolvConfsFirstOfTheFamily() {
        assertEquals(IpAddress.parse("2001:db8:2::2"), DnsResolveCommand.nameserver(DUAL, null), "either: the file's first, scoped passed over");
        assertEquals(IpAddress.parse("2001:db8:2::2"), DnsResolveCommand.nameserver(DUAL, AddressFamily.IPV6));
        assertEquals(IpAddress.parse("198.18.2.2"), DnsResolveCommand.nameserver(DUAL, AddressFamily.IPV4));
        assertThrows(EnvironmentException.class, () -> DnsResolveCommand.nameserver(List.of(), null));
        assertThrows(EnvironmentException.class, () -> DnsResolveCommand.nameserver(DUAL.subList(0, 1), AddressFamily.IPV6));
    }

    @Test
    void minusXOfAnIpv6AddressAsksItsIp6ArpaName() {
        assertEquals("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
                DnsResolveCommand.reverseName(IpAddress.parse("4321:0:1:2:3:4:567:89ab")), "RFC 3596 2.5's example");
        assertEquals("2.2.18.198.in-addr.arpa", DnsResolveCommand.reverseName(IpAddress.parse("198.18.2.2")));
    }
}
