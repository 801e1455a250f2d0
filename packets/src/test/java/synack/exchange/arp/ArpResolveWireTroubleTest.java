package synack.exchange.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.time.VirtualClock;
import synack.link.MemoryLink;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;

/** ArpResolve against frames a real segment produces now and then: malformed ones, and a second claimant. */
class ArpResolveWireTroubleTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress IMPOSTOR = MacAddress.parse("02:00:00:00:00:66");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");
    static final int NOBODY = Ip4.parse("198.18.1.77");
    static final long START = 1_700_000_000_000_000L;

    /** The gateway answering who-has for its address, as ArpResolveTest's simulated segment does. */
    static List<byte[]> gatewayAnswers(byte[] frame) {
        return ArpResolveTest.segment(frame, java.util.Set.of(GW_IP));
    }

    record Run(List<Event> events, ArpResolve exchange) {
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

        List<String> incoming() {
            List<String> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Frame f && f.direction() == Event.Direction.IN) {
                    out.add(f.remark().text());
                }
            }
            return out;
        }

        List<Event.Note> notes(String kind) {
            List<Event.Note> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Note n && n.kind().name().equalsIgnoreCase(kind)) {
                    out.add(n);
                }
            }
            return out;
        }
    }

    static Run run(List<Integer> targets, Set<Integer> answering, Consumer<MemoryLink> inject) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        wire[1].respondWith(f -> answering.contains(GW_IP) ? gatewayAnswers(f.bytes()) : List.of());
        inject.accept(wire[0]);
        List<Event> events = new ArrayList<>();
        ArpResolve exchange = new ArpResolve(US, US_IP, targets, new ArpResolve.Settings(1, 1_000_000, 1_000_000, 0),
                mac -> null, false);
        new Runner(wire[0], clock, events::add).run(exchange, () -> false);
        return new Run(events, exchange);
    }

    static byte[] replyFrom(MacAddress mac) {
        return new ArpPacket(ArpPacket.REPLY, mac, GW_IP, US, US_IP).toFrame(mac);
    }

    @Test
    void aReplyWithTheWrongHardwareTypeIsDroppedWithItsReason() {
        byte[] bad = replyFrom(IMPOSTOR);
        bad[14 + 1] = 6; // htype 6 (IEEE 802), not Ethernet
        Run r = run(List.of(GW_IP), Set.of(GW_IP), near -> near.inject(bad, START + 50));
        assertEquals(List.of("dropped: ARP for htype 6 ptype 0x0800 hlen 6 plen 4, not IPv4 over Ethernet", "RTT 0.200 ms"),
                r.incoming());
        // the bad frame changed nothing: the real reply still makes the entry, with the real MAC and RTT
        assertEquals(List.of("198.18.1.1 NONE→INCOMPLETE", "198.18.1.1 INCOMPLETE→REACHABLE"), r.transitions());
        assertEquals(GW, r.exchange().entry(GW_IP).mac());
        assertEquals(200, r.exchange().entry(GW_IP).rttMicros());
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
    }

    @Test
    void aTruncatedFrameIsDroppedAndTheTargetStillFails() {
        byte[] shortArp = java.util.Arrays.copyOf(replyFrom(IMPOSTOR), 14 + 20);
        byte[] runt = new byte[9];
        Run r = run(List.of(NOBODY), Set.of(), near -> {
            near.inject(shortArp, START + 100);
            near.inject(runt, START + 200);
        });
        assertEquals(List.of("dropped: ARP packet of 20 bytes is shorter than 28",
                "dropped: Ethernet frame of 9 bytes is shorter than its 14-byte header"), r.incoming());
        assertEquals(List.of("198.18.1.77 NONE→INCOMPLETE", "198.18.1.77 INCOMPLETE→FAILED"), r.transitions());
        assertEquals(NeighbourState.FAILED, r.exchange().entry(NOBODY).state());
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
    }

    @Test
    void aSecondReplyFromAnotherMacIsAConflictWarning() {
        // NOBODY keeps the exchange open after the gateway's answer, so the impostor is heard
        Run r = run(List.of(GW_IP, NOBODY), Set.of(GW_IP), near -> near.inject(replyFrom(IMPOSTOR), START + 500_000));
        assertEquals(List.of("RTT 0.200 ms", "conflict: already answered by 02:00:00:00:00:01"), r.incoming());
        List<Event.Note> warnings = r.notes("warning");
        assertEquals(1, warnings.size());
        assertEquals("198.18.1.1 is claimed by 2 MACs: 02:00:00:00:00:01 and 02:00:00:00:00:66 (an address conflict: two hosts hold it)",
                warnings.get(0).text());
        assertEquals(START + 500_000, warnings.get(0).timeMicros());
        // the first answer stands
        assertEquals(GW, r.exchange().entry(GW_IP).mac());
        assertTrue(r.result().lines().get(0).startsWith("198.18.1.1 is-at 02:00:00:00:00:01"), r.result().lines().toString());
        assertEquals(1, r.transitions().stream().filter(t -> t.startsWith("198.18.1.1 INCOMPLETE→")).count());
        // a conflict is a negative answer, with every MAC that answered
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
        assertEquals(List.of("198.18.1.1"), r.result().fields().get("conflicts"));
        assertEquals(List.of(IMPOSTOR), r.exchange().entry(GW_IP).conflicting());
    }

    @Test
    void aSecondReplyFromTheSameMacIsJustADuplicate() {
        Run r = run(List.of(GW_IP, NOBODY), Set.of(GW_IP), near -> near.inject(replyFrom(GW), START + 500_000));
        assertEquals(List.of("RTT 0.200 ms", "duplicate reply (answer to an earlier request)"), r.incoming());
        assertTrue(r.notes("warning").isEmpty());
    }

    @Test
    void anUnaskedReplyIsIgnored() {
        // a reply for an address we never asked about changes nothing and is not shown
        byte[] stray = new ArpPacket(ArpPacket.REPLY, IMPOSTOR, Ip4.parse("198.18.1.99"), US, US_IP).toFrame(IMPOSTOR);
        Run r = run(List.of(NOBODY), Set.of(), near -> near.inject(stray, START + 100));
        assertTrue(r.incoming().isEmpty());
        assertEquals(synack.event.Verdict.NEGATIVE, r.result().verdict());
    }
}
