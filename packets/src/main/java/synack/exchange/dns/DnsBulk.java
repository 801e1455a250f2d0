package synack.exchange.dns;

import java.util.ArrayDeque;
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
import synack.event.Verdict;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;
import synack.wire.Frames;
import synack.wire.Ip4;
import synack.wire.MalformedFrameException;
import synack.wire.UdpDatagram;

/**
 * Many questions to one server (dig -f): at most {@code inFlight} queries outstanding, each with
 * its own random ID from one source port, matched by ID and question; answers told as they
 * arrive, silent ones retried. Frames are routine (text shows them with -v only).
 */
public final class DnsBulk implements Exchange {
    public record Question(String name, int type) {}

    public record Settings(int inFlight, int retries, long timeoutMicros, boolean recurse, int ednsSize, int sourcePort) {}

    private static final class Pending {
        final Question question;
        final DnsMessage query;
        int tries;
        long sentAt;
        long deadline;
        boolean answered;

        Pending(Question question, DnsMessage query) {
            this.question = question;
            this.query = query;
        }
    }

    private final DnsLookup.Path path;
    private final Settings settings;
    private final RandomGenerator random;
    private final Deque<Question> waiting;
    private final Map<Integer, Pending> outstanding = new HashMap<>();
    private final PriorityQueue<Pending> timers = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private int ipId;
    private long startedAt;
    private boolean done;
    private int noError;
    private int negative;
    private int timedOut;
    private final int total;

    public DnsBulk(DnsLookup.Path path, List<Question> questions, Settings settings, RandomGenerator random) {
        this.path = path;
        this.settings = settings;
        this.random = random;
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
        while (outstanding.size() < settings.inFlight() && !waiting.isEmpty()) {
            Question q = waiting.poll();
            int id;
            do {
                id = random.nextInt(65536);
            } while (outstanding.containsKey(id));
            Pending p = new Pending(q, DnsMessage.query(id, q.name(), q.type(), settings.recurse(), settings.ednsSize()));
            outstanding.put(id, p);
            send(p, now, out);
        }
    }

    private void send(Pending p, long now, Output out) {
        p.tries++;
        UdpDatagram d = UdpDatagram.of(settings.sourcePort(), path.serverPort(), p.query.toBytes());
        byte[] frame = Frames.udp(path.ourMac(), path.nextHopMac(), path.ourIp(), path.serverIp(), ipId++ & 0xffff, d);
        p.sentAt = out.send(frame, p.tries > 1 ? "try " + p.tries : "", true);
        p.deadline = p.sentAt + settings.timeoutMicros();
        timers.add(p);
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        try {
            Frames.Udp parsed = Frames.parseUdp(frame.bytes());
            if (parsed == null || parsed.ip().source() != path.serverIp() || parsed.ip().destination() != path.ourIp()) {
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
            if (p == null || !reply.qr() || reply.questions().size() != 1
                    || !DnsName.same(reply.questions().get(0).name(), p.query.questions().get(0).name())
                    || reply.questions().get(0).type() != p.question.type()) {
                out.shown(frame, String.format(Locale.ROOT, "ignored: ID 0x%04x or its question matches no outstanding query", reply.id()));
                return;
            }
            long now = frame.timeMicros();
            outstanding.remove(reply.id());
            p.answered = true;
            if (reply.rcode() == 0) {
                noError++;
            } else {
                negative++;
            }
            List<String> data = AnswerText.data(reply.answers());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", p.query.questions().get(0).name());
            f.put("type", DnsType.name(p.question.type()));
            f.put("rcode", reply.rcodeName());
            f.put("answers", RecordFields.of(reply.answers()));
            f.put("rtt_ms", Durations.msValue(now - p.sentAt));
            f.put("tries", p.tries);
            out.emit(new Event.Note(now, Event.Note.Kind.ANSWER, p.query.questions().get(0).name() + " " + DnsType.name(p.question.type()) + " "
                    + reply.rcodeName() + (data.isEmpty() ? "" : " " + String.join(" ", data))
                    + (reply.tc() ? " (TC: truncated, not retried over TCP in bulk)" : ""), f));
            fill(now, out);
            maybeFinish(now, out);
        } catch (MalformedFrameException e) {
            out.shown(frame, "dropped: " + e.getMessage());
        }
    }

    @Override
    public void onTimer(long now, Output out) {
        while (!timers.isEmpty() && timers.peek().deadline <= now) {
            Pending p = timers.poll();
            if (p.answered || p.deadline > now) {
                continue;
            }
            if (p.tries <= settings.retries()) {
                send(p, now, out);
            } else {
                outstanding.remove(p.query.id());
                timedOut++;
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("name", p.query.questions().get(0).name());
                f.put("type", DnsType.name(p.question.type()));
                f.put("rcode", null);
                f.put("error", "no reply to " + p.tries + " queries");
                out.emit(new Event.Note(now, Event.Note.Kind.ANSWER, p.query.questions().get(0).name() + " " + DnsType.name(p.question.type())
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
        f.put("server", Ip4.toString(path.serverIp()));
        f.put("elapsed_ms", Durations.msValue(now - startedAt));
        double seconds = Math.max(1, now - startedAt) / 1e6;
        out.emit(new Event.Result(now, exit, List.of(), String.format(Locale.ROOT,
                "%d names: %d NOERROR, %d negative, %d timed out, in %s (%.0f queries/s)", total, noError, negative, timedOut,
                Durations.human(now - startedAt), total / seconds), f));
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
