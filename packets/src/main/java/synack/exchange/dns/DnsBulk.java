package synack.exchange.dns;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import synack.event.Durations;
import synack.event.Event;
import synack.event.Remark;
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.Frames;
import synack.wire.IpAddress;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

/**
 * Many questions to one server (dig -f): each with its own random ID from one source port, matched
 * by ID and question; answers told as they arrive. How many are outstanding at once and how long a
 * try waits before it is asked again is {@link DnsWindow}'s: it grows while the answers come back
 * promptly, and backs off when the server's queue lengthens or a try goes unanswered. Frames are
 * routine (text shows them with -v only).
 */
public final class DnsBulk implements Exchange {
    public record Question(String name, int type) {}

    /** {@code inFlight} is the cap: the window never goes above it. {@code timeoutMicros}: the longest wait of a try, and the last try's. */
    public record Settings(int inFlight, int retries, long timeoutMicros, boolean recurse, int ednsSize, int sourcePort) {}

    private static final class Pending {
        final Question question;
        final int id;
        final byte[] payload; // the query as sent, every try the same
        int tries;
        long[] sentAt; // each try's stamp: an answer is timed from the latest try that left before it came
        long deadline;
        long sequence;
        boolean answered;
        long answeredAt;
        int backoff; // the window's back-off this name's latest loss caused, 0 for none
        boolean late; // a loss of it was found spurious (told to the window once)

        Pending(Question question, int id, byte[] payload, int tries) {
            this.question = question;
            this.id = id;
            this.payload = payload;
            this.sentAt = new long[tries];
        }

        long lastSentAt() {
            return sentAt[tries - 1];
        }

        long rttMicros(long answeredAt) {
            int t = tries - 1;
            while (t > 0 && sentAt[t] > answeredAt) {
                t--; // it left before this try did: it answers an earlier one
            }
            return Math.max(0, answeredAt - sentAt[t]);
        }
    }

    private static final Remark FIRST_TRY = Remark.of("");
    /** An answer read this long after it came waited for us: we, not the window, set the pace (see DnsWindow.answered). */
    static final long READ_LATE_MICROS = 1_000;

    private final DnsLookup.Path path;
    private final Settings settings;
    private final RandomGenerator random;
    private final DnsWindow window;
    private final Deque<Question> waiting;
    private final Map<Integer, Pending> outstanding = new HashMap<>();
    /** Answered names that had been asked more than once, by ID: the answer to the other try may still come. */
    private final Map<Integer, Pending> retried = new HashMap<>();
    private final PriorityQueue<Pending> timers = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final byte[] idBytes = new byte[1024];
    private int idBytesAt = 1024;
    private int ipId;
    private long lastSentAt = Long.MIN_VALUE;
    private long startedAt;
    private boolean done;
    private int noError;
    private int negative;
    private int timedOut;
    private int sent;
    private int retransmissions;
    private int duplicates;
    private final int total;

    public DnsBulk(DnsLookup.Path path, List<Question> questions, Settings settings, RandomGenerator random) {
        this.path = path;
        this.settings = settings;
        this.random = random;
        this.window = new DnsWindow(settings.inFlight(), settings.timeoutMicros());
        this.waiting = new ArrayDeque<>(questions);
        this.total = questions.size();
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        fill(now, out);
        maybeFinish(now, out);
    }

    private void fill(long now, Output out) {
        while (outstanding.size() < window.allowed() && !waiting.isEmpty()) {
            Question q = waiting.poll();
            int id;
            do {
                id = nextId();
            } while (outstanding.containsKey(id));
            Pending p = new Pending(q, id, DnsMessage.queryBytes(id, q.name(), q.type(), settings.recurse(), settings.ednsSize()),
                    settings.retries() + 1);
            outstanding.put(id, p);
            send(p, now, out);
        }
    }

    /**
     * A random ID from the caller's source, two bytes at a time from a block drawn at once: a secure source's
     * every call costs a lock and a digest, and a run asks for one per name.
     */
    private int nextId() {
        if (idBytesAt + 2 > idBytes.length) {
            random.nextBytes(idBytes);
            idBytesAt = 0;
        }
        int id = (idBytes[idBytesAt] & 0xff) << 8 | (idBytes[idBytesAt + 1] & 0xff);
        idBytesAt += 2;
        return id;
    }

    private void send(Pending p, long now, Output out) {
        p.tries++;
        sent++;
        UdpDatagram d = UdpDatagram.of(settings.sourcePort(), path.serverPort(), p.payload);
        byte[] frame = Frames.udp(path.ourMac(), path.nextHopMac(), path.ourIp(), path.serverIp(), ipId++ & 0xffff, d);
        long at = out.send(frame, p.tries > 1 ? Remark.of("try " + p.tries) : FIRST_TRY, true);
        p.sentAt[p.tries - 1] = at;
        lastSentAt = Math.max(lastSentAt, at);
        p.sequence = window.sent();
        // the last try waits the whole --timeout: a slow server (a recursive one, asking the world) still has its chance
        p.deadline = at + (p.tries > settings.retries() ? settings.timeoutMicros() : window.waitMicros(p.tries));
        timers.add(p);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        try {
            UdpInFrame parsed = UdpInFrame.parse(frame.bytes());
            if (parsed == null || !same(parsed.source(), path.serverIp()) || !same(parsed.destination(), path.ourIp())) {
                return;
            }
            UdpDatagram udp = parsed.datagram();
            if (udp.sourcePort() != path.serverPort() || udp.destinationPort() != settings.sourcePort()) {
                return;
            }
            DnsMessage reply;
            try {
                reply = DnsMessage.parse(udp.payload());
            } catch (MalformedFrameException e) {
                out.shown(frame, "dropped: malformed DNS reply: " + e.getMessage());
                return;
            }
            Pending p = outstanding.get(reply.id());
            if (p == null || !answers(reply, udp.payload(), p)) {
                Pending earlier = retried.get(reply.id());
                if (earlier != null && answers(reply, udp.payload(), earlier)) {
                    duplicates++; // the answer to the other try: the name was asked more than once and told already
                    if (!earlier.late) {
                        // both tries answered: the first was late, not lost, and the first answer most likely its own
                        earlier.late = true;
                        window.spurious(earlier.backoff, earlier.answeredAt - earlier.sentAt[0]);
                    }
                    out.shown(frame, "another answer to " + earlier.question.name() + " (asked " + earlier.tries + " times), told already");
                } else {
                    out.shown(frame, String.format(Locale.ROOT, "ignored: ID 0x%04x or its question matches no outstanding query", reply.id()));
                }
                return;
            }
            long now = frame.timeMicros();
            outstanding.remove(reply.id());
            p.answered = true;
            p.answeredAt = now;
            if (p.tries > 1) {
                retried.put(p.id, p);
            }
            // we sent a query this long after the answer came, so it waited in our capture ring at least that long
            boolean readLate = lastSentAt - now > READ_LATE_MICROS;
            if (p.tries > 1 && now < p.sentAt[1]) {
                // it came before the first retry left (we read it late): that try was never lost, and its RTT is known
                p.late = true;
                window.spurious(p.backoff, -1);
                window.answered(now - p.sentAt[0], readLate);
            } else {
                window.answered(p.tries == 1 ? now - p.lastSentAt() : -1, readLate); // Karn: which try an answer answers is unknown after a retry
            }
            if (reply.rcode() == 0) {
                noError++;
            } else {
                negative++;
            }
            String name = DnsMessage.absolute(p.question.name()); // as we asked it (the server may echo it in another case)
            String type = DnsType.name(p.question.type());
            String rcode = reply.rcodeName();
            List<DnsMessage.Record> answers = reply.answers();
            // the line and the fields in one pass over the records (a run tells thousands of these)
            StringBuilder text = new StringBuilder(name.length() + 24 + 24 * answers.size()).append(name).append(' ').append(type)
                    .append(' ').append(rcode);
            for (DnsMessage.Record r : answers) {
                text.append(' ').append(r.rdataText());
            }
            if (reply.tc()) {
                text.append(" (TC: truncated, not retried over TCP in bulk)");
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", name);
            f.put("type", type);
            f.put("rcode", rcode);
            f.put("answers", RecordFields.of(answers));
            f.put("rtt_ms", Durations.msValue(p.rttMicros(now)));
            f.put("tries", p.tries);
            out.emit(new Event.Note(now, Event.Note.Kind.ANSWER, text.toString(), f));
            fill(now, out);
            maybeFinish(now, out);
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
        }
    }

    /** a.equals(b), field by field: a record's generated equals goes through method handles, slow before the JIT, twice a frame. */
    private static boolean same(IpAddress a, IpAddress b) {
        return a.ipv6() == b.ipv6() && a.high() == b.high() && a.low() == b.low();
    }

    /** A reply to p's query: QR set, its one question p's name (in any case), type and class. */
    private static boolean answers(DnsMessage reply, byte[] payload, Pending p) {
        if (!reply.qr() || reply.questions().size() != 1 || reply.questions().get(0).type() != p.question.type()) {
            return false;
        }
        // the question as the server echoed it, compared on the wire: no name decoded again and folded per answer
        int nameEnd = p.payload.length - 4 - (p.payload[11] == 1 ? 11 : 0);
        if (payload.length >= nameEnd && sameFolded(payload, p.payload, 12, nameEnd)) {
            return true;
        }
        return DnsName.same(reply.questions().get(0).name(), p.question.name()); // compressed, or escaped differently
    }

    private static boolean sameFolded(byte[] a, byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int x = a[i];
            int y = b[i];
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void onTimer(long now, Output out) {
        while (!timers.isEmpty() && timers.peek().deadline <= now) {
            Pending p = timers.poll();
            if (p.answered || p.deadline > now) {
                continue;
            }
            int backoff = window.lost(p.sequence);
            if (backoff > 0) {
                p.backoff = backoff;
            }
            if (p.tries <= settings.retries()) {
                retransmissions++;
                send(p, now, out);
            } else {
                outstanding.remove(p.id);
                timedOut++;
                String name = DnsMessage.absolute(p.question.name());
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("name", name);
                f.put("type", DnsType.name(p.question.type()));
                f.put("rcode", null);
                f.put("error", "no reply to " + p.tries + " queries");
                out.emit(new Event.Note(now, Event.Note.Kind.ANSWER, name + " " + DnsType.name(p.question.type())
                        + " TIMED_OUT (no reply to " + p.tries + " queries)", f));
            }
        }
        fill(now, out);
        maybeFinish(now, out);
    }

    private void maybeFinish(long now, Output out) {
        if (done || !waiting.isEmpty() || !outstanding.isEmpty()) {
            return;
        }
        done = true;
        Map<String, Object> f = new LinkedHashMap<>();
        Verdict exit = timedOut == total && total > 0 ? Verdict.NO_ANSWER : negative + timedOut > 0 ? Verdict.NEGATIVE : Verdict.OK;
        f.put("ok", exit == Verdict.OK);
        f.put("names", total);
        f.put("noerror", noError);
        f.put("negative", negative);
        f.put("timed_out", timedOut);
        f.put("server", path.serverIp().toString());
        f.put("family", path.ipv6() ? "ipv6" : "ipv4");
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        f.put("queries_sent", sent);
        f.put("retries_sent", retransmissions);
        f.put("lost_tries", window.losses());
        f.put("duplicates", duplicates);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("cap", window.cap());
        w.put("first", Math.min(DnsWindow.INITIAL, window.cap()));
        w.put("lowest", window.lowest());
        w.put("highest", window.highest());
        w.put("last", window.allowed());
        w.put("backoffs", window.backoffs());
        f.put("in_flight", w);
        f.put("rtt_min_ms", window.minRttMicros() < 0 ? null : Durations.msValue(window.minRttMicros()));
        f.put("rtt_smoothed_ms", window.srttMicros() < 0 ? null : Durations.msValue(window.srttMicros()));
        f.put("rto_ms", Durations.msValue(window.waitMicros(1)));
        double seconds = Math.max(1, now - startedAt) / 1e6;
        List<String> pacing = new ArrayList<>();
        pacing.add(String.format(Locale.ROOT, "window %d to %d queries in flight allowed (first %d, last %d, cap %d), %d back-off%s", window.lowest(),
                window.highest(), Math.min(DnsWindow.INITIAL, window.cap()), window.allowed(), window.cap(), window.backoffs(),
                window.backoffs() == 1 ? "" : "s") + (window.undone() > 0 ? " (" + window.undone() + " undone: the loss was an answer late)" : "")
                + (window.readLate() > 0 ? ", not grown by " + window.readLate() + " answer" + (window.readLate() == 1 ? "" : "s")
                        + " that waited for us" : ""));
        pacing.add(sent + " queries sent, " + retransmissions + " of them asked again (" + window.losses() + " tr"
                + (window.losses() == 1 ? "y" : "ies") + " unanswered in time)" + (duplicates > 0 ? ", " + duplicates
                + " answered twice" : ""));
        if (window.srttMicros() >= 0) {
            pacing.add("RTT " + Durations.human(window.srttMicros()) + " smoothed, " + Durations.human(window.minRttMicros())
                    + " at least; RTO " + Durations.human(window.waitMicros(1)));
        }
        out.emit(new Event.Result(now, exit, List.of(), String.format(Locale.ROOT,
                "%d names: %d NOERROR, %d negative, %d timed out, in %s (%.0f queries/s)%n  %s", total, noError, negative, timedOut,
                Durations.human(now - startedAt), total / seconds, String.join("; ", pacing)), f));
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            out.emit(new Event.Result(now, Verdict.INTERRUPTED, List.of(), "interrupted after " + (noError + negative + timedOut) + " of " + total
                    + " names", Map.of("ok", false)));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        if (done) {
            return Long.MAX_VALUE;
        }
        while (!timers.isEmpty() && timers.peek().answered) {
            timers.poll();
        }
        return timers.isEmpty() ? Long.MAX_VALUE : timers.peek().deadline;
    }

    @Override
    public boolean isDone() {
        return done;
    }
}
