package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** arp-resolve against real peers: the Linux kernels of the lab's router and neighbour. */
class ArpResolveLabIT {
    static Lab lab;

    @BeforeAll
    static void up() {
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    static void noStackTrace(Lab.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace on stderr:\n" + r);
    }

    @Test
    void resolvesTheGatewayToTheMacItsKernelHolds() {
        Lab.Result r = lab.synack("arp-resolve", "198.18.1.1");
        assertEquals(0, r.exit(), r.toString());
        String mac = lab.mac("router", "br0");
        assertTrue(r.out().contains("ARP who-has 198.18.1.1 tell 198.18.1.2"), r.toString());
        assertTrue(r.out().contains("ARP 198.18.1.1 is-at " + mac), r.toString());
        assertTrue(r.out().contains("NONE → INCOMPLETE"), r.toString());
        assertTrue(r.out().contains("INCOMPLETE → REACHABLE"), r.toString());
        assertTrue(r.out().contains("RTT "), r.toString());
        noStackTrace(r);
    }

    @Test
    void resolvesTheNeighbourQuietly() {
        Lab.Result r = lab.synack("arp-resolve", "-q", "198.18.1.3");
        assertEquals(0, r.exit(), r.toString());
        String line = r.out().trim();
        assertTrue(line.startsWith("198.18.1.3 is-at " + lab.mac("peer", "p0")), r.toString());
        assertEquals(1, r.out().lines().count(), "-q prints the result only:\n" + r);
    }

    @Test
    void anAddressNobodyHoldsEndsFailedWithExit1() {
        Lab.Result r = lab.synack("arp-resolve", "-c", "2", "--interval", "200ms", "--timeout", "300ms", "198.18.1.77");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("INCOMPLETE → FAILED"), r.toString());
        assertTrue(r.out().contains("198.18.1.77 FAILED (no reply to 2 requests)"), r.toString());
    }

    @Test
    void aSweepOfTheSegmentListsExactlyTheLiveHosts() {
        Lab.Result r = lab.synack("arp-resolve", "-q", "-c", "2", "--interval", "300ms", "--timeout", "300ms", "198.18.1.0/24");
        assertEquals(0, r.exit(), r.toString());
        Set<String> hosts = r.out().lines().map(l -> l.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("198.18.1.1", "198.18.1.3")), hosts, r.toString());
    }

    @Test
    void thePcapHoldsTheSameFramesTheJsonTold(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("out.pcap");
        Lab.Result r = lab.synack("arp-resolve", "--json", "-w", pcap.toString(), "198.18.1.1");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        for (String l : lines) {
            assertTrue(l.startsWith("{\"t\":") && l.contains("\"event\":") && l.contains("\"command\":\"arp-resolve\""), l);
        }
        assertTrue(lines.get(lines.size() - 1).contains("\"event\":\"result\""), r.toString());
        assertEquals(1, lines.stream().filter(l -> l.contains("\"event\":\"result\"")).count());
        long frames = lines.stream().filter(l -> l.contains("\"event\":\"frame\"")).count();
        assertTrue(Files.size(pcap) > 24, "pcap written");
        Lab.Result dump = Lab.run(30, "tcpdump", "-nn", "-e", "-r", pcap.toString());
        assertEquals(0, dump.exit(), dump.toString());
        List<String> dumped = dump.out().lines().toList();
        assertEquals(frames, dumped.size(), "tcpdump sees every frame the JSON told:\n" + dump + "\n" + r);
        assertTrue(dumped.get(0).contains("Request who-has 198.18.1.1 tell 198.18.1.2"), dump.toString());
        assertTrue(dumped.get(1).contains("Reply 198.18.1.1 is-at " + lab.mac("router", "br0")), dump.toString());
    }

    @Test
    void anOffLinkTargetIsRefusedWithTheNextHopToAskInstead() {
        Lab.Result r = lab.synack("arp-resolve", "198.18.2.2");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("arp-resolve 198.18.1.1"), r.toString());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r);
        noStackTrace(r);
    }

    @Test
    void probeFindsTheNeighboursAddressInUseAndAFreeOneFree() {
        Lab.Result used = lab.synack("arp-resolve", "--probe", "--interval", "100ms", "--timeout", "300ms", "198.18.1.3");
        assertEquals(1, used.exit(), used.toString());
        assertTrue(used.out().contains("is in use by " + lab.mac("peer", "p0")), used.toString());
        Lab.Result free = lab.synack("arp-resolve", "--probe", "--interval", "100ms", "--timeout", "300ms", "198.18.1.77");
        assertEquals(0, free.exit(), free.toString());
        assertTrue(free.out().contains("PROBING → FREE"), free.toString());
    }

    @Test
    void announceUpdatesTheNeighboursEntry() {
        // the router knows us after the first exchange; a gratuitous ARP must leave it REACHABLE/STALE with our MAC
        lab.synack("arp-resolve", "-q", "198.18.1.1");
        Lab.Result r = lab.synack("arp-resolve", "--announce", "-i", "c0", "-c", "1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("ARP announce: 198.18.1.2 is-at " + lab.mac("client", "c0")), r.toString());
        Lab.Result neigh = lab.in("router", "ip", "neigh", "show", "198.18.1.2");
        assertTrue(neigh.out().contains(lab.mac("client", "c0")), neigh.toString());
    }

    @Test
    void environmentProblemsGiveOneLineAndExit3() {
        Lab.Result noIf = lab.synack("arp-resolve", "-i", "eth9", "198.18.1.1");
        assertEquals(3, noIf.exit(), noIf.toString());
        assertTrue(noIf.err().contains("no such interface: eth9"), noIf.toString());
        noStackTrace(noIf);

        // root without CAP_NET_RAW: what a plain user meets
        List<String> cmd = Arrays.asList("ip", "netns", "exec", lab.get("NS_CLIENT"), "setpriv", "--bounding-set=-net_raw,-net_admin",
                "--inh-caps=-all", "java", "-jar", Lab.jar(), "arp-resolve", "198.18.1.1");
        Lab.Result noPriv = Lab.run(60, cmd.toArray(new String[0]));
        assertEquals(3, noPriv.exit(), noPriv.toString());
        assertTrue(noPriv.err().contains("run it as root (sudo)") && noPriv.err().contains("setcap"), noPriv.toString());
        assertEquals(1, noPriv.err().lines().count(), noPriv.toString());
        noStackTrace(noPriv);
    }

    @Test
    void aMalformedTargetIsAUsageError() {
        Lab.Result r = lab.synack("arp-resolve", "198.18.1.300");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("198.18.1.300"), r.toString());
        noStackTrace(r);
    }
}
