package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which UDP payloads the dissector decodes as DNS: the DNS ports always, any other port only for a strict DNS message. */
class DnsDissectorTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int SERVER = Ip4.parse("198.18.2.2");

    static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
        return Frames.udp(US, ROUTER, US_IP, SERVER, 1, UdpDatagram.of(sourcePort, destinationPort, payload));
    }

    static List<String> layers(byte[] frame) {
        return Dissector.dissect(frame).stream().map(Layer::name).toList();
    }

    static Layer last(byte[] frame) {
        List<Layer> l = Dissector.dissect(frame);
        return l.get(l.size() - 1);
    }

    static DnsMessage answer() {
        DnsMessage q = DnsMessage.query(0x1a2b, "www.synack.test", DnsType.A, true, 1232);
        return new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.AA | DnsMessage.RD, q.questions(),
                List.of(DnsMessage.Record.a("www.synack.test.", 300, Ip4.parse("198.18.2.2"))), List.of(), q.additional());
    }

    @Test
    void aQueryToAServerOnAnotherPortIsDecodedAsDns() {
        byte[] query = DnsMessage.query(0x1a2b, "www.synack.test", DnsType.A, true, 1232).toBytes();
        for (int port : List.of(5353, 5354, 8053)) {
            Layer dns = last(udp(40000, port, query));
            assertEquals("dns", dns.name(), "to port " + port);
            assertEquals("0x1a2b", dns.fields().get("id"));
            assertEquals(List.of("www.synack.test. IN A"), dns.fields().get("question"));
        }
    }

    @Test
    void anAnswerFromAServerOnAnotherPortIsDecodedAsDns() {
        for (int port : List.of(5353, 5354)) {
            Layer dns = last(udp(port, 40000, answer().toBytes()));
            assertEquals("dns", dns.name(), "from port " + port);
            assertEquals(List.of("www.synack.test. 300 IN A 198.18.2.2"), dns.fields().get("answer"));
            assertEquals("NOERROR", dns.fields().get("rcode"));
        }
    }

    @Test
    void port53StillDecodesAndSaysWhatIsMalformed() {
        assertEquals(List.of("eth", "ip", "udp", "dns"), layers(udp(53, 40000, answer().toBytes())));
        byte[] cut = Arrays.copyOf(answer().toBytes(), 20);
        Layer bad = last(udp(53, 40000, cut));
        assertEquals("malformed", bad.name());
        assertTrue(((String) bad.fields().get("error")).startsWith("DNS: "), bad.toString());
    }

    @Test
    void whatIsNotStrictlyDnsOnAnotherPortStaysRawUdp() {
        byte[] cut = Arrays.copyOf(answer().toBytes(), 20);
        byte[] padded = Arrays.copyOf(answer().toBytes(), answer().toBytes().length + 3); // bytes after the last record
        byte[] text = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] ntp = new byte[48];
        ntp[0] = 0x23; // NTP v4 client request
        byte[] zeros = new byte[12]; // a header with no question at all
        for (byte[] payload : List.of(cut, padded, text, ntp, zeros, new byte[0], new byte[] {1, 2, 3})) {
            assertEquals(List.of("eth", "ip", "udp"), layers(udp(40000, 5354, payload)), Arrays.toString(payload));
        }
    }

    @Test
    void randomPayloadsOnOtherPortsAreNeverTakenForDns() {
        Random r = new Random(4343);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[12 + r.nextInt(200)];
            r.nextBytes(payload);
            if (i % 2 == 0) {
                payload[4] = 0; // one question, as a DNS header would say: the rest must still parse exactly
                payload[5] = 1;
            }
            assertEquals(List.of("eth", "ip", "udp"), layers(udp(40000 + i % 1000, 9999, payload)));
        }
    }
}
