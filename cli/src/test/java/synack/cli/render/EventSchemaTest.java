package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Remark;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Runner;
import synack.exchange.arp.ArpAnnounce;
import synack.exchange.arp.ArpProbe;
import synack.exchange.arp.ArpResolve;
import synack.exchange.dns.DnsBulk;
import synack.exchange.dns.DnsLookup;
import synack.exchange.scan.ProbeSpace;
import synack.exchange.scan.Shard;
import synack.exchange.scan.SipHash;
import synack.exchange.scan.SynSweep;
import synack.exchange.tcp.SynProbe;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.ArpPacket;
import synack.wire.Checksum;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.Ipv4Packet;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;
import synack.wire.UdpDatagram;

/**
 * docs/events.schema.json against what JsonRenderer writes: the real exchanges on a virtual wire
 * (a scripted peer: ARP replies, SYN,ACK on port 80, RST on 81, a DNS server; silence elsewhere),
 * synthetic events for the stories that need a whole peer, and proof that the schema can fail.
 */
class EventSchemaTest {
    static final long START = 1_700_000_000_000_000L;
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");
    static final int NOBODY = Ip4.parse("198.18.1.99");
    static final int SERVER = Ip4.parse("198.18.2.2");

    // ------------------------------------------------------------------ rendering

    /** The line JsonRenderer writes for one event of this command. */
    static String line(String command, Event e) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new JsonRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), command, START).accept(e);
        return b.toString(StandardCharsets.UTF_8).strip();
    }

    /** Every line of one exchange run to its end on virtual time against the scripted peer. */
    static String run(String command, Exchange exchange) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(EventSchemaTest::peer);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JsonRenderer json = new JsonRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), command, START);
        new Runner(wire[0], clock, json).run(exchange, () -> clock.nowMicros() > START + 60_000_000L);
        String out = b.toString(StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.contains("\"event\":\"result\"")).count(), out);
        assertTrue(lines.get(lines.size() - 1).contains("\"event\":\"result\""), out);
        return out;
    }

    /** The other end: the gateway answers ARP, the server SYN,ACKs port 80, RSTs 81, answers DNS unless asked a "silent" name. */
    static List<byte[]> peer(ReceivedFrame f) {
        try {
            EthernetFrame eth = EthernetFrame.parse(f.bytes());
            if (eth.etherType() == EthernetFrame.TYPE_ARP) {
                ArpPacket a = ArpPacket.parse(eth.payload());
                if (a.operation() == ArpPacket.REQUEST && a.targetIp() == GW_IP) {
                    return List.of(new ArpPacket(ArpPacket.REPLY, GW, GW_IP, a.senderMac(), a.senderIp()).toFrame(GW));
                }
                return List.of();
            }
            Frames.Tcp tcp = Frames.parseTcp(f.bytes());
            if (tcp != null) {
                TcpSegment s = tcp.segment();
                if (!s.has(TcpSegment.SYN) || s.has(TcpSegment.ACK) || s.destinationPort() > 81) {
                    return List.of();
                }
                TcpSegment answer = s.destinationPort() == 80
                        ? TcpSegment.of(80, s.sourcePort(), 777_000, s.seq() + 1, TcpSegment.SYN | TcpSegment.ACK, 64240,
                                new TcpSegment.Options(1460, 7, true, -1, -1, List.of()), new byte[0])
                        : TcpSegment.of(81, s.sourcePort(), 0, s.seq() + 1, TcpSegment.RST | TcpSegment.ACK, 0,
                                TcpSegment.Options.NONE, new byte[0]);
                return List.of(Frames.tcp(GW, US, tcp.ip().destination(), US_IP, 1, answer));
            }
            Frames.Udp udp = Frames.parseUdp(f.bytes());
            if (udp != null && udp.datagram().destinationPort() == 53) {
                DnsMessage q = DnsMessage.parse(udp.datagram().payload());
                DnsMessage.Question question = q.questions().get(0);
                if (question.name().startsWith("silent")) {
                    return List.of();
                }
                DnsMessage a = new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.RD | DnsMessage.RA, q.questions(),
                        List.of(new DnsMessage.Record(question.name(), DnsType.A, 1, 60, new byte[] {(byte) 198, 18, 2, 2}, "198.18.2.2")),
                        List.of(), List.of());
                return List.of(Frames.udp(GW, US, SERVER, US_IP, 2,
                        UdpDatagram.of(53, udp.datagram().sourcePort(), a.toBytes())));
            }
        } catch (synack.wire.MalformedFrameException e) {
            throw new AssertionError(e);
        }
        return List.of();
    }

    // ------------------------------------------------------------------ real exchanges

    @Test
    void arpResolveItsSweepProbeAndAnnounce() {
        Function<MacAddress, String> vendor = m -> m.equals(GW) ? "Lab Router Inc." : null;
        ArpResolve.Settings twice = new ArpResolve.Settings(2, 100_000, 200_000, 0);
        String resolve = run("arp-resolve", new ArpResolve(US, US_IP, List.of(GW_IP, NOBODY), twice, vendor, false));
        EventSchema.assertEveryLineValid(resolve);
        assertTrue(resolve.contains("\"exit\":1,\"ok\":false,\"answered\":[{\"ip\":\"198.18.1.1\""), resolve);
        EventSchema.assertEveryLineValid(run("arp-resolve", new ArpResolve(US, US_IP, List.of(GW_IP, NOBODY), twice, vendor, true)));
        // with RFC 5227's random first wait, as the command runs it (its note carries first_wait_ms)
        String free = run("arp-resolve", new ArpProbe(US, Ip4.parse("198.18.1.50"), new ArpProbe.Settings(2, 412_000, () -> 100_000L, 200_000)));
        assertTrue(free.contains("\"first_wait_ms\":412"), free);
        EventSchema.assertEveryLineValid(free);
        assertTrue(free.contains("\"state\":\"free\",\"holder\":null"), free);
        String taken = run("arp-resolve", new ArpProbe(US, GW_IP, new ArpProbe.Settings(2, () -> 100_000L, 200_000)));
        EventSchema.assertEveryLineValid(taken);
        assertTrue(taken.contains("\"state\":\"in-use\",\"holder\":\"02:00:00:00:00:01\""), taken);
        EventSchema.assertEveryLineValid(run("arp-resolve", new ArpAnnounce(US, US_IP, 2, 100_000)));
    }

    @Test
    void synProbeNarratedAndSwept() {
        String narrated = run("syn-probe", new SynProbe(new SynProbe.Path(US, GW, US_IP, SERVER, 40_000, 12_345),
                List.of(80, 81, 82), new SynProbe.Settings(0, 200_000, 1_000), 1));
        EventSchema.assertEveryLineValid(narrated);
        assertTrue(narrated.contains("\"state\":\"open\"") && narrated.contains("\"state\":\"closed\"")
                && narrated.contains("\"state\":\"filtered\""), narrated);
        String sweep = run("syn-probe", new SynSweep(new SynSweep.Path(US, US_IP, 40_001, true),
                new ProbeSpace(List.of(SERVER), List.of(79, 80, 81)), new MacAddress[] {GW}, new String[1],
                new SynSweep.Settings(10_000, 1, 200_000, Shard.WHOLE, 42, EnumSet.allOf(SynSweep.State.class), false),
                new SipHash(1, 2)));
        EventSchema.assertEveryLineValid(sweep);
        assertTrue(sweep.contains("\"kind\":\"answer\"") && sweep.contains("\"open_ports\":[{\"host\":\"198.18.2.2\",\"port\":80"), sweep);
    }

    @Test
    void handshakeRefusedAndTimedOut() {
        for (int port : List.of(81, 82)) {
            String out = run("handshake", new TcpConversation(new TcpConversation.Path(US, US_IP, GW, SERVER, true),
                    TcpConnection.Config.defaults(40_002, port, 1_000).withRetries(0).withInitialRto(200_000),
                    new TcpConversation.Plan(new byte[0], TcpConversation.Ending.CLOSE, 0, "handshake"), 1));
            EventSchema.assertEveryLineValid(out);
            assertTrue(out.contains("\"established\":false"), out);
        }
    }

    @Test
    void dnsResolveAnsweredSilentAndInBulk() {
        DnsLookup.Path path = new DnsLookup.Path(US, GW, US_IP, SERVER, 53);
        for (String name : List.of("www.synack.test", "silent.synack.test")) {
            String out = run("dns-resolve", new DnsLookup(path, DnsMessage.query(7, name, DnsType.A, true, 1232),
                    new DnsLookup.Settings(1, 200_000, false, 40_003, TcpConnection.Config.defaults(40_004, 53, 1), List.of(), null), 1));
            EventSchema.assertEveryLineValid(out);
        }
        String bulk = run("dns-resolve", new DnsBulk(path, List.of(new DnsBulk.Question("www.synack.test", DnsType.A),
                new DnsBulk.Question("silent.synack.test", DnsType.A)), new DnsBulk.Settings(10, 0, 200_000, true, 1232, 40_005),
                new Random(1)));
        EventSchema.assertEveryLineValid(bulk);
        assertTrue(bulk.contains("\"rcode\":null") && bulk.contains("\"timed_out\":1"), bulk);
    }

    // ------------------------------------------------------------------ synthetic: frames, notes, whole-peer stories

    static byte[] fragmentOf(byte[] frame) {
        byte[] f = frame.clone();
        int ip = EthernetFrame.HEADER_LENGTH;
        f[ip + 6] = 0x20; // MF, offset 0
        f[ip + 10] = 0;
        f[ip + 11] = 0;
        int sum = Checksum.compute(f, ip, Ipv4Packet.MIN_HEADER);
        f[ip + 10] = (byte) (sum >>> 8);
        f[ip + 11] = (byte) sum;
        return f;
    }

    static byte[] fragmentationNeeded(byte[] ourFrame) {
        byte[] quoted = java.util.Arrays.copyOfRange(ourFrame, EthernetFrame.HEADER_LENGTH, EthernetFrame.HEADER_LENGTH + 28);
        byte[] icmp = new byte[8 + quoted.length];
        icmp[0] = 3;
        icmp[1] = 4;
        icmp[6] = 0x05;
        icmp[7] = 0x00; // next hop MTU 1280
        System.arraycopy(quoted, 0, icmp, 8, quoted.length);
        int sum = Checksum.compute(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        byte[] ip = Ipv4Packet.build(GW_IP, US_IP, Ipv4Packet.PROTO_ICMP, 9, 63, icmp);
        return new EthernetFrame(US, GW, EthernetFrame.TYPE_IPV4, ip).toBytes();
    }

    @Test
    void framesOfEveryLayerTransitionsAndNotes() {
        byte[] syn = Frames.tcp(US, GW, US_IP, SERVER, 1, TcpSegment.of(40_000, 80, 123, 0, TcpSegment.SYN, 64240,
                new TcpSegment.Options(1460, 7, true, 1_000, 0, List.of()), new byte[0]));
        byte[] dns = Frames.udp(US, GW, US_IP, SERVER, 2, UdpDatagram.of(40_003, 53,
                DnsMessage.query(7, "www.synack.test", DnsType.A, true, 1232).toBytes()));
        List<Event> events = List.of(
                new Event.Frame(START + 10, Event.Direction.OUT, ArpPacket.request(US, US_IP, GW_IP).toFrame(US), Remark.of("who-has"), false),
                new Event.Frame(START + 20, Event.Direction.OUT, syn, Remark.NONE, false),
                new Event.Frame(START + 30, Event.Direction.OUT, dns, Remark.of("try 1 of 2"), false),
                new Event.Frame(START + 40, Event.Direction.IN, fragmentationNeeded(syn), Remark.NONE, false),
                new Event.Frame(START + 50, Event.Direction.IN, fragmentOf(dns), Remark.of("held until whole"), false),
                new Event.Frame(START + 60, Event.Direction.IN, dns, Remark.of("reassembled"), false, 3),
                new Event.Frame(START + 70, Event.Direction.IN, new byte[5], Remark.of("dropped: too short"), false),
                new Event.Transition(START + 80, "client", Event.Endpoint.LOCAL, "CLOSED", "SYN_SENT", "SYN sent", false, "why", false),
                new Event.Transition(START + 90, "server", Event.Endpoint.PEER, "LISTEN", "SYN_RECEIVED", "our SYN", true, "why", false),
                new Event.Note(START, Event.Note.Kind.HEADER, "arp-resolve ...", Map.of("interface", "c0", "source", "198.18.1.2",
                        "mac", "02:00:00:00:00:02")),
                new Event.Note(START, Event.Note.Kind.HEADER, "syn-probe ...", Map.of("interface", "c0", "seed", "18446744073709551615")),
                new Event.Note(START, Event.Note.Kind.SECTION, "TCP handshake with 198.18.2.2:80", Map.of()),
                new Event.Note(START, Event.Note.Kind.PHASE, "ARP 198.18.1.1: ...", Map.of("phase", "ARP 198.18.1.1", "exit", 0)),
                new Event.Note(START, Event.Note.Kind.INFO, "pass 1: ...", Map.of("pass", 1, "sent", 3)),
                new Event.Note(START, Event.Note.Kind.INFO, "checksum left to offload ...", Map.of("checksum", "offloaded")),
                new Event.Note(START, Event.Note.Kind.WARNING, "our capture dropped 3 frames", Map.of("capture_drops", 3L)),
                new Event.Note(START, Event.Note.Kind.WARNING, "... given up (timeout)", Map.of("reassembly", "TIMEOUT")));
        String command = "dns-resolve";
        for (Event e : events) {
            EventSchema.assertValid(line(command, e));
        }
        String icmp = line(command, events.get(3));
        assertTrue(icmp.contains("\"icmp\":{\"type\":3,\"code\":4,\"meaning\":") && icmp.contains("\"mtu\":1280")
                && icmp.contains("\"quoted_dport\":80"), icmp);
        assertTrue(line(command, events.get(4)).contains("\"fragment\":{\"offset\":0"), line(command, events.get(4)));
        assertTrue(line(command, events.get(6)).contains("\"malformed\":{\"error\":"), line(command, events.get(6)));
    }

    static Event.Result result(Verdict verdict, Map<String, Object> fields) {
        return new Event.Result(START + 1_000, verdict, List.of(), null, fields);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final String SHA = "a".repeat(64);

    @Test
    void resultsOfTheStoriesThatNeedAWholePeer() {
        Map<String, Object> established = map("ok", true, "peer", "198.18.2.2:80", "local", "198.18.1.2:40000", "established", true,
                "outcome", "TIME_WAIT over", "isn", 4_000_000_000L, "peer_isn", 12L, "rtt_ms", 0.25, "established_ms", 0.3,
                "bytes_received", 0L, "elapsed_ms", 2001.5);
        Map<String, Object> response = map("url", "http://www.synack.test/", "status", 200, "reason", "OK", "bytes", 26L, "sha256", SHA,
                "content_type", null, "framing", "length", "ttfb_ms", 1.5);
        Map<String, Object> timing = map("namelookup_ms", 0.9, "connect_ms", null, "ttfb_ms", 2.0, "total_ms", 3.0, "mb_per_s", 0.01);
        Map<String, Object> hop = map("zone", ".", "server", "a.root.test.", "ip", "198.18.3.10", "rcode", "NOERROR", "aa", false,
                "outcome", "referral to test.");
        Map<String, Object> hop6 = map("zone", "test.", "server", "ns.test.", "ip", "2001:db8:3::11", "rcode", "NOERROR", "aa", false,
                "outcome", "referral to synack.test.");
        Map<String, Object> record = map("name", "www.synack.test.", "type", "A", "ttl", 60L, "data", "198.18.2.2");
        Object[][] cases = {
            {"handshake", Verdict.OK, established},
            {"fin-teardown", Verdict.INTERRUPTED, established},
            {"handshake", Verdict.OK, map("ok", true, "connection", 1, "peer", "198.18.2.2:80", "state", "ESTABLISHED")},
            {"handshake", Verdict.NEGATIVE, map("ok", false, "error", "next hop 198.18.1.1 did not answer ARP")},
            {"syn-probe", Verdict.INTERRUPTED, map("ok", false, "error", "interrupted")},
            {"dns-resolve", Verdict.OK, map("ok", true, "name", "alias.synack.test", "type", "A", "rcode", "NOERROR",
                    "answers", List.of(record), "cnames", List.of("alias.synack.test. → web.synack.test."), "family", "ipv4",
                    "hops", List.of(hop), "server_address_hops", 0, "elapsed_ms", 12.0, "unmet", List.of())},
            {"dns-resolve", Verdict.OK, map("ok", true, "name", "www.synack.test.", "type", "AAAA", "rcode", "NOERROR",
                    "answers", List.of(record), "cnames", List.of(), "family", "ipv6", "hops", List.of(hop6),
                    "server_address_hops", 0, "elapsed_ms", 12.0)},
            {"dns-resolve", Verdict.NEGATIVE, map("ok", false, "error", "more than 30 hops: a referral loop?", "family", "ipv4",
                    "hops", List.of(hop))},
            {"dns-resolve", Verdict.NEGATIVE, map("ok", false, "error", "ns.v4.test., the server for v4.test., has no IPv6 address",
                    "family", "ipv6", "hops", List.of(hop6))},
            {"dns-resolve", Verdict.INTERRUPTED, map("ok", false)},
            {"http-get", Verdict.OK, map("status", 200, "reason", "OK", "url", "http://www.synack.test/", "bytes", 26L, "sha256", SHA,
                    "timing", timing, "responses", List.of(response), "tcp", "TIME_WAIT over", "ok", true)},
            {"http-get", Verdict.NEGATIVE, map("status", 404, "reason", "Not Found", "url", "http://www.synack.test/x", "bytes", 0L,
                    "sha256", SHA, "timing", timing, "unmet", List.of("a status below 400 (got 404 Not Found)"),
                    "responses", List.of(response), "http_error", "the connection closed mid-body", "tcp", "reset by peer", "ok", false)},
            {"http-get", Verdict.NO_ANSWER, map("ok", false)},
            {"http-get", Verdict.NEGATIVE, map("ok", false, "error", "could not resolve nope.synack.test: NXDOMAIN, no A record")},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) c[2];
            EventSchema.assertValid(line((String) c[0], result((Verdict) c[1], fields)));
        }
    }

    // ------------------------------------------------------------------ the schema can fail

    @Test
    void aMissingKeyAMisspelledKeyAndAWrongTypeAreRejected() {
        String good = line("arp-resolve", result(Verdict.OK, map("ok", true, "address", "198.18.1.2", "mac", "02:00:00:00:00:02",
                "announcements", 2)));
        EventSchema.assertValid(good);
        List<String> bad = new ArrayList<>(List.of(
                good.replace("\"v\":1,", ""),                                  // the version is required
                good.replace("\"v\":1", "\"v\":2"),                            // and it is 1
                good.replace(",\"mac\":\"02:00:00:00:00:02\"", ""),            // a result key is missing
                good.replace("\"announcements\"", "\"announcement\""),        // misspelled
                good.replace("\"announcements\":2", "\"announcements\":\"2\""), // a string, not an integer
                good.replace("\"exit\":0", "\"exit\":2"),                      // no result line exits 2
                good.replace("\"ok\":true", "\"ok\":false"),                   // exit 0 is ok
                good.replace("\"command\":\"arp-resolve\"", "\"command\":\"arp_resolve\""),
                good.replace("\"event\":\"result\"", "\"event\":\"answer\""),
                good.substring(0, good.length() - 1)));                        // not JSON
        String frame = line("arp-resolve", new Event.Frame(START, Event.Direction.IN,
                ArpPacket.request(US, US_IP, GW_IP).toFrame(US), Remark.NONE, false));
        EventSchema.assertValid(frame);
        bad.add(frame.replace("\"dir\":\"in\"", "\"dir\":\"inbound\""));
        bad.add(frame.replace("\"arp\":{", "\"arpp\":{"));
        bad.add(frame.replace("\"spa\":", "\"sender_ip\":"));
        bad.add(frame.replaceFirst("\"len\":\\d+", "\"len\":42.5"));       // an integer
        String note = line("syn-probe", new Event.Note(START, Event.Note.Kind.PHASE, "ARP", Map.of("phase", "ARP", "exit", 0)));
        EventSchema.assertValid(note);
        bad.add(note.replace("\"kind\":\"phase\"", "\"kind\":\"step\""));
        bad.add(note.replace(",\"exit\":0", ""));
        for (String b : bad) {
            assertFalse(EventSchema.problems(b).isEmpty(), "the schema should reject:\n  " + b);
        }
    }

    // ------------------------------------------------------------------ the README's example

    @Test
    void theReadmesExampleLinesAreValid() throws Exception {
        String readme = Files.readString(EventSchema.file().getParent().getParent().resolve("README.md"));
        List<String> examples = readme.lines().filter(l -> l.startsWith("{\"t\":")).toList();
        assertFalse(examples.isEmpty(), "README.md shows JSON event lines");
        examples.forEach(EventSchema::assertValid);
    }
}
