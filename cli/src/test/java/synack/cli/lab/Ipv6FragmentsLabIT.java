package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.cli.render.EventSchema;

/**
 * IPv6 fragment reassembly against a real sender: the lab's dnsmasq answers big.synack.test TXT (30 records,
 * 1,634 bytes) over UDP over IPv6 when the query's EDNS buffer allows 4,096 bytes, and its kernel cuts the
 * 1,682-byte datagram into two fragments at the 1,500-byte MTU (IPv6 routers never fragment: the sending host
 * does, RFC 8200 4.5). synack must read the answer as dig -6 does in the same namespace, tell each fragment, and
 * write the fragments to -w as they came, so tshark reassembles them itself without a warning.
 */
class Ipv6FragmentsLabIT {
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

    @Test
    void aFragmentedAnswerOverIpv6IsReassembledAsDigMinusSixReadsIt() {
        Lab.Result r = lab.synack("dns-resolve", "-6", "--bufsize", "4096", "@" + server(), "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("IPv6 fragment id 0x", "bytes 0-1448, more follow", "held until " + server() + " → "
                + lab.get("CLIENT_IP6"), "reassembled from 2 fragments, 1682 bytes (RFC 8200 4.5)", "(reassembled from 2 fragments)",
                "30 answers from " + server() + " over UDP over IPv6")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        assertFalse(r.out().contains("over TCP"), "answered over UDP, not asked again over TCP:\n" + r);
        assertFalse(r.err().contains("Exception"), r.toString());

        Lab.Result q = lab.synack("dns-resolve", "-q", "-6", "--bufsize", "4096", "@" + server(), "big.synack.test", "TXT");
        Lab.Result dig = lab.in("client", "dig", "-6", "+short", "+bufsize=4096", "+notcp", "+ignore", "+time=2", "+tries=2",
                "@" + server(), "big.synack.test", "TXT");
        assertEquals(0, q.exit(), q.toString());
        assertEquals(0, dig.exit(), dig.toString());
        assertEquals(RealNetworkLabIT.sorted(dig.out()), RealNetworkLabIT.sorted(q.out()), "the same records as dig -6");
        assertEquals(30, q.out().trim().split("\n").length);
    }

    @Test
    void theJsonTellsEachFragmentAndTheDatagramTheyMade() {
        Lab.Result r = lab.synack("dns-resolve", "--json", "-6", "--bufsize", "4096", "@" + server(), "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        EventSchema.assertEveryLineValid(r.out());
        List<String> fragments = r.out().lines().filter(l -> l.contains("\"fragment\":{")).toList();
        assertEquals(2, fragments.size(), r.out());
        assertTrue(fragments.get(0).contains("\"fragment\":{\"offset\":0,\"length\":1448,\"more_fragments\":true}"), fragments.get(0));
        assertTrue(fragments.get(1).contains("\"offset\":1448,\"length\":194,\"more_fragments\":false"), fragments.get(1));
        assertEquals(1, r.out().lines().filter(l -> l.contains("\"reassembled_from\":2") && l.contains("\"dns\":{")).count(), r.out());
        assertEquals(30, DnsLabIT.answers(r).size());
    }

    @Test
    void theFragmentsWrittenToMinusWReassembleInTsharkWithoutWarnings(@TempDir Path dir) {
        Path pcap = dir.resolve("frag6.pcap");
        Lab.Result r = lab.synack("dns-resolve", "-w", pcap.toString(), "-6", "--bufsize", "4096", "@" + server(),
                "big.synack.test", "TXT");
        assertEquals(0, r.exit(), r.toString());
        Lab.Result expert = Lab.run(60, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exit(), expert.toString());
        assertFalse(expert.out().contains("Warning") || expert.out().contains("Error"), expert.toString());
        // tshark puts the datagram together from our capture's two fragments and reads the 30 answers in it
        Lab.Result answer = Lab.run(30, "tshark", "-r", pcap.toString(), "-Y", "dns.flags.response == 1 && ipv6.src == " + server(),
                "-T", "fields", "-e", "ipv6.fragment.count", "-e", "ipv6.reassembled.length", "-e", "dns.count.answers");
        assertEquals(0, answer.exit(), answer.toString());
        assertEquals("2\t1642\t30", answer.out().trim(), answer.toString());
        Lab.Result pieces = Lab.run(30, "tshark", "-r", pcap.toString(), "-Y", "ipv6.fraghdr.offset == 0 && ipv6.fraghdr.more == 1");
        assertEquals(1, pieces.out().lines().filter(l -> !l.isBlank()).count(), "the first fragment as it crossed the wire:\n" + pieces);
    }
}
