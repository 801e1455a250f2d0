package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 mistakes of the live commands, in-process on the in-memory host: exit 2, one line on
 * stderr that says what is wrong and what to do instead, nothing on stdout, no stack trace, and
 * nothing sent (every one is refused before a capture opens).
 */
class Ipv6UsageTest {
    final MemoryHost host = new MemoryHost();

    InProcess.Outcome run(String... args) {
        return InProcess.run(new RunContext(host, SessionMemory.NONE, ConnectionKeeper.NONE), args);
    }

    /** The one line of a usage mistake, with its "synack COMMAND: " prefix. */
    String mistake(String... args) {
        InProcess.Outcome o = run(args).oneLine(ExitCodes.USAGE);
        assertTrue(host.filters.isEmpty(), "no capture opened: " + host.filters);
        String line = o.errLines().get(0);
        assertTrue(line.startsWith("synack " + args[0] + ": "), "named as typed (an alias too): " + line);
        return line;
    }

    static void says(String line, String... parts) {
        for (String p : parts) {
            assertTrue(line.contains(p), "'" + p + "' in: " + line);
        }
    }

    @Test
    void aHostThatIsNoIpv6AddressSaysWhy() {
        says(mistake("handshake", "2001:db8::zz", "80"), "not an IPv6 address: 2001:db8::zz", "'z' is not a hex digit");
        says(mistake("fin-teardown", "2001:db8::zz", "80"), "not an IPv6 address: 2001:db8::zz");
        says(mistake("syn-probe", "-p", "80", "2001:db8:::2"), "2001:db8:::2");
    }

    @Test
    void anUnclosedBracketIsToldAsOne() {
        // today: 'not an IPv6 address: [2001:db8::2 (group "[2001" has more than 4 hex digits)' — true, but it
        // blames a group, not the bracket the user left open
        says(mistake("handshake", "[2001:db8::2", "80"), "[2001:db8::2", "bracket");
    }

    @Test
    void aSweepOverIpv6TakesAtMostASlash112AndOneFamily() {
        says(mistake("syn-probe", "-p", "80", "2001:db8::/64"), "2001:db8::/64 holds 2^64 addresses", "/112");
        says(mistake("syn-probe", "--json", "-p", "80", "2001:db8::/64"), "2^64");
        says(mistake("syn-probe", "-p", "80", "198.18.2.2", "2001:db8::2"), "one family per sweep", "198.18.2.2 is IPv4",
                "2001:db8::2 is IPv6", "two runs");
        says(mistake("syn-probe", "-p", "80", "2001:db8::1-2001:db8::ff:0"), "more than 65536");
    }

    @Test
    void anIpv4SourceForAnIpv6PeerIsRefused() {
        says(mistake("handshake", "-S", "198.18.1.2", "2001:db8::2", "80"), "-S 198.18.1.2", "2001:db8::2", "leave out -S");
        says(mistake("arp-resolve", "-S", "198.18.1.2", "2001:db8::1"), "-S 198.18.1.2 is an IPv4 address", "leave out -S");
        says(mistake("syn-probe", "-p", "80", "-S", "198.18.0.9", "2001:db8:2::/120"), "-S 198.18.0.9", "leave out -S");
        // a port after the brackets is not the host it would glue into (2001:db8::1:80): ports go in -p
        says(mistake("syn-probe", "-p", "80", "[2001:db8::1]:80"), "[2001:db8::1]:80", "ports go in -p");
    }

    @Test
    void anIpv6SourceForAnIpv4PeerIsRefusedAsTheReverseIs() {
        says(mistake("handshake", "-S", "2001:db8:1::2", "198.18.2.2", "80"), "-S 2001:db8:1::2 is an IPv6 address",
                "198.18.2.2 an IPv4 one", "of the target's family", "leave out -S");
        says(mistake("fin-teardown", "-S", "2001:db8:1::2", "198.18.2.2", "80"), "-S 2001:db8:1::2 is an IPv6 address");
        says(mistake("syn-probe", "-p", "80", "-S", "2001:db8:1::2", "198.18.2.2"), "-S 2001:db8:1::2 is an IPv6 address");
        says(mistake("syn-probe", "-p", "80", "-S", "2001:db8:1::2", "198.18.2.0/28"), "-S 2001:db8:1::2", "an IPv4 one");
        says(mistake("arp-resolve", "-S", "2001:db8:1::2", "198.18.1.1"), "-S 2001:db8:1::2 is an IPv6 address", "leave out -S");
        says(mistake("arp-resolve", "--announce", "-i", "c0", "-S", "2001:db8:1::2"), "--announce is gratuitous ARP");
        says(mistake("ndp-resolve", "-S", "2001:db8:1::2", "2001:db8:1::1"), "-S 2001:db8:1::2:", "leave out -S");
    }

    @Test
    void httpGetKeepsToTheFamilyOfItsSource() {
        says(mistake("http-get", "-S", "2001:db8:1::2", "http://198.18.2.2/"), "-S 2001:db8:1::2 is an IPv6 address",
                "198.18.2.2 an IPv4 one");
        says(mistake("http-get", "-S", "198.18.1.2", "http://[2001:db8:2::2]/"), "-S 198.18.1.2 is an IPv4 address",
                "2001:db8:2::2 an IPv6 one");
        says(mistake("http-get", "-S", "2001:db8:1::2", "-4", "http://www.synack.test/"), "-S 2001:db8:1::2", "-4",
                "leave out one of them");
        says(mistake("http-get", "-S", "198.18.1.2", "-6", "http://www.synack.test/"), "-S 198.18.1.2", "-6");
    }

    @Test
    void aSourceIsOneAddressOfEitherFamilyWithoutAZone() {
        says(mistake("handshake", "-S", "fe80::1%c0", "2001:db8::2", "80"), "fe80::1%c0", "without its %zone", "-i IFACE");
        says(mistake("handshake", "-S", "2001:db8::zz", "2001:db8::2", "80"), "2001:db8::zz", "not a hex digit");
        says(mistake("handshake", "-S", "198.18.1.300", "198.18.2.2", "80"), "198.18.1.300");
        says(mistake("handshake", "-S", "www.synack.test", "198.18.2.2", "80"), "www.synack.test");
    }

    @Test
    void neighbourDiscoveryTargetsAreIpv6AddressesOfOneLink() {
        says(mistake("arp-resolve", "2001:db8::/64"), "'2001:db8::/64'", "not swept", "give the addresses");
        says(mistake("arp-resolve", "198.18.1.1", "2001:db8::1"), "'198.18.1.1'", "one family per run");
        says(mistake("arp-resolve", "2001:db8::1", "198.18.1.1"), "'198.18.1.1'", "one family per run");
        says(mistake("arp-resolve", "fe80::1"), "fe80::1 is link-local", "-i IFACE");
        says(mistake("ndp-resolve", "fe80::1"), "fe80::1 is link-local", "-i IFACE");
        says(mistake("arp-resolve", "ff02::1"), "ff02::1 is multicast");
        says(mistake("arp-resolve", "2001:db8::zz"), "2001:db8::zz", "not a hex digit");
    }

    @Test
    void anIpv4BlockBesideAnIpv6AddressIsAMixOfFamiliesNotAnIpv6Prefix() {
        // today: "'198.18.1.0/24': an IPv6 prefix is not swept" — the block is IPv4's
        says(mistake("arp-resolve", "198.18.1.0/24", "2001:db8::1"), "'198.18.1.0/24'", "one family per run");
    }

    @Test
    void routersNeedTheLinkNamed() {
        says(mistake("ndp-resolve", "--routers"), "--routers", "-i IFACE");
        says(mistake("arp-resolve", "--routers"), "-i IFACE");
        says(mistake("arp-resolve", "--routers", "-i", "c0", "2001:db8::1"), "--routers takes no TARGET");
    }

    @Test
    void everyMistakeIsOneLineWithJsonToo() {
        List<String[]> cases = new ArrayList<>(List.of(
                new String[] {"handshake", "--json", "2001:db8::zz", "80"},
                new String[] {"arp-resolve", "--json", "ff02::1"},
                new String[] {"ndp-resolve", "--json", "--routers"},
                new String[] {"arp-resolve", "--json", "2001:db8::/64"}));
        for (String[] c : cases) {
            InProcess.Outcome o = run(c).oneLine(ExitCodes.USAGE);
            assertEquals("", o.out(), String.join(" ", c));
        }
    }
}
