package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.exchange.Runner;
import synack.exchange.dns.DnsLookup;
import synack.exchange.tcp.TcpConnection;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

/** dns-resolve over IPv6 in JSON: its IPv6 frames, the AAAA answer and the result's server and family, against the schema. */
class DnsIpv6SchemaTest {
    static final long START = 1_700_000_000_000_000L;
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final IpAddress US_IP = IpAddress.parse("2001:db8:1::2");
    static final IpAddress SERVER = IpAddress.parse("2001:db8:2::2");

    /** A server answering every AAAA question with 2001:db8:2::2, over IPv6 UDP; silent otherwise. */
    static List<byte[]> server(ReceivedFrame f) {
        try {
            Ipv6Packet ip = Ipv6Packet.parse(EthernetFrame.parse(f.bytes()).payload());
            UdpDatagram d = Frames6.parseUdp(ip);
            DnsMessage q = DnsMessage.parse(d.payload());
            DnsMessage a = new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.AA | DnsMessage.RD, q.questions(),
                    List.of(DnsMessage.Record.of("www.synack.test.", DnsType.AAAA, 300, SERVER.bytes())), List.of(), List.of());
            return List.of(Frames6.udp(GW, US, SERVER.bytes(), ip.source(), UdpDatagram.of(53, d.sourcePort(), a.toBytes())));
        } catch (MalformedFrameException e) {
            return List.of();
        }
    }

    @Test
    void anAaaaAnswerOverIpv6IsValidJson() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(DnsIpv6SchemaTest::server);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JsonRenderer json = new JsonRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), "dns-resolve", START);
        DnsLookup lookup = new DnsLookup(new DnsLookup.Path(US, GW, US_IP, SERVER, 53),
                DnsMessage.query(7, "www.synack.test", DnsType.AAAA, true, 1232), new DnsLookup.Settings(1, 200_000, false, 40_003,
                TcpConnection.Config.defaults(40_004, 53, 1), List.of(), null), 1);
        new Runner(wire[0], clock, json).run(lookup, () -> clock.nowMicros() > START + 60_000_000L);
        String out = b.toString(StandardCharsets.UTF_8);
        EventSchema.assertEveryLineValid(out);
        String last = out.strip().lines().reduce((x, y) -> y).orElseThrow();
        assertTrue(last.contains("\"server\":\"2001:db8:2::2\"") && last.contains("\"family\":\"ipv6\"")
                && last.contains("\"type\":\"AAAA\",\"ttl\":300,\"data\":\"2001:db8:2::2\""), last);
    }
}
