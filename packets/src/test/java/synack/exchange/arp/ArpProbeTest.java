package synack.exchange.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.time.VirtualClock;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;

class ArpProbeTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress HOLDER = MacAddress.parse("02:00:00:00:00:09");
    static final MacAddress RIVAL = MacAddress.parse("02:00:00:00:00:0a");
    static final int CANDIDATE = Ip4.parse("198.18.1.9");
    static final int OTHER = Ip4.parse("198.18.1.1");
    static final long START = 1_700_000_000_000_000L;

    /** RFC 5227's three probes, here a fixed 1 s apart, then the 2 s wait. */
    static final ArpProbe.Settings RFC = new ArpProbe.Settings(3, () -> 1_000_000L, 2_000_000L);

    record Run(List<Event> events, VirtualClock clock) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<String> transitions() {
            List<String> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Transition t) {
                    out.add(t.subject() + " " + t.from() + "→" + t.to());
                }
            }
            return out;
        }

        List<Event.Frame> frames(Event.Direction d) {
            List<Event.Frame> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Frame f && f.direction() == d) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    interface Setup {
        void on(MemoryLink near, MemoryLink far);
    }

    static Run run(ArpProbe.Settings settings, Function<ReceivedFrame, List<byte[]>> segment, Setup setup) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        if (segment != null) {
            wire[1].respondWith(segment);
        }
        setup.on(wire[0], wire[1]);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(new ArpProbe(US, CANDIDATE, settings), () -> false);
        return new Run(events, clock);
    }

    static ArpPacket arpOf(byte[] frame) {
        try {
            return ArpPacket.parse(EthernetFrame.parse(frame).payload());
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    /** A host holding the candidate answers probes for it, as a kernel does (RFC 5227 2.1.1). */
    static List<byte[]> holderAnswers(ReceivedFrame f) {
        ArpPacket arp = arpOf(f.bytes());
        if (arp.operation() != ArpPacket.REQUEST || arp.targetIp() != CANDIDATE) {
            return List.of();
        }
        return List.of(new ArpPacket(ArpPacket.REPLY, HOLDER, CANDIDATE, arp.senderMac(), arp.senderIp()).toFrame(HOLDER));
    }

    @Test
    void freeAfterEveryProbeAndTheWait() {
        Run r = run(RFC, null, (near, far) -> { });
        assertEquals(List.of("198.18.1.9 UNKNOWN→PROBING", "198.18.1.9 PROBING→FREE"), r.transitions());
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertEquals(List.of("198.18.1.9 is free (no claim after 3 probes)"), r.result().lines());
        assertEquals("free", r.result().fields().get("state"));
        assertEquals(3, r.result().fields().get("probes"));
        // probes at 0, 1 s, 2 s, then 2 s of waiting
        assertEquals(START + 4_000_000, r.result().timeMicros());
        List<Event.Frame> out = r.frames(Event.Direction.OUT);
        assertEquals(List.of(START, START + 1_000_000, START + 2_000_000),
                out.stream().map(Event.Frame::timeMicros).toList());
        assertEquals("probe 3 of 3", out.get(2).remark().text());
    }

    @Test
    void theFirstProbeWaitsARandomPartOfProbeWait() {
        // RFC 5227 2.1.1: 0..PROBE_WAIT (1 s) before the first probe; the rest spaced as before
        Run r = run(new ArpProbe.Settings(3, 412_000, () -> 1_000_000L, 2_000_000L), null, (near, far) -> { });
        List<Event.Frame> out = r.frames(Event.Direction.OUT);
        assertEquals(List.of(START + 412_000, START + 1_412_000, START + 2_412_000),
                out.stream().map(Event.Frame::timeMicros).toList());
        assertEquals(START + 4_412_000, r.result().timeMicros());
        for (int i = 0; i < 50; i++) {
            long w = ArpProbe.Settings.rfc5227(3, () -> 1_000_000L, 2_000_000L, new java.util.Random(i)).firstWaitMicros();
            assertTrue(w >= 0 && w < ArpProbe.Settings.PROBE_WAIT_MICROS, "first wait " + w);
        }
    }

    @Test
    void probesAreRfc5227Probes() throws MalformedFrameException {
        Run r = run(RFC, null, (near, far) -> { });
        for (Event.Frame f : r.frames(Event.Direction.OUT)) {
            EthernetFrame eth = EthernetFrame.parse(f.bytes());
            assertEquals(MacAddress.BROADCAST, eth.destination());
            assertEquals(US, eth.source());
            ArpPacket arp = ArpPacket.parse(eth.payload());
            assertEquals(ArpPacket.probe(US, CANDIDATE), arp);
            assertTrue(arp.isProbe());
            assertEquals(Ip4.ANY, arp.senderIp());
            assertEquals(MacAddress.ZERO, arp.targetMac());
        }
    }

    @Test
    void theIntervalComesFromTheSettings() {
        long[] next = {1_500_000, 1_200_000};
        int[] i = {0};
        Run r = run(new ArpProbe.Settings(3, () -> next[i[0]++], 2_000_000L), null, (near, far) -> { });
        assertEquals(List.of(START, START + 1_500_000, START + 2_700_000),
                r.frames(Event.Direction.OUT).stream().map(Event.Frame::timeMicros).toList());
        assertEquals(START + 4_700_000, r.result().timeMicros());
    }

    @Test
    void aReplyFromTheHolderMeansInUse() {
        Run r = run(RFC, ArpProbeTest::holderAnswers, (near, far) -> { });
        assertEquals(List.of("198.18.1.9 UNKNOWN→PROBING", "198.18.1.9 PROBING→IN_USE"), r.transitions());
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
        assertEquals(List.of("198.18.1.9 is in use by 02:00:00:00:00:09"), r.result().lines());
        assertEquals("in-use", r.result().fields().get("state"));
        assertEquals("02:00:00:00:00:09", r.result().fields().get("holder"));
        assertEquals(1, r.frames(Event.Direction.OUT).size(), "no more probes once the address is taken");
        assertEquals(START + 200, r.result().timeMicros());
        assertEquals("conflict: 02:00:00:00:00:09 holds 198.18.1.9", r.frames(Event.Direction.IN).get(0).remark().text());
    }

    @Test
    void anyArpClaimingTheAddressMeansInUse() {
        // not an answer to us: the holder's own gratuitous announcement, heard while we probe
        byte[] announce = ArpPacket.announcement(HOLDER, CANDIDATE).toFrame(HOLDER);
        Run r = run(RFC, null, (near, far) -> near.inject(announce, START + 1_500_000));
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
        assertEquals(START + 1_500_000, r.result().timeMicros());
        assertEquals(2, r.frames(Event.Direction.OUT).size());
    }

    @Test
    void anotherHostProbingForTheSameAddressMeansInUse() {
        byte[] rivalProbe = ArpPacket.probe(RIVAL, CANDIDATE).toFrame(RIVAL);
        Run r = run(RFC, null, (near, far) -> near.inject(rivalProbe, START + 500_000));
        assertEquals(List.of("198.18.1.9 UNKNOWN→PROBING", "198.18.1.9 PROBING→IN_USE"), r.transitions());
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
        assertEquals("02:00:00:00:00:0a", r.result().fields().get("holder"));
        assertEquals("conflict: 02:00:00:00:00:0a is probing for the same address",
                r.frames(Event.Direction.IN).get(0).remark().text());
        Event.Transition t = (Event.Transition) r.events().stream()
                .filter(e -> e instanceof Event.Transition x && x.to().equals("IN_USE")).findFirst().orElseThrow();
        assertEquals("probed by 02:00:00:00:00:0a", t.cause());
    }

    @Test
    void ourOwnFramesAreIgnored() {
        // our own probe and announcement echoed back (as a hub or a mirror port would)
        byte[] ownProbe = ArpPacket.probe(US, CANDIDATE).toFrame(US);
        byte[] ownAnnounce = ArpPacket.announcement(US, CANDIDATE).toFrame(US);
        Run r = run(RFC, null, (near, far) -> {
            near.inject(ownProbe, START + 100);
            near.inject(ownAnnounce, START + 1_100_000);
        });
        assertEquals(List.of("198.18.1.9 UNKNOWN→PROBING", "198.18.1.9 PROBING→FREE"), r.transitions());
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertTrue(r.frames(Event.Direction.IN).isEmpty());
    }

    @Test
    void unrelatedArpTrafficIsIgnored() {
        byte[] otherRequest = ArpPacket.request(RIVAL, Ip4.parse("198.18.1.20"), OTHER).toFrame(RIVAL);
        byte[] otherProbe = ArpPacket.probe(RIVAL, Ip4.parse("198.18.1.21")).toFrame(RIVAL);
        byte[] askingForCandidate = ArpPacket.request(RIVAL, Ip4.parse("198.18.1.20"), CANDIDATE).toFrame(RIVAL);
        byte[] ipv4 = new EthernetFrame(US, RIVAL, EthernetFrame.TYPE_IPV4, new byte[40]).toBytes();
        Run r = run(RFC, null, (near, far) -> {
            near.inject(otherRequest, START + 300_000);
            near.inject(otherProbe, START + 600_000);
            near.inject(askingForCandidate, START + 900_000); // an ordinary who-has is not a claim
            near.inject(ipv4, START + 1_200_000);
        });
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        assertEquals(START + 4_000_000, r.result().timeMicros());
    }

    @Test
    void aMalformedArpFrameIsAnnotatedAndChangesNothing() {
        byte[] bad = ArpPacket.probe(RIVAL, CANDIDATE).toFrame(RIVAL);
        bad[14 + 4] = 8; // hlen 8
        Run r = run(RFC, null, (near, far) -> near.inject(bad, START + 500_000));
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
        List<Event.Frame> in = r.frames(Event.Direction.IN);
        assertEquals(1, in.size());
        assertTrue(in.get(0).remark().text().startsWith("dropped: ARP for htype 1 ptype 0x0800 hlen 8"), in.get(0).remark().text());
    }

    @Test
    void abortEndsWith130() {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(new ArpProbe(US, CANDIDATE, RFC),
                () -> clock.nowMicros() >= START + 1_500_000);
        Event.Result result = (Event.Result) events.get(events.size() - 1);
        assertEquals(synack.event.Verdict.INTERRUPTED, result.verdict());
        assertEquals(Boolean.FALSE, result.fields().get("ok"));
    }
}
