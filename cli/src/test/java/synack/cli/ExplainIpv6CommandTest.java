package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.cli.render.EventSchema;

/**
 * synack explain on a capture of IPv6 only (veth6-http-dns.pcap: curl -6 and dig -6, over UDP and
 * TCP, made by make-fixtures.sh): the connections and DNS transactions are told with RFC 5952
 * addresses ([v6]:port), the JSON follows the schema, and --flow N keeps its meaning.
 */
class ExplainIpv6CommandTest {
    static final String FIXTURE = ExplainCommandTest.capture("veth6-http-dns.pcap");

    @Test
    void ipv6ConnectionsAndDnsAreToldWithBracketedAddresses() {
        InProcess.Outcome o = InProcess.run("explain", "-q", FIXTURE);
        assertEquals(0, o.code(), o.toString());
        assertTrue(o.outLines().stream().anyMatch(l -> l.startsWith("tcp.0 [2001:db8:77::1]:") && l.contains(" → [2001:db8:77::2]:80: ")),
                o.toString());
        assertEquals(3, o.outLines().stream().filter(l -> l.startsWith("dns.") && l.contains(" → [2001:db8:77::2]:53 ")).count(),
                o.toString());

        Map<String, Object> r = ExplainCommandTest.result(FIXTURE);
        List<Map<String, Object>> tcp = ExplainCommandTest.list(r, "tcp");
        assertEquals(2, tcp.size(), tcp.toString());
        assertEquals("[2001:db8:77::2]:80", tcp.get(0).get("b"));
        assertEquals("[2001:db8:77::2]:53", tcp.get(1).get("b"), "dig +tcp");
        assertEquals(200, ExplainCommandTest.list(r, "http").get(0).get("status"));
        List<Map<String, Object>> dns = ExplainCommandTest.list(r, "dns");
        assertEquals(List.of("udp", "udp", "tcp"), dns.stream().map(d -> d.get("transport")).toList(), dns.toString());
        assertTrue(dns.stream().allMatch(d -> "[2001:db8:77::2]:53".equals(d.get("server"))), dns.toString());
    }

    @Test
    void theJsonFollowsTheSchema() {
        InProcess.Outcome o = InProcess.run("explain", "--json", FIXTURE);
        assertEquals(0, o.code(), o.toString());
        EventSchema.assertEveryLineValid(o.out());
    }

    @Test
    void neighbourDiscoveryIsToldAsWhoHasAndIsAtInSchemaValidJson() {
        InProcess.Outcome o = InProcess.run("explain", "--json", ExplainCommandTest.capture("veth6-ndp.pcap"));
        assertEquals(0, o.code(), o.toString());
        EventSchema.assertEveryLineValid(o.out());
        InProcess.Outcome text = InProcess.run("explain", ExplainCommandTest.capture("veth6-ndp.pcap"));
        assertTrue(text.out().contains("who-has: 2001:db8:77::1"), text.out());
        assertTrue(text.out().contains("is-at: 2001:db8:77::2 is at "), text.out());
        assertTrue(text.out().contains("duplicate address detection"), text.out());
    }

    @Test
    void flowKeepsOneIpv6Connection() {
        InProcess.Outcome one = InProcess.run("explain", "--json", "--flow", "1", FIXTURE);
        assertEquals(0, one.code(), one.toString());
        List<String> frames = one.out().lines().filter(l -> l.contains("\"event\":\"frame\"")).toList();
        assertEquals(10, frames.size(), "dig +tcp's ten segments");
        assertTrue(frames.stream().allMatch(l -> l.contains("\"stream\":1")), one.out());
    }
}
