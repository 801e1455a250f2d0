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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * unreachable, -4/-6, --json against the schema and -w decoded by tshark without warnings; and
 * --trace over IPv6 through the lab's own root, test. and synack.test. servers (nsd), beside
 * dig -6 +trace: the same chain of zones and servers, the same answer.
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

    /** One hop of a walk: the zone whose server was asked, and the address asked. */
    record Hop(String zone, String ip) {}

    /**
     * The walk dig +trace printed: after the first block (the root's NS from @SERVER) each block
     * was received from the server of the zone the block before delegated (its NS records'
     * owner), at the address in its "Received ... from ADDR#53(NAME)" line.
     */
    static List<Hop> digHops(String out) {
        List<String> owners = new ArrayList<>();
        List<String> from = new ArrayList<>();
        String nsOwner = null;
        Pattern received = Pattern.compile("^;; Received \\d+ bytes from ([0-9a-f.:]+)#53\\(");
        for (String line : out.lines().toList()) {
            Matcher m = received.matcher(line);
            if (m.find()) {
                owners.add(nsOwner);
                from.add(m.group(1));
                nsOwner = null;
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (!line.startsWith(";") && f.length >= 5 && f[3].equals("NS") && nsOwner == null) {
                nsOwner = f[0];
            }
        }
        List<Hop> hops = new ArrayList<>();
        for (int i = 1; i < from.size(); i++) {
            hops.add(new Hop(owners.get(i - 1), from.get(i)));
        }
        return hops;
    }

    /** The hops of synack's --json trace result. */
    static List<Hop> ourHops(Lab.Result r) {
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow(() ->
                new AssertionError("no result line:\n" + r));
        List<Hop> hops = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"zone\":\"([^\"]*)\",\"server\":\"[^\"]*\",\"ip\":\"([^\"]*)\"").matcher(result);
        while (m.find()) {
            hops.add(new Hop(m.group(1), m.group(2)));
        }
        return hops;
    }

    /** The answer data of synack's --json trace result. */
    static Set<String> traceAnswers(Lab.Result r) {
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow(() ->
                new AssertionError("no result line:\n" + r));
        Set<String> data = new TreeSet<>();
        Matcher m = Pattern.compile("\"data\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(result.substring(result.indexOf("\"answers\":"),
                result.indexOf("\"cnames\":")));
        while (m.find()) {
            data.add(m.group(1));
        }
        return data;
    }

    /** The data of dig's last block's records of one type: the walk's answer. */
    static Set<String> digAnswer(String out, String type) {
        return out.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 5 && !f[0].startsWith(";") && f[3].equals(type))
                .map(f -> f[4]).collect(Collectors.toCollection(TreeSet::new));
    }

    /** ICMP (or ICMPv6) destination unreachables the client's kernel has sent: a reply to a port nobody held draws one. */
    static long unreachablesSent(boolean ipv6) {
        Lab.Result r = ipv6 ? lab.in("client", "cat", "/proc/net/snmp6") : lab.in("client", "cat", "/proc/net/snmp");
        assertEquals(0, r.exit(), r.toString());
        if (ipv6) {
            return r.out().lines().filter(l -> l.startsWith("Icmp6OutDestUnreachs")).map(l -> Long.parseLong(l.trim().split("\\s+")[1]))
                    .findFirst().orElseThrow();
        }
        List<String> icmp = r.out().lines().filter(l -> l.startsWith("Icmp: ")).toList();
        int column = List.of(icmp.get(0).split(" ")).indexOf("OutDestUnreachs");
        return Long.parseLong(icmp.get(1).split(" ")[column]);
    }

    @Test
    void traceMinusSixWalksTheSameZonesAndServersAsDigMinusSixTrace() {
        String root6 = lab.get("ROOT_DNS_IP6");
        for (String[] q : new String[][] {{"www.synack.test", "AAAA"}, {"www.synack.test", "A"}, {lab.get("V6ONLY_NAME"), "AAAA"}}) {
            Lab.Result d = lab.in("client", "dig", "-6", "+trace", "+nodnssec", "+time=2", "+tries=2", "@" + root6, q[0], q[1]);
            assertEquals(0, d.exit(), d.toString());
            long unreachables = unreachablesSent(true);
            Lab.Result r = lab.synack("dns-resolve", "--json", "--trace", "-6", "--root-hints", lab.get("ROOT_HINTS"), q[0], q[1]);
            assertEquals(0, r.exit(), r.toString());
            List<Hop> dig = digHops(d.out());
            assertEquals(List.of(new Hop(".", root6), new Hop("test.", lab.get("TLD_DNS_IP6")),
                    new Hop("synack.test.", lab.get("AUTH_DNS_IP6"))), dig, "dig -6 +trace walked the lab's tree over IPv6:\n" + d);
            assertEquals(dig, ourHops(r), q[0] + " " + q[1] + ": the same chain of zones, each asked at the same IPv6 address\n" + d + r);
            assertEquals(digAnswer(d.out(), q[1]), traceAnswers(r), q[0] + " " + q[1] + ": the same answer");
            assertFalse(traceAnswers(r).isEmpty(), r.toString());
            String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
            assertTrue(result.contains("\"family\":\"ipv6\""), result);
            assertEquals(unreachables, unreachablesSent(true), "each hop's UDP port was held: the kernel answered no reply with"
                    + " ICMPv6 port unreachable");
        }
        Lab.Result text = lab.synack("dns-resolve", "--trace", "-6", "--root-hints", lab.get("ROOT_HINTS"), "www.synack.test", "AAAA");
        assertEquals(0, text.exit(), text.toString());
        for (String s : List.of("over IPv6 (-6) from the root (a.root.test. " + root6, "NDP next hop fe80::",
                "hop 1: ask a.root.test. (" + root6 + ")", "referral: test. is delegated to ns.test. (" + lab.get("TLD_DNS_IP6") + ")",
                "referral: synack.test. is delegated to ns.synack.test. (" + lab.get("AUTH_DNS_IP6") + ")", "after 3 hops from the root")) {
            assertTrue(text.out().contains(s), "missing '" + s + "':\n" + text);
        }
        assertTrue(text.out().lines().anyMatch(l -> l.equals(server())), text.toString());
        noStackTrace(text);
    }

    @Test
    void anIpv6SourceWalksOverIpv6AsMinusSixDoesAndAsksNoIpv4Server() {
        // review finding 4: -S of IPv6 without -6 used to end in exit 2 ("... and 198.18.3.10 an IPv4 one")
        String us = lab.get("CLIENT_IP6");
        String root6 = lab.get("ROOT_DNS_IP6");
        Lab.Result r = lab.synack("dns-resolve", "--json", "--trace", "-S", us, "--root-hints", lab.get("ROOT_HINTS"),
                "www.synack.test", "AAAA");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of(new Hop(".", root6), new Hop("test.", lab.get("TLD_DNS_IP6")), new Hop("synack.test.", lab.get("AUTH_DNS_IP6"))),
                ourHops(r), r.toString());
        assertTrue(traceAnswers(r).contains(server()), r.toString());
        Lab.Result text = lab.synack("dns-resolve", "--trace", "-S", us, "--root-hints", lab.get("ROOT_HINTS"), "www.synack.test");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("over IPv6 (-S " + us + ") from the root (a.root.test. " + root6), text.toString());
        // the lab's resolv.conf names an IPv4 server only: said in one line, as -6 says it (exit 3), not a family mismatch
        Lab.Result stub = lab.synack("dns-resolve", "-S", us, "www.synack.test", "AAAA");
        assertEquals(3, stub.exit(), stub.toString());
        assertEquals(1, stub.err().lines().count(), stub.toString());
        assertTrue(stub.err().contains("no IPv6 nameserver in /etc/resolv.conf"), stub.toString());
        noStackTrace(stub);
        Lab.Result at = lab.synack("dns-resolve", "-q", "-S", us, "@" + server(), "www.synack.test", "AAAA");
        assertEquals(0, at.exit(), at.toString());
        assertEquals(dig("www.synack.test", "AAAA"), new TreeSet<>(at.out().lines().map(String::trim).toList()));
    }

    @Test
    void traceWithoutAFamilyWalksOverIpv4AsDigMinusFourTraceDoes() {
        // dig +trace without -4/-6 picks each hop's server among the addresses of both families at random (dig 9.18 in
        // the lab: 2001:db8:3::10, 198.18.3.11, 2001:db8:3::12 in one run, all IPv4 in the next): synack walks one
        // family, IPv4 where the host has both, so its chain is dig -4 +trace's
        Lab.Result d = lab.in("client", "dig", "-4", "+trace", "+nodnssec", "+time=2", "+tries=2", "@" + lab.get("ROOT_DNS_IP"),
                "www.synack.test", "AAAA");
        assertEquals(0, d.exit(), d.toString());
        long unreachables = unreachablesSent(false);
        Lab.Result r = lab.synack("dns-resolve", "--json", "--trace", "--root-hints", lab.get("ROOT_HINTS"), "www.synack.test", "AAAA");
        assertEquals(0, r.exit(), r.toString());
        List<Hop> dig = digHops(d.out());
        assertEquals(List.of(new Hop(".", lab.get("ROOT_DNS_IP")), new Hop("test.", lab.get("TLD_DNS_IP")),
                new Hop("synack.test.", lab.get("AUTH_DNS_IP"))), dig, d.toString());
        assertEquals(dig, ourHops(r), d + "\n" + r);
        assertEquals(digAnswer(d.out(), "AAAA"), traceAnswers(r));
        assertTrue(r.out().contains("\"family\":\"ipv4\""), r.toString());
        assertEquals(unreachables, unreachablesSent(false), "each hop's UDP port was held over IPv4 too: the kernel answered no"
                + " reply with ICMP port unreachable");
        Lab.Result text = lab.synack("dns-resolve", "--trace", "--root-hints", lab.get("ROOT_HINTS"), "www.synack.test");
        assertTrue(text.out().contains("over IPv4 (the host has routes of both families: IPv4 first, and for the whole walk)"),
                text.toString());
        Lab.Result v4 = lab.synack("dns-resolve", "--json", "--trace", "-4", "--root-hints", lab.get("ROOT_HINTS"), "www.synack.test");
        assertEquals(0, v4.exit(), v4.toString());
        assertEquals(dig, ourHops(v4), "-4 walks the same IPv4 servers");
    }

    @Test
    void traceMinusSixFindsTheAaaaOfANameServerDelegatedWithoutGlue() {
        // test. delegates outside.test. to ns.elsewhere.synack.test. without glue; dig +trace asks the stub resolver
        // (dnsmasq, which does not have that name) and stops; synack traces the server's AAAA from the root
        Lab.Result r = lab.synack("dns-resolve", "--trace", "-6", "--root-hints", lab.get("ROOT_HINTS"), "www.outside.test", "AAAA");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("no glue", "first find ns.elsewhere.synack.test. AAAA, from the root",
                "(finding ns.elsewhere.synack.test.) hop 3: ask ns.synack.test. (" + lab.get("AUTH_DNS_IP6") + ")",
                "ns.elsewhere.synack.test. is " + lab.get("AUTH_DNS_IP6") + ": back to outside.test.",
                "hop 3: ask ns.elsewhere.synack.test. (" + lab.get("AUTH_DNS_IP6") + "), a server for outside.test.",
                "after 3 hops from the root (and 3 more to find a name server's address)")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.equals(server())), r.toString());
    }

    @Test
    void traceMinusSixStopsInOneLineWhereTheServerHasNoIpv6AddressAsDigMinusSixTraceDoes() {
        // test. delegates v4ns.test. to v4only.synack.test., which has an A and no AAAA: over IPv6 nobody can be asked
        Lab.Result d = lab.in("client", "dig", "-6", "+trace", "+nodnssec", "+time=2", "+tries=2", "@" + lab.get("ROOT_DNS_IP6"),
                "www.v4ns.test", "AAAA");
        assertTrue(d.out().contains("couldn't get address for 'v4only.synack.test'"), "dig -6 +trace stops there:\n" + d);
        Lab.Result r = lab.synack("dns-resolve", "--json", "--trace", "-6", "--root-hints", lab.get("ROOT_HINTS"), "www.v4ns.test",
                "AAAA");
        assertEquals(1, r.exit(), r.toString());
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(result.contains("\"error\":\"v4only.synack.test., the server for v4ns.test., has no IPv6 address (its AAAA answer"
                + " is empty): a walk over IPv6 cannot go on\""), result);
        // dig prints the referral from test. (v4ns.test. NS v4only.synack.test.) without its "Received" line, then stops
        assertTrue(d.out().lines().anyMatch(l -> l.matches("v4ns\\.test\\.\\s+60\\s+IN\\s+NS\\s+v4only\\.synack\\.test\\.")), d.toString());
        assertEquals(digHops(d.out()), ourHops(r).subList(0, 1), d + "\n" + r);
        assertEquals(List.of(new Hop(".", lab.get("ROOT_DNS_IP6")), new Hop("test.", lab.get("TLD_DNS_IP6"))), ourHops(r),
                "the same zones asked before the walk stopped:\n" + r);
        Lab.Result text = lab.synack("dns-resolve", "-q", "--trace", "-6", "--root-hints", lab.get("ROOT_HINTS"), "www.v4ns.test",
                "AAAA");
        assertEquals(1, text.exit(), text.toString());
        assertEquals(1, (text.out() + text.err()).lines().filter(l -> !l.isBlank()).count(), "one line says why:\n" + text);
        noStackTrace(text);
    }

    @Test
    void aTraceOverIpv6DecodesInTsharkWithoutWarningsAndSendsNothingOverIpv4(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("trace6.pcap");
        Lab.Result r = lab.synack("dns-resolve", "-w", pcap.toString(), "--trace", "-6", "--root-hints", lab.get("ROOT_HINTS"),
                "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        Lab.Result expert = Lab.run(60, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exit(), expert.toString());
        assertFalse(expert.out().contains("Warning") || expert.out().contains("Error"), expert.toString());
        Lab.Result queries = Lab.run(30, "tshark", "-r", pcap.toString(), "-Y", "ipv6.src == " + lab.get("CLIENT_IP6")
                + " && dns.flags.response == 0", "-T", "fields", "-e", "ipv6.dst");
        assertEquals(0, queries.exit(), queries.toString());
        assertTrue(queries.out().lines().toList().containsAll(List.of(lab.get("ROOT_DNS_IP6"), lab.get("TLD_DNS_IP6"),
                lab.get("AUTH_DNS_IP6"))), "a query to each server's IPv6 address:\n" + queries);
        Lab.Result v4 = Lab.run(30, "tshark", "-r", pcap.toString(), "-Y", "ip.src == " + lab.get("CLIENT_IP"));
        assertEquals(0, v4.exit(), v4.toString());
        assertEquals("", v4.out().trim(), "nothing of ours went over IPv4");
        lab.assertNoFirewallRuleLeft();
    }
}
