package synack.exchange.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.PhaseOutput;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.exchange.tcp.TcpOutcome;
import synack.link.ReceivedFrame;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.Frames;
import synack.wire.Hex;
import synack.wire.IcmpMessage;
import synack.wire.Icmpv6Message;
import synack.wire.IpAddress;
import synack.wire.Ipv4Packet;
import synack.wire.Ipv6Packet;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

/**
 * One DNS question to one server, as the stub resolver asks it: over UDP from a random port
 * with a random ID, retried on silence; a reply counts only if its addresses, ports, ID and
 * question all match (anything else is annotated, kept as a {@link ReplyMismatch}, and ignored).
 * A truncated answer (TC) is asked again over TCP with synack's own TCP engine (RFC 7766), each
 * message behind a two-byte length. The transaction's states are {@link DnsQueryState}'s.
 */
public final class DnsLookup implements Exchange {
    /**
     * Where the query goes: our MAC and address, the next hop's MAC, the server's address and port.
     * Both addresses are of one family: the query travels over IPv4 or IPv6 as they are.
     */
    public record Path(MacAddress ourMac, MacAddress nextHopMac, IpAddress ourIp, IpAddress serverIp, int serverPort) {
        public Path {
            if (ourIp.ipv6() != serverIp.ipv6()) {
                throw new IllegalArgumentException("our address " + ourIp + " and the server's " + serverIp + " are of two families");
            }
        }

        /** An IPv4 path. */
        public Path(MacAddress ourMac, MacAddress nextHopMac, int ourIp, int serverIp, int serverPort) {
            this(ourMac, nextHopMac, IpAddress.of(ourIp), IpAddress.of(serverIp), serverPort);
        }

        /** Whether the query goes over IPv6. */
        public boolean ipv6() {
            return serverIp.ipv6();
        }
    }

    /**
     * @param beforeTcp run once before the first TCP segment (the CLI keeps the kernel's RSTs off that port);
     *                  the one side effect this exchange asks for, named so tests can see it
     */
    public record Settings(int retries, long timeoutMicros, boolean tcpOnly, int udpSourcePort, TcpConnection.Config tcp,
                           List<DnsExpectation> expectations, Runnable beforeTcp) {}

    private final Path path;
    private final Settings settings;
    private DnsMessage query; // the last one sent: each UDP try has an ID of its own, and EDNS may be dropped
    private final String subject;
    private final java.util.function.IntSupplier nextId;
    private final List<Integer> tryIds = new ArrayList<>();
    private final List<Long> trySentAt = new ArrayList<>();
    private int maxTries;
    private boolean ednsDropped;
    private int answeredTry;
    private long answerRtt = -1;
    private final List<ReplyMismatch> rejected = new ArrayList<>();
    private DnsQueryState state = DnsQueryState.NONE;
    private int tries;
    private long sentAt;
    private long startedAt;
    private long deadline = Long.MAX_VALUE;
    private int ipId;
    private boolean done;
    private TcpConversation tcp;
    private DnsMessage answer;
    private DnsTransport transport = DnsTransport.UDP;
    private final List<ReplyMismatch> ignored = new ArrayList<>();
    private Output out;
    private PhaseOutput tcpOut;

    private static final int FORMERR = 1;
    private static final int PORT_UNREACHABLE6 = 4; // ICMPv6 destination unreachable, RFC 4443 3.1

    /** Each retry's ID unpredictable (RFC 5452), from {@link synack.net.Unpredictable}. */
    public DnsLookup(Path path, DnsMessage query, Settings settings, int firstIpId) {
        this(path, query, settings, firstIpId, () -> synack.net.Unpredictable.nextInt(65536));
    }

    /**
     * @param nextId the ID of each try after the first (the first is the query's): a reply then says which try it
     *               answers, and its round trip is timed from that try, not from the latest
     */
    public DnsLookup(Path path, DnsMessage query, Settings settings, int firstIpId, java.util.function.IntSupplier nextId) {
        this.path = path;
        this.query = query;
        this.settings = settings;
        this.ipId = firstIpId;
        this.nextId = nextId;
        this.maxTries = settings.retries() + 1;
        this.subject = "query " + Hex.u16(query.id());
    }

    /** The same question under another ID, with or without its OPT record. */
    private DnsMessage asked(int id, boolean withEdns) {
        return new DnsMessage(id, query.flags(), query.questions(), query.answers(), query.authority(),
                withEdns ? query.additional() : query.additional().stream().filter(r -> r.type() != DnsType.OPT).toList());
    }

    @Override
    public void start(long now, Output output) {
        this.out = output;
        startedAt = now;
        if (settings.tcpOnly()) {
            startTcp(now, "--tcp: asking over TCP");
        } else {
            sendUdp(now);
        }
    }

    private void sendUdp(long now) {
        byte[] frame = nextUdpFrame();
        udpSent(out.send(frame, tryRemark()));
    }

    /**
     * {@link #start}, in two steps, for a caller that sends two lookups' first queries back to
     * back ({@link AddressQueries}: nothing of either's story is told between the two frames):
     * the first query's frame, to be transmitted by the caller; then {@link #firstSent}.
     */
    byte[] firstFrame(long now, Output output) {
        if (settings.tcpOnly()) {
            throw new IllegalStateException("a TCP-only lookup has no first UDP frame");
        }
        this.out = output;
        startedAt = now;
        return nextUdpFrame();
    }

    /** The first query's frame left at {@code at}: told, and its wait begins. */
    void firstSent(long at, byte[] frame) {
        out.emit(new Event.Frame(at, Event.Direction.OUT, frame, synack.event.Remark.of(tryRemark()), false));
        udpSent(at);
    }

    /** The next try's frame: an ID of its own after the first. */
    private byte[] nextUdpFrame() {
        if (tries > 0) {
            int id;
            do {
                id = nextId.getAsInt() & 0xffff;
            } while (tryIds.contains(id));
            query = asked(id, query.ednsUdpSize() >= 0);
        }
        tries++;
        tryIds.add(query.id());
        UdpDatagram d = UdpDatagram.of(settings.udpSourcePort(), path.serverPort(), query.toBytes());
        return Frames.udp(path.ourMac(), path.nextHopMac(), path.ourIp(), path.serverIp(), ipId++ & 0xffff, d); // either family
    }

    private String tryRemark() {
        return "try " + tries + " of " + maxTries + ", from port " + settings.udpSourcePort()
                + (tries == 1 ? "" : ", ID " + Hex.u16(query.id()) + " of its own")
                + (ednsDropped && query.ednsUdpSize() < 0 ? ", without EDNS" : "");
    }

    private void udpSent(long at) {
        sentAt = at;
        trySentAt.add(sentAt);
        move(sentAt, DnsQueryState.QUERY_SENT, tries == 1 ? "query sent over UDP" : "query sent again",
                "a stub resolver asks once over UDP and waits; UDP gives no delivery guarantee, so silence means ask again");
        deadline = sentAt + settings.timeoutMicros();
    }

    /** A state change, stamped when it happened: the send, the reply's arrival, the end of a wait. */
    private void move(long at, DnsQueryState to, String cause, String why) {
        out.emit(new Event.Transition(at, subject, Event.Endpoint.LOCAL, state.name(), to.name(), cause, false, why, false));
        state = to;
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output output) {
        if (done) {
            return;
        }
        if (tcp != null) {
            tcp.onFrame(frame, tcpOutput());
            afterTcp(frame.timeMicros());
            return;
        }
        try {
            Frames.Icmp icmp = Frames.parseIcmp(frame.bytes());
            if (icmp != null) {
                onIcmp(frame, icmp);
                return;
            }
            Frames.Icmp6 icmp6 = path.ipv6() ? Frames.parseIcmp6(frame.bytes()) : null;
            if (icmp6 != null) {
                onIcmp6(frame, icmp6);
                return;
            }
            UdpInFrame parsed = UdpInFrame.parse(frame.bytes());
            if (parsed == null || !parsed.destination().equals(path.ourIp())) {
                return;
            }
            UdpDatagram udp = parsed.datagram();
            if (udp.sourcePort() != path.serverPort() && udp.destinationPort() != settings.udpSourcePort()) {
                return; // neither from the server's port nor to ours: some other conversation
            }
            ReplyMismatch mismatch = null;
            if (!parsed.source().equals(path.serverIp())) {
                mismatch = new ReplyMismatch(ReplyMismatch.Reason.OTHER_SERVER, parsed.source().toString(),
                        path.serverIp().toString());
            } else if (udp.sourcePort() != path.serverPort()) {
                mismatch = new ReplyMismatch(ReplyMismatch.Reason.OTHER_SERVER_PORT, String.valueOf(udp.sourcePort()),
                        String.valueOf(path.serverPort()));
            } else if (udp.destinationPort() != settings.udpSourcePort()) {
                mismatch = new ReplyMismatch(ReplyMismatch.Reason.OTHER_CLIENT_PORT, String.valueOf(udp.destinationPort()),
                        String.valueOf(settings.udpSourcePort()));
            }
            DnsMessage reply = null;
            if (mismatch == null) {
                try {
                    reply = DnsMessage.parse(udp.payload());
                    mismatch = mismatch(reply);
                } catch (MalformedFrameException e) {
                    mismatch = ReplyMismatch.of(ReplyMismatch.Reason.MALFORMED, e.getMessage());
                }
                if (mismatch != null && mismatch.reason() != ReplyMismatch.Reason.OTHER_ID) {
                    // from the server, to our port: it did answer, though not usably (a stale ID may be anyone's)
                    rejected.add(mismatch);
                }
            }
            if (reply != null && (mismatch == null || formerrWithoutQuestion(reply)) && reply.rcode() == FORMERR
                    && query.ednsUdpSize() >= 0) {
                // RFC 6891 section 7: a server that does not know EDNS answers FORMERR, maybe without the question;
                // ask again without the OPT record, as dig does
                rejected.remove(mismatch);
                out.shown(frame, "FORMERR to our EDNS query" + (reply.questions().isEmpty() ? ", without the question" : "")
                        + ": the server may not speak EDNS (RFC 6891 section 7)");
                out.emit(new Event.Note(frame.timeMicros(), Event.Note.Kind.WARNING, "FORMERR from " + path.serverIp()
                        + " to a query with EDNS: asking again without EDNS, as dig does (--no-edns asks so from the start)",
                        Map.of()));
                ednsDropped = true;
                maxTries++;
                query = asked(query.id(), false); // sendUdp gives it an ID of its own
                sendUdp(frame.timeMicros());
                return;
            }
            if (reply != null && mismatch != null && formerrWithoutQuestion(reply)) {
                mismatch = null; // a FORMERR need not echo the question (RFC 6891 section 7): our ID tells it is ours
                rejected.remove(rejected.size() - 1);
            }
            if (mismatch != null) {
                ignored.add(mismatch);
                out.shown(frame, mismatch.remark());
                return;
            }
            int which = tryIds.indexOf(reply.id());
            long rtt = frame.timeMicros() - trySentAt.get(which);
            answeredTry = which + 1;
            answerRtt = rtt;
            out.shown(frame, "ID, ports and question match; RTT " + Durations.ms(rtt)
                    + (tries > 1 ? " from try " + answeredTry + " (its ID " + Hex.u16(reply.id())
                    + (answeredTry < tries ? "; a reply to an earlier try, not to the latest" : "") + ")" : ""));
            if (reply.tc()) {
                move(frame.timeMicros(), DnsQueryState.TRUNCATED, "TC set: the answer did not fit",
                        "a UDP answer larger than the requester's buffer (512 bytes without EDNS) is cut and flagged TC");
                tellSections(reply, frame.timeMicros());
                startTcp(frame.timeMicros(), "TC: asking again over TCP, where the length is not limited (RFC 7766)");
                return;
            }
            answered(reply, frame.timeMicros());
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
        }
    }

    /**
     * An ICMP error quoting our query: nobody listens on the port, or the network cannot reach
     * the server. Retrying would only draw the same answer, so the lookup ends (dig does the same).
     */
    private void onIcmp(ReceivedFrame frame, Frames.Icmp icmp) {
        IcmpMessage m = icmp.message();
        IcmpMessage.Quoted q = m.quoted();
        if (path.ipv6() || m.type() != IcmpMessage.UNREACHABLE || q == null || q.protocol() != Ipv4Packet.PROTO_UDP
                || q.source() != path.ourIp().v4() || q.destination() != path.serverIp().v4()
                || q.sourcePort() != settings.udpSourcePort() || q.destinationPort() != path.serverPort()) {
            return;
        }
        String what = m.meaning() + " from " + IpAddress.of(icmp.ip().source());
        out.shown(frame, "our query cannot be answered: " + what);
        move(frame.timeMicros(), DnsQueryState.UNREACHABLE, "ICMP " + m.meaning(), m.code() == 3
                ? "the server's host has no socket on that UDP port: its kernel says so instead of a DNS answer"
                : "the network cannot deliver the query to the server");
        fail(frame.timeMicros(), (m.code() == 3 ? "connection refused: " : "unreachable: ") + what + " (ICMP type 3 code "
                + m.code() + ")", Verdict.NEGATIVE);
    }

    /**
     * An ICMPv6 destination unreachable quoting our query (RFC 4443 3.1): code 4, port unreachable,
     * is the server's kernel saying nobody listens; the others say the network cannot deliver it.
     * Either ends the lookup, as ICMP does over IPv4.
     */
    private void onIcmp6(ReceivedFrame frame, Frames.Icmp6 icmp) {
        Icmpv6Message m = icmp.message();
        if (m.type() != Icmpv6Message.DESTINATION_UNREACHABLE) {
            return; // NDP, echo, packet too big (our queries are small): not about the query's fate
        }
        Icmpv6Message.Invoking q = m.invoking();
        if (q == null || q.protocol() != Ipv6Packet.UDP || !IpAddress.of(q.source()).equals(path.ourIp())
                || !IpAddress.of(q.destination()).equals(path.serverIp())
                || q.sourcePort() != settings.udpSourcePort() || q.destinationPort() != path.serverPort()) {
            return; // about someone else's packet
        }
        boolean refused = m.code() == PORT_UNREACHABLE6;
        String what = m.meaning() + " from " + icmp.source();
        out.shown(frame, "our query cannot be answered: " + what);
        move(frame.timeMicros(), DnsQueryState.UNREACHABLE, "ICMPv6 " + m.meaning(), refused
                ? "the server's host has no socket on that UDP port: its kernel says so instead of a DNS answer"
                : "the network cannot deliver the query to the server");
        fail(frame.timeMicros(), (refused ? "connection refused: " : "unreachable: ") + what + " (ICMPv6 type 1 code "
                + m.code() + ")", Verdict.NEGATIVE);
    }

    /** A reply to one of our tries (its ID), FORMERR, with no question section. */
    private boolean formerrWithoutQuestion(DnsMessage reply) {
        return reply.qr() && tryIds.contains(reply.id()) && reply.rcode() == FORMERR && reply.questions().isEmpty();
    }

    /** Why a reply is not the answer to our question, or null when it is. */
    private ReplyMismatch mismatch(DnsMessage reply) {
        if (!reply.qr()) {
            return ReplyMismatch.of(ReplyMismatch.Reason.NOT_A_REPLY, "");
        }
        if (!tryIds.contains(reply.id()) && (transport == DnsTransport.UDP || reply.id() != query.id())) {
            return new ReplyMismatch(ReplyMismatch.Reason.OTHER_ID, Hex.u16(reply.id()),
                    Hex.u16(query.id()));
        }
        DnsMessage.Question ours = query.questions().get(0);
        if (reply.questions().size() != 1) {
            return ReplyMismatch.of(ReplyMismatch.Reason.QUESTION_COUNT, String.valueOf(reply.questions().size()));
        }
        DnsMessage.Question theirs = reply.questions().get(0);
        if (!DnsName.same(theirs.name(), ours.name()) || theirs.type() != ours.type() || theirs.klass() != ours.klass()) {
            return new ReplyMismatch(ReplyMismatch.Reason.OTHER_QUESTION, theirs.name() + " " + DnsType.name(theirs.type()),
                    ours.name() + " " + DnsType.name(ours.type()));
        }
        return null;
    }

    private void startTcp(long now, String why) {
        transport = DnsTransport.TCP;
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, why, Map.of()));
        if (settings.beforeTcp() != null) {
            settings.beforeTcp().run();
        }
        byte[] message = query.toBytes();
        byte[] framed = new byte[message.length + 2];
        framed[0] = (byte) (message.length >>> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        tcp = new TcpConversation(new TcpConversation.Path(path.ourMac(), path.ourIp(), path.nextHopMac(), path.serverIp(), false),
                settings.tcp(), new TcpConversation.Plan(framed, TcpConversation.Ending.CLOSE, 2_000_000, "dns-resolve",
                        DnsLookup::wholeMessage), ipId);
        tcp.start(now, tcpOutput());
        move(now, DnsQueryState.QUERY_SENT, "query sent over TCP",
                "over TCP each DNS message is preceded by its length in two bytes");
        sentAt = now;
    }

    /** A TCP stream holds a whole DNS message once it has the two length bytes and that many more. */
    static boolean wholeMessage(byte[] stream) {
        return stream.length >= 2 && stream.length >= 2 + (((stream[0] & 0xff) << 8) | (stream[1] & 0xff));
    }

    /** The TCP phase's events go out as they are, but its result is ours to give. */
    private Output tcpOutput() {
        if (tcpOut == null) {
            tcpOut = new PhaseOutput(out);
        }
        return tcpOut;
    }

    private void afterTcp(long now) {
        if (!tcp.isDone()) {
            return;
        }
        byte[] stream = tcp.received();
        if (!wholeMessage(stream)) {
            fail(now, tcp.connection().outcome() == TcpOutcome.REFUSED ? "the server refused DNS over TCP"
                    : "the TCP connection ended before a whole answer arrived (" + stream.length + " bytes)", Verdict.NO_ANSWER);
            return;
        }
        int length = ((stream[0] & 0xff) << 8) | (stream[1] & 0xff);
        try {
            DnsMessage reply = DnsMessage.parse(Arrays.copyOfRange(stream, 2, 2 + length));
            ReplyMismatch wrong = mismatch(reply);
            if (wrong != null) {
                ignored.add(wrong);
                fail(now, "the answer over TCP does not match: " + wrong.words(), Verdict.NEGATIVE);
                return;
            }
            answered(reply, now);
        } catch (MalformedFrameException e) {
            fail(now, "malformed DNS answer over TCP: " + e.getMessage(), Verdict.NEGATIVE);
        }
    }

    private void answered(DnsMessage reply, long now) {
        answer = reply;
        move(now, DnsQueryState.ANSWERED, reply.rcodeName() + ", " + AnswerText.answers(reply.answers().size()), reply.aa()
                ? "the server is authoritative for the name (AA): the answer comes from its own zone"
                : "a recursive resolver answered (no AA): from its cache or after asking the authorities");
        tellSections(reply, now);
        finish(now);
    }

    private void tellSections(DnsMessage reply, long now) {
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, AnswerText.sections(reply), Map.of()));
    }

    @Override
    public void onTimer(long now, Output output) {
        if (done) {
            return;
        }
        if (tcp != null) {
            tcp.onTimer(now, tcpOutput());
            afterTcp(now);
            return;
        }
        if (now < deadline) {
            return;
        }
        if (tries < maxTries) {
            move(now, DnsQueryState.RETRY, "no " + (rejected.isEmpty() ? "" : "usable ") + "reply in "
                    + Durations.human(settings.timeoutMicros()), "UDP may lose the query or the reply: ask again, from the same port"
                    + " with an ID of its own, so that a late reply says which try it answers");
            sendUdp(now);
        } else if (!rejected.isEmpty()) {
            // the server answered, but nothing it sent could be read or checked: a negative answer, not silence
            ReplyMismatch last = rejected.get(rejected.size() - 1);
            move(now, DnsQueryState.REJECTED, rejected.size() + " unusable " + (rejected.size() == 1 ? "reply" : "replies") + " to "
                    + tries + " queries", "replies that cannot be read, or that do not carry our question, cannot be told"
                    + " from forgeries (RFC 5452): none is taken, and we waited for a usable one until the last try ran out");
            fail(now, "no usable reply from " + path.serverIp() + " to " + tries + " queries: " + rejected.size()
                    + " arrived and " + (rejected.size() == 1 ? "was" : "were") + " refused, the last as " + last.words(),
                    Verdict.NEGATIVE);
        } else {
            move(now, DnsQueryState.TIMED_OUT, "no reply to " + tries + " queries", "every try went unanswered: the server is silent");
            fail(now, "no reply from " + path.serverIp() + " to " + tries + " queries", Verdict.NO_ANSWER);
        }
    }

    /** The transport's family in JSON results: "ipv4" or "ipv6". */
    private String family() {
        return path.ipv6() ? "ipv6" : "ipv4";
    }

    private void fail(long now, String why, Verdict exit) {
        done = true;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", false);
        f.put("error", why);
        f.put("server", path.serverIp().toString());
        f.put("family", family());
        f.put("tries", tries);
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        if (!rejected.isEmpty()) {
            f.put("rejected", rejected.stream().map(ReplyMismatch::fields).toList());
        }
        out.emit(new Event.Result(now, exit, List.of(), why, f));
    }

    private void finish(long now) {
        done = true;
        List<String> unmet = DnsExpectation.unmet(settings.expectations(), answer);
        Verdict exit = DnsExpectation.verdict(settings.expectations(), answer, unmet);
        DnsMessage.Question q = query.questions().get(0);
        String summary = q.name() + " " + DnsType.name(q.type()) + ": " + answer.rcodeName() + ", "
                + AnswerText.answers(answer.answers().size()) + " from " + path.serverIp() + " over "
                + transport.name() + (path.ipv6() ? " over IPv6" : "") + (ednsDropped ? " without EDNS (FORMERR to EDNS)" : "") + " in " + Durations.human(now - startedAt)
                + (unmet.isEmpty() ? "" : "; expectation not met: " + String.join(", ", unmet));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", exit == Verdict.OK);
        f.put("name", q.name());
        f.put("type", DnsType.name(q.type()));
        f.put("server", path.serverIp().toString());
        f.put("family", family());
        f.put("transport", transport.key());
        f.put("rcode", answer.rcodeName());
        f.put("flags", answer.flagNames());
        f.put("answers", RecordFields.of(answer.answers()));
        f.put("authority", RecordFields.of(answer.authority()));
        f.put("additional", RecordFields.of(RecordFields.data(answer.additional())));
        f.put("tries", tries);
        if (answerRtt >= 0) {
            f.put("answered_try", answeredTry);
            f.put("rtt_ms", Durations.msValue(answerRtt));
        }
        if (ednsDropped) {
            f.put("edns_dropped", true);
        }
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        if (!settings.expectations().isEmpty()) {
            f.put("unmet", unmet);
        }
        out.emit(new Event.Result(now, exit, AnswerText.data(answer.answers()), summary, f));
    }

    @Override
    public void abort(long now, Output output) {
        if (!done) {
            if (tcp != null) {
                tcp.abort(now, tcpOutput());
            }
            done = true;
            out.emit(new Event.Result(now, Verdict.INTERRUPTED, List.of(), "interrupted", Map.of("ok", false)));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        if (done) {
            return Long.MAX_VALUE;
        }
        return tcp != null ? tcp.nextDeadlineMicros() : deadline;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    /** The reply that answered our question (over UDP or TCP, whatever its rcode), or null. */
    public DnsMessage answer() {
        return answer;
    }

    /** Where the transaction is. */
    public DnsQueryState state() {
        return state;
    }

    /** How the question went last: UDP, or TCP after a truncated answer (or with --tcp). */
    public DnsTransport transport() {
        return transport;
    }

    /** Queries sent over UDP. */
    public int tries() {
        return tries;
    }

    /** Whether one of our UDP tries carried this ID: a reply with it is this lookup's to judge. */
    public boolean sentId(int id) {
        return tryIds.contains(id);
    }

    /** The replies that were not the answer to our question, in the order they came, and why. */
    public List<ReplyMismatch> ignored() {
        return List.copyOf(ignored);
    }
}
