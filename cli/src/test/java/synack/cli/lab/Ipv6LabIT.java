package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * synack over IPv6 against the lab's real peers, with the kernel's IPv6 defaults (the router's
 * radvd advertising the client's prefix, the client's default route learned from it): neighbour
 * discovery beside ndisc6, rdisc6 and the kernel's own neighbour cache; duplicate-address
 * detection of a held and a free address; handshake, teardown and SYN probes through the router.
 */
class Ipv6LabIT {
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

    /** The MAC ndisc6 (Debian's ndisc6) finds for an address, from the client namespace. */
    static String ndisc6(String address) {
        Lab.Result r = lab.in("client", "ndisc6", "-q", "-1", "-r", "3", address, lab.get("CLIENT_IF"));
        assertEquals(0, r.exit(), "ndisc6 " + address + ":\n" + r);
        return r.out().trim().toLowerCase(Locale.ROOT);
    }

    /** The MAC the client's kernel holds for an address once it has talked to it (ip -6 neigh). */
    static String kernelNeighbour(String address) {
        Lab.Result ping = lab.in("client", "ping", "-6", "-c", "1", "-W", "2", address);
        assertEquals(0, ping.exit(), ping.toString());
        Lab.Result neigh = lab.in("client", "ip", "-6", "neigh", "show", address, "dev", lab.get("CLIENT_IF"));
        Matcher m = Pattern.compile("lladdr ([0-9a-f:]{17})").matcher(neigh.out());
        assertTrue(m.find(), "no lladdr in ip -6 neigh:\n" + neigh);
        return m.group(1);
    }

    @Test
    void resolvesTheRouterToTheMacNdisc6AndTheKernelFind() {
        String router = lab.get("GATEWAY_IP6");
        Lab.Result r = lab.synack("ndp-resolve", router);
        assertEquals(0, r.exit(), r.toString());
        String mac = lab.mac("router", "br0");
        assertEquals(mac, ndisc6(router));
        assertEquals(mac, kernelNeighbour(router));
        assertTrue(r.out().contains("NDP who has " + router), r.toString());
        assertTrue(r.out().contains("NDP " + router + " is here"), r.toString());
        assertTrue(r.out().contains("target-lladdr " + mac), r.toString());
        assertTrue(r.out().contains("INCOMPLETE → REACHABLE"), r.toString());
        Lab.Result json = lab.synack("arp-resolve", "--json", router);
        assertEquals(0, json.exit(), json.toString());
        String result = json.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(result.contains("\"mac\":\"" + mac + "\"") && result.contains("\"router\":true"), result);
        noStackTrace(r);
    }

    @Test
    void resolvesTheNeighbourAndTheRoutersLinkLocalAddress() {
        String peer = lab.get("PEER_IP6");
        Lab.Result r = lab.synack("arp-resolve", "-q", peer);
        assertEquals(0, r.exit(), r.toString());
        String mac = lab.mac("peer", "p0");
        assertEquals(mac, ndisc6(peer));
        assertEquals(mac, kernelNeighbour(peer));
        assertTrue(r.out().trim().startsWith(peer + " is-at " + mac), r.toString());
        Lab.Result json = lab.synack("ndp-resolve", "--json", peer);
        String result = json.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(result.contains("\"router\":false"), "the peer is a host: " + result);

        String linkLocal = lab.get("GATEWAY_LL6");
        Lab.Result ll = lab.synack("ndp-resolve", "-q", "-i", lab.get("CLIENT_IF"), linkLocal);
        assertEquals(0, ll.exit(), ll.toString());
        assertTrue(ll.out().trim().startsWith(linkLocal + " is-at " + lab.mac("router", "br0")), ll.toString());
        Lab.Result noIf = lab.synack("ndp-resolve", linkLocal);
        assertEquals(2, noIf.exit(), noIf.toString());
        assertTrue(noIf.err().contains("-i IFACE") && noIf.err().lines().count() == 1, noIf.toString());
    }

    @Test
    void anAddressNobodyHoldsEndsFailed() {
        Lab.Result r = lab.synack("ndp-resolve", "-c", "2", "--interval", "200ms", "--timeout", "300ms", "2001:db8:1::77");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("INCOMPLETE → FAILED"), r.toString());
    }

    @Test
    void anOffLinkAddressNamesTheRouterToAskInstead() {
        Lab.Result r = lab.synack("ndp-resolve", lab.get("SERVER_IP6"));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("ndp-resolve " + lab.get("GATEWAY_LL6") + " -i " + lab.get("CLIENT_IF")), r.toString());
        noStackTrace(r);
    }

    @Test
    void duplicateAddressDetectionFindsTheNeighboursAddressHeldAndAFreeOneFree() {
        Lab.Result used = lab.synack("ndp-resolve", "--probe", lab.get("PEER_IP6"));
        assertEquals(1, used.exit(), used.toString());
        assertTrue(used.out().contains("is in use by " + lab.mac("peer", "p0")), used.toString());
        assertTrue(used.out().contains("TENTATIVE → DUPLICATE"), used.toString());
        Lab.Result free = lab.synack("ndp-resolve", "--probe", "2001:db8:1::77");
        assertEquals(0, free.exit(), free.toString());
        assertTrue(free.out().contains("is free"), free.toString());
    }

    @Test
    void routerDiscoveryFindsWhatRdisc6Finds() {
        Lab.Result r = lab.synack("ndp-resolve", "--json", "--routers", "-i", lab.get("CLIENT_IF"));
        assertEquals(0, r.exit(), r.toString());
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(result.contains("\"ip\":\"" + lab.get("GATEWAY_LL6") + "\""), result);
        assertTrue(result.contains("\"mac\":\"" + lab.mac("router", "br0") + "\""), result);
        assertTrue(result.contains("\"prefix\":\"" + lab.get("CLIENT_PREFIX6")), result);
        Lab.Result rdisc = lab.in("client", "rdisc6", "-1", "-r", "3", lab.get("CLIENT_IF"));
        assertEquals(0, rdisc.exit(), rdisc.toString());
        assertTrue(rdisc.out().contains(lab.get("CLIENT_PREFIX6")), rdisc.toString());
        assertTrue(rdisc.out().contains("from " + lab.get("GATEWAY_LL6")), rdisc.toString());
    }

    @Test
    void aHandshakeThroughTheRouterAsksItsLinkLocalAddressFirst() {
        String server = lab.get("SERVER_IP6");
        Lab.Result r = lab.synack("handshake", server, "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("NDP next hop " + lab.get("GATEWAY_LL6") + " (router)"), r.toString());
        assertTrue(r.out().contains("SYN_SENT → ESTABLISHED"), r.toString());
        assertTrue(r.out().contains("handshake [" + server + "]:80: established"), r.toString());
        assertTrue(r.out().contains("mss 1440"), "the IPv6 MSS is the MTU less 60:\n" + r);
        Lab.Result json = lab.synack("handshake", "--json", "--rst", server, "80");
        assertEquals(0, json.exit(), json.toString());
        String result = json.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(result.contains("\"peer\":\"[" + server + "]:80\""), result);
        lab.assertNoFirewallRuleLeft();
        noStackTrace(r);
    }

    @Test
    void aTeardownsFramesDecodeInTsharkWithoutWarnings(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("v6.pcap");
        Lab.Result r = lab.synack("fin-teardown", "-w", pcap.toString(), lab.get("SERVER_IP6"), "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("TIME_WAIT"), r.toString());
        assertTrue(Files.size(pcap) > 24);
        Lab.Result expert = Lab.run(60, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exit(), expert.toString());
        assertFalse(expert.out().contains("Warning") || expert.out().contains("Error"), expert.toString());
        Lab.Result dump = Lab.run(30, "tcpdump", "-nn", "-r", pcap.toString());
        List<String> lines = dump.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("neighbor solicitation")), dump.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("IP6 " + lab.get("CLIENT_IP6") + ".") && l.contains("Flags [S]")),
                dump.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("Flags [F.]")), dump.toString());
        lab.assertNoFirewallRuleLeft();
    }

    static Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    static String result(Lab.Result r) {
        return r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).reduce((x, y) -> y).orElseThrow(() ->
                new AssertionError("no result line:\n" + r));
    }

    @Test
    void twentyMegabytesOverIpv6ThroughTheRouterArriveByteExact(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("big20m.bin");
        Lab.Result r = lab.synack("http-get", "-o", out.toString(), "http://[" + lab.get("SERVER_IP6") + "]/big20m.bin");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(20L << 20, Files.size(out));
        assertEquals(Lab.sha256(www("big20m.bin")), Lab.sha256(out));
        assertTrue((r.out() + r.err()).contains("NDP: next hop " + lab.get("GATEWAY_LL6")), r.toString());
        lab.assertNoFirewallRuleLeft();
    }

    @Test
    void aNameWithBothFamiliesIsFetchedOverIpv6FirstAndMinus4KeepsToIpv4(@TempDir Path dir) throws Exception {
        String name = lab.get("WEB_NAME");
        Lab.Result both = lab.synack("http-get", "--json", "-o", dir.resolve("a").toString(), "http://" + name + "/");
        assertEquals(0, both.exit(), both.toString());
        String r = result(both);
        assertTrue(r.contains("\"family\":\"ipv6\"") && r.contains("\"peer\":\"[" + lab.get("SERVER_IP6") + "]:80\""), r);
        assertTrue(both.out().contains("RFC 8305"), "the story says why IPv6 went first:\n" + both);
        Lab.Result four = lab.synack("http-get", "--json", "-4", "-o", dir.resolve("b").toString(), "http://" + name + "/");
        assertEquals(0, four.exit(), four.toString());
        assertTrue(result(four).contains("\"family\":\"ipv4\""), result(four));
        assertEquals(Lab.sha256(dir.resolve("a")), Lab.sha256(dir.resolve("b")), "the same page over both families");
        Lab.Result only6 = lab.synack("http-get", "-q", "-o", dir.resolve("c").toString(), "http://" + lab.get("V6ONLY_NAME") + "/");
        assertEquals(0, only6.exit(), only6.toString());
        assertEquals(Lab.sha256(dir.resolve("a")), Lab.sha256(dir.resolve("c")));
    }

    @Test
    void aBigRequestTowardTheMtu1280EdgeIsCutToThePathMtuAfterPacketTooBig(@TempDir Path dir) throws Exception {
        String big = "x".repeat(4000);
        Path pcap = dir.resolve("req6.pcap");
        Lab.Result r = lab.synack("http-get", "-w", pcap.toString(), "-H", "X-Big: " + big,
                "http://[" + lab.get("EDGE_IP6") + "]/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("hello from the synack lab"), r.toString());
        Lab.Result read = Lab.run(30, "tcpdump", "-nn", "-r", pcap.toString(), "(ip6 and tcp and src host " + lab.get("CLIENT_IP6")
                + ") or icmp6");
        // the edge's kernel advertises MSS 1440 (its route, not its link, sets it): our first segments fill 1500-byte
        // packets, the router answers them with Packet Too Big, and the rest go within 1280 (1208 data bytes)
        assertTrue(r.err().contains("packet too big: the path takes 1280 bytes, so segments now carry at most 1208 data bytes"),
                "the ICMPv6 is acted on:\n" + r);
        assertTrue(r.err().contains("resent within the path MTU"), r.toString());
        boolean tooBig = false;
        int fullAfter = 0;
        for (String line : read.out().split("\n")) {
            if (line.contains("packet too big")) {
                tooBig = true;
                continue;
            }
            java.util.regex.Matcher m = Pattern.compile("length (\\d+)").matcher(line);
            if (line.contains("Flags") && m.find()) {
                int len = Integer.parseInt(m.group(1));
                assertTrue(len <= 1428, "a segment larger than the MSS less options: " + line);
                if (tooBig && len > 1208) {
                    fullAfter++; // sent before we read the ICMPv6: at most the ones already in flight
                }
            }
        }
        assertTrue(tooBig, "the router's Packet Too Big is in our pcap:\n" + read.out());
        assertTrue(fullAfter <= 3, "full-size segments kept coming after Packet Too Big:\n" + read.out());
        // tshark's TCP reassembly calls the pieces resent over the too-big segment "overlaps old data" (as it would
        // for the kernel's own): what must hold is that it decodes every IPv6 and ICMPv6 layer we wrote
        Lab.Result expert = Lab.run(60, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertFalse(expert.out().lines().anyMatch(l -> l.matches(".*\\b(IPv6|ICMPv6)\\b.*")), expert.toString());
    }

    @Test
    void synProbesOverIpv6TellOpenClosedAndFiltered() {
        String server = lab.get("SERVER_IP6");
        Lab.Result r = lab.synack("syn-probe", "-q", "-p", "80,81", server);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("80/tcp") && l.contains("open")), r.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("81/tcp") && l.contains("closed")), r.toString());
        // nobody holds this one: the router's neighbour discovery fails and it answers address unreachable (or nothing)
        Lab.Result none = lab.synack("syn-probe", "-q", "--timeout", "4s", "-p", "80", lab.get("NO_HOST_IP6"));
        assertTrue(none.out().contains("filtered"), none.toString());
        noStackTrace(none);
        lab.assertNoFirewallRuleLeft();
    }
}
