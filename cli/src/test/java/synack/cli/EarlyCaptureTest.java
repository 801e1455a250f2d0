package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The target whose route a one-liner's early capture is activated on: only a guess, so none where unsure. */
class EarlyCaptureTest {
    private static String target(String... args) {
        synack.wire.IpAddress a = EarlyCapture.target(args);
        return a == null ? null : a.toString();
    }

    @Test
    void theFirstAddressNamedIsTheTarget() {
        assertEquals("198.18.2.2", target("handshake", "-q", "--rst", "198.18.2.2", "80"));
        assertEquals("198.18.2.2", target("syn-probe", "-q", "-p", "80", "198.18.2.2"));
        assertEquals("198.18.1.1", target("arp-resolve", "-q", "-c", "1", "198.18.1.1"));
        assertEquals("2001:db8:2::2", target("handshake", "[2001:db8:2::2]", "80"));
    }

    @Test
    void dnsResolveRoutesToItsServerNotToTheNameOrAReverseLookup() {
        assertEquals("198.18.2.2", target("dns-resolve", "-q", "@198.18.2.2", "www.synack.test"));
        assertEquals("198.18.2.2", target("dns-resolve", "-x", "198.18.1.1", "@198.18.2.2"));
        assertNull(target("dns-resolve", "-q", "www.synack.test"), "resolv.conf's server: not guessed");
        assertEquals("198.18.2.2", target("dns-resolve", "-f", "names.txt", "@198.18.2.2"), "a bulk run asks its server too");
        assertEquals("198.18.2.2", target("dns-resolve", "--file=names.txt", "@198.18.2.2"));
    }

    @Test
    void noGuessWhereTheCommandLineChoosesTheRouteOtherwiseOrNamesNoAddress() {
        assertNull(target("handshake", "-i", "c0", "198.18.2.2", "80"));
        assertNull(target("handshake", "--interface=c0", "198.18.2.2", "80"));
        assertNull(target("syn-probe", "-S", "198.18.1.9", "-p", "80", "198.18.2.2"));
        assertNull(target("handshake", "www.synack.test", "80"));
        assertNull(target("handshake", "[2001:db8::2", "80"), "a bad address is the command's to tell");
        assertNull(target("handshake"));
    }

    @Test
    void noGuessWhereAClusterOrAnAttachedValueHoldsIOrS() {
        assertNull(target("syn-probe", "-qS", "198.18.1.2", "-p", "80", "198.18.2.2"), "-S in a cluster: its value is no target");
        assertNull(target("handshake", "-ic0", "198.18.2.2", "80"));
        assertNull(target("syn-probe", "-S198.18.1.9", "-p", "80", "198.18.2.2"));
        assertNull(target("handshake", "-fx", "198.18.2.2", "80"), "-f is dns-resolve's file of names only");
        assertEquals("198.18.2.2", target("dns-resolve", "-qfnames.txt", "@198.18.2.2"));
        assertEquals("198.18.2.2", target("handshake", "-qv", "--rst", "198.18.2.2", "80"), "a cluster without them guesses still");
    }

    /** The ring the warm-up activates is the one the command opens: a bulk run's for -f, one name's otherwise. */
    @Test
    void theWarmupGuessesABulkRunsRingFromItsDefaults() {
        assertEquals(synack.cli.commands.DnsResolveCommand.bulkCapture(),
                LiveWarmup.capture(new String[] {"dns-resolve", "--json", "-f", "names.txt", "@198.18.2.2"}));
        assertEquals(synack.cli.commands.DnsResolveCommand.bulkCapture(), LiveWarmup.capture(new String[] {"dns-resolve", "-qf", "n", "@198.18.2.2"}));
        assertEquals(synack.cli.commands.DnsResolveCommand.oneNameCapture(1232),
                LiveWarmup.capture(new String[] {"dns-resolve", "-q", "@198.18.2.2", "www.synack.test"}));
    }
}
