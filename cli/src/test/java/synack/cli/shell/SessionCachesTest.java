package synack.cli.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import synack.cli.SessionMemory;
import synack.net.AddressFamily;
import synack.time.VirtualClock;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/** The shell's memory of both families, on virtual time: what it keeps, for how long, under which key. */
class SessionCachesTest {
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:99");
    static final IpAddress GLOBAL = IpAddress.parse("2001:db8:1::1");
    static final IpAddress LINK_LOCAL = IpAddress.parse("fe80::1");

    final VirtualClock clock = new VirtualClock(1_000_000_000);
    final SessionCaches memory = new SessionCaches(clock, () -> true);

    @Test
    void anIpv6NeighbourIsRememberedByItsWholeAddressAndTrustedFor30Seconds() {
        memory.learnedNeighbour(GLOBAL, "c0", ROUTER);
        clock.advance(12_000_000);
        assertEquals(ROUTER, memory.neighbour(GLOBAL, "c0"));
        assertEquals(12_000_000, memory.neighbourAgeMicros(GLOBAL, "c0"));
        // a global address is one neighbour whichever interface asks (the route decides the interface)
        assertEquals(ROUTER, memory.neighbour(GLOBAL, "c1"));
        assertNull(memory.neighbour(IpAddress.parse("2001:db8:1::2"), "c0"), "another address is another neighbour");
        clock.advance(SessionCaches.REACHABLE_MICROS - 12_000_000 + 1);
        assertNull(memory.neighbour(GLOBAL, "c0"), "past REACHABLE it would be STALE: asked again");
        assertEquals(SessionCaches.REACHABLE_MICROS + 1, memory.neighbourAgeMicros(GLOBAL, "c0"));
    }

    @Test
    void aLinkLocalNeighbourIsKnownOnItsInterfaceOnly() {
        memory.learnedNeighbour(LINK_LOCAL, "c0", ROUTER);
        memory.learnedNeighbour(LINK_LOCAL, "c1", OTHER);
        assertEquals(ROUTER, memory.neighbour(LINK_LOCAL, "c0"));
        assertEquals(OTHER, memory.neighbour(LINK_LOCAL, "c1"));
        assertNull(memory.neighbour(LINK_LOCAL, "c2"));
        assertEquals(-1, memory.neighbourAgeMicros(LINK_LOCAL, "c2"));
    }

    @Test
    void bothFamiliesLiveSideBySideAndIpv4KeepsItsOwnWay() {
        int v4 = synack.wire.Ip4.parse("198.18.1.1");
        memory.learnedNeighbour(v4, ROUTER);
        memory.learnedNeighbour(GLOBAL, "c0", OTHER);
        assertEquals(ROUTER, memory.neighbour(v4));
        assertEquals(ROUTER, memory.neighbour(IpAddress.of(v4), "c0"), "the int and the IpAddress forms are one entry");
        assertEquals(OTHER, memory.neighbour(GLOBAL, "c0"));
    }

    @Test
    void aNamesAaaaAndAAnswersAreTwoFactsEachForItsTtl() {
        memory.learnedAddress("WWW.synack.test", IpAddress.parse("2001:db8:2::2"), 60);
        memory.learnedAddress("www.synack.test", synack.wire.Ip4.parse("198.18.2.2"), 300);
        assertEquals(IpAddress.parse("2001:db8:2::2"), memory.address("www.synack.test", AddressFamily.IPV6));
        assertEquals(IpAddress.parse("198.18.2.2"), memory.address("www.Synack.test", AddressFamily.IPV4));
        assertEquals(synack.wire.Ip4.parse("198.18.2.2"), memory.address("www.synack.test"));
        clock.advance(60_000_000);
        assertNull(memory.address("www.synack.test", AddressFamily.IPV6), "the AAAA's TTL has run out");
        assertEquals(IpAddress.parse("198.18.2.2"), memory.address("www.synack.test", AddressFamily.IPV4), "the A's has not");
    }

    @Test
    void anAaaaOnlyNameHasNoIpv4Address() {
        memory.learnedAddress("v6only.synack.test", IpAddress.parse("2001:db8:2::5"), 60);
        assertNull(memory.address("v6only.synack.test"));
        assertNull(memory.address("v6only.synack.test", AddressFamily.IPV4));
    }

    @Test
    void outsideTheShellItAnswersNothing() {
        SessionCaches dormant = new SessionCaches(clock, () -> false);
        dormant.learnedNeighbour(GLOBAL, "c0", ROUTER);
        dormant.learnedAddress("www.synack.test", IpAddress.parse("2001:db8:2::2"), 60);
        assertNull(dormant.neighbour(GLOBAL, "c0"));
        assertNull(dormant.address("www.synack.test", AddressFamily.IPV6));
    }

    @Test
    void aOneLinersMemoryStaysEmptyForIpv6() {
        SessionMemory.NONE.learnedNeighbour(GLOBAL, "c0", ROUTER);
        SessionMemory.NONE.learnedAddress("www.synack.test", IpAddress.parse("2001:db8:2::2"), 60);
        assertNull(SessionMemory.NONE.neighbour(GLOBAL, "c0"));
        assertEquals(-1, SessionMemory.NONE.neighbourAgeMicros(GLOBAL, "c0"));
        assertNull(SessionMemory.NONE.address("www.synack.test", AddressFamily.IPV6));
    }

    @Test
    void ipv6AddressesTypedAreOfferedAgain() {
        SessionCaches.seen(new String[] {"handshake", "2001:db8:2::2", "80", "@2001:db8:2::53", "http://[2001:db8:2::2]/"});
        assertTrue(SessionCaches.hostsSeen().contains("2001:db8:2::2"));
        assertTrue(SessionCaches.hostsSeen().contains("2001:db8:2::53"));
        assertTrue(SessionCaches.hostsSeen().contains("http://[2001:db8:2::2]/"));
        assertTrue(!SessionCaches.hostsSeen().contains("80") && !SessionCaches.hostsSeen().contains("handshake"));
    }

    @Test
    void aLongSessionsSweepsKeepOnlyWhatIsStillTrusted() {
        // an IPv6 sweep a minute, for an hour: 1000 neighbours each time, none answering again
        for (int minute = 0; minute < 60; minute++) {
            for (int i = 0; i < 1000; i++) {
                memory.learnedNeighbour(IpAddress.parse("2001:db8:" + (minute + 1) + "::" + Integer.toHexString(i + 1)), "c0", OTHER);
            }
            memory.learnedAddress("host" + minute + ".synack.test", IpAddress.parse("2001:db8:2::" + (minute + 1)), 1);
            clock.advance(60_000_000);
        }
        // the expired ones are pruned as new ones are learned: at most this minute's and the last prune's leftovers
        assertTrue(memory.held() <= 2 * (1000 + SessionCaches.PRUNE_FROM), "held " + memory.held() + " of 60060 learned");
        IpAddress fresh = IpAddress.parse("2001:db8:99::1");
        memory.learnedNeighbour(fresh, "c0", ROUTER);
        assertEquals(ROUTER, memory.neighbour(fresh, "c0"), "what was just learned stays");
        // a neighbour still REACHABLE is never pruned, however many come after it
        IpAddress kept = IpAddress.parse("2001:db8:98::1");
        memory.learnedNeighbour(kept, "c0", ROUTER);
        for (int i = 0; i < 3 * SessionCaches.PRUNE_FROM; i++) {
            memory.learnedNeighbour(IpAddress.parse("2001:db8:97::" + Integer.toHexString(i + 1)), "c0", OTHER);
        }
        assertEquals(ROUTER, memory.neighbour(kept, "c0"));
    }
}
