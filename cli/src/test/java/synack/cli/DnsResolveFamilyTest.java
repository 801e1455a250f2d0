package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.net.ResolvConf;
import synack.wire.Ip4;
import synack.wire.IpAddress;

/**
 * dns-resolve's transport family, as dig's -4/-6 choose it: the server given or resolv.conf's
 * first of the family, a server of the other family refused in one line (exit 2), and no name
 * server of the family an environment problem (exit 3). The in-memory segment is IPv4 only:
 * the IPv6 transport itself is DnsOverIpv6Test's (packets) and the lab's.
 */
class DnsResolveFamilyTest {
    final MemoryHost host = new MemoryHost();
    final SimulatedSegment net = new SimulatedSegment();

    DnsResolveFamilyTest() {
        host.network = net;
        net.names = Map.of("www.synack.test", Ip4.parse("198.18.2.2"));
    }

    InProcess.Outcome run(String... args) {
        return InProcess.run(new RunContext(host, SessionMemory.NONE, ConnectionKeeper.NONE), args);
    }

    static ResolvConf.Nameserver ns(String text) {
        int p = text.indexOf('%');
        return p < 0 ? new ResolvConf.Nameserver(IpAddress.parse(text), null)
                : new ResolvConf.Nameserver(IpAddress.parse(text.substring(0, p)), text.substring(p + 1));
    }

    @Test
    void aServerOfTheOtherFamilyAndBothFlagsAreUsageMistakesInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        String e6 = run("dns-resolve", "-6", "@198.18.2.2", "www.synack.test").oneLine(ExitCodes.USAGE).err();
        assertTrue(e6.contains("-6 asks over IPv6 only, and @198.18.2.2 is an IPv4 address"), e6);
        String e4 = run("dns-resolve", "-4", "@[2001:db8:2::2]", "www.synack.test", "AAAA").oneLine(ExitCodes.USAGE).err();
        assertTrue(e4.contains("-4 asks over IPv4 only, and @2001:db8:2::2 is an IPv6 address"), e4);
        run("dns-resolve", "-4", "-6", "www.synack.test").oneLine(ExitCodes.USAGE);
        // --trace -6 walks the root hints' AAAA records: hints with none cannot start it
        java.nio.file.Path v4Hints = java.nio.file.Files.writeString(dir.resolve("v4.hints"), ". NS a.root.test.\na.root.test. A 198.18.3.10\n");
        String trace = run("dns-resolve", "-6", "--trace", "--root-hints", v4Hints.toString(), "www.synack.test")
                .oneLine(ExitCodes.USAGE).err();
        assertTrue(trace.contains("give no IPv6 address (AAAA) for any root server: -6 cannot start there"), trace);
        java.nio.file.Path v6Hints = java.nio.file.Files.writeString(dir.resolve("v6.hints"), ". NS a.root.test.\na.root.test. AAAA 2001:db8:3::10\n");
        String trace4 = run("dns-resolve", "-4", "--trace", "--root-hints", v6Hints.toString(), "www.synack.test")
                .oneLine(ExitCodes.USAGE).err();
        assertTrue(trace4.contains("give no IPv4 address (A) for any root server: -4 cannot start there"), trace4);
        String scoped = run("dns-resolve", "@fe80::1%c0", "www.synack.test").oneLine(ExitCodes.USAGE).err();
        assertTrue(scoped.contains("scope id"), scoped);
        run("dns-resolve", "@2001:db8::zz", "www.synack.test").oneLine(ExitCodes.USAGE);
        assertEquals(List.of(), host.filters, "nothing was captured, nothing sent");
    }

    @Test
    void traceWithoutAFamilyTakesTheOneTheHostHasARouteForAndSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // hints of both families (the IPv6 one first), on a host with an IPv4 route only
        java.nio.file.Path hints = java.nio.file.Files.writeString(dir.resolve("root.hints"),
                ". NS a.root.test.\na.root.test. AAAA 2001:db8:3::10\na.root.test. A 198.18.3.10\n");
        InProcess.Outcome o = run("dns-resolve", "--trace", "--retries", "0", "--timeout", "50ms", "--root-hints", hints.toString(),
                "www.synack.test");
        assertTrue(o.out().startsWith("dns-resolve --trace www.synack.test A over IPv4 (no IPv6 route to 2001:db8:3::10) from the root"
                + " (a.root.test. 198.18.3.10, "), o.toString());
        String six = run("dns-resolve", "--trace", "-6", "--root-hints", hints.toString(), "www.synack.test")
                .oneLine(ExitCodes.ENVIRONMENT).err();
        assertTrue(six.contains("no route to 2001:db8:3::10"), six);
    }

    @Test
    void minusSixWithNoIpv6NameServerInResolvConfIsAnEnvironmentProblem() {
        String none = run("dns-resolve", "-6", "www.synack.test").oneLine(ExitCodes.ENVIRONMENT).err();
        assertTrue(none.contains("no IPv6 nameserver in /etc/resolv.conf"), none);
        host.nameservers = List.of(ns("fe80::1%c0"), ns("198.18.2.2"));
        String scoped = run("dns-resolve", "-6", "www.synack.test").oneLine(ExitCodes.ENVIRONMENT).err();
        assertTrue(scoped.contains("fe80::1%c0") && scoped.contains("scope id"), scoped);
    }

    @Test
    void minusFourTakesTheFirstIpv4NameServerWhereAnIpv6OneComesFirst() {
        host.nameservers = List.of(ns("2001:db8:2::2"), ns("198.18.2.2"));
        InProcess.Outcome o = run("dns-resolve", "-4", "www.synack.test");
        assertEquals(ExitCodes.OK, o.code(), o.toString());
        assertTrue(o.out().startsWith("dns-resolve www.synack.test A @198.18.2.2:53 over IPv4 from 198.18.1.2:"), o.toString());
        host.nameservers = List.of(ns("fe80::1%c0"), ns("198.18.2.2"));
        InProcess.Outcome passedOver = run("dns-resolve", "-q", "www.synack.test");
        assertEquals(ExitCodes.OK, passedOver.code(), "a scoped server is passed over for the next: " + passedOver);
        assertEquals(List.of("198.18.2.2"), passedOver.outLines());
    }

    @Test
    void theJsonResultSaysTheServerAndTheFamily() {
        InProcess.Outcome o = run("dns-resolve", "--json", "-4", "www.synack.test");
        assertEquals(ExitCodes.OK, o.code(), o.toString());
        String last = o.outLines().get(o.outLines().size() - 1);
        assertTrue(last.contains("\"server\":\"198.18.2.2\"") && last.contains("\"family\":\"ipv4\""), last);
        synack.cli.render.EventSchema.assertEveryLineValid(o.out());
    }

    @Test
    void anIpv6SourceAsksOverIpv6AsMinusSixWouldWithAndWithoutTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // resolv.conf's first is IPv4: -S of IPv6 takes the IPv6 one, and the run ends where this host's IPv6 ends (no route),
        // not with a usage mistake about the IPv4 server it never chose
        host.nameservers = List.of(ns("198.18.2.2"), ns("2001:db8:2::2"));
        String stub = run("dns-resolve", "-S", "2001:db8:1::2", "www.synack.test").oneLine(ExitCodes.ENVIRONMENT).err();
        assertTrue(stub.contains("no route to 2001:db8:2::2"), stub);
        host.nameservers = List.of(ns("198.18.2.2"));
        String none = run("dns-resolve", "-S", "2001:db8:1::2", "www.synack.test").oneLine(ExitCodes.ENVIRONMENT).err();
        assertTrue(none.contains("no IPv6 nameserver in /etc/resolv.conf") && none.contains("-S 2001:db8:1::2 asks over IPv6"), none);
        java.nio.file.Path hints = java.nio.file.Files.writeString(dir.resolve("root.hints"),
                ". NS a.root.test.\na.root.test. A 198.18.3.10\na.root.test. AAAA 2001:db8:3::10\n");
        String trace = run("dns-resolve", "--trace", "-S", "2001:db8:1::2", "--root-hints", hints.toString(), "www.synack.test")
                .oneLine(ExitCodes.ENVIRONMENT).err();
        assertTrue(trace.contains("no route to 2001:db8:3::10"), trace);
        java.nio.file.Path v4Hints = java.nio.file.Files.writeString(dir.resolve("v4.hints"), ". NS a.root.test.\na.root.test. A 198.18.3.10\n");
        String noRoot = run("dns-resolve", "--trace", "-S", "2001:db8:1::2", "--root-hints", v4Hints.toString(), "www.synack.test")
                .oneLine(ExitCodes.USAGE).err();
        assertTrue(noRoot.contains("give no IPv6 address (AAAA) for any root server: -S 2001:db8:1::2 cannot start there"), noRoot);
        assertEquals(List.of(), host.filters, "nothing was captured, nothing sent");
    }

    @Test
    void anIpv4SourceWalksOverIpv4AndSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path hints = java.nio.file.Files.writeString(dir.resolve("root.hints"),
                ". NS a.root.test.\na.root.test. AAAA 2001:db8:3::10\na.root.test. A 198.18.3.10\n");
        InProcess.Outcome o = run("dns-resolve", "--trace", "-S", "198.18.1.2", "--retries", "0", "--timeout", "50ms",
                "--root-hints", hints.toString(), "www.synack.test");
        assertTrue(o.out().startsWith("dns-resolve --trace www.synack.test A over IPv4 (-S 198.18.1.2) from the root"
                + " (a.root.test. 198.18.3.10, "), o.toString());
        host.nameservers = List.of(ns("2001:db8:2::2"), ns("198.18.2.2"));
        InProcess.Outcome stub = run("dns-resolve", "-S", "198.18.1.2", "www.synack.test");
        assertEquals(ExitCodes.OK, stub.code(), stub.toString());
        assertTrue(stub.out().startsWith("dns-resolve www.synack.test A @198.18.2.2:53 over IPv4 from 198.18.1.2:"), stub.toString());
    }

    @Test
    void aSourceAndTheOtherFamilysFlagOrServerAreOneLineMistakes() {
        String e4 = run("dns-resolve", "-S", "2001:db8:1::2", "-4", "www.synack.test").oneLine(ExitCodes.USAGE).err();
        assertTrue(e4.contains("-S 2001:db8:1::2 is an IPv6 address and -4 asks for the other family: leave out one of them"), e4);
        String e6 = run("dns-resolve", "-S", "198.18.1.2", "-6", "--trace", "www.synack.test").oneLine(ExitCodes.USAGE).err();
        assertTrue(e6.contains("-S 198.18.1.2 is an IPv4 address and -6"), e6);
        String at = run("dns-resolve", "-S", "2001:db8:1::2", "@198.18.2.2", "www.synack.test").oneLine(ExitCodes.USAGE).err();
        assertTrue(at.contains("-S 2001:db8:1::2 is an IPv6 address and 198.18.2.2 an IPv4 one"), at);
        assertEquals(List.of(), host.filters, "nothing was captured, nothing sent");
    }
}
