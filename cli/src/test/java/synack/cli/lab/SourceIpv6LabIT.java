package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * -S with an IPv6 source in the dual-stack lab, against the server's kernel through the router:
 * from a second address of the client's (added here, on c0), the SYN leaves from it and the
 * kernel peer answers to it; from an address no interface holds, synack answers the router's
 * neighbour solicitations for it itself; a sweep and http-get keep to -S's family; a source of
 * the other family is one usage line.
 */
class SourceIpv6LabIT {
    static final String SECOND = "2001:db8:1::7";
    static final String SPOOFED = "2001:db8:1::9";
    static Lab lab;

    @BeforeAll
    static void up() {
        lab = Lab.up();
        // a second address on the client's link, as a host with several (a temporary one, a service address) has
        Lab.Result add = lab.in("client", "ip", "-6", "addr", "add", SECOND + "/64", "dev", "c0", "nodad");
        assertEquals(0, add.exit(), add.toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    static List<String> dump(Path pcap) {
        Lab.Result r = Lab.run(30, "tcpdump", "-nn", "-r", pcap.toString());
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().toList();
    }

    static void decodesWithoutWarnings(Path pcap) {
        Lab.Result expert = Lab.run(60, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exit(), expert.toString());
        assertFalse(expert.out().contains("Warning") || expert.out().contains("Error"), expert.toString());
    }

    static boolean any(List<String> lines, String... parts) {
        return lines.stream().anyMatch(l -> java.util.Arrays.stream(parts).allMatch(l::contains));
    }

    @Test
    void aHandshakeFromTheClientsSecondAddressLeavesFromItAndIsAnsweredToIt(@TempDir Path dir) {
        String server = lab.get("SERVER_IP6");
        Path pcap = dir.resolve("second.pcap");
        Lab.Result r = lab.synack("handshake", "-S", SECOND, "-w", pcap.toString(), server, "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("handshake [" + SECOND + "]:"), "the header names our source:\n" + r);
        assertTrue(r.out().contains("handshake [" + server + "]:80: established"), r.toString());
        List<String> lines = dump(pcap);
        assertTrue(any(lines, "IP6 " + SECOND + ".", "> " + server + ".80:", "Flags [S]"), "our SYN from -S:\n" + lines);
        // the server's kernel answered to the address the SYN came from
        assertTrue(any(lines, "IP6 " + server + ".80 > " + SECOND + ".", "Flags [S.]"), "its SYN,ACK to -S:\n" + lines);
        assertFalse(any(lines, lab.get("CLIENT_IP6") + "."), "nothing from the kernel's own source:\n" + lines);
        decodesWithoutWarnings(pcap);
        lab.assertNoFirewallRuleLeft();
    }

    @Test
    void aSynProbesJsonShowsItsSynsFromTheSource() {
        String server = lab.get("SERVER_IP6");
        Lab.Result r = lab.synack("syn-probe", "--json", "-S", SECOND, "-p", "80,81", server);
        List<Map<String, Object>> events = ExplainLabIT.json(r);
        Map<String, Object> result = ExplainLabIT.result(events);
        assertEquals("open", ports(result).get(80), result.toString());
        assertEquals("closed", ports(result).get(81), result.toString());
        int synsOut = 0;
        for (Map<String, Object> e : events) {
            @SuppressWarnings("unchecked")
            Map<String, Object> ip = (Map<String, Object>) e.get("ipv6");
            @SuppressWarnings("unchecked")
            Map<String, Object> tcp = (Map<String, Object>) e.get("tcp");
            if (ip == null || tcp == null) {
                continue;
            }
            if ("out".equals(e.get("dir"))) {
                assertEquals(SECOND, ip.get("src"), "every TCP segment we sent: " + e);
                synsOut++;
            } else {
                assertEquals(SECOND, ip.get("dst"), "every answer came to -S: " + e);
            }
        }
        assertTrue(synsOut >= 2, "a SYN to each port: " + events);
    }

    @SuppressWarnings("unchecked")
    static Map<Integer, String> ports(Map<String, Object> result) {
        Map<Integer, String> out = new java.util.HashMap<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) result.get("ports")) {
            out.put(((Number) p.get("port")).intValue(), (String) p.get("state"));
        }
        return out;
    }

    @Test
    void anAddressNoInterfaceHoldsIsAnsweredForByUsAsArpIsForIpv4(@TempDir Path dir) {
        String server = lab.get("SERVER_IP6");
        lab.in("router", "ip", "-6", "neigh", "del", SPOOFED, "dev", "br0"); // none left from an earlier run (may be absent)
        Path pcap = dir.resolve("spoofed.pcap");
        // TIME_WAIT of 8 s keeps the capture open past the router's DELAY_FIRST_PROBE_TIME (5 s, RFC 4861 10):
        // it then asks for the address by a unicast solicitation, which only we can answer
        Lab.Result r = lab.synack("handshake", "-S", SPOOFED, "--msl", "4s", "-w", pcap.toString(), server, "80");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("handshake [" + server + "]:80: established"), r.toString());
        assertTrue(r.out().contains("neighbour solicitation for our own address " + SPOOFED), r.toString());
        assertTrue(r.out().contains("we own this address (-S): is-at our MAC"), r.toString());
        List<String> lines = dump(pcap);
        assertTrue(any(lines, "> " + SPOOFED + ": ICMP6, neighbor solicitation, who has " + SPOOFED), lines.toString());
        assertTrue(any(lines, "IP6 " + SPOOFED + " > ", "neighbor advertisement, tgt is " + SPOOFED), lines.toString());
        assertTrue(any(lines, "IP6 " + server + ".80 > " + SPOOFED + ".", "Flags [S.]"), lines.toString());
        // the router's kernel took our answer: the address is at the client's MAC
        Lab.Result neigh = lab.in("router", "ip", "-6", "neigh", "show", SPOOFED, "dev", "br0");
        assertTrue(neigh.out().contains("lladdr " + lab.mac("client", "c0")), neigh.toString());
        decodesWithoutWarnings(pcap);
        lab.assertNoFirewallRuleLeft(); // no RST rule was needed: the kernel does not own the address
    }

    @Test
    void anIpv6SweepTakesTheSource(@TempDir Path dir) {
        Path pcap = dir.resolve("sweep.pcap");
        Lab.Result r = lab.synack("syn-probe", "-S", SECOND, "-w", pcap.toString(), "--format", "list", "-p", "80", "2001:db8:2::1-3");
        assertEquals(List.of("[2001:db8:2::2]:80"), r.out().lines().toList(), "the one open port of the sweep:\n" + r);
        assertTrue(r.err().contains("2001:db8:2::2: 1 open"), r.toString());
        List<String> lines = dump(pcap);
        assertTrue(any(lines, "IP6 " + SECOND + ".", "> 2001:db8:2::2.80:", "Flags [S]"), lines.toString());
        assertFalse(any(lines, "IP6 " + lab.get("CLIENT_IP6") + "."), lines.toString());
        lab.assertNoFirewallRuleLeft();
    }

    @Test
    void httpGetWithAnIpv6SourceAsksAaaaAndConnectsOverIpv6FromIt(@TempDir Path dir) {
        Path pcap = dir.resolve("http.pcap");
        Lab.Result r = lab.synack("http-get", "-S", SECOND, "-w", pcap.toString(), "http://" + lab.get("WEB_NAME") + "/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("hello from the synack lab"), r.toString());
        List<String> lines = dump(pcap);
        assertTrue(any(lines, "AAAA? " + lab.get("WEB_NAME")), lines.toString());
        assertFalse(any(lines, " A? " + lab.get("WEB_NAME")), "IPv6 only, as -6 would:\n" + lines);
        assertTrue(any(lines, "IP6 " + SECOND + ".", "> " + lab.get("SERVER_IP6") + ".80:", "Flags [S]"), lines.toString());
        lab.assertNoFirewallRuleLeft();
    }

    @Test
    void aSourceOfTheOtherFamilyIsOneUsageLine() {
        Lab.Result r = lab.synack("handshake", "-S", lab.get("CLIENT_IP"), lab.get("SERVER_IP6"), "80");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("-S " + lab.get("CLIENT_IP") + " is an IPv4 address"), r.toString());
        Lab.Result r6 = lab.synack("syn-probe", "-S", SECOND, "-p", "80", lab.get("SERVER_IP"));
        assertEquals(2, r6.exit(), r6.toString());
        assertTrue(r6.err().contains("-S " + SECOND + " is an IPv6 address"), r6.toString());
    }
}
