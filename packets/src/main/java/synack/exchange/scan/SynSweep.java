package synack.exchange.scan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.EthernetFrame;
import synack.wire.Frames;
import synack.wire.IcmpMessage;
import synack.wire.ChecksumStatus;
import synack.wire.Icmpv6Message;
import synack.wire.Ip4;
import synack.wire.IpAddress;
import synack.wire.MacAddress;
import synack.wire.MalformedFrameException;
import synack.wire.TcpSegment;

/**
 * The stateless SYN sweep: every (host, port) of a {@link ProbeSpace}, in a keyed random order,
 * at a steady rate, each SYN's sequence number a keyed hash of its addresses and ports. A reply
 * counts only if its ack is that hash + 1, so nothing is remembered per probe but one bit
 * ("answered") for the retries. SYN,ACK → open (and our RST frees the server's half-open
 * slot); RST → closed; ICMP unreachable quoting our SYN → filtered; silence after every retry
 * → filtered. Results are told as they arrive; the retry passes re-ask only the silent.
 * {@link SweepTally} counts what was found and writes the result.
 */
public final class SynSweep implements Exchange {
    /** Our end: MAC, address (the sweep's family) and the one source port every probe uses; ownsSource = answer ARP for the address. */
    public record Path(MacAddress ourMac, IpAddress ourAddress, int sourcePort, boolean ownsSource) {
        public Path(MacAddress ourMac, int ourIp, int sourcePort, boolean ownsSource) {
            this(ourMac, IpAddress.of(ourIp), sourcePort, ownsSource);
        }

        /** Our IPv4 address as an int (IPv4 sweeps). */
        public int ourIp() {
            return ourAddress.v4();
        }
    }

    /**
     * @param ratePps      SYNs per second (the schedule, kept also when a reply interrupts)
     * @param retries      extra passes over the probes still silent
     * @param maxWaitMicros the longest wait for stragglers after a pass
     * @param show         which states are told as they arrive (open is what most want)
     * @param tellFrames   every SYN and reply as a frame event (-v): slow, for small sweeps
     */
    public record Settings(long ratePps, int retries, long maxWaitMicros, Shard shard, long seed, Set<State> show,
                           boolean tellFrames) {}

    public enum State { OPEN, CLOSED, FILTERED }

    /** An open port as the result lists it (ttl: the hop limit over IPv6). */
    public record Open(IpAddress host, int port, long rttMicros, int ttl) {}

    private static final long MIN_WAIT_MICROS = 100_000;
    private static final int RING = 1 << 16;
    private static final int MAX_SHOWN_DROPS = 20;
    private static final int MAX_NAMED_SILENT = 20;
    private static final int MAX_BATCH = 256; // sends per timer call: the runner reads replies in between
    /** One "answered" bit per probe: 2^30 probes is 128 MiB, the most one run may hold. */
    public static final long MAX_PROBES = 1L << 30;
    private static final int BUSY_REPLIES = 64;
    private static final long CATCH_UP_MICROS = 10_000;

    private final Path path;
    private final ProbeSpace space;
    private final MacAddress[] nextHop;
    private final Settings settings;
    private final SipHash cookie;
    private final Permutation order;
    private final long shardProbes;
    private final long[] answered;
    private final boolean ipv6;
    private final int ourIp; // IPv4: our address as the int the fast path uses
    private final SynTemplate template; // IPv4
    private final SynTemplate6 template6; // IPv6
    private final byte[] frame;
    private final double intervalMicros;
    private final long[] ringProbe = new long[RING];
    private final long[] ringSentAt = new long[RING];
    private final SweepTally tally;

    private int pass;
    private long next; // this pass's next shard-local probe number
    private long sentInPass;
    private long passStartedAt;
    private long nextSendAt;
    private long waitUntil = Long.MAX_VALUE;
    private boolean sending;
    private long startedAt;
    private long sendingMicros;
    private long sent;
    private int shownDrops;
    private long maxRttMicros = -1;
    private int repliesSinceTick; // answers to our probes (new or repeated) since the last timer tick
    private long waitCap = Long.MAX_VALUE;
    private int ipId;
    private boolean done;

    /**
     * @param nextHop     the MAC to send each host's probes to (index as in the space); null for a
     *                    host that is not probed
     * @param whyNotProbed for such a host, why (null: "no ARP reply")
     */
    public SynSweep(Path path, ProbeSpace space, MacAddress[] nextHop, String[] whyNotProbed, Settings settings, SipHash cookie) {
        this.shardProbes = settings.shard().sizeOf(space.size());
        if (space.ipv6() != path.ourAddress().ipv6()) {
            throw new IllegalArgumentException("our address " + path.ourAddress() + " is not of the targets' family");
        }
        if (shardProbes > MAX_PROBES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d probes in one run is more than %,d (one bit each): "
                    + "split the sweep with --shard", shardProbes, MAX_PROBES));
        }
        this.path = path;
        this.space = space;
        this.nextHop = nextHop;
        this.settings = settings;
        this.cookie = cookie;
        this.order = new Permutation(space.size(), settings.seed());
        this.answered = new long[(int) ((shardProbes + 63) / 64)];
        this.ipv6 = space.ipv6();
        this.ourIp = ipv6 ? 0 : path.ourIp();
        this.template = ipv6 ? null : new SynTemplate(path.ourMac(), ourIp, path.sourcePort());
        this.template6 = ipv6 ? new SynTemplate6(path.ourMac(), path.ourAddress(), path.sourcePort()) : null;
        this.frame = new byte[ipv6 ? SynTemplate6.LENGTH : SynTemplate.LENGTH];
        this.intervalMicros = 1e6 / settings.ratePps();
        this.tally = new SweepTally(space, nextHop, whyNotProbed);
        this.ipId = (int) (settings.seed() ^ path.sourcePort()) & 0xffff;
        java.util.Arrays.fill(ringProbe, -1);
    }

    /** The probe (host × ports + port) this shard asks n-th. */
    private long probeAt(long n) {
        return order.at(settings.shard().position(n));
    }

    /** The inverse: which of this shard's probes {@code probe} is, or -1 when another shard asks it. */
    private long localIndex(long probe) {
        long fromFirst = order.indexOf(probe) - settings.shard().index();
        return fromFirst < 0 || fromFirst % settings.shard().count() != 0 ? -1 : fromFirst / settings.shard().count();
    }

    /** The sequence number of the SYN to host:port: 32 bits of SipHash over both ends' addresses and ports. */
    public static int cookieOf(SipHash key, int ourIp, int ourPort, int host, int port) {
        return (int) key.hash12(ourIp, host, (ourPort << 16) | port);
    }

    /** Over IPv6: 32 bits of SipHash over both ends' 128-bit addresses and the ports (as masscan and zmap key theirs). */
    public static int cookieOf(SipHash key, IpAddress ours, int ourPort, IpAddress host, int port) {
        return cookie6(key, ours, ourPort, host.high(), host.low(), port);
    }

    private static int cookie6(SipHash key, IpAddress ours, int ourPort, long hostHigh, long hostLow, int port) {
        return (int) key.hash36(ours.high(), ours.low(), hostHigh, hostLow, (ourPort << 16) | port);
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        beginPass(now);
        onTimer(now, out);
    }

    private void beginPass(long now) {
        next = 0;
        sentInPass = 0;
        passStartedAt = now;
        nextSendAt = now;
        sending = true;
        waitUntil = Long.MAX_VALUE;
    }

    @Override
    public void onTimer(long now, Output out) {
        boolean busy = repliesSinceTick >= BUSY_REPLIES;
        repliesSinceTick = 0;
        if (done) {
            return;
        }
        if (sending) {
            sendDue(now, out);
        } else if (now >= waitUntil) {
            if (busy && now < waitCap) {
                // many answers to our probes since the last tick: more are still queued in the
                // capture ring, and the wait for stragglers counts from catching up (within bounds)
                waitUntil = Math.min(waitCap, now + CATCH_UP_MICROS);
                return;
            }
            endPass(now, out);
        }
    }

    private void sendDue(long now, Output out) {
        int steps = 0;
        while (next < shardProbes && nextSendAt <= now && steps++ < MAX_BATCH) {
            sendProbe(next++, out);
        }
        if (next >= shardProbes) {
            sending = false;
            sendingMicros += now - passStartedAt;
            long wait = maxRttMicros < 0 ? settings.maxWaitMicros()
                    : Math.min(settings.maxWaitMicros(), Math.max(MIN_WAIT_MICROS, 2 * maxRttMicros));
            waitUntil = now + wait;
            waitCap = waitUntil + settings.maxWaitMicros();
            String rate = sentInPass < 100 ? "" : String.format(Locale.ROOT, " (%,.0f/s)", SweepTally.rate(sentInPass, now - passStartedAt));
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, String.format(Locale.ROOT, "pass %d: %,d SYN%s in %s%s; waiting %s for stragglers",
                    pass + 1, sentInPass, sentInPass == 1 ? "" : "s", Durations.human(now - passStartedAt), rate,
                    Durations.human(wait)), Map.of("pass", pass + 1, "sent", sentInPass)));
            checkComplete(now, out);
        }
    }

    /**
     * This pass's n-th probe: its SYN sent, unless it was answered in an earlier pass or its host
     * has no next hop. A method of its own, called once a probe, so the JIT compiles it after a
     * few hundred SYNs rather than once the loop around it has run many thousand times.
     */
    private void sendProbe(long n, Output out) {
        if (pass > 0 && isAnswered(n)) {
            return;
        }
        long probe = probeAt(n);
        int h = space.hostIndexOf(probe);
        if (nextHop[h] == null) {
            tally.notSent += pass == 0 ? 1 : 0;
            return;
        }
        if (pass == 0) {
            tally.probing(h);
        }
        int port = space.portOf(probe);
        if (ipv6) {
            long high = space.high(h);
            long low = space.low(h);
            template6.write(frame, nextHop[h], high, low, port, cookie6(cookie, path.ourAddress(), path.sourcePort(), high, low, port));
        } else {
            int host = space.host(h);
            template.write(frame, nextHop[h], host, port, cookieOf(cookie, ourIp, path.sourcePort(), host, port), ipId++);
        }
        long t = settings.tellFrames()
                ? out.send(frame.clone(), "probe " + space.address(h).withPort(port) + (pass > 0 ? ", try " + (pass + 1) : ""), true)
                : out.transmit(frame);
        ringProbe[(int) (n & (RING - 1))] = n;
        ringSentAt[(int) (n & (RING - 1))] = t;
        sent++;
        sentInPass++;
        nextSendAt = passStartedAt + (long) (sentInPass * intervalMicros);
    }

    private void endPass(long now, Output out) {
        long silent = tally.silent();
        if (silent == 0 || pass >= settings.retries()) {
            finish(now, out);
            return;
        }
        pass++;
        out.emit(new Event.Note(now, Event.Note.Kind.INFO, String.format(Locale.ROOT, "retry %d of %d: %,d probe%s still silent",
                pass, settings.retries(), silent, silent == 1 ? "" : "s"), Map.of("pass", pass + 1, "silent", silent)));
        beginPass(now);
        sendDue(now, out);
    }

    private void checkComplete(long now, Output out) {
        if (!sending && tally.silent() == 0) {
            finish(now, out);
        }
    }

    @Override
    public void onFrame(ReceivedFrame rf, Output out) {
        if (done) {
            return;
        }
        if (ipv6) {
            onFrame6(rf, out);
            return;
        }
        byte[] f = rf.bytes();
        Reply r;
        try {
            if (path.ownsSource() && answerArp(rf, out)) {
                return;
            }
            r = Reply.parse(f, ourIp, path.sourcePort());
        } catch (MalformedFrameException e) {
            tally.malformed++;
            drop(rf, out, "dropped: " + e.getMessage());
            return;
        }
        if (r == null || r.kind() == Reply.Kind.OTHER_TCP) {
            return;
        }
        long probe = space.indexOf(r.host(), r.port());
        long n = probe < 0 ? -1 : localIndex(probe);
        if (n < 0 || r.ack() - 1 != cookieOf(cookie, ourIp, path.sourcePort(), r.host(), r.port())) {
            forged(rf, out, Ip4.toString(r.host()) + ":" + r.port(), r.ack());
            return;
        }
        answer(rf, out, r.kind(), space.hostIndex(r.host()), r.port(), n, r.ack(), r.ttl(),
                r.kind() == Reply.Kind.ICMP_UNREACHABLE ? "icmp " + new IcmpMessage(r.icmpType(), r.icmpCode(), new byte[0]).meaning()
                        + " from " + Ip4.toString(r.from()) : null);
    }

    /** A frame of an IPv6 sweep: the same checks, the reply read by {@link Reply6}. */
    private void onFrame6(ReceivedFrame rf, Output out) {
        Reply6 r;
        try {
            r = Reply6.parse(rf.bytes(), path.ourAddress(), path.sourcePort());
        } catch (MalformedFrameException e) {
            tally.malformed++;
            drop(rf, out, "dropped: " + e.getMessage());
            return;
        }
        if (r == null || r.kind() == Reply.Kind.OTHER_TCP) {
            return;
        }
        long probe = space.indexOf(r.host(), r.port());
        long n = probe < 0 ? -1 : localIndex(probe);
        if (n < 0 || r.ack() - 1 != cookieOf(cookie, path.ourAddress(), path.sourcePort(), r.host(), r.port())) {
            forged(rf, out, r.host().withPort(r.port()), r.ack());
            return;
        }
        answer(rf, out, r.kind(), space.hostIndex(r.host()), r.port(), n, r.ack(), r.hopLimit(),
                r.kind() == Reply.Kind.ICMP_UNREACHABLE ? "icmp6 " + new Icmpv6Message(Icmpv6Message.DESTINATION_UNREACHABLE,
                        r.icmpCode(), ChecksumStatus.VALID, new byte[0]).meaning() + " from " + r.from() : null);
    }

    private void forged(ReceivedFrame rf, Output out, String hostPort, int ack) {
        tally.forged++;
        drop(rf, out, "ignored: " + hostPort + " answers a SYN we did not send (ack " + Integer.toUnsignedString(ack)
                + " is not our cookie + 1)");
    }

    /** A reply that answers this shard's n-th probe (to host h, port): counted, told, and a SYN,ACK reset. */
    private void answer(ReceivedFrame rf, Output out, Reply.Kind kind, int h, int port, long n, int ack, int ttl, String icmpReason) {
        repliesSinceTick++;
        long now = rf.timeMicros();
        if (isAnswered(n)) {
            tally.duplicates++;
            if (kind == Reply.Kind.SYN_ACK) {
                sendRst(h, port, ack, out); // the server sends its SYN,ACK again: our RST was lost, so RST again
            }
            if (settings.tellFrames()) {
                out.shown(rf, "duplicate answer for " + space.address(h).withPort(port));
            }
            return;
        }
        answered[(int) (n >>> 6)] |= 1L << n;
        long rtt = rttOf(n, now);
        State state;
        String reason;
        switch (kind) {
            case SYN_ACK -> {
                state = State.OPEN;
                reason = "syn-ack";
                tally.open(h, new Open(space.address(h), port, rtt, ttl));
                sendRst(h, port, ack, out);
            }
            case RST -> {
                state = State.CLOSED;
                reason = "rst";
                tally.closed(h);
            }
            default -> {
                state = State.FILTERED;
                reason = icmpReason;
                tally.filteredByIcmp(h, reason);
            }
        }
        if (settings.tellFrames()) {
            out.shown(rf, "ack = cookie + 1: answers our SYN to " + space.address(h).withPort(port));
        }
        if (settings.show().contains(state)) {
            tell(now, h, port, state, reason, rtt, ttl, out);
        }
        checkComplete(now, out);
    }

    private void tell(long now, int h, int port, State state, String reason, long rtt, int ttl, Output out) {
        String host = space.hostText(h);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", host);
        f.put("port", port);
        f.put("proto", "tcp");
        f.put("state", state.name().toLowerCase(Locale.ROOT));
        f.put("reason", reason);
        f.put("ttl", ttl < 0 ? null : ttl);
        f.put("rtt_ms", rtt < 0 ? null : Durations.msValue(rtt));
        // a plain line; the command writes it in the user's --format from the fields
        String text = state.name().toLowerCase(Locale.ROOT) + " " + space.address(h).withPort(port) + "/tcp " + reason;
        out.emit(new Event.Note(now, Event.Note.Kind.ANSWER, text, f));
    }

    /** The RTT when this shard's n-th probe was sent recently enough to be in the ring of send times, else -1. */
    private long rttOf(long n, long now) {
        int slot = (int) (n & (RING - 1));
        if (ringProbe[slot] != n) {
            return -1;
        }
        long rtt = now - ringSentAt[slot];
        if (rtt >= 0) {
            maxRttMicros = Math.max(maxRttMicros, rtt);
        }
        return rtt;
    }

    private void sendRst(int h, int port, int ack, Output out) {
        TcpSegment rst = TcpSegment.of(path.sourcePort(), port, ack, 0, TcpSegment.RST, 0, TcpSegment.Options.NONE, new byte[0]);
        byte[] bytes = ipv6 ? Frames.tcp(path.ourMac(), nextHop[h], path.ourAddress(), space.address(h), 0, rst)
                : Frames.tcp(path.ourMac(), nextHop[h], ourIp, space.host(h), ipId++ & 0xffff, rst);
        if (settings.tellFrames()) {
            out.send(bytes, "RST: we never complete the handshake, the server frees its half-open slot", true);
        } else {
            out.transmit(bytes);
        }
    }

    /** With -S ADDR that no interface holds, we answer ARP for it, or no reply could reach us. */
    private boolean answerArp(ReceivedFrame rf, Output out) throws MalformedFrameException {
        byte[] f = rf.bytes();
        if (f.length < 14 || (f[12] & 0xff) != 0x08 || (f[13] & 0xff) != 0x06) {
            return false;
        }
        ArpPacket arp = ArpPacket.parse(EthernetFrame.parse(f).payload());
        if (arp.operation() == ArpPacket.REQUEST && arp.targetIp() == ourIp && !arp.isProbe()) {
            out.send(new ArpPacket(ArpPacket.REPLY, path.ourMac(), ourIp, arp.senderMac(), arp.senderIp())
                    .toFrame(path.ourMac()), "we own this address (-S): is-at our MAC", true);
        }
        return true;
    }

    private void drop(ReceivedFrame rf, Output out, String why) {
        if (shownDrops++ < MAX_SHOWN_DROPS || settings.tellFrames()) {
            out.shown(rf, why);
        }
    }

    private boolean isAnswered(long n) {
        return (answered[(int) (n >>> 6)] & (1L << n)) != 0;
    }

    private void finish(long now, Output out) {
        if (done) {
            return;
        }
        if (sending) {
            sendingMicros += now - passStartedAt;
            sending = false;
        }
        // the silent probes: each told with --show filtered; named in the summary when there are few
        boolean tellSilent = settings.show().contains(State.FILTERED);
        List<Long> few = !tellSilent && tally.silent() <= MAX_NAMED_SILENT ? fewSilent() : new ArrayList<>();
        if (tellSilent) {
            forEachSilent(p -> {
                tell(now, space.hostIndexOf(p), space.portOf(p), State.FILTERED, "no-response", -1, -1, out);
                if (few.size() < MAX_NAMED_SILENT) {
                    few.add(p);
                }
            });
        }
        done = true;
        out.emit(result(now, tally.silent() <= MAX_NAMED_SILENT ? few : List.of(), false));
    }

    /**
     * The few probes of this shard still unanswered (at most {@link #MAX_NAMED_SILENT} are), in host
     * and port order: found from the answered bits a word at a time rather than by asking every
     * probe of the space which shard's it is (65,536 inverse permutations, interpreted at first,
     * for the one port a full-port sweep usually names).
     */
    private List<Long> fewSilent() {
        List<Long> few = new ArrayList<>();
        for (int w = 0; w < answered.length; w++) {
            long unanswered = ~answered[w];
            if (w == answered.length - 1 && (shardProbes & 63) != 0) {
                unanswered &= (1L << (shardProbes & 63)) - 1; // bits past the shard's last probe
            }
            while (unanswered != 0) {
                long n = ((long) w << 6) + Long.numberOfTrailingZeros(unanswered);
                unanswered &= unanswered - 1;
                long p = probeAt(n);
                if (nextHop[space.hostIndexOf(p)] != null) {
                    few.add(p);
                }
            }
        }
        java.util.Collections.sort(few); // probe numbers are host-major: host, then port order
        return few.size() <= MAX_NAMED_SILENT ? few : new ArrayList<>(few.subList(0, MAX_NAMED_SILENT));
    }

    /** Calls back with every probe of this shard still unanswered, in host and port order (no list is built). */
    private void forEachSilent(java.util.function.LongConsumer action) {
        for (long p = 0; p < space.size(); p++) {
            if (nextHop[space.hostIndexOf(p)] == null) {
                continue;
            }
            long n = localIndex(p);
            if (n >= 0 && !isAnswered(n)) {
                action.accept(p);
            }
        }
    }

    private Event.Result result(long now, List<Long> fewSilent, boolean interrupted) {
        return tally.result(now, new SweepTally.Sending(shardProbes, sent, sendingMicros, pass + 1, now - startedAt, settings.ratePps(),
                settings.shard(), settings.seed()), fewSilent, interrupted);
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            if (sending) {
                sendingMicros += now - passStartedAt;
                sending = false;
            }
            done = true;
            Event.Result r = result(now, List.of(), true);
            out.emit(r.interrupted(r.summary() == null ? "interrupted" : "interrupted: " + r.summary()));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        if (done) {
            return Long.MAX_VALUE;
        }
        return sending ? nextSendAt : waitUntil;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    /** For a progress bar: probes asked in this pass so far, of {@link #shardProbes()}. */
    public long progress() {
        return next;
    }

    public long shardProbes() {
        return shardProbes;
    }

    public int pass() {
        return pass;
    }

    public long sent() {
        return sent;
    }

    public int openCount() {
        return tally.openCount();
    }
}
