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
import synack.exchange.dns.DnsQueryState;
import synack.exchange.dns.DnsTransport;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.Ipv4Packet;
import synack.wire.LinkType;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

class DnsObserverTest {
    static final MacAddress CLIENT_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress SERVER_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final int CLIENT = Ip4.parse("198.18.0.2");
    static final int SERVER = Ip4.parse("198.18.0.1");
    static final int OTHER = Ip4.parse("198.18.0.66");
    static final int PORT = 40_000;
    static final String NAME = "www.synack.test.";
    static final long T0 = 1_700_000_000_000_000L; // µs

    final List<Event> events = new ArrayList<>();
    final DnsObserver observer = new DnsObserver(events::add);
    long number;

    /** The next frame of the capture: a UDP datagram at {@code T0 + atMicros}. */
    DecodedFrame udp(long atMicros, int src, int srcPort, int dst, int dstPort, byte[] payload) throws MalformedFrameException {
        byte[] data = Frames.udp(CLIENT_MAC, SERVER_MAC, src, dst, 1, UdpDatagram.of(srcPort, dstPort, payload));
        Ipv4Packet ip = Ipv4Packet.parse(EthernetFrame.parse(data).payload());
        UdpDatagram u = UdpDatagram.parse(ip.payload(), src, dst);
        CapturedFrame cf = new CapturedFrame(++number, (T0 + atMicros) * 1000, 0, LinkType.ETHERNET, data.length, data);
        return new DecodedFrame(cf, EthernetFrame.TYPE_IPV4, null, ip, null, 0, u, false, null);
    }

    void query(long at, int id, String name) throws MalformedFrameException {
        observer.udp(udp(at, CLIENT, PORT, SERVER, 53, DnsMessage.query(id, name, DnsType.A, true, 1232).toBytes()));
    }

    static DnsMessage answer(int id, String name, int flags, int addresses) {
        List<DnsMessage.Record> records = new ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            records.add(DnsMessage.Record.a(name, 300, Ip4.parse("198.18.2." + (i + 2))));
        }
        return new DnsMessage(id, DnsMessage.QR | DnsMessage.RD | DnsMessage.RA | flags,
                List.of(new DnsMessage.Question(name, DnsType.A, DnsType.IN)), records, List.of(), List.of());
    }

    void reply(long at, int from, DnsMessage m) throws MalformedFrameException {
        observer.udp(udp(at, from, 53, CLIENT, PORT, m.toBytes()));
    }

    List<Event.Frame> frames() {
        return events.stream().filter(e -> e instanceof Event.Frame).map(e -> (Event.Frame) e).toList();
    }

    List<String> moves() {
        return events.stream().filter(e -> e instanceof Event.Transition).map(e -> (Event.Transition) e)
                .map(t -> t.from() + ">" + t.to()).toList();
    }

    List<Event.Transition> transitions() {
        return events.stream().filter(e -> e instanceof Event.Transition).map(e -> (Event.Transition) e).toList();
    }

    /** The dns facts of every note, in order. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> facts() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Note n && n.fields().get("dns") instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            }
        }
        return out;
    }

    List<String> findings() {
        return facts().stream().map(f -> (String) f.get("finding")).filter(f -> f != null).toList();
    }

    Map<String, Object> fact(DnsFinding finding) {
        return facts().stream().filter(f -> finding.key().equals(f.get("finding"))).findFirst().orElseThrow();
    }

    @Test
    void aQueryAndItsAnswerAreMatchedAndTheAnswerSaysWhatItAnswers() throws Exception {
        query(0, 0x1a2b, NAME);
        reply(1_500, SERVER, answer(0x1a2b, NAME, DnsMessage.AA, 2));
        observer.finish(T0 + 10_000);

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.ANSWER.key()), findings());
        assertEquals(List.of(Event.Direction.OUT, Event.Direction.IN), frames().stream().map(Event.Frame::direction).toList());
        assertEquals(2, frames().get(1).captured().number());
        Map<String, Object> q = fact(DnsFinding.QUERY);
        assertEquals("0x1a2b", q.get("id"));
        assertEquals(NAME, q.get("name"));
        assertEquals("A", q.get("type"));
        assertEquals(true, q.get("rd"));
        assertEquals(1232, q.get("edns_udp"));
        Map<String, Object> a = fact(DnsFinding.ANSWER);
        assertEquals(1L, a.get("answers_frame"));
        assertEquals(1.5, (double) a.get("rtt_ms"), 1e-9);
        assertEquals("NOERROR", a.get("rcode"));
        assertEquals(true, a.get("aa"));
        assertEquals(false, a.get("tc"));
        assertEquals(true, a.get("ra"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) a.get("answers");
        assertEquals(List.of("198.18.2.2", "198.18.2.3"), records.stream().map(r -> r.get("data")).toList());
        assertEquals("A", records.get(0).get("type"));
        assertEquals(300L, records.get(0).get("ttl"));

        assertEquals(List.of("NONE>QUERY_SENT", "QUERY_SENT>ANSWERED"), moves());
        String subject = DnsObserver.querySubject(IpAddress.of(CLIENT), PORT, 0x1a2b);
        assertTrue(transitions().stream().allMatch(t -> t.subject().equals(subject)));

        List<DnsExchangeSummary> x = observer.exchanges();
        assertEquals(1, x.size());
        DnsExchangeSummary s = x.get(0);
        assertEquals(new DnsExchangeSummary(0, IpAddress.of(CLIENT), PORT, IpAddress.of(SERVER), 53, 0x1a2b, NAME, DnsType.A, "NOERROR", 2, 1_500,
                DnsTransport.UDP, -1, false, -1, 1, DnsQueryState.ANSWERED), s);
        assertTrue(s.answered());
    }

    @Test
    void eachFrameComesFirstThenItsTransitionsThenItsNotes() throws Exception {
        query(0, 7, NAME);
        assertTrue(events.get(0) instanceof Event.Frame);
        assertTrue(events.get(1) instanceof Event.Transition);
        assertTrue(events.get(2) instanceof Event.Note);
    }

    @Test
    void theSameQueryAgainIsARetransmissionAndTheAnswerIsTimedFromTheLatest() throws Exception {
        query(0, 9, NAME);
        query(1_000_000, 9, NAME);
        reply(1_000_800, SERVER, answer(9, NAME, 0, 1));

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.RETRANSMISSION.key(), DnsFinding.ANSWER.key()), findings());
        assertEquals(2, fact(DnsFinding.RETRANSMISSION).get("query"));
        assertEquals(List.of("NONE>QUERY_SENT", "QUERY_SENT>RETRY", "RETRY>QUERY_SENT", "QUERY_SENT>ANSWERED"), moves());
        Map<String, Object> a = fact(DnsFinding.ANSWER);
        assertEquals(2L, a.get("answers_frame"));
        assertEquals(1L, a.get("first_query_frame"));
        assertEquals(0.8, (double) a.get("rtt_ms"), 1e-9);
        DnsExchangeSummary s = observer.exchanges().get(0);
        assertEquals(2, s.queries());
        assertEquals(800, s.rttMicros());
    }

    @Test
    void anAnswerWithoutItsQueryInTheCaptureIsToldSoWithNoRoundTrip() throws Exception {
        reply(0, SERVER, answer(5, NAME, 0, 1));
        observer.finish(T0 + 1_000);

        assertEquals(List.of(DnsFinding.NO_QUERY.key()), findings());
        assertEquals(Event.Direction.IN, frames().get(0).direction());
        DnsExchangeSummary s = observer.exchanges().get(0);
        assertEquals(-1, s.rttMicros());
        assertEquals(0, s.queries());
        assertEquals("NOERROR", s.rcode());
        assertEquals(NAME, s.name());
        assertEquals(DnsQueryState.ANSWERED, s.state());
        assertTrue(moves().isEmpty());
    }

    @Test
    void aQueryUnansweredForLongerThanAResolverWaitsTimesOutBeforeALateAnswer() throws Exception {
        query(0, 0x4444, NAME);
        reply(30_000_000, SERVER, answer(0x4444, NAME, 0, 1)); // 30 s later: every resolver had given up
        List<String> f = findings();
        assertTrue(f.contains(DnsFinding.TIMED_OUT.key()) && f.contains(DnsFinding.LATE_ANSWER.key()) && !f.contains(DnsFinding.ANSWER.key()),
                f.toString());
        assertTrue(observer.exchanges().get(0).state() == DnsQueryState.TIMED_OUT, observer.exchanges().toString());
        assertEquals(-1, observer.exchanges().get(0).rttMicros(), "no round trip is measured to a late answer");
    }

    @Test
    void anAnswerWithAnotherIdIsAMismatchAndTheQueryStillTimesOut() throws Exception {
        query(0, 0x1111, NAME);
        reply(300, SERVER, answer(0x2222, NAME, 0, 1));
        observer.finish(T0 + 5_000_000);

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.MISMATCH.key(), DnsFinding.TIMED_OUT.key()), findings());
        Map<String, Object> m = fact(DnsFinding.MISMATCH);
        assertEquals("other_id", m.get("reason"));
        assertEquals(1L, m.get("query_frame"));
        assertTrue(events.stream().anyMatch(e -> e instanceof Event.Note n && n.kind() == Event.Note.Kind.WARNING));
        Event.Transition last = transitions().get(transitions().size() - 1);
        assertEquals("TIMED_OUT", last.to());
        assertTrue(last.inferred());
        assertEquals(DnsQueryState.TIMED_OUT, observer.exchanges().get(0).state());
        assertEquals(-1, observer.exchanges().get(0).rttMicros());
        assertFalse(observer.exchanges().get(0).answered());
        assertEquals(5000.0, (double) fact(DnsFinding.TIMED_OUT).get("waited_ms"), 1e-9);
    }

    @Test
    void anAnswerForAnotherQuestionIsAMismatch() throws Exception {
        query(0, 3, NAME);
        reply(300, SERVER, answer(3, "evil.synack.test.", 0, 1));
        reply(400, SERVER, answer(3, "WWW.Synack.Test.", 0, 1)); // names compare without case

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.MISMATCH.key(), DnsFinding.ANSWER.key()), findings());
        assertEquals("other_question", fact(DnsFinding.MISMATCH).get("reason"));
        assertEquals(400, observer.exchanges().get(0).rttMicros(), "answered by the frame with its question");
    }

    @Test
    void anAnswerFromAnotherServerToTheClientsPortIsAMismatch() throws Exception {
        query(0, 4, NAME);
        reply(200, OTHER, answer(4, NAME, 0, 1));

        assertEquals("other_server", fact(DnsFinding.MISMATCH).get("reason"));
        assertEquals(1, observer.exchanges().size(), "the stray answer is no transaction of its own");
    }

    @Test
    void aSecondAnswerToAnAnsweredQueryIsADuplicate() throws Exception {
        query(0, 6, NAME);
        reply(200, SERVER, answer(6, NAME, 0, 1));
        reply(250, SERVER, answer(6, NAME, 0, 1));

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.ANSWER.key(), DnsFinding.DUPLICATE_ANSWER.key()), findings());
        assertEquals(2L, fact(DnsFinding.DUPLICATE_ANSWER).get("answered_frame"));
    }

    @Test
    void theSameQuestionUnderANewIdIsARequeryAndTheFirstTimesOut() throws Exception {
        query(0, 0x0a0a, NAME);
        query(2_000_000, 0x0b0b, NAME);
        reply(2_000_300, SERVER, answer(0x0b0b, NAME, 0, 1));
        observer.finish(T0 + 3_000_000);

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.REQUERY.key(), DnsFinding.ANSWER.key(), DnsFinding.TIMED_OUT.key()),
                findings());
        assertEquals(1L, fact(DnsFinding.REQUERY).get("again_of_frame"));
        assertEquals("0x0a0a", fact(DnsFinding.REQUERY).get("again_of_id"));
        assertEquals(2L, fact(DnsFinding.TIMED_OUT).get("asked_again_frame"));
        List<DnsExchangeSummary> x = observer.exchanges();
        assertEquals(DnsQueryState.TIMED_OUT, x.get(0).state());
        assertEquals(DnsQueryState.ANSWERED, x.get(1).state());
    }

    @Test
    void theSameQuestionFromANewPortUnderTheSameIdIsARequeryToo() throws Exception {
        query(0, 0x0c0c, NAME);
        observer.udp(udp(1_000_000, CLIENT, PORT + 1, SERVER, 53, DnsMessage.query(0x0c0c, NAME, DnsType.A, true, 1232).toBytes()));

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.REQUERY.key()), findings());
        assertEquals(PORT, fact(DnsFinding.REQUERY).get("again_of_port"));
        assertEquals(2, observer.exchanges().size());
    }

    @Test
    void aFormerrWithoutTheQuestionStillAnswersTheQuery() throws Exception {
        query(0, 8, NAME);
        reply(100, SERVER, new DnsMessage(8, DnsMessage.QR | 1, List.of(), List.of(), List.of(), List.of()));

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.ANSWER.key()), findings());
        assertEquals("FORMERR", observer.exchanges().get(0).rcode());
    }

    /** Two-byte length framing of RFC 7766. */
    static byte[] framed(DnsMessage m) {
        byte[] b = m.toBytes();
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >>> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    @Test
    void aTruncatedAnswerRetriedOverTcpIsToldAnsweredInFull() throws Exception {
        query(0, 0x00aa, NAME);
        reply(500, SERVER, answer(0x00aa, NAME, DnsMessage.TC, 0));
        StreamListener tcp = observer.overTcp(3, IpAddress.of(CLIENT), 41_000, IpAddress.of(SERVER), 53, events::add);
        byte[] q = framed(DnsMessage.query(0x00bb, NAME, DnsType.A, true, 1232));
        tcp.bytes(Side.A, T0 + 2_000, 6, q, 0, 1); // the length split across segments
        tcp.bytes(Side.A, T0 + 2_100, 7, q, 1, q.length - 1);
        byte[] a = framed(answer(0x00bb, NAME, 0, 40));
        tcp.bytes(Side.B, T0 + 3_000, 9, a, 0, 300);
        tcp.bytes(Side.B, T0 + 3_010, 10, a, 300, a.length - 300);
        tcp.end(Side.A, T0 + 3_100, false);
        observer.finish(T0 + 10_000);

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.ANSWER.key(), DnsFinding.TCP_RETRY.key(), DnsFinding.ANSWER.key(),
                DnsFinding.RETRIED_OVER_TCP.key()), findings());
        String udpSubject = DnsObserver.querySubject(IpAddress.of(CLIENT), PORT, 0x00aa);
        assertTrue(transitions().stream().allMatch(t -> t.subject().equals(udpSubject)), "the TCP retry goes on the UDP query's story");
        assertEquals(List.of("NONE>QUERY_SENT", "QUERY_SENT>TRUNCATED", "TRUNCATED>QUERY_SENT", "QUERY_SENT>ANSWERED"), moves());
        Map<String, Object> retry = fact(DnsFinding.TCP_RETRY);
        assertEquals(7L, retry.get("frame"));
        assertEquals(2L, retry.get("truncated_frame"));
        Map<String, Object> full = fact(DnsFinding.RETRIED_OVER_TCP);
        assertEquals(3, full.get("stream"));
        assertEquals(2L, full.get("truncated_frame"));
        assertEquals(40, ((List<?>) full.get("answers")).size());

        List<DnsExchangeSummary> x = observer.exchanges();
        assertEquals(2, x.size());
        assertTrue(x.get(0).truncated());
        assertEquals(3, x.get(0).retriedOverTcpStream());
        assertEquals(DnsTransport.UDP, x.get(0).transport());
        assertEquals(DnsTransport.TCP, x.get(1).transport());
        assertEquals(3, x.get(1).tcpStream());
        assertEquals(40, x.get(1).answers());
        assertEquals(910, x.get(1).rttMicros(), "from the frame that completed the query to the one that completed the answer");
        assertEquals(DnsQueryState.ANSWERED, x.get(1).state());
        assertFalse(findings().contains(DnsFinding.NOT_RETRIED_OVER_TCP.key()));
    }

    @Test
    void aTruncatedAnswerNeverRetriedIsToldAtTheEnd() throws Exception {
        query(0, 0x00cc, NAME);
        reply(500, SERVER, answer(0x00cc, NAME, DnsMessage.TC, 0));
        observer.finish(T0 + 10_000);

        assertEquals(DnsFinding.NOT_RETRIED_OVER_TCP.key(), findings().get(findings().size() - 1));
        assertEquals(DnsQueryState.TRUNCATED, observer.exchanges().get(0).state());
    }

    @Test
    void aMalformedPayloadIsAnnotatedAndDroppedWithoutATransaction() throws Exception {
        observer.udp(udp(0, CLIENT, PORT, SERVER, 53, new byte[] {1, 2, 3}));
        byte[] cut = answer(1, NAME, 0, 3).toBytes();
        observer.udp(udp(10, SERVER, 53, CLIENT, PORT, java.util.Arrays.copyOf(cut, cut.length - 5)));
        observer.finish(T0 + 100);

        assertEquals(List.of(DnsFinding.MALFORMED.key(), DnsFinding.MALFORMED.key()), findings());
        assertEquals(List.of(Event.Direction.OUT, Event.Direction.IN), frames().stream().map(Event.Frame::direction).toList());
        assertFalse(frames().get(0).remark().isEmpty());
        assertTrue(observer.exchanges().isEmpty());
        assertTrue(moves().isEmpty());
    }

    @Test
    void aFrameTheDecoderCouldNotReadIsToldDropped() {
        byte[] data = new byte[30];
        CapturedFrame cf = new CapturedFrame(1, T0 * 1000, 0, LinkType.ETHERNET, 80, data);
        observer.udp(new DecodedFrame(cf, EthernetFrame.TYPE_IPV4, null, null, null, 0, null, true, "IPv4 header cut short"));
        assertEquals(List.of(DnsFinding.MALFORMED.key()), findings());
        assertEquals("IPv4 header cut short", fact(DnsFinding.MALFORMED).get("detail"));
    }

    @Test
    void aGapInATcpStreamStopsItsFramingAndAStreamEndingInsideAMessageIsTold() {
        StreamListener tcp = observer.overTcp(1, IpAddress.of(CLIENT), 41_000, IpAddress.of(SERVER), 53, events::add);
        byte[] q = framed(DnsMessage.query(1, NAME, DnsType.A, true, 0));
        tcp.bytes(Side.A, T0, 4, q, 0, 5);
        tcp.gap(Side.A, T0 + 10, 100);
        tcp.bytes(Side.A, T0 + 20, 6, q, 0, q.length); // after the gap: not read
        byte[] a = framed(answer(1, NAME, 0, 1));
        tcp.bytes(Side.B, T0 + 30, 7, a, 0, 6);
        tcp.end(Side.B, T0 + 40, true);

        assertEquals(List.of(DnsFinding.STREAM_GAP.key(), DnsFinding.MALFORMED.key()), findings());
        assertEquals(100L, fact(DnsFinding.STREAM_GAP).get("missing"));
        assertEquals(7L, fact(DnsFinding.MALFORMED).get("frame"));
        assertTrue(observer.exchanges().isEmpty());
    }

    @Test
    void twoMessagesInOneSegmentAreBothRead() {
        StreamListener tcp = observer.overTcp(2, IpAddress.of(CLIENT), 41_000, IpAddress.of(SERVER), 53, events::add);
        byte[] q1 = framed(DnsMessage.query(1, NAME, DnsType.A, true, 0));
        byte[] q2 = framed(DnsMessage.query(2, "mail.synack.test.", DnsType.A, true, 0));
        byte[] both = new byte[q1.length + q2.length];
        System.arraycopy(q1, 0, both, 0, q1.length);
        System.arraycopy(q2, 0, both, q1.length, q2.length);
        tcp.bytes(Side.A, T0, 4, both, 0, both.length);
        tcp.captureEnded(T0 + 100);
        observer.finish(T0 + 100);

        assertEquals(List.of(DnsFinding.QUERY.key(), DnsFinding.QUERY.key(), DnsFinding.TIMED_OUT.key(), DnsFinding.TIMED_OUT.key()),
                findings());
        assertEquals(List.of(1, 2), observer.exchanges().stream().map(DnsExchangeSummary::id).toList());
        assertTrue(observer.exchanges().stream().allMatch(x -> x.transport() == DnsTransport.TCP && x.tcpStream() == 2));
    }

    @Test
    void pastItsBoundTheOldestPendingQueriesTimeOutAndThatIsToldOnce() throws Exception {
        DnsObserver small = new DnsObserver(events::add, 3);
        for (int i = 0; i < 5; i++) {
            small.udp(udp(i, CLIENT, PORT + i, SERVER, 53, DnsMessage.query(i, NAME, DnsType.A, true, 0).toBytes()));
        }
        long timedOutBeforeEnd = findings().stream().filter(DnsFinding.TIMED_OUT.key()::equals).count();
        small.finish(T0 + 1_000);

        assertEquals(1, findings().stream().filter(DnsFinding.TOO_MANY_PENDING.key()::equals).count());
        assertEquals(2, timedOutBeforeEnd);
        assertEquals(5, small.exchanges().stream().filter(x -> x.state() == DnsQueryState.TIMED_OUT).count());
        assertNull(small.exchanges().get(0).rcode());
    }
}
