package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.cli.render.EventSchema;

/**
 * dns-resolve over an IPv6 transport against the dual-stack lab's dnsmasq (SERVER_IP6), through
 * the router (its next hop asked by NDP), checked against dig -6 in the same namespace: AAAA and
 * the other types, a truncated answer asked again over our TCP over IPv6, ICMPv6 port
 * unreachable, -4/-6, --json against the schema and -w decoded by tshark without warnings.
 */
class DnsIpv6LabIT {
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

    static String server() {
        return lab.get("SERVER_IP6");
    }

    static void noStackTrace(Lab.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace on stderr:\n" + r);
    }

    /** dig -6 +short @SERVER_IP6 ARGS in the client namespace: its answer set. */
    static Set<String> dig(String... args) {
        List<String> cmd = new ArrayList<>(List.of("dig", "-6", "+short", "+time=2", "+tries=2", "@" + server()));
        cmd.addAll(List.of(args));
        Lab.Result r = lab.in("client", cmd.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyTypeOverIpv6MatchesWhatDigMinusSixGets() {
        String[][] queries = {{"www.synack.test", "AAAA"}, {"www.synack.test", "A"}, {lab.get("V6ONLY_NAME"), "AAAA"},
            {"web.synack.test", "CNAME"}, {"synack.test", "MX"}, {"synack.test", "TXT"}};
        for (String[] q : queries) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "-6", "@" + server(), q[0], q[1]);
            assertEquals(0, r.exit(), r.toString());
            Set<String> ours = DnsLabIT.answers(r);
            assertFalse(ours.isEmpty(), q[0] + " " + q[1] + " has records:\n" + r);
            assertEquals(dig(q[0], q[1]), ours, q[0] + " " + q[1]);
            EventSchema.assertEveryLineValid(r.out());
            String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
            assertTrue(result.contains("\"server\":\"" + server() + "\"") && result.contains("\"family\":\"ipv6\""), result);
        }
        assertTrue(dig("www.synack.test", "AAAA").contains(server()), "the lab's www has the server's IPv6 address");
    }

    @Test
    void theTextSaysTheFamilyAndTheNextHopAskedByNdp() {
        Lab.Result r = lab.synack("dns-resolve", "@[" + server() + "]", "www.synack.test", "AAAA");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("@[" + server() + "]:53 over IPv6 from [" + lab.get("CLIENT_IP6") + "]:", "NDP next hop",
                "QUERY_SENT → ANSWERED", "IN  AAAA", server(), "ID, ports and question match", "over UDP over IPv6")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        noStackTrace(r);
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpOverIpv6() {
        Lab.Result r = lab.synack("dns-resolve", "--no-edns", "@" + server(), "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("QUERY_SENT → TRUNCATED"), r.toString());
        assertTrue(r.out().contains("SYN_SENT → ESTABLISHED"), r.toString());
        assertTrue(r.out().contains("over TCP over IPv6 in"), r.toString());
        Lab.Result json = lab.synack("dns-resolve", "--json", "--no-edns", "@" + server(), "big.synack.test", "TXT");
        assertEquals(dig("+tcp", "big.synack.test", "TXT"), DnsLabIT.answers(json));
        lab.assertNoFirewallRuleLeft();
    }

    @Test
    void aPortNobodyListensOnDrawsIcmpv6PortUnreachable() {
        Lab.Result r = lab.synack("dns-resolve", "--port", "5399", "@" + server(), "www.synack.test", "AAAA");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("QUERY_SENT → UNREACHABLE"), r.toString());
        assertTrue(r.err().contains("connection refused") || r.out().contains("connection refused"), r.toString());
    }

    @Test
    void minusSixAndMinusFourChooseTheTransport() {
        Lab.Result wrong = lab.synack("dns-resolve", "-4", "@" + server(), "www.synack.test");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertEquals(1, wrong.err().lines().count(), wrong.toString());
        Lab.Result v4 = lab.synack("dns-resolve", "-q", "-4", "www.synack.test", "AAAA");
        assertEquals(0, v4.exit(), "resolv.conf's IPv4 server, asked for AAAA:\n" + v4);
        assertEquals(dig("www.synack.test", "AAAA"), new TreeSet<>(v4.out().lines().map(String::trim).toList()));
    }

    @Test
    void ourIpv6FramesDecodeInTsharkWithoutWarnings(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("dns6.pcap");
        Lab.Result r = lab.synack("dns-resolve", "-w", pcap.toString(), "--no-edns", "@" + server(), "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.size(pcap) > 24);
        Lab.Result expert = Lab.run(60, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exit(), expert.toString());
        assertFalse(expert.out().contains("Warning") || expert.out().contains("Error"), expert.toString());
        Lab.Result dump = Lab.run(30, "tshark", "-r", pcap.toString(), "-Y", "ipv6.src == " + lab.get("CLIENT_IP6")
                + " && (udp.dstport == 53 || tcp.dstport == 53)");
        assertEquals(0, dump.exit(), dump.toString());
        assertTrue(dump.out().lines().count() >= 2, "our query over UDP and our segments over TCP, over IPv6:\n" + dump);
    }
}
