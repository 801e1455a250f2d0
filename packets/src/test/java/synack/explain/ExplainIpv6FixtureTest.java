package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.capture.CaptureReader;
import synack.event.Event;
import synack.exchange.dns.DnsTransport;
import synack.exchange.tcp.TcpState;
import synack.wire.IpAddress;

/**
 * veth6-http-dns.pcap (make-fixtures.sh: curl -6 to python3 http.server, dig -6 over UDP and over
 * TCP to dnsmasq, on a veth pair of 2001:db8:77::/64) told by explain, against tshark's decode of
 * the same file (veth6-http-dns.pcap.explain.tsv): each TCP frame's stream is tcp.stream, no frame
 * has a finding where tshark has no tcp.analysis flag, the HTTP request and response are tshark's,
 * and each DNS transaction is a query/response pair of tshark's with its name, rcode and answer count.
 */
class ExplainIpv6FixtureTest {
    static final String FIXTURE = "veth6-http-dns.pcap";

    @TempDir
    Path dir;

    /** tshark's columns: frame, ipv6.src, ipv6.dst, tcp.stream, tcp.analysis.flags, http method, uri, code, dns id, qr, name, rcode, answers. */
    static List<String[]> golden() throws IOException {
        try (InputStream in = ExplainIpv6FixtureTest.class.getResourceAsStream("/captures/" + FIXTURE + ".explain.tsv")) {
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    rows.add(line.split("\t", -1));
                }
            }
            return rows;
        }
    }

    @Test
    void connectionsHttpAndDnsOverIpv6AreTsharks() throws IOException {
        Path file = dir.resolve(FIXTURE);
        try (InputStream in = getClass().getResourceAsStream("/captures/" + FIXTURE)) {
            Files.write(file, in.readAllBytes());
        }
        List<Event> events = new ArrayList<>();
        Explainer x = new Explainer(events::add, new Explainer.Settings(null, null));
        try (CaptureReader reader = CaptureReader.open(file, p -> { })) {
            x.run(reader, FIXTURE);
        }
        Map<Long, Integer> streams = new TreeMap<>();
        Map<Long, TreeSet<String>> findings = new TreeMap<>();
        for (Event e : events) {
            if (e instanceof Event.Frame f && f.captured() != null) {
                streams.put(f.captured().number(), f.captured().stream());
            }
            if (e instanceof Event.Note n && n.fields().get("finding") instanceof String k && n.fields().get("frame") instanceof Long at) {
                findings.computeIfAbsent(at, a -> new TreeSet<>()).add(k);
            }
        }
        List<String[]> golden = golden();
        assertEquals(golden.size(), streams.size(), "every frame told");
        int tcpStreams = 0;
        Map<String, String[]> dnsQueries = new LinkedHashMap<>();
        Map<String, String[]> dnsAnswers = new LinkedHashMap<>();
        String method = null;
        String uri = null;
        int status = -1;
        for (String[] g : golden) {
            long frame = Long.parseLong(g[0]);
            int expected = g[3].isEmpty() ? -1 : Integer.parseInt(g[3]);
            assertEquals(expected, streams.get(frame), "tcp.stream of frame " + frame);
            tcpStreams = Math.max(tcpStreams, expected + 1);
            if (g[4].isEmpty() && expected >= 0) {
                assertEquals(null, findings.get(frame), "frame " + frame + " has no tcp.analysis flag");
            }
            if (!g[5].isEmpty()) {
                method = g[5];
                uri = g[6];
            }
            if (!g[7].isEmpty()) {
                status = Integer.parseInt(g[7]);
            }
            if (!g[8].isEmpty()) {
                String key = g[8] + "/" + (expected >= 0 ? "tcp" : "udp");
                (g[9].equals("1") ? dnsAnswers : dnsQueries).put(key, g);
            }
        }
        assertEquals(tcpStreams, x.tcp().connections(), "tshark's conversation count");
        List<TcpFlowSummary> tcp = x.tcp().summaries();
        assertEquals(IpAddress.parse("2001:db8:77::1"), tcp.get(0).aIp());
        assertEquals(IpAddress.parse("2001:db8:77::2"), tcp.get(0).bIp());
        assertEquals("[2001:db8:77::2]:80", tcp.get(0).fields().get("b"));
        for (TcpFlowSummary s : tcp) {
            assertEquals(TcpState.TIME_WAIT, s.finalStateA(), s.toString());
            assertEquals(TcpState.CLOSED, s.finalStateB(), s.toString());
            assertEquals(0, s.retransmissions());
        }

        List<HttpExchangeSummary> http = x.applications().exchanges();
        assertEquals(1, http.size());
        assertEquals(method, http.get(0).method());
        assertEquals(uri, http.get(0).target());
        assertEquals(status, http.get(0).status());
        assertTrue(http.get(0).complete());

        List<DnsExchangeSummary> dns = x.dns().exchanges();
        assertEquals(dnsQueries.size(), dns.size());
        for (DnsExchangeSummary d : dns) {
            String key = "0x" + String.format("%04x", d.id()) + "/" + d.transport().key();
            String[] q = dnsQueries.get(key);
            String[] a = dnsAnswers.get(key);
            assertTrue(q != null && a != null, "tshark has the query and its response " + key);
            assertEquals(q[10] + ".", d.name());
            assertEquals(IpAddress.parse(q[1]), d.clientIp());
            assertEquals(IpAddress.parse(q[2]), d.serverIp());
            assertEquals(Integer.parseInt(a[12]), d.answers());
            assertEquals(Integer.parseInt(a[11]) == 0 ? "NOERROR" : "REFUSED", d.rcode(), key);
            assertEquals(d.transport() == DnsTransport.TCP ? Integer.parseInt(q[3]) : -1, d.tcpStream());
        }
    }
}
