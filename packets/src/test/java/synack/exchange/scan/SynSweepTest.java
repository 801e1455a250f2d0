package synack.exchange.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.time.VirtualClock;
import synack.link.FaultyLink;
import synack.link.Link;
import synack.link.MemoryLink;
import synack.wire.Checksum;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

class SynSweepTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int SPORT = 61234;
    static final int A = Ip4.parse("198.18.2.2");
    static final int B = Ip4.parse("198.18.2.3");
    static final long START = 1_700_000_000_000_000L;
    static final List<Integer> ALL_PORTS = IntStream.rangeClosed(0, 65535).boxed().toList();

    record Run(List<Event> events, SynSweep sweep, SimulatedHosts peers, long elapsedMicros) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        Set<String> told(String state) {
            return events.stream().filter(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.ANSWER
                            && state.equals(n.fields().get("state")))
                    .map(e -> ((Event.Note) e).fields().get("host") + ":" + ((Event.Note) e).fields().get("port"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static SynSweep.Settings settings(int retries, Shard shard, long seed) {
        return new SynSweep.Settings(100_000, retries, 1_000_000, shard, seed, EnumSet.of(SynSweep.State.OPEN), false);
    }

    static Run run(SimulatedHosts peers, List<Integer> hosts, List<Integer> ports, SynSweep.Settings s, double loss,
                   MacAddress[] hops) {
        return run(peers, hosts, ports, s, loss, hops, ours -> { });
    }

    /** As above; {@code before} may inject frames into our end of the wire (arriving at set times). */
    static Run run(SimulatedHosts peers, List<Integer> hosts, List<Integer> ports, SynSweep.Settings s, double loss,
                   MacAddress[] hops, java.util.function.Consumer<MemoryLink> before) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 200);
        before.accept(wire[0]);
        wire[1].respondWith(peers::answer);
        Link link = loss > 0 ? new FaultyLink(wire[0], 11).drop(loss) : wire[0];
        List<Event> events = new ArrayList<>();
        ProbeSpace space = new ProbeSpace(hosts, ports);
        MacAddress[] nextHop = hops != null ? hops : new MacAddress[hosts.size()];
        if (hops == null) {
            java.util.Arrays.fill(nextHop, SimulatedHosts.ROUTER);
        }
        SynSweep sweep = new SynSweep(new SynSweep.Path(US, US_IP, SPORT, false), space, nextHop, null, s, new SipHash(5, 6));
        new Runner(link, clock, events::add).run(sweep, () -> false);
        return new Run(events, sweep, peers, clock.nowMicros() - START);
    }

    @Test
    void theFewSilentProbesAreNamedInHostAndPortOrderShardByShard() {
        List<Integer> ports = IntStream.range(0, 1000).boxed().toList();
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(999, 82, 7), Set.of())
                .host("198.18.2.3", Set.of(), Set.of(5), Set.of());
        Run whole = run(peers, List.of(A, B), ports, settings(1, Shard.WHOLE, 3), 0, null);
        assertEquals(4L, whole.result().fields().get("filtered_silent"));
        assertTrue(whole.result().summary().contains("198.18.2.2: 1 open, 996 closed, 3 filtered (7 no-response; 82 no-response; 999 no-response)"),
                whole.result().summary());
        assertTrue(whole.result().summary().contains("198.18.2.3: 0 open, 999 closed, 1 filtered (5 no-response)"), whole.result().summary());
        // each shard names the silent probes it asked, and only those
        int named = 0;
        for (int i = 0; i < 3; i++) {
            SimulatedHosts shardPeers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(999, 82, 7), Set.of())
                    .host("198.18.2.3", Set.of(), Set.of(5), Set.of());
            Run r = run(shardPeers, List.of(A, B), ports, settings(1, new Shard(i, 3), 3), 0, null);
            String summary = r.result().summary();
            for (int[] silent : new int[][] {{A, 999}, {A, 82}, {A, 7}, {B, 5}}) {
                boolean asked = shardPeers.synsSeen.containsKey(SimulatedHosts.key(silent[0], silent[1]));
                boolean told = summary.contains(Ip4.toString(silent[0]) + ": ") && java.util.regex.Pattern.compile(
                        java.util.regex.Pattern.quote(Ip4.toString(silent[0])) + ": [^\\n]*[( ]" + silent[1] + " no-response").matcher(summary).find();
                assertEquals(asked, told, silent[1] + " in shard " + i + ": " + summary);
                named += told ? 1 : 0;
            }
        }
        assertEquals(4, named, "every silent probe is named by exactly one shard");
    }

    @Test
    void aFullPortSweepFindsExactlyTheOpenPorts() {
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(1, 80, 8080, 65535), Set.of(82), Set.of(83));
        Run r = run(peers, List.of(A), ALL_PORTS, settings(1, Shard.WHOLE, 9), 0, null);
        assertEquals(Set.of("198.18.2.2:1", "198.18.2.2:80", "198.18.2.2:8080", "198.18.2.2:65535"), r.told("open"));
        Event.Result res = r.result();
        assertEquals(synack.event.Verdict.OK, res.verdict());
        assertEquals(4, res.fields().get("open"));
        assertEquals(65_536L - 6, res.fields().get("closed"));
        assertEquals(2L, res.fields().get("filtered"));
        assertEquals(1L, res.fields().get("filtered_icmp"));
        assertEquals(1L, res.fields().get("filtered_silent"));
        // one SYN per port, plus one retry for the one silent port
        assertEquals(65_537L, res.fields().get("sent"));
        assertEquals(2, peers.synsSeen.get(SimulatedHosts.key(A, 82)));
        assertTrue(res.summary().contains("82 no-response"), res.summary());
        // every open port got our RST at seq = cookie + 1, which is the SYN,ACK's ack
        assertEquals(4, peers.rstsSeen.size());
        for (TcpSegment rst : peers.rstsSeen) {
            assertEquals(SynSweep.cookieOf(new SipHash(5, 6), US_IP, SPORT, A, rst.destinationPort()) + 1, rst.seq());
        }
    }

    @Test
    void theRateIsTheScheduleInVirtualTime() {
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(), Set.of());
        Run r = run(peers, List.of(A), IntStream.rangeClosed(1, 10_000).boxed().toList(),
                new SynSweep.Settings(20_000, 0, 1_000_000, Shard.WHOLE, 1, EnumSet.of(SynSweep.State.OPEN), false), 0, null);
        double sendingMs = (Double) r.result().fields().get("sending_ms");
        // 10,000 SYNs at 20,000/s take half a second to send, not less
        assertTrue(sendingMs >= 499 && sendingMs <= 501, "sending took " + sendingMs + " ms");
        long rate = (Long) r.result().fields().get("rate_pps");
        assertTrue(rate >= 19_900 && rate <= 20_100, "rate " + rate);
    }

    @Test
    void withFivePercentLossEveryOpenPortIsStillFound() {
        Set<Integer> open = Set.of(7, 22, 443, 5000, 40000, 65000);
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", open, Set.of(), Set.of());
        Run r = run(peers, List.of(A), ALL_PORTS, settings(4, Shard.WHOLE, 3), 0.05, null);
        assertEquals(open.stream().map(p -> "198.18.2.2:" + p).collect(Collectors.toSet()), r.told("open"));
        assertEquals(0L, r.result().fields().get("filtered"), "every lost probe was asked again until answered");
        assertTrue((Long) r.result().fields().get("sent") > 65_536 + 3000, "the retries re-asked about 5% of the ports");
        assertTrue((Integer) r.result().fields().get("passes") >= 3);
    }

    @Test
    void shardsWithTheSameSeedAskEveryProbeOnce() {
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(), Set.of())
                .host("198.18.2.3", Set.of(22), Set.of(), Set.of());
        List<Integer> ports = IntStream.rangeClosed(1, 5000).boxed().toList();
        long probes = 0;
        Set<String> open = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            Run r = run(peers, List.of(A, B), ports, settings(0, new Shard(i, 3), 77), 0, null);
            probes += (Long) r.result().fields().get("probes");
            open.addAll(r.told("open"));
        }
        assertEquals(10_000, probes);
        assertEquals(10_000, peers.synsSeen.size(), "every (host, port) asked");
        assertTrue(peers.synsSeen.values().stream().allMatch(n -> n == 1), "and asked once");
        assertEquals(Set.of("198.18.2.2:80", "198.18.2.3:22"), open);
    }

    @Test
    void aReplyThatDoesNotCarryOurCookieIsDroppedNotCounted() {
        SimulatedHosts peers = new SimulatedHosts() {
            @Override
            List<byte[]> answer(synack.link.ReceivedFrame frame) {
                List<byte[]> real = super.answer(frame);
                List<byte[]> out = new ArrayList<>(real);
                try {
                    Frames.Tcp t = Frames.parseTcp(frame.bytes());
                    if (t != null && t.segment().destinationPort() == 80 && t.segment().has(TcpSegment.SYN)) {
                        // a blind attacker's SYN,ACK for port 81, guessing the ack
                        TcpSegment fake = TcpSegment.of(81, SPORT, 1, 12345, TcpSegment.SYN | TcpSegment.ACK, 1000,
                                TcpSegment.Options.NONE, new byte[0]);
                        out.add(Frames.tcp(SimulatedHosts.ROUTER, US, A, US_IP, 9, fake));
                    }
                } catch (MalformedFrameException e) {
                    throw new AssertionError(e);
                }
                return out;
            }
        }.host("198.18.2.2", Set.of(80), Set.of(), Set.of());
        Run r = run(peers, List.of(A), List.of(80, 81, 82), settings(0, Shard.WHOLE, 1), 0, null);
        assertEquals(Set.of("198.18.2.2:80"), r.told("open"));
        assertEquals(1L, r.result().fields().get("forged"));
        assertTrue(r.events().stream().anyMatch(e -> e instanceof Event.Frame f && f.remark().text().contains("did not send")));
    }

    @Test
    void hostsWithoutANextHopAreNotProbed() {
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(), Set.of())
                .host("198.18.2.3", Set.of(80), Set.of(), Set.of());
        Run r = run(peers, List.of(A, B), List.of(80, 81), settings(0, Shard.WHOLE, 1), 0,
                new MacAddress[] {SimulatedHosts.ROUTER, null});
        assertEquals(Set.of("198.18.2.2:80"), r.told("open"));
        assertNull(peers.synsSeen.get(SimulatedHosts.key(B, 80)));
        assertEquals(1, r.result().fields().get("hosts_not_probed"));
        assertEquals(2L, r.result().fields().get("not_sent"));
        assertTrue(r.result().summary().contains("198.18.2.3: not probed (no ARP reply)"), r.result().summary());
    }

    @Test
    void nothingAnsweringIsExitFour() {
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(), Set.of(80, 81), Set.of());
        Run r = run(peers, List.of(A), List.of(80, 81), settings(1, Shard.WHOLE, 1), 0, null);
        assertEquals(synack.event.Verdict.NO_ANSWER, r.result().verdict());
        assertEquals(4L, r.result().fields().get("sent"));
    }

    @Test
    void aFloodOfOtherFramesDoesNotKeepTheSweepWaiting() {
        // 10,000 frames a second for 100 s to our address: echo replies, and SYN,ACKs to our port
        // that do not carry our cookie. Neither is an answer; the wait for stragglers must still end.
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(82), Set.of());
        Run r = run(peers, List.of(A), List.of(80, 82), settings(1, Shard.WHOLE, 1), 0, null, ours -> {
            byte[] echo = SimulatedHosts.echoReply(US, US_IP);
            byte[] fake = Frames.tcp(SimulatedHosts.ROUTER, US, A, US_IP, 1, TcpSegment.of(81, SPORT, 1, 42,
                    TcpSegment.SYN | TcpSegment.ACK, 1000, TcpSegment.Options.NONE, new byte[0]));
            for (long t = 0; t < 100_000_000; t += 100) {
                ours.inject((t / 100) % 2 == 0 ? echo : fake, START + t);
            }
        });
        assertEquals(synack.event.Verdict.OK, r.result().verdict(), r.result().summary());
        assertTrue(r.elapsedMicros() < 5_000_000, "ended after " + r.elapsedMicros() / 1000 + " ms of virtual time");
        assertTrue((Long) r.result().fields().get("forged") > 1000);
    }

    @Test
    void aRepeatedSynAckIsResetAgain() {
        // the server's SYN,ACK comes twice (its retransmission: our first RST was lost): RST both
        SimulatedHosts peers = new SimulatedHosts() {
            @Override
            List<byte[]> answer(synack.link.ReceivedFrame frame) {
                List<byte[]> real = super.answer(frame);
                return real.isEmpty() ? real : List.of(real.get(0), real.get(0));
            }
        }.host("198.18.2.2", Set.of(80), Set.of(82), Set.of()); // 82 stays silent: the sweep is still listening
        Run r = run(peers, List.of(A), List.of(80, 82), settings(0, Shard.WHOLE, 1), 0, null);
        assertEquals(Set.of("198.18.2.2:80"), r.told("open"));
        assertEquals(2, peers.rstsSeen.size(), "one RST per SYN,ACK");
        assertEquals(1L, r.result().fields().get("duplicates"));
    }

    @Test
    void showingEveryFilteredPortOfABigSweepKeepsTheSummaryShort() {
        Set<Integer> dropped = IntStream.rangeClosed(1, 60_000).boxed().collect(Collectors.toSet());
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(61_000), dropped, Set.of());
        Run r = run(peers, List.of(A), ALL_PORTS, new SynSweep.Settings(1_000_000, 0, 200_000, Shard.WHOLE, 1,
                EnumSet.allOf(SynSweep.State.class), false), 0, null);
        assertEquals(60_000, r.told("filtered").size());
        assertEquals(65_536 - 60_000 - 1, r.told("closed").size());
        assertTrue(r.result().summary().length() < 500, r.result().summary());
        assertEquals(60_000L, r.result().fields().get("filtered_silent"));
    }

    @Test
    void shardsOfSeveralHostsWithOneNotProbedStillAskEachOtherProbeOnce() {
        SimulatedHosts peers = new SimulatedHosts().host("198.18.2.2", Set.of(80), Set.of(), Set.of())
                .host("198.18.2.3", Set.of(22), Set.of(), Set.of());
        int c = Ip4.parse("198.18.2.4");
        List<Integer> ports = IntStream.rangeClosed(1, 3000).boxed().toList();
        Set<String> open = new TreeSet<>();
        for (int i = 0; i < 4; i++) {
            Run r = run(peers, List.of(A, c, B), ports, settings(0, new Shard(i, 4), 5), 0,
                    new MacAddress[] {SimulatedHosts.ROUTER, null, SimulatedHosts.ROUTER});
            open.addAll(r.told("open"));
        }
        assertEquals(6000, peers.synsSeen.size());
        assertTrue(peers.synsSeen.values().stream().allMatch(n -> n == 1));
        assertEquals(Set.of("198.18.2.2:80", "198.18.2.3:22"), open);
    }

    @Test
    void aReplyWithItsChecksumLeftToOffloadIsAcceptedAndToldOnce() throws MalformedFrameException {
        SimulatedHosts peers = new SimulatedHosts() {
            @Override
            List<byte[]> answer(synack.link.ReceivedFrame frame) {
                List<byte[]> out = new ArrayList<>();
                for (byte[] f : super.answer(frame)) {
                    out.add(synack.iface.Offload.leftToOffload(f.clone()));
                }
                return out;
            }
        }.host("198.18.2.2", Set.of(80), Set.of(), Set.of());
        Run r = run(peers, List.of(A), List.of(80, 81), settings(0, Shard.WHOLE, 1), 0, null);
        assertEquals(Set.of("198.18.2.2:80"), r.told("open"));
        assertEquals(1L, r.result().fields().get("closed"));
        assertEquals(1, r.events().stream().filter(e -> e instanceof Event.Note n && "offloaded".equals(n.fields().get("checksum")))
                .count(), "the interface tells the offload once");
    }

    @Test
    void aDamagedReplyIsDroppedByTheIntakeAndItsPortAskedAgain() throws MalformedFrameException {
        int[] answers = {0};
        SimulatedHosts peers = new SimulatedHosts() {
            @Override
            List<byte[]> answer(synack.link.ReceivedFrame frame) {
                List<byte[]> out = new ArrayList<>();
                for (byte[] f : super.answer(frame)) {
                    byte[] g = f.clone();
                    if (answers[0]++ == 0) {
                        g[14 + 20 + 16] ^= 0x55; // damaged on the way: the first answer only
                    }
                    out.add(g);
                }
                return out;
            }
        }.host("198.18.2.2", Set.of(80), Set.of(), Set.of());
        Run r = run(peers, List.of(A), List.of(80), settings(1, Shard.WHOLE, 2), 0, null);
        assertEquals(Set.of("198.18.2.2:80"), r.told("open"), "found on the retry");
        assertTrue(r.events().stream().anyMatch(e -> e instanceof Event.Frame f && f.remark().text().contains("checksum is wrong")),
                "the damage is told");
    }

    @Test
    void aFrameCutShortByTheSnaplenIsIgnoredUnlessItIsForOurPort() {
        byte[] big = Frames.tcp(SimulatedHosts.ROUTER, US, A, US_IP, 1, TcpSegment.of(80, 5555, 1, 2, TcpSegment.ACK, 1000,
                TcpSegment.Options.NONE, new byte[1000]));
        assertNull(assertParsesOrNull(java.util.Arrays.copyOf(big, 256)));
        byte[] ours = Frames.tcp(SimulatedHosts.ROUTER, US, A, US_IP, 1, TcpSegment.of(80, SPORT, 1, 2, TcpSegment.ACK, 1000,
                TcpSegment.Options.NONE, new byte[1000]));
        assertThrows(MalformedFrameException.class, () -> Reply.parse(java.util.Arrays.copyOf(ours, 256), US_IP, SPORT));
    }

    @Test
    void theTemplateBuildsAFrameOurParserAccepts() throws MalformedFrameException {
        SynTemplate t = new SynTemplate(US, US_IP, SPORT);
        byte[] f = new byte[SynTemplate.LENGTH];
        for (int port : new int[] {0, 1, 80, 65535}) {
            t.write(f, SimulatedHosts.ROUTER, A, port, 0xdeadbeef + port, 0xffff - port);
            Frames.Tcp tcp = Frames.parseTcp(f);
            assertTrue(tcp.ip().checksumValid());
            assertTrue(tcp.segment().checksumValid());
            assertEquals(0, Checksum.compute(f, 14, 20));
            assertEquals(port, tcp.segment().destinationPort());
            assertEquals(SPORT, tcp.segment().sourcePort());
            assertEquals(0xdeadbeef + port, tcp.segment().seq());
            assertEquals(TcpSegment.SYN, tcp.segment().flags());
            assertEquals(1460, tcp.segment().options().mss());
            assertEquals(A, tcp.ip().destination());
            assertEquals(SimulatedHosts.ROUTER, tcp.eth().destination());
            // the same bytes as the general builder (which pads to Ethernet's 60-byte minimum)
            byte[] general = Frames.tcp(US, SimulatedHosts.ROUTER, US_IP, A, 0xffff - port, TcpSegment.of(SPORT, port, 0xdeadbeef + port,
                    0, TcpSegment.SYN, SynTemplate.WINDOW, new TcpSegment.Options(1460, -1, false, -1, -1, List.of()), new byte[0]));
            assertEquals(java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(general, SynTemplate.LENGTH)),
                    java.util.HexFormat.of().formatHex(f));
        }
    }

    @Test
    void replyParsingRejectsDamageAndIgnoresOtherTraffic() {
        TcpSegment synAck = TcpSegment.of(80, SPORT, 1, 2, TcpSegment.SYN | TcpSegment.ACK, 1000, TcpSegment.Options.NONE, new byte[0]);
        byte[] good = Frames.tcp(SimulatedHosts.ROUTER, US, A, US_IP, 1, synAck);
        assertEquals(Reply.Kind.SYN_ACK, assertParses(good).kind());
        // checksums are the intake's (InterfaceTest, and the damaged-reply sweep above); lengths are ours
        byte[] truncated = java.util.Arrays.copyOf(good, 40);
        assertThrows(MalformedFrameException.class, () -> Reply.parse(truncated, US_IP, SPORT));
        assertNull(assertParsesOrNull(Frames.tcp(SimulatedHosts.ROUTER, US, A, US_IP, 1,
                TcpSegment.of(80, SPORT + 1, 1, 2, TcpSegment.RST, 0, TcpSegment.Options.NONE, new byte[0]))));
    }

    static Reply assertParses(byte[] f) {
        Reply r = assertParsesOrNull(f);
        assertTrue(r != null);
        return r;
    }

    static Reply assertParsesOrNull(byte[] f) {
        try {
            return Reply.parse(f, US_IP, SPORT);
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }
}
