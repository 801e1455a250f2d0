package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.capture.CapturedFrame;
import synack.capture.DecodedFrame;
import synack.event.Event;
import synack.exchange.arp.NeighbourState;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Ip4;
import synack.wire.LinkType;
import synack.wire.MacAddress;

class ArpObserverTest {
    static final MacAddress CLIENT = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress IMPOSTOR = MacAddress.parse("02:00:00:00:00:66");
    static final int CLIENT_IP = Ip4.parse("198.18.1.2");
    static final int GW_IP = Ip4.parse("198.18.1.1");
    static final int NOBODY_IP = Ip4.parse("198.18.1.77");
    static final long T0 = 1_700_000_000_000_000L; // µs

    final List<Event> events = new ArrayList<>();
    final ArpObserver observer = new ArpObserver(events::add);
    long number;

    /** Frame {@code number+1} of the capture, at {@code T0 + atMicros}. */
    DecodedFrame frame(long atMicros, ArpPacket arp) {
        byte[] data = arp.toFrame(arp.senderMac());
        CapturedFrame cf = new CapturedFrame(++number, (T0 + atMicros) * 1000, 0, LinkType.ETHERNET, data.length, data);
        return new DecodedFrame(cf, EthernetFrame.TYPE_ARP, arp, null, null, 0, null, false, null);
    }

    void see(long atMicros, ArpPacket arp) {
        observer.arp(frame(atMicros, arp));
    }

    static ArpPacket whoHas(MacAddress mac, int ip, int target) {
        return ArpPacket.request(mac, ip, target);
    }

    static ArpPacket isAt(MacAddress mac, int ip, MacAddress toMac, int toIp) {
        return new ArpPacket(ArpPacket.REPLY, mac, ip, toMac, toIp);
    }

    List<Event.Frame> frames() {
        return events.stream().filter(e -> e instanceof Event.Frame).map(e -> (Event.Frame) e).toList();
    }

    List<Event.Transition> transitions() {
        return events.stream().filter(e -> e instanceof Event.Transition).map(e -> (Event.Transition) e).toList();
    }

    /** The arp facts of every note of {@code kind}. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> facts(Event.Note.Kind kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Note n && n.kind() == kind) {
                out.add((Map<String, Object>) n.fields().get("arp"));
            }
        }
        return out;
    }

    /** The finding of each frame, in order. */
    List<String> findings() {
        return facts(Event.Note.Kind.ROUTINE).stream().map(f -> (String) f.get("finding")).toList();
    }

    @Test
    void aRequestAndItsReplyMoveTheRequestersEntryAndTheReplySaysWhatItAnswers() {
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(120, isAt(GW, GW_IP, CLIENT, CLIENT_IP));
        observer.finish(1_000);

        assertEquals(List.of(ArpFinding.REQUEST.key(), ArpFinding.REPLY.key()), findings());
        List<Event.Frame> frames = frames();
        assertEquals(Event.Direction.OUT, frames.get(0).direction());
        assertEquals(Event.Direction.IN, frames.get(1).direction());
        assertEquals(2, frames.get(1).captured().number());
        assertEquals(-1, frames.get(1).captured().stream());
        Map<String, Object> reply = facts(Event.Note.Kind.ROUTINE).get(1);
        assertEquals(1L, reply.get("answers_frame"));
        assertEquals(0.12, (double) reply.get("rtt_ms"), 1e-9);
        assertEquals(false, reply.get("rtt_ambiguous"));

        List<Event.Transition> t = transitions();
        assertEquals(2, t.size());
        String subject = ArpObserver.entrySubject(CLIENT_IP, GW_IP);
        assertEquals(List.of(subject, subject), t.stream().map(Event.Transition::subject).toList());
        assertEquals(List.of("NONE", "INCOMPLETE"), List.of(t.get(0).from(), t.get(0).to()));
        assertEquals(List.of("INCOMPLETE", "REACHABLE"), List.of(t.get(1).from(), t.get(1).to()));
        assertFalse(t.get(1).inferred());
        assertEquals(new ArpSummary(1, 0, 1, 0, 0, 0, 0, 0, 0), observer.summary());
    }

    @Test
    void eachFrameComesFirstThenItsTransitionsThenItsNotes() {
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        assertTrue(events.get(0) instanceof Event.Frame);
        assertTrue(events.get(1) instanceof Event.Transition);
        assertTrue(events.get(2) instanceof Event.Note);
    }

    @Test
    void retriesAreCountedAndTheReplyIsAmbiguousBetweenThem() {
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(1_000_000, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(1_000_300, isAt(GW, GW_IP, CLIENT, CLIENT_IP));

        assertEquals(List.of(ArpFinding.REQUEST.key(), ArpFinding.RETRY.key(), ArpFinding.REPLY.key()), findings());
        Map<String, Object> retry = facts(Event.Note.Kind.ROUTINE).get(1);
        assertEquals(2, retry.get("request"));
        assertEquals(1L, retry.get("first_request_frame"));
        Map<String, Object> reply = facts(Event.Note.Kind.ROUTINE).get(2);
        assertEquals(2L, reply.get("answers_frame"));
        assertEquals(true, reply.get("rtt_ambiguous"));
        assertEquals(1L, reply.get("first_request_frame"));
        assertEquals(1000.3, (double) reply.get("rtt_first_ms"), 1e-9);
        assertEquals(2, transitions().size(), "a retry moves nothing: the entry stays INCOMPLETE");
        ArpSummary s = observer.summary();
        assertEquals(2, s.requests());
        assertEquals(1, s.retries());
        assertEquals(1, s.answered());
    }

    @Test
    void aRequestNeverAnsweredFailsAtTheEndOfTheCaptureInferred() {
        see(0, whoHas(CLIENT, CLIENT_IP, NOBODY_IP));
        see(1_000_000, whoHas(CLIENT, CLIENT_IP, NOBODY_IP));
        observer.finish(3_000_000 + T0);

        Event.Transition last = transitions().get(transitions().size() - 1);
        assertEquals(ArpObserver.entrySubject(CLIENT_IP, NOBODY_IP), last.subject());
        assertEquals(NeighbourState.INCOMPLETE.name(), last.from());
        assertEquals(NeighbourState.FAILED.name(), last.to());
        assertTrue(last.inferred());
        List<Map<String, Object>> info = facts(Event.Note.Kind.INFO);
        assertEquals(1, info.size());
        assertEquals(ArpFinding.UNANSWERED.key(), info.get(0).get("finding"));
        assertEquals(2, info.get(0).get("requests"));
        assertEquals(2L, info.get(0).get("last_request_frame"));
        assertEquals(2000.0, (double) info.get(0).get("waited_ms"), 1e-9);
        assertEquals(new ArpSummary(2, 1, 0, 1, 0, 0, 0, 0, 0), observer.summary());

        int before = events.size();
        observer.finish(4_000_000 + T0);
        assertEquals(before, events.size(), "a second finish tells nothing again");
    }

    @Test
    void anAnnouncementAndAProbeAreToldAsGratuitousAndMoveNoEntry() {
        see(0, ArpPacket.probe(CLIENT, CLIENT_IP));
        see(1_000, ArpPacket.announcement(CLIENT, CLIENT_IP));
        see(2_000, new ArpPacket(ArpPacket.REPLY, CLIENT, CLIENT_IP, MacAddress.BROADCAST, CLIENT_IP)); // a gratuitous reply
        observer.finish(T0 + 10_000);

        assertEquals(List.of(ArpFinding.PROBE.key(), ArpFinding.ANNOUNCEMENT.key(), ArpFinding.ANNOUNCEMENT.key()), findings());
        assertTrue(transitions().isEmpty());
        assertEquals(Event.Direction.OUT, frames().get(1).direction());
        assertEquals(new ArpSummary(0, 0, 0, 0, 0, 2, 1, 0, 0), observer.summary());
    }

    @Test
    void aReplyToAProbeSaysTheAddressIsInUse() {
        see(0, ArpPacket.probe(CLIENT, GW_IP));
        see(200, new ArpPacket(ArpPacket.REPLY, GW, GW_IP, CLIENT, Ip4.ANY));

        assertEquals(List.of(ArpFinding.PROBE.key(), ArpFinding.PROBE_ANSWERED.key()), findings());
        Map<String, Object> warning = facts(Event.Note.Kind.WARNING).get(0);
        assertEquals(ArpFinding.PROBE_ANSWERED.key(), warning.get("finding"));
        assertEquals(1L, warning.get("answers_frame"));
    }

    @Test
    void twoMacsAnsweringForOneAddressAreAConflictWithBothMacsAndFrames() {
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(100, isAt(GW, GW_IP, CLIENT, CLIENT_IP));
        see(150, isAt(IMPOSTOR, GW_IP, CLIENT, CLIENT_IP));
        see(170, isAt(IMPOSTOR, GW_IP, CLIENT, CLIENT_IP)); // the same impostor again: told once

        assertEquals(List.of(ArpFinding.REQUEST.key(), ArpFinding.REPLY.key(), ArpFinding.DUPLICATE_REPLY.key(),
                ArpFinding.DUPLICATE_REPLY.key()), findings());
        List<Map<String, Object>> warnings = facts(Event.Note.Kind.WARNING);
        assertEquals(1, warnings.size());
        Map<String, Object> c = warnings.get(0);
        assertEquals(ArpFinding.CONFLICT.key(), c.get("finding"));
        assertEquals("198.18.1.1", c.get("ip"));
        assertEquals(GW.toString(), c.get("mac"));
        assertEquals(2L, c.get("first_frame"));
        assertEquals(IMPOSTOR.toString(), c.get("other_mac"));
        assertEquals(3L, c.get("frame"));
        assertEquals(1, observer.summary().conflicts());
    }

    @Test
    void anAnnouncementOfAnAddressAnotherMacUsesAsRequestSenderIsAConflict() {
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(500, ArpPacket.announcement(IMPOSTOR, CLIENT_IP));

        Map<String, Object> c = facts(Event.Note.Kind.WARNING).get(0);
        assertEquals(ArpFinding.CONFLICT.key(), c.get("finding"));
        assertEquals(CLIENT.toString(), c.get("mac"));
        assertEquals(IMPOSTOR.toString(), c.get("other_mac"));
        assertEquals(1, observer.summary().conflicts());
    }

    @Test
    void aReplyWithoutARequestIsUnsolicited() {
        see(0, isAt(GW, GW_IP, CLIENT, CLIENT_IP));
        assertEquals(List.of(ArpFinding.UNSOLICITED_REPLY.key()), findings());
        assertEquals(Event.Direction.IN, frames().get(0).direction());
        assertTrue(transitions().isEmpty());
        assertEquals(1, observer.summary().unsolicitedReplies());
    }

    @Test
    void aRequestForAKnownNeighbourReconfirmsItAndAnUnansweredOneFailsIt() {
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(100, isAt(GW, GW_IP, CLIENT, CLIENT_IP));
        see(30_000_000, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(30_000_200, isAt(GW, GW_IP, CLIENT, CLIENT_IP));
        see(60_000_000, whoHas(CLIENT, CLIENT_IP, GW_IP));
        observer.finish(T0 + 63_000_000);

        assertEquals(List.of(ArpFinding.REQUEST.key(), ArpFinding.REPLY.key(), ArpFinding.RECONFIRM.key(), ArpFinding.REPLY.key(),
                ArpFinding.RECONFIRM.key()), findings());
        assertEquals(4L, facts(Event.Note.Kind.ROUTINE).get(3).get("frame"));
        assertEquals(3L, facts(Event.Note.Kind.ROUTINE).get(3).get("answers_frame"));
        List<String> moves = transitions().stream().map(t -> t.from() + ">" + t.to()).toList();
        assertEquals(List.of("NONE>INCOMPLETE", "INCOMPLETE>REACHABLE", "REACHABLE>FAILED"), moves);
        assertEquals(2, observer.summary().answered());
        assertEquals(1, observer.summary().unanswered());
    }

    @Test
    void twoRequestersHaveEntriesOfTheirOwn() {
        MacAddress other = MacAddress.parse("02:00:00:00:00:09");
        int otherIp = Ip4.parse("198.18.1.9");
        see(0, whoHas(CLIENT, CLIENT_IP, GW_IP));
        see(10, whoHas(other, otherIp, GW_IP));
        see(100, isAt(GW, GW_IP, other, otherIp));
        observer.finish(T0 + 5_000_000);

        assertEquals(List.of(ArpFinding.REQUEST.key(), ArpFinding.REQUEST.key(), ArpFinding.REPLY.key()), findings());
        assertEquals(2L, facts(Event.Note.Kind.ROUTINE).get(2).get("answers_frame"));
        Event.Transition failed = transitions().get(transitions().size() - 1);
        assertEquals(ArpObserver.entrySubject(CLIENT_IP, GW_IP), failed.subject());
        assertEquals("FAILED", failed.to());
        assertEquals(new ArpSummary(2, 0, 1, 1, 0, 0, 0, 0, 0), observer.summary());
    }

    @Test
    void aMalformedArpFrameIsAnnotatedAndDropped() {
        byte[] data = new byte[20];
        CapturedFrame cf = new CapturedFrame(1, T0 * 1000, 0, LinkType.ETHERNET, data.length, data);
        observer.arp(new DecodedFrame(cf, EthernetFrame.TYPE_ARP, null, null, null, 0, null, true, "ARP packet of 6 bytes"));
        see(10, new ArpPacket(7, CLIENT, CLIENT_IP, MacAddress.ZERO, GW_IP));
        observer.finish(T0 + 100);

        assertEquals(List.of(ArpFinding.MALFORMED.key(), ArpFinding.MALFORMED.key()), findings());
        assertEquals(2, frames().size());
        assertFalse(frames().get(0).remark().isEmpty());
        assertTrue(transitions().isEmpty());
        assertEquals(2, observer.summary().malformed());
    }

    @Test
    void pastItsBoundTheObserverForgetsTheOldestAndSaysSo() {
        ArpObserver small = new ArpObserver(events::add, 4);
        for (int i = 0; i < 10; i++) {
            small.arp(frame(i, whoHas(CLIENT, CLIENT_IP, Ip4.parse("198.18.2." + (i + 1)))));
        }
        small.finish(T0 + 1_000);

        List<Map<String, Object>> warnings = facts(Event.Note.Kind.WARNING);
        assertEquals(1, warnings.size(), "told once");
        assertEquals(ArpFinding.TOO_MANY_ADDRESSES.key(), warnings.get(0).get("finding"));
        ArpSummary s = small.summary();
        assertEquals(10, s.requests());
        assertEquals(10, s.unanswered(), "the forgotten ones are unanswered too");
        long failed = transitions().stream().filter(t -> t.to().equals("FAILED")).count();
        assertEquals(10, failed);
        assertNull(warnings.get(0).get("ip"));
    }
}
