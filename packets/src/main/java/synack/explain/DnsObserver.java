package synack.explain;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.capture.DecodedFrame;
import synack.event.Durations;
import synack.event.Event;
import synack.event.EventSink;
import synack.event.Remark;
import synack.exchange.dns.AnswerText;
import synack.exchange.dns.DnsQueryState;
import synack.exchange.dns.DnsTransport;
import synack.exchange.dns.RecordFields;
import synack.exchange.dns.ReplyMismatch;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.IpAddress;
import synack.wire.MalformedFrameException;

/**
 * Tells the DNS of a capture: each query matched to its response by client address and port,
 * server address and port, ID and question (RFC 5452 section 9.1, what a stub resolver checks);
 * retransmissions, responses whose query is not in the capture, responses a querier would refuse
 * (a {@link ReplyMismatch}: spoof-like or stray), queries never answered (timed out at the end),
 * and a truncated (TC) UDP answer asked again over TCP. Over TCP the messages come through
 * {@link #overTcp}, each behind its two-byte length (RFC 7766).
 *
 * <p>Each UDP message is one {@link Event.Frame} (OUT for the query, IN for the response), then the
 * transaction's transitions ({@link DnsQueryState}, as the live dns-resolve names them), then notes
 * whose {@code dns} field holds the facts ({@link DnsFinding} key, ID, question, what it answers, the
 * records as dns-resolve --json gives them). A message over TCP has no frame of its own (the TCP
 * observer tells the segments): its note comes first. Memory is bounded: at most {@code maxPending}
 * unanswered queries (the oldest are given up as timed out) and {@value #MAX_EXCHANGES} summaries.
 */
public final class DnsObserver {
    public static final int DNS_PORT = 53;
    /** Unanswered queries kept; past it the oldest are told timed out. */
    public static final int MAX_PENDING = 65_536;
    /** Transactions listed by {@link #exchanges()}; later ones are told but not listed. */
    public static final int MAX_EXCHANGES = 1_000;
    /** Answered transactions kept to tell a duplicate answer, and questions kept to tell a retry. */
    static final int MAX_RECENT = 4_096;
    private static final int FORMERR = 1;

    private static final String WHY_SENT = "a stub resolver asks once and waits; over UDP nothing guarantees delivery,"
            + " so silence means asking again";
    private static final String WHY_RETRY = "the same query again: the querier's wait ran out (or the query was sent twice)";
    private static final String WHY_TRUNCATED = "the answer did not fit the requester's UDP buffer (512 bytes without EDNS):"
            + " the server cut it and set TC, so the question must go again over TCP";
    private static final String WHY_TCP = "over TCP the length is not limited: each message goes behind its two-byte length (RFC 7766)";
    private static final String WHY_ANSWERED = "a response from the server the query went to, to the port it came from, with"
            + " its ID and question: the querier takes it (whatever its rcode)";
    private static final String WHY_TIMED_OUT = "no answer in the capture: the querier's wait ran out (or the capture ended first)";

    /** Which query a response answers: both ends, the ID, and the TCP stream (-1 over UDP). */
    private record Key(IpAddress clientIp, int clientPort, IpAddress serverIp, int serverPort, int id, int stream) {}

    /** A client's socket: where responses to its queries arrive. */
    private record ClientEnd(IpAddress ip, int port, int stream) {}

    /** One client's question to one server, whatever the ports and ID: what a retry (new ID, or TCP) asks again. */
    private record Asked(IpAddress clientIp, IpAddress serverIp, String name, int type, int klass) {}

    /** One DNS transaction: a query and what became of it. */
    private static final class Transaction {
        final int index;
        final Key key;
        final DnsTransport transport;
        final String subject;
        final EventSink sink;
        final DnsMessage.Question question; // null for an answer with none
        DnsQueryState state = DnsQueryState.NONE;
        boolean pending;
        int queries;
        long firstQueryFrame = -1;
        long firstQueryAt;
        long lastQueryFrame = -1;
        long lastQueryAt;
        String rcode;
        int answers;
        long rttMicros = -1;
        long answerFrame = -1;
        boolean truncated;
        int retriedOverTcpStream = -1;
        Transaction retryOf; // the truncated UDP transaction this TCP query asks again
        long askedAgainFrame = -1; // a later query of the same question (new ID or port) while this one waited

        Transaction(int index, Key key, DnsTransport transport, EventSink sink, DnsMessage.Question question) {
            this.index = index;
            this.key = key;
            this.transport = transport;
            this.sink = sink;
            this.question = question;
            this.subject = querySubject(key.clientIp, key.clientPort, key.id);
        }

        /** The transaction whose story this one goes on: a TCP retry tells the states of the UDP query it retries. */
        Transaction story() {
            return retryOf != null ? retryOf : this;
        }

        DnsExchangeSummary summary() {
            return new DnsExchangeSummary(index, key.clientIp, key.clientPort, key.serverIp, key.serverPort, key.id,
                    question == null ? null : question.name(), question == null ? -1 : question.type(), rcode, answers, rttMicros,
                    transport, key.stream, truncated, retriedOverTcpStream, queries, state);
        }
    }

    /**
     * One message as it was seen, and what is told of it: for UDP its frame goes first, then the
     * transitions, then the notes; over TCP (no frame of its own) the facts note goes first.
     */
    private static final class Seen {
        final DecodedFrame udpFrame; // null over TCP
        final int stream;
        final EventSink sink;
        final long time;
        final long frameNumber;
        final IpAddress srcIp;
        final int srcPort;
        final IpAddress dstIp;
        final int dstPort;
        Event.Direction direction = Event.Direction.OUT;
        final Remark.Builder remark = Remark.builder();
        final Map<String, Object> facts = new LinkedHashMap<>();
        final List<Event> transitions = new ArrayList<>();
        final List<Event> notes = new ArrayList<>();
        Event.Note.Kind factKind;
        String factText;

        Seen(DecodedFrame udpFrame, int stream, EventSink sink, long time, long frameNumber, IpAddress srcIp, int srcPort,
             IpAddress dstIp, int dstPort) {
            this.udpFrame = udpFrame;
            this.stream = stream;
            this.sink = sink;
            this.time = time;
            this.frameNumber = frameNumber;
            this.srcIp = srcIp;
            this.srcPort = srcPort;
            this.dstIp = dstIp;
            this.dstPort = dstPort;
            facts.put("frame", frameNumber);
            facts.put("transport", (stream < 0 ? DnsTransport.UDP : DnsTransport.TCP).key());
            if (stream >= 0) {
                facts.put("stream", stream);
            }
        }

        DnsTransport transport() {
            return stream < 0 ? DnsTransport.UDP : DnsTransport.TCP;
        }

        void finding(DnsFinding finding) {
            facts.put("finding", finding.key());
        }

        void emit() {
            Remark words = remark.build();
            Event.Note.Kind kind = factKind != null ? factKind : udpFrame != null ? Event.Note.Kind.ROUTINE : Event.Note.Kind.INFO;
            String text = factText != null ? factText : "";
            if (udpFrame != null) {
                sink.accept(new Event.Frame(time, direction, udpFrame.frame().data(), words, false, 0, new Event.Captured(
                        udpFrame.frame().number(), udpFrame.frame().link(), udpFrame.frame().originalLength(), -1)));
                transitions.forEach(sink::accept);
                sink.accept(new Event.Note(time, kind, text, Map.of("dns", facts)));
            } else {
                // no frame to carry the words: the note says which stream and frame, and what the message is
                String head = "DNS over TCP (stream " + stream + ", frame " + frameNumber + "): " + words.text();
                sink.accept(new Event.Note(time, kind, text.isEmpty() ? head : head + "\n" + text, Map.of("dns", facts)));
                transitions.forEach(sink::accept);
            }
            notes.forEach(sink::accept);
        }
    }

    private final EventSink sink;
    private final int maxPending;
    private final LinkedHashMap<Key, Transaction> pending = new LinkedHashMap<>();
    private final LinkedHashMap<Key, Transaction> answered = new LinkedHashMap<>();
    private final LinkedHashMap<ClientEnd, Transaction> latestByClient = new LinkedHashMap<>();
    private final LinkedHashMap<Asked, Transaction> latestByQuestion = new LinkedHashMap<>();
    private final List<Transaction> listed = new ArrayList<>();
    private int transactions;
    private boolean toldTooManyPending;
    private boolean toldTooManyExchanges;
    private boolean finished;

    public DnsObserver(EventSink sink) {
        this(sink, MAX_PENDING);
    }

    /** With a smaller bound, for tests of what happens past it. */
    DnsObserver(EventSink sink, int maxPending) {
        this.sink = sink;
        this.maxPending = maxPending;
    }

    /** The subject of a transaction's transitions, as the live lookup's ("query 0x1a2b"), with the client that asked. */
    public static String querySubject(IpAddress clientIp, int clientPort, int id) {
        return String.format(Locale.ROOT, "query 0x%04x from %s", id, clientIp.withPort(clientPort));
    }

    /** A UDP datagram with port 53 on either side, in capture order. */
    public void udp(DecodedFrame f) {
        long time = f.frame().timeMicros();
        long number = f.frame().number();
        if (!f.hasIp() || f.udp() == null) {
            Seen seen = new Seen(f, -1, sink, time, number, null, 0, null, 0);
            dropped(seen, f.malformed() != null ? f.malformed() : "no UDP datagram to read");
            seen.emit();
            return;
        }
        Seen seen = new Seen(f, -1, sink, time, number, f.source(), f.udp().sourcePort(), f.destination(),
                f.udp().destinationPort());
        try {
            message(seen, DnsMessage.parse(f.udp().payload()));
        } catch (MalformedFrameException e) {
            seen.direction = f.udp().destinationPort() == DNS_PORT ? Event.Direction.OUT : Event.Direction.IN;
            dropped(seen, e.getMessage() + (f.truncated() ? " (the snapshot length cut the frame: "
                    + f.frame().data().length + " of " + f.frame().originalLength() + " bytes captured)" : ""));
        }
        seen.emit();
    }

    /** What reads the DNS messages of one TCP connection (port 53 on a side), from the TCP observer's ordered bytes. */
    public StreamListener overTcp(int stream, IpAddress aIp, int aPort, IpAddress bIp, int bPort, EventSink sink) {
        return new DnsTcpStream(this, stream, aIp, aPort, bIp, bPort, sink);
    }

    /** One whole DNS message of a TCP stream (without its length), from DnsTcpStream. */
    void tcpMessage(int stream, EventSink to, long time, long frameNumber, IpAddress srcIp, int srcPort, IpAddress dstIp, int dstPort,
                    byte[] message) {
        Seen seen = new Seen(null, stream, to, time, frameNumber, srcIp, srcPort, dstIp, dstPort);
        try {
            message(seen, DnsMessage.parse(message));
        } catch (MalformedFrameException e) {
            dropped(seen, e.getMessage());
            seen.factKind = Event.Note.Kind.WARNING;
        }
        seen.emit();
    }

    private void dropped(Seen seen, String why) {
        seen.finding(DnsFinding.MALFORMED);
        seen.facts.put("detail", why);
        seen.remark.words("dropped: malformed DNS: " + why);
        seen.factText = "malformed DNS message dropped";
    }

    /**
     * A query unanswered this long after its last sending has timed out at its querier (glibc and dig wait 5 s a
     * try): told when the capture's clock passes it, not only at the end, so that a late answer is not taken
     * for the answer.
     */
    static final long GIVE_UP_MICROS = 10_000_000L;

    private void expire(Seen seen) {
        for (Iterator<Transaction> it = pending.values().iterator(); it.hasNext(); ) {
            Transaction t = it.next();
            if (seen.time - t.lastQueryAt <= GIVE_UP_MICROS) {
                break; // kept in the order last asked (a retry moves to the end): the rest are younger
            }
            it.remove();
            timeOut(t, seen.time, "no answer within " + GIVE_UP_MICROS / 1_000_000 + " s of the last query", seen.notes);
        }
    }

    private void message(Seen seen, DnsMessage m) {
        expire(seen);
        seen.facts.put("id", hex(m.id()));
        if (!m.questions().isEmpty()) {
            DnsMessage.Question q = m.questions().get(0);
            seen.facts.put("name", q.name());
            seen.facts.put("type", DnsType.name(q.type()));
        }
        seen.factText = m.summary();
        if (m.qr()) {
            seen.direction = Event.Direction.IN;
            seen.facts.put("client", end(seen.dstIp, seen.dstPort));
            seen.facts.put("server", end(seen.srcIp, seen.srcPort));
            response(seen, m);
        } else {
            seen.facts.put("client", end(seen.srcIp, seen.srcPort));
            seen.facts.put("server", end(seen.dstIp, seen.dstPort));
            query(seen, m);
        }
    }

    // ---------------------------------------------------------------- queries

    private void query(Seen seen, DnsMessage m) {
        DnsMessage.Question q = m.questions().isEmpty() ? null : m.questions().get(0);
        Key key = new Key(seen.srcIp, seen.srcPort, seen.dstIp, seen.dstPort, m.id(), seen.stream);
        seen.facts.put("rd", m.rd());
        seen.facts.put("edns_udp", m.ednsUdpSize() < 0 ? null : m.ednsUdpSize());
        Transaction t = pending.get(key);
        if (t != null && sameQuestion(t.question, q)) {
            t.queries++;
            seen.finding(DnsFinding.RETRANSMISSION);
            seen.facts.put("query", t.queries);
            seen.facts.put("first_query_frame", t.firstQueryFrame);
            seen.facts.put("since_previous_ms", Durations.msValue(seen.time - t.lastQueryAt));
            seen.facts.put("index", t.index);
            seen.remark.words("retransmission: the same query again (" + t.queries + " in all), " + Durations.human(seen.time - t.lastQueryAt)
                    + " after frame " + t.lastQueryFrame + " went unanswered");
            move(t, DnsQueryState.RETRY, seen.time, "no answer in " + Durations.human(seen.time - t.lastQueryAt), true, WHY_RETRY,
                    seen.transitions);
            move(t, DnsQueryState.QUERY_SENT, seen.time, "query sent again", false, WHY_SENT, seen.transitions);
            t.lastQueryFrame = seen.frameNumber;
            t.lastQueryAt = seen.time;
            pending.remove(key); // to the end: the map is in the order of last sending (expire() reads it so)
            pending.put(key, t);
            return;
        }
        if (t != null) { // the ID and ports again, for another question: the first one will not be answered as asked
            timeOut(t, seen.time, "ID " + hex(m.id()) + " reused for another question", seen.notes);
        }
        t = open(key, seen, q);
        t.pending = true;
        t.queries = 1;
        t.firstQueryFrame = seen.frameNumber;
        t.firstQueryAt = seen.time;
        t.lastQueryFrame = seen.frameNumber;
        t.lastQueryAt = seen.time;
        seen.facts.put("index", t.index);
        Asked asked = q == null ? null : new Asked(seen.srcIp, seen.dstIp, q.name().toLowerCase(Locale.ROOT), q.type(), q.klass());
        Transaction before = asked == null ? null : latestByQuestion.get(asked);
        String what = (q == null ? "no question" : DnsType.name(q.type()) + " " + q.name()) + (m.rd() ? ", recursion desired" : "")
                + (m.ednsUdpSize() >= 0 ? ", EDNS buffer " + m.ednsUdpSize() : ", no EDNS");
        if (seen.stream >= 0 && before != null && before.transport == DnsTransport.UDP && before.truncated
                && before.retriedOverTcpStream < 0) {
            t.retryOf = before;
            before.retriedOverTcpStream = seen.stream;
            seen.finding(DnsFinding.TCP_RETRY);
            seen.facts.put("retries_index", before.index);
            seen.facts.put("truncated_frame", before.answerFrame);
            seen.remark.words("asks again over TCP the question whose UDP answer (frame " + before.answerFrame + ") was truncated: " + what);
            move(t, DnsQueryState.QUERY_SENT, seen.time, "query sent over TCP (stream " + seen.stream + ")", false, WHY_TCP,
                    seen.transitions);
        } else {
            if (before != null && before.pending && before.transport == seen.transport() && !before.key.equals(key)) {
                before.askedAgainFrame = seen.frameNumber;
                seen.finding(DnsFinding.REQUERY);
                seen.facts.put("again_of_frame", before.lastQueryFrame);
                seen.facts.put("again_of_id", hex(before.key.id));
                seen.facts.put("again_of_port", before.key.clientPort);
                seen.remark.words("asks again, " + Durations.human(seen.time - before.lastQueryAt) + " after frame "
                        + before.lastQueryFrame + " (ID " + hex(before.key.id) + " from port " + before.key.clientPort
                        + ") went unanswered: " + what);
            } else {
                seen.finding(DnsFinding.QUERY);
                seen.remark.words("query: " + what);
            }
            move(t, DnsQueryState.QUERY_SENT, seen.time, "query sent over " + seen.transport().name(), false,
                    seen.stream >= 0 ? WHY_TCP : WHY_SENT, seen.transitions);
        }
        putPending(t, seen);
        put(latestByClient, new ClientEnd(seen.srcIp, seen.srcPort, seen.stream), t, MAX_RECENT);
        if (asked != null) {
            put(latestByQuestion, asked, t, MAX_RECENT);
        }
    }

    private Transaction open(Key key, Seen seen, DnsMessage.Question q) {
        Transaction t = new Transaction(transactions++, key, seen.transport(), seen.sink, q);
        if (listed.size() < MAX_EXCHANGES) {
            listed.add(t);
        } else if (!toldTooManyExchanges) {
            toldTooManyExchanges = true;
            seen.notes.add(new Event.Note(seen.time, Event.Note.Kind.INFO, "more than " + MAX_EXCHANGES + " DNS transactions:"
                    + " the later ones are told but left out of the summary", Map.of("dns", Map.of("limit", MAX_EXCHANGES))));
        }
        return t;
    }

    private void putPending(Transaction t, Seen seen) {
        pending.remove(t.key); // a retry goes to the end: the map stays in the order of last sending, as expire() reads it
        pending.put(t.key, t);
        if (pending.size() <= maxPending) {
            return;
        }
        Iterator<Transaction> oldest = pending.values().iterator();
        Transaction gone = oldest.next();
        oldest.remove();
        if (!toldTooManyPending) {
            toldTooManyPending = true;
            seen.notes.add(new Event.Note(seen.time, Event.Note.Kind.WARNING, "more than " + maxPending + " DNS queries unanswered"
                    + " at once: the oldest are given up as timed out",
                    Map.of("dns", Map.of("finding", DnsFinding.TOO_MANY_PENDING.key(), "limit", maxPending))));
        }
        timeOut(gone, seen.time, "forgotten: more than " + maxPending + " queries pending", seen.notes);
    }

    // ---------------------------------------------------------------- responses

    private void response(Seen seen, DnsMessage m) {
        Key key = new Key(seen.dstIp, seen.dstPort, seen.srcIp, seen.srcPort, m.id(), seen.stream);
        Transaction t = pending.get(key);
        if (t != null) {
            ReplyMismatch wrong = questionMismatch(t, m);
            if (wrong == null) {
                answer(t, seen, m);
            } else {
                mismatch(t, seen, wrong);
            }
            return;
        }
        Transaction done = answered.get(key);
        if (done != null && questionMismatch(done, m) == null) {
            seen.finding(DnsFinding.DUPLICATE_ANSWER);
            seen.facts.put("index", done.index);
            seen.facts.put("answered_frame", done.answerFrame);
            seen.facts.put("rcode", m.rcodeName());
            seen.remark.words("another answer to the query frame " + done.answerFrame + " already answered: the querier has"
                    + " taken the first and drops this one");
            return;
        }
        Transaction late = timedOut.get(key);
        if (late != null && questionMismatch(late, m) == null) {
            seen.finding(DnsFinding.LATE_ANSWER);
            seen.facts.put("index", late.index);
            seen.facts.put("query_frame", late.lastQueryFrame);
            seen.facts.put("after_ms", (seen.time - late.lastQueryAt) / 1000.0);
            seen.facts.put("rcode", m.rcodeName());
            seen.remark.words("a late answer to the query of frame " + late.lastQueryFrame + ", which its querier had given up: "
                    + "nobody takes it");
            return;
        }
        Transaction asker = latestByClient.get(new ClientEnd(seen.dstIp, seen.dstPort, seen.stream));
        if (asker != null && asker.pending) {
            ReplyMismatch wrong;
            if (!asker.key.serverIp.equals(seen.srcIp)) {
                wrong = new ReplyMismatch(ReplyMismatch.Reason.OTHER_SERVER, seen.srcIp.toString(), asker.key.serverIp.toString());
            } else if (asker.key.serverPort != seen.srcPort) {
                wrong = new ReplyMismatch(ReplyMismatch.Reason.OTHER_SERVER_PORT, String.valueOf(seen.srcPort),
                        String.valueOf(asker.key.serverPort));
            } else {
                wrong = new ReplyMismatch(ReplyMismatch.Reason.OTHER_ID, hex(m.id()), hex(asker.key.id));
            }
            mismatch(asker, seen, wrong);
            return;
        }
        noQuery(key, seen, m);
    }

    /** Why a response with the query's ends and ID is not its answer (its question), or null when it is. */
    private static ReplyMismatch questionMismatch(Transaction t, DnsMessage m) {
        if (m.questions().isEmpty() && m.rcode() == FORMERR) {
            return null; // a FORMERR need not echo the question (RFC 6891 section 7): the ID tells it is the answer
        }
        if (t.question == null) {
            return m.questions().isEmpty() ? null : ReplyMismatch.of(ReplyMismatch.Reason.QUESTION_COUNT,
                    String.valueOf(m.questions().size()));
        }
        if (m.questions().size() != 1) {
            return ReplyMismatch.of(ReplyMismatch.Reason.QUESTION_COUNT, String.valueOf(m.questions().size()));
        }
        DnsMessage.Question theirs = m.questions().get(0);
        if (!sameQuestion(t.question, theirs)) {
            return new ReplyMismatch(ReplyMismatch.Reason.OTHER_QUESTION, theirs.name() + " " + DnsType.name(theirs.type()),
                    t.question.name() + " " + DnsType.name(t.question.type()));
        }
        return null;
    }

    private void mismatch(Transaction t, Seen seen, ReplyMismatch wrong) {
        seen.finding(DnsFinding.MISMATCH);
        seen.facts.putAll(wrong.fields());
        seen.facts.put("query_frame", t.lastQueryFrame);
        seen.facts.put("index", t.index);
        seen.remark.words("not the answer to frame " + t.lastQueryFrame + ", the querier would refuse it: " + wrong.words());
        seen.factKind = Event.Note.Kind.WARNING;
        seen.factText = "a response the querier would refuse (" + wrong.words() + "): stray, stale or spoofed";
    }

    private void answer(Transaction t, Seen seen, DnsMessage m) {
        pending.remove(t.key);
        put(answered, t.key, t, MAX_RECENT);
        t.pending = false;
        long rtt = seen.time - t.lastQueryAt;
        t.rcode = m.rcodeName();
        t.answers = m.answers().size();
        t.truncated = m.tc();
        t.rttMicros = rtt;
        t.answerFrame = seen.frameNumber;
        seen.finding(DnsFinding.ANSWER);
        seen.facts.put("index", t.index);
        seen.facts.put("answers_frame", t.lastQueryFrame);
        seen.facts.put("rtt_ms", Durations.msValue(rtt));
        seen.facts.put("tries", t.queries);
        if (t.queries > 1) {
            seen.facts.put("first_query_frame", t.firstQueryFrame);
            seen.facts.put("rtt_first_ms", Durations.msValue(seen.time - t.firstQueryAt));
        }
        answerFacts(seen.facts, m);
        seen.remark.words("answers frame " + t.lastQueryFrame + " after " + Durations.ms(rtt)
                + (t.queries > 1 ? " (" + Durations.human(seen.time - t.firstQueryAt) + " after the first try, frame "
                + t.firstQueryFrame + ")" : "") + "; " + m.rcodeName() + ", " + AnswerText.answers(m.answers().size())
                + (m.flagNames().isEmpty() ? "" : " (" + m.flagNames() + ")") + (m.tc() ? "; truncated" : ""));
        seen.factKind = Event.Note.Kind.INFO;
        seen.factText = AnswerText.sections(m);
        if (m.tc() && t.transport == DnsTransport.UDP) {
            move(t, DnsQueryState.TRUNCATED, seen.time, "TC set: the answer did not fit", false, WHY_TRUNCATED, seen.transitions);
            return;
        }
        move(t, DnsQueryState.ANSWERED, seen.time, m.rcodeName() + ", " + AnswerText.answers(m.answers().size()), false, WHY_ANSWERED,
                seen.transitions);
        if (t.retryOf != null) {
            Transaction udp = t.retryOf;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("finding", DnsFinding.RETRIED_OVER_TCP.key());
            f.put("index", udp.index);
            f.put("truncated_frame", udp.answerFrame);
            f.put("stream", seen.stream);
            f.put("tcp_index", t.index);
            f.put("rcode", m.rcodeName());
            f.put("answers", RecordFields.of(m.answers()));
            seen.notes.add(new Event.Note(seen.time, Event.Note.Kind.INFO, "the truncated UDP answer (frame " + udp.answerFrame
                    + ") was retried over TCP (stream " + seen.stream + ") and answered in full: " + m.rcodeName() + ", "
                    + AnswerText.answers(m.answers().size()), Map.of("dns", f)));
        }
    }

    /** A response whose query is not in the capture: told as an answer, with no round trip. */
    private void noQuery(Key key, Seen seen, DnsMessage m) {
        Transaction t = open(key, seen, m.questions().isEmpty() ? null : m.questions().get(0));
        t.rcode = m.rcodeName();
        t.answers = m.answers().size();
        t.truncated = m.tc();
        t.answerFrame = seen.frameNumber;
        t.state = m.tc() && t.transport == DnsTransport.UDP ? DnsQueryState.TRUNCATED : DnsQueryState.ANSWERED;
        put(answered, key, t, MAX_RECENT);
        if (t.question != null && t.state == DnsQueryState.TRUNCATED) {
            put(latestByQuestion, new Asked(key.clientIp, key.serverIp, t.question.name().toLowerCase(Locale.ROOT), t.question.type(),
                    t.question.klass()), t, MAX_RECENT);
        }
        seen.finding(DnsFinding.NO_QUERY);
        seen.facts.put("index", t.index);
        answerFacts(seen.facts, m);
        seen.remark.words("an answer whose query is not in the capture: it was asked before the capture began (or the capture"
                + " missed it); " + m.rcodeName() + ", " + AnswerText.answers(m.answers().size()));
        seen.factKind = Event.Note.Kind.INFO;
        seen.factText = AnswerText.sections(m);
    }

    /** The answer's fields, named as dns-resolve --json names them. */
    private static void answerFacts(Map<String, Object> f, DnsMessage m) {
        f.put("rcode", m.rcodeName());
        f.put("flags", m.flagNames());
        f.put("aa", m.aa());
        f.put("tc", m.tc());
        f.put("ra", m.ra());
        f.put("answers", RecordFields.of(m.answers()));
        f.put("authority", RecordFields.of(m.authority()));
        f.put("additional", RecordFields.of(RecordFields.data(m.additional())));
    }

    // ---------------------------------------------------------------- the end

    /** Queries lately given up, so that a late answer is told as one (bounded as the answered ones are). */
    private final LinkedHashMap<Key, Transaction> timedOut = new LinkedHashMap<>();

    private void timeOut(Transaction t, long at, String cause, List<Event> into) {
        t.pending = false;
        pending.remove(t.key);
        put(timedOut, t.key, t, MAX_RECENT);
        move(t, DnsQueryState.TIMED_OUT, at, cause, true, WHY_TIMED_OUT, into);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("finding", DnsFinding.TIMED_OUT.key());
        f.put("index", t.index);
        f.put("id", hex(t.key.id));
        if (t.question != null) {
            f.put("name", t.question.name());
            f.put("type", DnsType.name(t.question.type()));
        }
        f.put("client", end(t.key.clientIp, t.key.clientPort));
        f.put("server", end(t.key.serverIp, t.key.serverPort));
        f.put("transport", t.transport.key());
        f.put("queries", t.queries);
        f.put("first_query_frame", t.firstQueryFrame);
        f.put("last_query_frame", t.lastQueryFrame);
        f.put("waited_ms", Durations.msValue(at - t.lastQueryAt));
        if (t.askedAgainFrame >= 0) {
            f.put("asked_again_frame", t.askedAgainFrame);
        }
        into.add(new Event.Note(at, Event.Note.Kind.INFO, "no answer in the capture to " + t.subject
                + (t.question == null ? "" : " (" + DnsType.name(t.question.type()) + " " + t.question.name() + ")") + " after "
                + t.queries + " quer" + (t.queries == 1 ? "y" : "ies") + "; " + Durations.human(at - t.lastQueryAt)
                + " passed after the last" + (t.askedAgainFrame >= 0 ? " (the question was asked again in frame "
                + t.askedAgainFrame + ")" : ""), Map.of("dns", f)));
    }

    /** The capture ended: every query still unanswered times out. Called once; later calls do nothing. */
    public void finish(long endMicros) {
        if (finished) {
            return;
        }
        finished = true;
        for (Transaction t : new ArrayList<>(pending.values())) {
            List<Event> told = new ArrayList<>();
            timeOut(t, endMicros, "no answer in the capture to " + t.queries + " quer" + (t.queries == 1 ? "y" : "ies"), told);
            told.forEach(t.sink::accept);
        }
        for (Transaction t : latestByQuestion.values()) {
            if (t.truncated && t.transport == DnsTransport.UDP && t.retriedOverTcpStream < 0) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("finding", DnsFinding.NOT_RETRIED_OVER_TCP.key());
                f.put("index", t.index);
                f.put("truncated_frame", t.answerFrame);
                t.sink.accept(new Event.Note(endMicros, Event.Note.Kind.INFO, "the truncated answer of frame " + t.answerFrame
                        + " was not asked again over TCP in the capture: its querier has only part of it", Map.of("dns", f)));
            }
        }
    }

    /** Transactions seen, listed by {@link #exchanges()} or not. */
    public int transactions() {
        return transactions;
    }

    /** Every transaction seen (up to {@value #MAX_EXCHANGES}), in the order they began. */
    public List<DnsExchangeSummary> exchanges() {
        return listed.stream().map(Transaction::summary).toList();
    }

    // ---------------------------------------------------------------- helpers

    private static void move(Transaction t, DnsQueryState to, long at, String cause, boolean inferred, String why, List<Event> into) {
        Transaction s = t.story();
        into.add(new Event.Transition(at, s.subject, Event.Endpoint.LOCAL, s.state.name(), to.name(), cause, inferred, why, false));
        s.state = to;
        t.state = to;
    }

    private static boolean sameQuestion(DnsMessage.Question a, DnsMessage.Question b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.type() == b.type() && a.klass() == b.klass() && DnsName.same(a.name(), b.name());
    }

    /** Puts {@code value} last, forgetting the oldest past {@code max}: bounded memory whatever the capture. */
    private static <K, V> void put(LinkedHashMap<K, V> map, K key, V value, int max) {
        map.remove(key);
        map.put(key, value);
        if (map.size() > max) {
            Iterator<V> oldest = map.values().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private static String hex(int id) {
        return String.format(Locale.ROOT, "0x%04x", id);
    }

    private static String end(IpAddress ip, int port) {
        return ip.withPort(port);
    }
}
