package synack.exchange.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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

class ArpAnnounceTest {
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final long START = 1_700_000_000_000_000L;

    record Run(List<Event> events, List<ReceivedFrame> heard) {
        Event.Result result() {
            return (Event.Result) events.get(events.size() - 1);
        }

        List<Event.Frame> sent() {
            List<Event.Frame> out = new ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Frame f && f.direction() == Event.Direction.OUT) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    static Run run(int count, long interval) {
        VirtualClock clock = new VirtualClock(START);
        MemoryLink[] wire = MemoryLink.pair(clock, 100);
        List<ReceivedFrame> heard = new ArrayList<>();
        wire[1].respondWith(f -> {
            heard.add(f);
            return List.of();
        });
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(new ArpAnnounce(US, US_IP, count, interval), () -> false);
        return new Run(events, heard);
    }

    @Test
    void sendsCountGratuitousBroadcastsThenSucceeds() throws MalformedFrameException {
        Run r = run(2, 2_000_000);
        assertEquals(2, r.sent().size());
        assertEquals(2, r.heard().size(), "every announcement reached the segment");
        for (Event.Frame f : r.sent()) {
            EthernetFrame eth = EthernetFrame.parse(f.bytes());
            assertEquals(MacAddress.BROADCAST, eth.destination());
            assertEquals(US, eth.source());
            assertEquals(EthernetFrame.TYPE_ARP, eth.etherType());
            ArpPacket arp = ArpPacket.parse(eth.payload());
            assertEquals(ArpPacket.REQUEST, arp.operation());
            assertEquals(US, arp.senderMac());
            assertEquals(US_IP, arp.senderIp());
            assertEquals(US_IP, arp.targetIp());
            assertEquals(MacAddress.ZERO, arp.targetMac());
            assertTrue(arp.isGratuitous());
        }
        assertEquals(List.of(START, START + 2_000_000), r.sent().stream().map(Event.Frame::timeMicros).toList());
        assertEquals("announcement 2 of 2: neighbours that know 198.18.1.2 update its MAC", r.sent().get(1).remark().text());
        Event.Result result = r.result();
        assertEquals(synack.event.Verdict.OK, result.verdict());
        assertEquals(START + 2_000_000, result.timeMicros(), "done once the last is sent: nothing answers");
        assertEquals(List.of("announced 198.18.1.2 is-at 02:00:00:00:00:02 (2 gratuitous ARPs)"), result.lines());
        assertEquals(Boolean.TRUE, result.fields().get("ok"));
        assertEquals(2, result.fields().get("announcements"));
        assertEquals("198.18.1.2", result.fields().get("address"));
    }

    @Test
    void oneAnnouncementIsSingular() {
        Run r = run(1, 2_000_000);
        assertEquals(1, r.sent().size());
        assertEquals(START, r.result().timeMicros());
        assertEquals(List.of("announced 198.18.1.2 is-at 02:00:00:00:00:02 (1 gratuitous ARP)"), r.result().lines());
    }

    @Test
    void manyAnnouncementsKeepTheirInterval() {
        Run r = run(5, 300_000);
        assertEquals(List.of(START, START + 300_000, START + 600_000, START + 900_000, START + 1_200_000),
                r.sent().stream().map(Event.Frame::timeMicros).toList());
        assertEquals(synack.event.Verdict.OK, r.result().verdict());
    }
}
