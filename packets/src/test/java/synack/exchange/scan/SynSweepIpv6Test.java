package synack.exchange.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.time.VirtualClock;
import synack.wire.ChecksumStatus;
import synack.wire.Checksum6;
import synack.wire.Frames;
import synack.wire.Frames6;
import synack.wire.IpAddress;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.TcpSegment;

/** The stateless sweep over IPv6 against scripted kernels behind a router, in virtual time. */
class SynSweepIpv6Test {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final IpAddress US_IP = IpAddress.parse("2001:db8:1::2");
    static final int SPORT = 61234;
    static final IpAddress A = IpAddress.parse("2001:db8:2::2");
    static final IpAddress B = IpAddress.parse("2001:db8:2::10");
    static final IpAddress C = IpAddress.parse("2001:db8:3::0:0:1");
    static final long START = 1_700_000_000_000_000L;
    static final SipHash KEY = new SipHash(5, 6);

    record Run(List<Event> events, SimulatedHosts6 peers) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        Set<String> told(String state) {
            return events.stream().filter(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER
                            && state.equals(n.fields().get("state")))
                    .map(e -> ((Event.Note) e).fields().get("host") + " " + ((Event.Note) e).fields().get("port"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static SynSweep.Settings settings(int retries, Shard shard) {
        return new SynSweep.Settings(100_000, retries, 1_000_000, shard, 7, EnumSet.allOf(SynSweep.State.class), false);
    }

    static SimulatedHosts6 threeHosts() {
        return new SimulatedHosts6()
                .host(A.toString(), Set.of(80, 443), Set.of(), Map.of())
                .host(B.toString(), Set.of(22), Set.of(443), Map.of(8080, 1))
                .host(C.toString(), Set.of(), Set.of(), Map.of(80, 4));
    }

    static Run run(SimulatedHosts6 peers, List<IpAddress> hosts, List<Integer> ports, SynSweep.Settings s,
                   java.util.function.Consumer<MemoryLink> before) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 200);
        before.accept(wire[0]);
        wire[1].respondWith(peers::answer);
        List<Event> events = new ArrayList<>();
        ProbeSpace space = ProbeSpace.of(hosts, ports);
        MacAddress[] hops = new MacAddress[hosts.size()];
        java.util.Arrays.fill(hops, SimulatedHosts6.ROUTER);
        SynSweep sweep = new SynSweep(new SynSweep.Path(US, US_IP, SPORT, false), space, hops, null, s, KEY);
        new Runner(wire[0], clock, events::add).run(sweep, () -> false);
        return new Run(events, peers);
    }

    @Test
    void threeHostsTimesFourPortsAreOpenClosedFilteredByIcmpv6OrSilent() {
        SimulatedHosts6 peers = threeHosts();
        Run r = run(peers, List.of(C, B, A), List.of(22, 80, 443, 8080), settings(1, Shard.WHOLE), l -> { });
        assertEquals(Set.of("2001:db8:2::2 80", "2001:db8:2::2 443", "2001:db8:2::10 22"), r.told("open"));
        assertEquals(Set.of("2001:db8:2::10 443", "2001:db8:2::10 8080", "2001:db8:3::1 80"), r.told("filtered"));
        Event.Result res = r.result();
        assertEquals(Verdict.OK, res.verdict());
        assertEquals(3, res.fields().get("open"));
        assertEquals(6L, res.fields().get("closed"));
        assertEquals(2L, res.fields().get("filtered_icmp"));
        assertEquals(1L, res.fields().get("filtered_silent"));
        assertEquals(0L, res.fields().get("forged"));
        assertEquals(0, peers.badChecksums, "every SYN's checksum is valid over the IPv6 pseudo-header");
        // the silent port was asked twice (one retry); the others once
        assertEquals(2, peers.synsSeen.get(B.withPort(443)));
        assertEquals(1, peers.synsSeen.get(A.withPort(80)));
        // the open ports listed by address, then port; host text as RFC 5952 writes it
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> open = (List<Map<String, Object>>) res.fields().get("open_ports");
        assertEquals(List.of("2001:db8:2::2 80", "2001:db8:2::2 443", "2001:db8:2::10 22"),
                open.stream().map(m -> m.get("host") + " " + m.get("port")).toList());
        assertEquals(64, open.get(0).get("ttl"), "the hop limit the answer came with");
        // the ICMPv6 reasons: RFC 4443 codes in words, and who said it
        Set<String> reasons = r.events().stream().filter(e -> e instanceof Event.Note n && "filtered".equals(n.fields().get("state")))
                .map(e -> String.valueOf(((Event.Note) e).fields().get("reason"))).collect(Collectors.toSet());
        assertEquals(Set.of("icmp6 communication administratively prohibited from 2001:db8:1::1",
                "icmp6 port unreachable from 2001:db8:1::1", "no-response"), reasons);
        // every open port got our RST over IPv6 at seq = cookie + 1
        assertEquals(3, peers.rstsSeen.size());
        for (TcpSegment rst : peers.rstsSeen) {
            assertTrue(rst.has(TcpSegment.RST) && !rst.has(TcpSegment.ACK), "a bare RST: " + rst);
            IpAddress host = rst.destinationPort() == 22 ? B : A; // the open ports: A 80 and 443, B 22
            assertEquals(SynSweep.cookieOf(KEY, US_IP, SPORT, host, rst.destinationPort()) + 1, rst.seq(),
                    "the RST's seq is our SYN's cookie + 1, in the server's window: " + rst);
        }
        assertTrue(res.summary().contains("2001:db8:2::10: 1 open, 1 closed, 2 filtered"), res.summary());
    }

    @Test
    void aSynAckWhoseAckIsNotOurCookieIsForgedAndIgnored() {
        SimulatedHosts6 peers = new SimulatedHosts6().host(A.toString(), Set.of(), Set.of(), Map.of());
        int cookie = SynSweep.cookieOf(KEY, US_IP, SPORT, A, 80);
        TcpSegment forged = TcpSegment.of(80, SPORT, 1234, cookie + 2, TcpSegment.SYN | TcpSegment.ACK, 64800,
                TcpSegment.Options.NONE, new byte[0]);
        Run r = run(peers, List.of(A), List.of(80), settings(0, Shard.WHOLE),
                us -> us.inject(Frames6.tcp(SimulatedHosts6.ROUTER, US, A.bytes(), US_IP.bytes(), forged), START + 10));
        assertEquals(Set.of(), r.told("open"), "the forged SYN,ACK does not make 80 open");
        assertEquals(Set.of("2001:db8:2::2 80"), r.told("closed"), "the real answer still counts");
        assertEquals(1L, r.result().fields().get("forged"));
        assertEquals(0, peers.rstsSeen.size(), "no RST for a SYN,ACK we never asked for");
    }

    @Test
    void threeShardsAskEveryProbeOnceAndTogetherFindWhatTheWholeFinds() {
        List<IpAddress> hosts = List.of(A, B, C);
        List<Integer> ports = List.of(22, 80, 443, 8080, 9000);
        Set<String> open = new TreeSet<>();
        SimulatedHosts6 peers = threeHosts();
        for (int i = 0; i < 3; i++) {
            open.addAll(run(peers, hosts, ports, settings(0, new Shard(i, 3)), l -> { }).told("open"));
        }
        assertEquals(15, peers.synsSeen.size(), "every (host, port) asked");
        assertTrue(peers.synsSeen.values().stream().allMatch(n -> n == 1), "by one shard only: " + peers.synsSeen);
        assertEquals(run(threeHosts(), hosts, ports, settings(0, Shard.WHOLE), l -> { }).told("open"), open);
    }

    @Test
    void theProbeFrameIsEthernetIpv6AndASynWithMss1440AndAValidChecksum() {
        SynTemplate6 t = new SynTemplate6(US, US_IP, SPORT);
        byte[] frame = new byte[SynTemplate6.LENGTH];
        int seq = SynSweep.cookieOf(KEY, US_IP, SPORT, C, 8443);
        t.write(frame, SimulatedHosts6.ROUTER, C.high(), C.low(), 8443, seq);
        assertEquals(0x86dd, ((frame[12] & 0xff) << 8) | (frame[13] & 0xff));
        assertEquals(SimulatedHosts6.ROUTER, MacAddress.read(frame, 0));
        assertEquals(US, MacAddress.read(frame, 6));
        assertEquals(0x60, frame[14] & 0xff);
        assertEquals(24, ((frame[18] & 0xff) << 8) | (frame[19] & 0xff), "payload length");
        assertEquals(64, frame[21] & 0xff, "hop limit");
        Frames.Tcp tcp = assertDoesNotThrowParse(frame);
        assertEquals(US_IP, tcp.sourceAddress());
        assertEquals(C, tcp.destinationAddress());
        TcpSegment s = tcp.segment();
        assertEquals(TcpSegment.SYN, s.flags());
        assertEquals(SPORT, s.sourcePort());
        assertEquals(8443, s.destinationPort());
        assertEquals(seq, s.seq());
        assertEquals(1440, s.options().mss());
        assertEquals(ChecksumStatus.VALID, Checksum6.status(frame, 54, 24, 16, US_IP.bytes(), C.bytes(), Ipv6Packet.TCP));
        // a second write over the same buffer: the sum is recomputed, not accumulated
        t.write(frame, SimulatedHosts6.ROUTER, A.high(), A.low(), 1, 0xffffffff);
        assertEquals(ChecksumStatus.VALID, Checksum6.status(frame, 54, 24, 16, US_IP.bytes(), A.bytes(), Ipv6Packet.TCP));
    }

    private static Frames.Tcp assertDoesNotThrowParse(byte[] frame) {
        try {
            return Frames.parseTcp(frame);
        } catch (synack.wire.MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theCookieIsSipHashOverBothAddressesAndPorts() {
        byte[] m = new byte[36];
        US_IP.write(m, 0);
        A.write(m, 16);
        m[32] = (byte) (SPORT >>> 8);
        m[33] = (byte) SPORT;
        m[34] = 0;
        m[35] = 80;
        assertEquals((int) KEY.hash(m), SynSweep.cookieOf(KEY, US_IP, SPORT, A, 80));
        assertTrue(SynSweep.cookieOf(KEY, US_IP, SPORT, A, 80) != SynSweep.cookieOf(KEY, US_IP, SPORT, B, 80));
        assertTrue(SynSweep.cookieOf(KEY, US_IP, SPORT, A, 80) != SynSweep.cookieOf(new SipHash(5, 7), US_IP, SPORT, A, 80));
    }

    @Test
    void oneFamilyPerSweep() {
        assertThrows(IllegalArgumentException.class, () -> ProbeSpace.of(List.of(A, IpAddress.parse("198.18.2.2")), List.of(80)));
        ProbeSpace v6 = ProbeSpace.of(List.of(A), List.of(80));
        assertThrows(IllegalArgumentException.class, () -> new SynSweep(new SynSweep.Path(US, IpAddress.parse("198.18.1.2"), SPORT,
                false), v6, new MacAddress[] {US}, null, settings(0, Shard.WHOLE), KEY));
    }
}
