package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.exchange.dns.AddressQueries;
import synack.exchange.dns.DnsLookup;
import synack.exchange.tcp.TcpConnection;
import synack.link.MemoryLink;
import synack.link.ReceivedFrame;
import synack.time.VirtualClock;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;
import synack.wire.UdpDatagram;

/**
 * http-get's name lookup with both families (RFC 8305 3) against docs/events.schema.json: every
 * line of AddressQueries runs (the AAAA first; the A first and the Resolution Delay over; a
 * negative AAAA; a silent one) rendered by JsonRenderer, each rule told at least once as data.
 */
class ResolutionSchemaTest {
    static final long T0 = EventSchemaTest.START;
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress GW = MacAddress.parse("02:00:00:00:00:01");
    static final int US_IP = Ip4.parse("198.18.1.2");
    static final int SERVER = Ip4.parse("198.18.2.2");

    /** A name server answering AAAA after {@code aaaaDelay} (-1: never; -2: NOERROR without a record) and A at once. */
    static List<Event> run(long aaaaDelay) {
        VirtualClock clock = new VirtualClock(T0);
        MemoryLink[] wire = MemoryLink.pair(clock, 500);
        wire[1].respondWith(frame -> {
            answer(frame, aaaaDelay, wire[0]);
            return List.of();
        });
        AddressQueries q = new AddressQueries("www.synack.test", AddressQueries.Part.ask(lookup(DnsType.AAAA, 0x6666, 43_000)),
                AddressQueries.Part.ask(lookup(DnsType.A, 0x4444, 43_001)));
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(q, () -> clock.nowMicros() > T0 + 60_000_000L);
        return events;
    }

    static DnsLookup lookup(int type, int id, int tcpPort) {
        return new DnsLookup(new DnsLookup.Path(US, GW, US_IP, SERVER, 53), DnsMessage.query(id, "www.synack.test", type, true, 1232),
                new DnsLookup.Settings(1, 1_000_000, false, 40_000, TcpConnection.Config.defaults(tcpPort, 53, 0x1000_0000), List.of(),
                        null), 1);
    }

    static void answer(ReceivedFrame frame, long aaaaDelay, MemoryLink us) {
        try {
            Frames.Udp u = Frames.parseUdp(frame.bytes());
            DnsMessage q = DnsMessage.parse(u.datagram().payload());
            boolean six = q.questions().get(0).type() == DnsType.AAAA;
            if (six && aaaaDelay == -1) {
                return;
            }
            List<DnsMessage.Record> records = six && aaaaDelay == -2 ? List.of() : six
                    ? List.of(DnsMessage.Record.of("www.synack.test.", DnsType.AAAA, 300, IpAddress.literal("[2001:db8:2::2]").bytes()))
                    : List.of(DnsMessage.Record.a("www.synack.test.", 300, SERVER));
            DnsMessage a = new DnsMessage(q.id(), DnsMessage.QR | DnsMessage.AA, q.questions(), records, List.of(), List.of());
            byte[] reply = Frames.udp(GW, US, SERVER, US_IP, 1, UdpDatagram.of(53, u.datagram().sourcePort(), a.toBytes()));
            us.inject(reply, frame.timeMicros() + 500 + (six && aaaaDelay > 0 ? aaaaDelay : 0));
        } catch (synack.wire.MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyLineOfEveryOrderIsValidAndEachRuleIsToldAsData() {
        Set<String> rules = new TreeSet<>();
        Set<String> outcomes = new TreeSet<>();
        for (long aaaaDelay : new long[] {0, 30_000, 80_000, -1, -2}) {
            for (Event e : run(aaaaDelay)) {
                String line = EventSchemaTest.line("http-get", e);
                EventSchema.assertValid(line);
                if (e instanceof Event.Note n && n.fields().get("resolution") instanceof Map<?, ?> r) {
                    rules.add((String) r.get("rule"));
                }
                if (e instanceof Event.Note n && n.fields().get("dns_answer") instanceof Map<?, ?> a) {
                    outcomes.add((String) a.get("outcome"));
                }
            }
        }
        for (String late : List.of("late_joined", "late_unused")) { // the journey's, from the same builder
            EventSchema.assertValid(EventSchemaTest.line("http-get", new Event.Note(T0, Event.Note.Kind.INFO, "late",
                    AddressQueries.resolutionFields(late, -1))));
        }
        assertEquals(Set.of("aaaa_address", "wait_for_aaaa", "delay_over", "no_aaaa"), rules);
        assertEquals(Set.of("address", "no_address", "failed"), outcomes);
    }

    @Test
    void aMisspelledRuleOrAMissingKeyIsRefused() {
        assertFalse(EventSchema.problems(EventSchemaTest.line("http-get", new Event.Note(T0, Event.Note.Kind.INFO, "x",
                AddressQueries.resolutionFields("aaaa-first", -1)))).isEmpty());
        assertFalse(EventSchema.problems(EventSchemaTest.line("http-get", new Event.Note(T0, Event.Note.Kind.INFO, "x",
                Map.of("dns_answer", Map.of("name", "www.synack.test", "type", "AAAA"))))).isEmpty());
        assertTrue(EventSchema.problems(EventSchemaTest.line("http-get", new Event.Note(T0, Event.Note.Kind.INFO, "x",
                AddressQueries.resolutionFields("delay_over", 50_000)))).isEmpty());
    }
}
