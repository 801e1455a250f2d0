package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dns-resolve against DNS servers the lab itself does not run, started here in the lab's server namespace on addresses
 * of their own: bind9 (named) as a root, as a DNSSEC-signed zone's server with HTTPS/SVCB records, as a lame server
 * that REFUSES and one that answers SERVFAIL; and a server written here (python3) that misbehaves on purpose.
 *
 * <pre>
 *   198.18.2.20  named: the root zone "." (delegates signed. to .21 .24 .22, holds signed.'s DS)
 *   198.18.2.21  named: no zone, no recursion: REFUSED (lame)
 *   198.18.2.24  named: signed. as a secondary that never loaded: SERVFAIL (lame)
 *   198.18.2.22  named: signed., signed with dnssec-signzone (DNSKEY RRSIG NSEC), HTTPS, SVCB, an IDN
 *   198.18.2.23  python3: malformed replies, FORMERR to EDNS, no question, answers 2.5 s late
 *   198.18.2.25  unbound: a recursive resolver from that root, the reference for the lame servers
 * </pre>
 */
class DnsServersLabIT {
    static final String ROOT = "198.18.2.20", REFUSING = "198.18.2.21", SIGNED = "198.18.2.22", BAD = "198.18.2.23",
            SERVFAILING = "198.18.2.24", UNBOUND = "198.18.2.25";
    static Lab lab;
    static Path dir;
    static final List<Process> peers = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        lab = Lab.up();
        dir = Files.createTempDirectory("synack-dns-servers");
        for (String ip : List.of(ROOT, REFUSING, SIGNED, BAD, SERVFAILING, UNBOUND)) {
            Lab.Result r = lab.in("server", "ip", "addr", "add", ip + "/24", "dev", "s0");
            assertEquals(0, r.exit(), r.toString());
        }
        writeZones();
        Files.writeString(dir.resolve("named.conf"), namedConf());
        Files.writeString(dir.resolve("bad.py"), BAD_SERVER);
        Files.writeString(dir.resolve("hints"), ". 3600000 NS a.root.\na.root. 3600000 A " + ROOT + "\n");
        start(dir.resolve("named.log"), "named", "-g", "-c", dir.resolve("named.conf").toString());
        start(dir.resolve("bad.log"), "/usr/bin/python3", dir.resolve("bad.py").toString(), BAD, "53");
        Files.writeString(dir.resolve("unbound.conf"), unboundConf());
        start(dir.resolve("unbound.log"), "unbound", "-d", "-c", dir.resolve("unbound.conf").toString());
        // ready when each answers (named loads its zones, python binds)
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ready()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the DNS servers did not come up:\n" + Files.readString(dir.resolve("named.log"))
                        + Files.readString(dir.resolve("bad.log")));
            }
            Lab.sleep(200);
        }
    }

    private static boolean ready() {
        return lab.in("client", "dig", "+short", "+time=1", "+tries=1", "@" + SIGNED, "www.signed", "A").out().trim()
                .equals(SIGNED) && lab.in("client", "dig", "+short", "+time=1", "+tries=1", "@" + ROOT, ".", "SOA").out()
                .contains("a.root.") && lab.in("client", "dig", "+time=1", "+tries=1", "@" + BAD, "x.bad", "A").out()
                .contains("NXDOMAIN") && lab.in("client", "dig", "+time=1", "+tries=1", "@" + UNBOUND, ".", "SOA").out()
                .contains("status: NOERROR");
    }

    /** unbound as a recursive resolver from our root: the reference for what a resolver makes of the lame servers. */
    private static String unboundConf() {
        return """
                server:
                    interface: %2$s
                    port: 53
                    do-ip6: no
                    access-control: 198.18.0.0/15 allow
                    root-hints: "%1$s/hints"
                    chroot: ""
                    username: ""
                    directory: "%1$s"
                    pidfile: ""
                    use-syslog: no
                    logfile: ""
                    module-config: "iterator"
                    qname-minimisation: no
                    do-not-query-localhost: no
                    harden-referral-path: no
                    infra-host-ttl: 1
                remote-control:
                    control-enable: no
                """.formatted(dir, UNBOUND);
    }

    private static void start(Path log, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", lab.get("NS_SERVER")));
        full.addAll(List.of(cmd));
        peers.add(new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    @AfterAll
    static void down() {
        for (Process p : peers) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            Lab.run(30, "rm", "-rf", "--", dir.toString());
        }
    }

    private static void writeZones() throws Exception {
        Files.writeString(dir.resolve("signed.db"), """
                $TTL 300
                @ IN SOA ns3.signed. hostmaster.signed. 1 3600 600 86400 300
                @ IN NS ns1.signed.
                @ IN NS ns2.signed.
                @ IN NS ns3.signed.
                ns1 IN A 198.18.2.21
                ns2 IN A 198.18.2.24
                ns3 IN A 198.18.2.22
                www IN A 198.18.2.22
                www IN HTTPS 1 . alpn="h2,h3" port=8443 ipv4hint=198.18.2.22
                alias IN HTTPS 0 www.signed.
                _dns IN SVCB 1 ns3.signed. alpn=dot port=853 mandatory=alpn,port
                xn--bcher-kva IN A 198.18.2.22
                @ IN MX 10 www.signed.
                """);
        Path keys = dir.resolve("keys");
        Files.createDirectories(keys);
        for (String[] k : List.of(new String[] {"-f", "KSK"}, new String[0])) {
            List<String> cmd = new ArrayList<>(List.of("dnssec-keygen", "-q", "-K", keys.toString(), "-a", "ECDSAP256SHA256"));
            cmd.addAll(List.of(k));
            cmd.add("signed.");
            Lab.Result r = Lab.run(30, cmd.toArray(new String[0]));
            assertEquals(0, r.exit(), r.toString());
        }
        Lab.Result signed = Lab.run(30, "dnssec-signzone", "-q", "-S", "-K", keys.toString(), "-d", dir.toString(), "-o", "signed.",
                "-f", dir.resolve("signed.db.signed").toString(), dir.resolve("signed.db").toString());
        assertEquals(0, signed.exit(), signed.toString());
        String ds = Files.readString(dir.resolve("dsset-signed."));
        Files.writeString(dir.resolve("root.db"), """
                $TTL 3600
                . IN SOA a.root. hostmaster.root. 1 3600 600 86400 300
                . IN NS a.root.
                a.root. IN A 198.18.2.20
                signed. IN NS ns1.signed.
                signed. IN NS ns2.signed.
                signed. IN NS ns3.signed.
                ns1.signed. IN A 198.18.2.21
                ns2.signed. IN A 198.18.2.24
                ns3.signed. IN A 198.18.2.22
                """ + ds);
    }

    private static String namedConf() {
        return """
                options {
                    directory "%1$s";
                    pid-file none;
                    session-keyfile none;
                    listen-on port 53 { %2$s; %3$s; %4$s; %5$s; };
                    listen-on-v6 { none; };
                    recursion no;
                    dnssec-validation no;
                    notify no;
                };
                controls { };
                view root { match-destinations { %2$s; }; zone "." { type primary; file "%1$s/root.db"; }; };
                view refusing { match-destinations { %3$s; }; };
                view servfailing { match-destinations { %5$s; };
                    zone "signed." { type secondary; primaries { 198.18.2.99; }; }; };
                view signed { match-destinations { %4$s; }; zone "signed." { type primary; file "%1$s/signed.db.signed"; }; };
                """.formatted(dir, ROOT, REFUSING, SIGNED, SERVFAILING);
    }

    /** A DNS server that misbehaves on purpose, by the first label of the name asked. */
    static final String BAD_SERVER = """
            import socket, struct, sys, threading
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((sys.argv[1], int(sys.argv[2])))
            def qname_end(q):
                p = 12
                while q[p]:
                    p += 1 + q[p]
                return p + 1
            def header(i, flags, qd, an, ns=0, ar=0):
                return struct.pack('>HHHHHH', i, flags, qd, an, ns, ar)
            while True:
                q, peer = s.recvfrom(4096)
                if len(q) < 17:
                    continue
                i, = struct.unpack('>H', q[:2])
                end = qname_end(q)
                question = q[12:end + 4]
                label = q[13:13 + q[12]].decode('ascii', 'replace').lower()
                edns = struct.unpack('>H', q[10:12])[0] > 0
                a = b'\\xc0\\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) + socket.inet_aton(sys.argv[1])
                if label == 'short':      # the header promises an answer the datagram does not hold whole
                    r = header(i, 0x8400, 1, 1) + question + a[:7]
                elif label == 'rdlen0':   # an A record with rdlength 0
                    r = header(i, 0x8400, 1, 1) + question + b'\\xc0\\x0c' + struct.pack('>HHIH', 1, 1, 60, 0)
                elif label == 'loop':     # the answer's owner: a compression pointer to itself
                    p = 12 + len(question)
                    r = header(i, 0x8400, 1, 1) + question + struct.pack('>H', 0xc000 | p) + a[2:]
                elif label == 'noedns':   # EDNS-intolerant: FORMERR without the question to a query with OPT
                    r = header(i, 0x8401, 0, 0) if edns else header(i, 0x8400, 1, 1) + question + a
                elif label == 'noq':      # NOERROR without the question
                    r = header(i, 0x8400, 0, 0)
                elif label == 'late':     # every query answered 2.5 s late
                    r = header(i, 0x8400, 1, 1) + question + a
                    threading.Timer(2.5, s.sendto, (r, peer)).start()
                    continue
                else:
                    r = header(i, 0x8403, 1, 0) + question
                s.sendto(r, peer)
            """;

    // ------------------------------------------------------------------------------------------------ helpers

    /** The answer data of synack's JSON result. */
    static Set<String> answers(Lab.Result r) {
        return DnsLabIT.answers(r);
    }

    static Set<String> dig(String server, String... args) {
        List<String> cmd = new ArrayList<>(List.of("dig", "+short", "+norec", "+nosplit", "@" + server));
        cmd.addAll(List.of(args));
        Lab.Result r = lab.in("client", cmd.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    static String result(Lab.Result r) {
        return r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no result line:\n" + r));
    }

    static void contains(Lab.Result r, String... parts) {
        for (String s : parts) {
            assertTrue(r.out().contains(s) || r.err().contains(s), "missing '" + s + "':\n" + r);
        }
    }

    // ------------------------------------------------------------------------------------------------ bulk (issue 14)

    @Test
    void tenThousandNamesInBulkAreAllAnsweredByBindAndByUnbound(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // half www.signed (bind9 holds it; unbound finds it past the lame servers), half names that do not exist:
        // for unbound each one is a miss it resolves from the root, so its answers come at the pace of a recursion
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            sb.append(i % 2 == 0 ? "www.signed" : "h" + i + ".signed").append('\n');
        }
        Path names = tmp.resolve("names.txt");
        Files.writeString(names, sb.toString());
        for (String server : List.of(SIGNED, UNBOUND)) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "-f", names.toString(), "@" + server);
            assertEquals(1, r.exit(), "NXDOMAIN for half the names: a negative answer\n" + result(r));
            String result = result(r);
            for (String s : List.of("\"names\":10000", "\"noerror\":5000", "\"negative\":5000", "\"timed_out\":0", "\"in_flight\":{")) {
                assertTrue(result.contains(s), server + ": missing " + s + " in " + result);
            }
            assertEquals(5000, r.out().lines().filter(l -> l.contains("\"kind\":\"answer\"") && l.contains("\"rcode\":\"NOERROR\"")
                    && l.contains("\"name\":\"www.signed.\"") && l.contains(SIGNED)).count(), server);
            assertTrue(!r.out().contains("our capture dropped"), result);
        }
    }

    // ------------------------------------------------------------------------------------------------ item 1

    @Test
    void traceTriesTheZonesNextServerWhenOneIsLame() {
        // the root lists signed.'s three servers in an order of its own (random): two are lame, one REFUSES, one SERVFAILs
        Lab.Result digLame = lab.in("client", "dig", "+norec", "@" + REFUSING, "www.signed", "A");
        assertTrue(digLame.out().contains("status: REFUSED"), digLame.toString());
        Lab.Result digFail = lab.in("client", "dig", "+norec", "@" + SERVFAILING, "www.signed", "A");
        assertTrue(digFail.out().contains("status: SERVFAIL"), digFail.toString());
        boolean sawLame = false;
        // bind9 shuffles the NS records: in 8 traces a lame server comes first in all but (1/3)^8 of cases
        for (int i = 0; i < 8; i++) {
            Lab.Result r = lab.synack("dns-resolve", "--trace", "--root-hints", dir.resolve("hints").toString(), "--timeout", "1s",
                    "www.signed", "A");
            assertEquals(0, r.exit(), "run " + i + ":\n" + r);
            assertTrue(r.out().lines().anyMatch(l -> l.equals(SIGNED)), r.toString());
            sawLame |= r.out().contains("is lame for signed.");
        }
        assertTrue(sawLame, "in 8 traces a lame server came first at least once (each time with chance 2/3)");
        // unbound, from the same root, resolves it past the same lame servers
        Lab.Result u = lab.in("client", "dig", "+short", "+time=3", "+tries=1", "@" + UNBOUND, "www.signed", "A");
        assertEquals(SIGNED, u.out().trim(), u.toString());
        Lab.Result json = lab.synack("dns-resolve", "--json", "--trace", "--root-hints", dir.resolve("hints").toString(),
                "www.signed", "A");
        assertEquals(0, json.exit(), json.toString());
    }

    // ------------------------------------------------------------------------------------------------ item 2

    @Test
    void repliesThatArrivedButCannotBeUsedAreToldAndAreANegativeAnswer() {
        String[][] cases = {{"short.bad", "malformed", "is cut short"}, {"rdlen0.bad", "malformed", "has rdlength 0, not 4"},
            {"loop.bad", "malformed", "compression pointer"}, {"noq.bad", "question_count", "carries 0 questions"}};
        for (String[] c : cases) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "@" + BAD, "--timeout", "300ms", "--retries", "1", c[0], "A");
            assertEquals(1, r.exit(), c[0] + ": the server answered (badly): exit 1, not 4 (no answer at all)\n" + r);
            String result = result(r);
            assertTrue(result.contains("\"error\":\"no usable reply from " + BAD + " to 2 queries: 2 arrived and were refused"),
                    c[0] + ": " + result);
            assertTrue(result.contains("\"reason\":\"" + c[1] + "\"") && result.contains(c[2]), c[0] + ": " + result);
            assertTrue(r.out().contains("\"to\":\"REJECTED\""), c[0] + ":\n" + r);
        }
        // dig too takes none of them
        Lab.Result dig = lab.in("client", "dig", "+time=1", "+tries=1", "@" + BAD, "rdlen0.bad", "A");
        assertTrue(!dig.out().contains("ANSWER SECTION"), dig.toString());
    }

    @Test
    void formerrWithoutTheQuestionToEdnsIsAskedAgainWithoutEdnsAsDigDoes() {
        Lab.Result dig = lab.in("client", "dig", "+time=1", "+tries=1", "@" + BAD, "noedns.bad", "A");
        assertTrue(dig.out().contains(BAD), "dig gets the answer (without EDNS):\n" + dig);
        Lab.Result r = lab.synack("dns-resolve", "@" + BAD, "--timeout", "500ms", "noedns.bad", "A");
        assertEquals(0, r.exit(), r.toString());
        contains(r, "FORMERR to our EDNS query, without the question", "asking again without EDNS",
                "over UDP without EDNS (FORMERR to EDNS)");
        assertTrue(r.out().lines().anyMatch(l -> l.equals(BAD)), r.toString());
        Lab.Result json = lab.synack("dns-resolve", "--json", "@" + BAD, "--timeout", "500ms", "noedns.bad", "A");
        assertTrue(result(json).contains("\"edns_dropped\":true"), json.toString());
    }

    // ------------------------------------------------------------------------------------------------ item 5

    @Test
    void aReplyThatComesAfterTheRetryIsTimedFromTheTryItAnswers() {
        // every query answered 2.5 s late: the reply to try 1 comes 0.5 s after try 2; its ID says it answers try 1
        Lab.Result r = lab.synack("dns-resolve", "--json", "@" + BAD, "--timeout", "2s", "--retries", "1", "late.bad", "A");
        assertEquals(0, r.exit(), r.toString());
        String result = result(r);
        assertTrue(result.contains("\"answered_try\":1"), result);
        Matcher rtt = Pattern.compile("\"rtt_ms\":([0-9.]+)").matcher(result);
        assertTrue(rtt.find(), result);
        double ms = Double.parseDouble(rtt.group(1));
        assertTrue(ms > 2400 && ms < 2900, "RTT " + ms + " ms, from the first try (the server waits 2.5 s)");
    }

    // ------------------------------------------------------------------------------------------------ item 3

    @Test
    void theRootAndEitherOrderOfNameAndTypeAreAsked() {
        for (String type : List.of("NS", "SOA")) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "@" + ROOT, ".", type);
            assertEquals(0, r.exit(), r.toString());
            assertEquals(dig(ROOT, ".", type), answers(r), ". " + type);
        }
        Lab.Result typeFirst = lab.synack("dns-resolve", "--json", "MX", "signed", "@" + SIGNED);
        assertEquals(0, typeFirst.exit(), typeFirst.toString());
        assertEquals(dig(SIGNED, "signed", "MX"), answers(typeFirst));
    }

    @Test
    void dnssecAndServiceBindingRecordsReadAsDigPrintsThem() {
        String[][] queries = {{"signed", "DNSKEY"}, {"www.signed", "RRSIG"}, {"signed", "NSEC"}, {"www.signed", "HTTPS"},
            {"alias.signed", "HTTPS"}, {"_dns.signed", "SVCB"}, {"www.signed", "NSEC"}};
        for (String[] q : queries) {
            Lab.Result r = lab.synack("dns-resolve", "--json", "--no-recurse", "@" + SIGNED, q[0], q[1]);
            assertEquals(0, r.exit(), r.toString());
            Set<String> ours = answers(r);
            assertTrue(!ours.isEmpty(), q[0] + " " + q[1] + " has records:\n" + r);
            assertEquals(dig(SIGNED, q[0], q[1]), ours, q[0] + " " + q[1]);
        }
        Lab.Result ds = lab.synack("dns-resolve", "--json", "--no-recurse", "@" + ROOT, "signed", "DS");
        assertEquals(0, ds.exit(), ds.toString());
        assertTrue(!answers(ds).isEmpty(), ds.toString());
        assertEquals(dig(ROOT, "signed", "DS"), answers(ds));
    }

    // ------------------------------------------------------------------------------------------------ item 4

    @Test
    void traceOverTcpAsksEveryHopOverTcp() {
        Lab.Result r = lab.synack("dns-resolve", "--json", "--trace", "--tcp", "--root-hints", dir.resolve("hints").toString(),
                "--timeout", "1s", "www.signed", "A");
        assertEquals(0, r.exit(), r.toString());
        long syns = r.out().lines().filter(l -> l.contains("\"event\":\"frame\"") && l.contains("\"dir\":\"out\"")
                && l.contains("\"flags\":\"SYN\"")).count();
        long udpOut = r.out().lines().filter(l -> l.contains("\"event\":\"frame\"") && l.contains("\"dir\":\"out\"")
                && l.contains("\"udp\":")).count();
        assertTrue(syns >= 2, "a SYN to the root and to signed.'s server at least:\n" + r);
        assertEquals(0, udpOut, "no query over UDP:\n" + r);
        assertTrue(result(r).contains("\"data\":\"" + SIGNED + "\""), r.toString());
    }

    @Test
    void optionsThatCannotApplyAreRefusedInOneLine() throws IOException {
        Path names = dir.resolve("names");
        Files.writeString(names, "www.signed\n");
        for (String[] args : List.of(new String[] {"-f", names.toString(), "--tcp", "@" + SIGNED},
                new String[] {"-f", names.toString(), "--trace"},
                new String[] {"--trace", "@" + SIGNED, "www.signed"})) {
            List<String> all = new ArrayList<>(List.of("dns-resolve"));
            all.addAll(List.of(args));
            Lab.Result r = lab.synack(all.toArray(new String[0]));
            assertEquals(2, r.exit(), String.join(" ", args) + ":\n" + r);
            assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), String.join(" ", args) + ":\n" + r);
            assertTrue(r.out().isEmpty(), "nothing sent:\n" + r);
        }
    }

    // ------------------------------------------------------------------------------------------------ item 5

    @Test
    void anIdnIsAskedInItsPunycodeForm() {
        List<String> cmd = new ArrayList<>(List.of("env", "LC_ALL=C.UTF-8", "java", "-jar", Lab.jar(), "dns-resolve", "--json",
                "@" + SIGNED, "bücher.signed", "A"));
        Lab.Result r = lab.in("client", cmd.toArray(new String[0]));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(result(r).contains("\"name\":\"xn--bcher-kva.signed.\""), r.toString());
        assertEquals(Set.of(SIGNED), answers(r));
        Lab.Result dig = lab.in("client", "env", "LC_ALL=C.UTF-8", "dig", "+short", "+idnin", "@" + SIGNED, "bücher.signed", "A");
        assertEquals(SIGNED, dig.out().trim(), "dig converts it too (+idnin: on by default only on a terminal):\n" + dig);
    }
}
