package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dns-resolve against dnsmasq and the lab's own root → test → synack.test hierarchy (nsd), checked against dig. */
class DnsLabIT {
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

    /** The answer data of synack's JSON result. */
    static Set<String> answers(Lab.Result r) {
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow(() ->
                new AssertionError("no result line:\n" + r));
        Set<String> data = new TreeSet<>();
        Matcher m = Pattern.compile("\"data\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(result.substring(result.indexOf("\"answers\":"),
                result.indexOf("\"authority\":")));
        while (m.find()) {
            data.add(m.group(1).replace("\\\"", "\""));
        }
        return data;
    }

    static Set<String> dig(String... args) {
        List<String> cmd = new ArrayList<>(List.of("dig", "+short", "@198.18.2.2"));
        cmd.addAll(List.of(args));
        Lab.Result r = lab.in("client", cmd.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyRecordTypeMatchesWhatDigGets() {
        String[][] queries = {{"www.synack.test", "A"}, {"www.synack.test", "AAAA"}, {"web.synack.test", "CNAME"},
            {"synack.test", "MX"}, {"synack.test", "TXT"}, {"_http._tcp.synack.test", "SRV"}, {"synack.test", "CAA"},
            {"mail.synack.test", "A"}, {"web.synack.test", "A"}};
        for (String[] q : queries) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "@198.18.2.2", q[0], q[1]);
            assertEquals(0, r.exit(), r.toString());
            Set<String> ours = answers(r);
            assertTrue(!ours.isEmpty(), q[0] + " " + q[1] + " has records:\n" + r);
            assertEquals(dig(q[0], q[1]), ours, q[0] + " " + q[1]);
        }
        Lab.Result ptr = lab.synack("dns-resolve", "--json", "@198.18.2.2", "-x", "198.18.2.2");
        assertEquals(0, ptr.exit(), ptr.toString());
        assertEquals(dig("-x", "198.18.2.2"), answers(ptr));
        // the authoritative server for NS and SOA
        for (String type : List.of("NS", "SOA")) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "--no-recurse", "@198.18.3.12", "synack.test", type);
            assertEquals(0, r.exit(), r.toString());
            Lab.Result d = lab.in("client", "dig", "+short", "+norec", "@198.18.3.12", "synack.test", type);
            assertEquals(d.out().lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new)),
                    answers(r), type);
        }
    }

    @Test
    void theTextNarratesFlagsSectionsAndTheTransaction() {
        Lab.Result r = lab.synack("dns-resolve", "@198.18.2.2", "www.synack.test");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("NONE → QUERY_SENT", "QUERY_SENT → ANSWERED", "flags: qr aa rd ra", "status NOERROR", "ANSWER:",
                "www.synack.test.             60  IN  A      198.18.2.2", "ID, ports and question match")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
    }

    @Test
    void nxdomainIsANegativeAnswerAndExpectChecksHold() {
        Lab.Result nx = lab.synack("dns-resolve", "-q", "@198.18.2.2", "nope.synack.test");
        assertEquals(1, nx.exit(), nx.toString());
        assertTrue(nx.out().contains("NXDOMAIN"), nx.toString());
        assertEquals(0, lab.synack("dns-resolve", "-q", "@198.18.2.2", "www.synack.test", "--expect", "A=198.18.2.2").exit());
        Lab.Result unmet = lab.synack("dns-resolve", "-q", "@198.18.2.2", "www.synack.test", "--expect", "A=192.0.2.1");
        assertEquals(1, unmet.exit(), unmet.toString());
        assertTrue(unmet.err().contains("expectation not met: A=192.0.2.1"), unmet.toString());
        assertEquals(0, lab.synack("dns-resolve", "-q", "@198.18.2.2", "nope.synack.test", "--expect", "RCODE=NXDOMAIN").exit());
    }

    @Test
    void theResolvConfServerIsTheDefault() {
        Lab.Result r = lab.synack("dns-resolve", "-q", "www.synack.test");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("198.18.2.2", r.out().trim());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverOurOwnTcp() {
        Lab.Result r = lab.synack("dns-resolve", "--no-edns", "@198.18.2.2", "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("QUERY_SENT → TRUNCATED"), r.toString());
        assertTrue(r.out().contains("SYN_SENT → ESTABLISHED") && r.out().contains("TIME_WAIT → CLOSED"), r.toString());
        assertTrue(r.out().contains("over TCP in"), r.toString());
        Lab.Result json = lab.synack("dns-resolve", "--json", "--no-edns", "@198.18.2.2", "big.synack.test", "TXT");
        Set<String> ours = answers(json);
        assertEquals(30, ours.size(), json.toString());
        assertEquals(dig("+tcp", "big.synack.test", "TXT"), ours);
    }

    @Test
    void traceWalksTheLabsOwnHierarchyFromTheRoot() {
        Lab.Result r = lab.synack("dns-resolve", "--trace", "--root-hints", lab.get("ROOT_HINTS"), "alias.synack.test");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("hop 1: ask a.root.test. (198.18.3.10)", "referral: test. is delegated to ns.test. (198.18.3.11)",
                "referral: synack.test. is delegated to ns.synack.test. (198.18.3.12)", "is an alias (CNAME) of web.synack.test.",
                "after 3 hops from the root")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.equals("198.18.2.2")), r.toString());
    }

    @Test
    void traceFindsTheAddressOfANameServerDelegatedWithoutGlue() {
        // test. delegates outside.test. to ns.elsewhere.synack.test. and gives no address for it
        Lab.Result noGlue = lab.in("client", "dig", "+norec", "@198.18.3.11", "www.outside.test", "A");
        assertTrue(noGlue.out().contains("ns.elsewhere.synack.test.") && noGlue.out().contains("ADDITIONAL: 1"),
                "the lab's referral carries no glue (only the OPT record):\n" + noGlue);
        Lab.Result r = lab.synack("dns-resolve", "--trace", "--root-hints", lab.get("ROOT_HINTS"), "www.outside.test");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("no glue", "first find ns.elsewhere.synack.test. A, from the root",
                "(finding ns.elsewhere.synack.test.) hop 3: ask ns.synack.test. (198.18.3.12)",
                "ns.elsewhere.synack.test. is 198.18.3.12: back to outside.test.",
                "hop 3: ask ns.elsewhere.synack.test. (198.18.3.12), a server for outside.test.",
                "after 3 hops from the root (and 3 more to find a name server's address)")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.equals("198.18.2.2")), r.toString());
    }

    @Test
    void bulkResolvesEveryNameAndStreamsTheAnswers(@TempDir Path dir) throws Exception {
        Path names = dir.resolve("names.txt");
        Files.writeString(names, "www.synack.test\nsynack.test MX\n# a comment\n\nnope.synack.test\nweb.synack.test\n");
        Lab.Result r = lab.synack("dns-resolve", "-q", "-f", names.toString(), "@198.18.2.2");
        assertEquals(1, r.exit(), "one NXDOMAIN makes it a negative answer:\n" + r);
        Set<String> lines = new TreeSet<>(r.out().lines().toList());
        assertTrue(lines.contains("www.synack.test. A NOERROR 198.18.2.2"), r.toString());
        assertTrue(lines.contains("synack.test. MX NOERROR 10 mail.synack.test."), r.toString());
        assertTrue(lines.contains("nope.synack.test. A NXDOMAIN"), r.toString());
        assertTrue(r.out().contains("4 names: 3 NOERROR, 1 negative, 0 timed out"), r.toString());
    }

    @Test
    void forgedAndMalformedRepliesAreAnnotatedAndIgnored() throws Exception {
        // the router drops dnsmasq's first reply so the forgeries certainly arrive first; the retry gets the real one
        Lab.Result drop = lab.in("router", "iptables", "-w", "-I", "FORWARD", "-p", "udp", "--sport", "53", "-m", "statistic",
                "--mode", "nth", "--every", "2", "--packet", "0", "-j", "DROP");
        assertEquals(0, drop.exit(), drop.toString());
        Process forger = null;
        try {
            String cp = System.getProperty("java.class.path");
            forger = new ProcessBuilder("ip", "netns", "exec", lab.get("NS_ROUTER"), "java", "-cp", cp, "synack.cli.lab.DnsForger", "br0")
                    .redirectErrorStream(true).start();
            BufferedReader in = new BufferedReader(new InputStreamReader(forger.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("ready")) {
                // slf4j's complaints about the test class path; the forger prints "ready" once capturing
            }
            assertEquals("ready", line);
            Lab.Result r = lab.synack("dns-resolve", "--timeout", "700ms", "@198.18.2.2", "www.synack.test");
            String forgerSays = in.readLine();
            assertTrue(forger.waitFor(10, TimeUnit.SECONDS));
            assertTrue(forgerSays != null && forgerSays.startsWith("forged 4 replies"), forgerSays);
            assertEquals(0, r.exit(), r.toString());
            for (String s : List.of("is not ours", "a forged or stale reply", "to port", "question evil.synack.test. A is not ours",
                    "dropped: malformed DNS reply", "QUERY_SENT → RETRY")) {
                assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
            }
            assertTrue(!r.out().contains("6.6.6.6\n") && r.out().lines().anyMatch(l -> l.equals("198.18.2.2")), r.toString());
        } finally {
            if (forger != null) {
                forger.destroyForcibly();
            }
            lab.in("router", "iptables", "-w", "-F", "FORWARD");
        }
    }

    @Test
    void aSilentServerTimesOutWithExit4() {
        // the server's firewall drops UDP 5354: nothing comes back at all
        Lab.Result r = lab.synack("dns-resolve", "--timeout", "300ms", "--retries", "1", "@198.18.2.2", "--port", "5354",
                "www.synack.test");
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.out().contains("QUERY_SENT → TIMED_OUT"), r.toString());
    }

    @Test
    void aPortWhereNothingListensIsARefusalAtOnce() {
        // nothing listens on UDP 5353: the server's kernel answers ICMP port unreachable, as dig reports it
        Lab.Result r = lab.synack("dns-resolve", "--timeout", "2s", "--retries", "2", "@198.18.2.2", "--port", "5353",
                "www.synack.test");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("QUERY_SENT → UNREACHABLE") && r.out().contains("connection refused: port unreachable"),
                r.toString());
        assertFalse(r.out().contains("RETRY"), "no retry after the ICMP answer:\n" + r);
    }

    @Test
    void badInputGetsOneLineAndExit2() {
        for (String[] args : List.of(new String[] {"dns-resolve", "www.synack.test", "BOGUS"},
                new String[] {"dns-resolve", "@1.2.3", "www.synack.test"}, new String[] {"dns-resolve", "-x", "1.2.3.999"},
                new String[] {"dns-resolve", "bad..name"})) {
            Lab.Result r = lab.synack(args);
            assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r);
            assertEquals(1, r.err().lines().count(), "one line of why:\n" + r);
        }
    }
}
