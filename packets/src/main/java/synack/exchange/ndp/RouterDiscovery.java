package synack.exchange.ndp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import synack.event.Durations;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.exchange.arp.NeighbourState;
import synack.link.ReceivedFrame;
import synack.wire.Frames6;
import synack.wire.Ip6;
import synack.wire.MacAddress;
import synack.wire.NdpMessage;
import synack.wire.NdpOption;

/**
 * RFC 4861 6.3.7 router discovery: router solicitations to all routers (ff02::2), {@code count}
 * of them {@code interval} apart, each router advertisement narrated and kept: the router's
 * link-local address and MAC, whether it is a default router (lifetime above 0), the M/O flags,
 * the hop limit and timers it gives hosts, the link MTU, each prefix, the DNS servers. Invalid
 * advertisements (RFC 4861 6.1.2) are told and dropped. Ends a settle window after the first
 * valid one (other routers answer the same multicast solicitation), or negative when the
 * solicitations go unanswered.
 */
public final class RouterDiscovery implements Exchange {
    /**
     * RFC 4861 10: MAX_RTR_SOLICITATIONS 3, RTR_SOLICITATION_INTERVAL 4 s. {@code lastWaitMicros}:
     * after the last solicitation, MAX_RA_DELAY_TIME (0.5 s, the longest a router delays its answer,
     * 6.2.6) before concluding there is no router (6.3.7). {@code settleMicros}: after the first
     * valid advertisement, how long other routers have to answer: each delays its answer to a
     * multicast solicitation by a random 0..MAX_RA_DELAY_TIME, so that long again.
     */
    public record Settings(int count, long intervalMicros, long lastWaitMicros, long settleMicros) {
        public static final int MAX_RTR_SOLICITATIONS = 3;
        public static final long RTR_SOLICITATION_INTERVAL_MICROS = 4_000_000;
        public static final long MAX_RA_DELAY_TIME_MICROS = 500_000;

        public Settings {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
            if (intervalMicros < 0 || lastWaitMicros < 0 || settleMicros < 0) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }

        public static Settings rfc4861() {
            return new Settings(MAX_RTR_SOLICITATIONS, RTR_SOLICITATION_INTERVAL_MICROS, MAX_RA_DELAY_TIME_MICROS,
                    MAX_RA_DELAY_TIME_MICROS);
        }
    }

    /**
     * A router as its latest valid advertisement describes it. {@code lifetimeSeconds} 0: not a
     * default router (it may still give prefixes). {@code mac}: from the source link-layer option,
     * else the Ethernet source. {@code mtu}: null without an MTU option. Times in the units of RFC
     * 4861 4.2: reachable and retrans in milliseconds, 0 = unspecified.
     */
    public record Router(byte[] address, MacAddress mac, int lifetimeSeconds, int curHopLimit, boolean managed,
                         boolean other, long reachableTimeMillis, long retransTimerMillis, Long mtu,
                         List<NdpOption.PrefixInformation> prefixes, List<NdpOption.Rdnss> dnsServers, int advertisements) {
        public boolean isDefault() {
            return lifetimeSeconds > 0;
        }
    }

    /** Routers kept: a flood of advertisements from made-up addresses must not grow memory. */
    static final int MAX_ROUTERS = 32;

    private static final String WHY_ROUTER_STALE = "an advertisement with a source link-layer option gives the router's"
            + " MAC without a solicitation: the entry is created STALE, unconfirmed until traffic confirms it (RFC 4861 6.3.4)";

    private final MacAddress ourMac;
    private final byte[] source;
    private final Settings settings;
    private final Function<MacAddress, String> vendorOf;
    private final Map<String, Router> routers = new LinkedHashMap<>();
    private int sent;
    private long startedAt;
    private long nextAt;
    private long settleFrom = -1;
    private boolean done;

    /**
     * @param source our link-local address (the solicitation then carries our MAC, and routers may
     *               answer us by unicast), or "::" before we have one (no link-layer option then, RFC 4861 4.1)
     */
    public RouterDiscovery(MacAddress ourMac, byte[] source, Settings settings, Function<MacAddress, String> vendorOf) {
        if (Ip6.isMulticast(source)) {
            throw new IllegalArgumentException(Ip6.toString(source) + " is multicast: not a source address");
        }
        this.ourMac = ourMac;
        this.source = source.clone();
        this.settings = settings;
        this.vendorOf = vendorOf;
    }

    /** The solicitation: to ff02::2 (MAC 33:33:00:00:00:02), hop limit 255, our MAC unless the source is "::". */
    public static byte[] solicitation(MacAddress ourMac, byte[] source) {
        return Frames6.toMulticast(ourMac, NdpMessage.routerSolicitation(source, Ip6.isUnspecified(source) ? null : ourMac));
    }

    @Override
    public void start(long now, Output out) {
        startedAt = now;
        nextAt = now;
        onTimer(now, out);
    }

    @Override
    public void onTimer(long now, Output out) {
        if (done || now < nextAt) {
            return;
        }
        if (settleFrom >= 0 || sent >= settings.count()) {
            finish(now, out);
            return;
        }
        sent++;
        long at = out.send(solicitation(ourMac, source), "routers? to ff02::2 from " + Ip6.toString(source)
                + (Ip6.isUnspecified(source) ? " (no address yet: no link-layer option)" : "")
                + (settings.count() > 1 ? ", solicitation " + sent + " of " + settings.count() : ""));
        nextAt = at + (sent < settings.count() ? settings.intervalMicros() : settings.lastWaitMicros());
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        if (done) {
            return;
        }
        ReceivedNdp r = ReceivedNdp.read(frame.bytes());
        if (r == null) {
            return;
        }
        if (r.malformed() != null) {
            out.shown(frame, "dropped: " + r.malformed());
            return;
        }
        if (!(r.message().body() instanceof NdpMessage.RouterAdvertisement ra)) {
            return; // our own solicitation looped back, other hosts' neighbour traffic
        }
        if (!r.message().isValid()) {
            out.shown(frame, r.invalidRemark());
            return;
        }
        String key = Ip6.toString(r.ip().source());
        Router before = routers.get(key);
        if (before == null && routers.size() >= MAX_ROUTERS) {
            out.shown(frame, "dropped: more than " + MAX_ROUTERS + " routers advertise on this link already");
            return;
        }
        long now = frame.timeMicros();
        MacAddress lladdr = r.message().sourceLinkLayer();
        MacAddress mac = lladdr != null ? lladdr : r.ethernet().source();
        Long mtu = null;
        List<NdpOption.Rdnss> dns = new ArrayList<>();
        for (NdpOption o : r.message().options()) {
            if (o instanceof NdpOption.Mtu m) {
                mtu = m.mtu();
            } else if (o instanceof NdpOption.Rdnss d) {
                dns.add(d);
            }
        }
        Router router = new Router(r.ip().source(), mac, ra.routerLifetime(), ra.curHopLimit(), ra.managed(), ra.other(),
                ra.reachableTime(), ra.retransTimer(), mtu, List.copyOf(r.message().prefixes()), List.copyOf(dns),
                before == null ? 1 : before.advertisements() + 1);
        routers.put(key, router);
        String vendor = vendorOf.apply(mac);
        out.shown(frame, "router " + key + " at " + mac + (vendor != null ? " (" + vendor + ")" : "")
                + (router.isDefault() ? ": a default router for " + ra.routerLifetime() + " s"
                        : ": lifetime 0, not a default router (its prefixes and settings still count)")
                + (before == null ? "" : "; advertisement " + router.advertisements() + " from it"));
        narrate(router, now, out);
        if (before == null && lladdr != null) {
            out.emit(new Event.Transition(now, key, Event.Endpoint.PEER, NeighbourState.NONE.name(), NeighbourState.STALE.name(),
                    "router advertisement with source link-layer option " + lladdr, false, WHY_ROUTER_STALE, false));
        }
        if (settleFrom < 0) {
            settleFrom = now;
            nextAt = now + settings.settleMicros();
            if (settings.settleMicros() > 0) {
                out.emit(new Event.Note(now, Event.Note.Kind.INFO, "listening " + Durations.human(settings.settleMicros())
                        + " more: other routers on the link answer the same solicitation, each after a random delay"
                        + " of up to 0.5 s (RFC 4861 6.2.6)", Map.of()));
            } else {
                finish(now, out);
            }
        }
    }

    /** One note per thing the advertisement tells hosts, in the words of RFC 4861 4.2 and 4.6. */
    private static void narrate(Router r, long now, Output out) {
        List<String> lines = new ArrayList<>();
        lines.add(r.managed() ? "M: addresses come from DHCPv6 (managed)" : "M clear: no DHCPv6 for addresses");
        lines.add(r.other() ? "O: other settings (DNS...) come from DHCPv6" : "O clear: no DHCPv6 for other settings");
        lines.add(r.curHopLimit() == 0 ? "hop limit unspecified (hosts keep their own)"
                : "hosts should send with hop limit " + r.curHopLimit());
        lines.add(r.reachableTimeMillis() == 0 ? "reachable time unspecified"
                : "a neighbour is REACHABLE for about " + r.reachableTimeMillis() + " ms after a confirmation");
        lines.add(r.retransTimerMillis() == 0 ? "retransmission timer unspecified"
                : "solicitations " + r.retransTimerMillis() + " ms apart");
        if (r.mtu() != null) {
            lines.add("link MTU " + r.mtu());
        }
        for (NdpOption.PrefixInformation p : r.prefixes()) {
            lines.add("prefix " + Ip6.toString(p.prefix()) + "/" + p.prefixLength()
                    + (p.onLink() ? ", on-link (L: its addresses are reached directly)" : ", not on-link")
                    + (p.autonomous() ? ", autonomous (A: hosts form their own address in it, SLAAC)" : ", no SLAAC")
                    + ", valid " + seconds(p.validLifetime()) + ", preferred " + seconds(p.preferredLifetime()));
        }
        for (NdpOption.Rdnss d : r.dnsServers()) {
            List<String> names = d.servers().stream().map(Ip6::toString).toList();
            lines.add("DNS servers " + String.join(", ", names) + " for " + seconds(d.lifetime()) + " (RFC 8106)");
        }
        for (String line : lines) {
            out.emit(new Event.Note(now, Event.Note.Kind.INFO, line, Map.of()));
        }
    }

    private static String seconds(long s) {
        return s == 0xffffffffL ? "forever" : s + " s";
    }

    private void finish(long now, Output out) {
        done = true;
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> list = new ArrayList<>();
        String defaultRouter = null;
        for (Router r : routers.values()) {
            String ip = Ip6.toString(r.address());
            if (defaultRouter == null && r.isDefault()) {
                defaultRouter = ip;
            }
            List<String> prefixes = new ArrayList<>();
            List<Map<String, Object>> prefixFields = new ArrayList<>();
            for (NdpOption.PrefixInformation p : r.prefixes()) {
                prefixes.add(Ip6.toString(p.prefix()) + "/" + p.prefixLength());
                Map<String, Object> pf = new LinkedHashMap<>();
                pf.put("prefix", Ip6.toString(p.prefix()) + "/" + p.prefixLength());
                pf.put("on_link", p.onLink());
                pf.put("autonomous", p.autonomous());
                pf.put("valid_s", p.validLifetime());
                pf.put("preferred_s", p.preferredLifetime());
                prefixFields.add(pf);
            }
            List<String> dns = new ArrayList<>();
            r.dnsServers().forEach(d -> d.servers().forEach(s -> dns.add(Ip6.toString(s))));
            String vendor = vendorOf.apply(r.mac());
            lines.add("router " + ip + " at " + r.mac() + (vendor != null ? " (" + vendor + ")" : "")
                    + (r.isDefault() ? " default for " + r.lifetimeSeconds() + " s" : " not a default router (lifetime 0)")
                    + (prefixes.isEmpty() ? "" : ", prefixes " + String.join(" ", prefixes))
                    + (r.mtu() != null ? ", MTU " + r.mtu() : "") + (dns.isEmpty() ? "" : ", DNS " + String.join(" ", dns)));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ip", ip);
            f.put("mac", r.mac().toString());
            f.put("vendor", vendor);
            f.put("lifetime_s", r.lifetimeSeconds());
            f.put("default", r.isDefault());
            f.put("managed", r.managed());
            f.put("other", r.other());
            f.put("cur_hop_limit", r.curHopLimit());
            f.put("reachable_time_ms", r.reachableTimeMillis());
            f.put("retrans_timer_ms", r.retransTimerMillis());
            f.put("mtu", r.mtu());
            f.put("prefixes", prefixFields);
            f.put("dns", dns);
            f.put("advertisements", r.advertisements());
            list.add(f);
        }
        boolean ok = !routers.isEmpty();
        String summary;
        if (!ok) {
            summary = "no router advertisement after " + sent + " solicitation" + (sent == 1 ? "" : "s")
                    + ": no IPv6 router on this link (RFC 4861 6.3.7)";
        } else if (defaultRouter == null) {
            summary = "no default router: every router advertised lifetime 0 (prefixes only, no route off the link)";
        } else {
            summary = null;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ok", ok);
        fields.put("protocol", "ndp");
        fields.put("routers", list);
        fields.put("default_router", defaultRouter);
        fields.put("solicitations", sent);
        fields.put("elapsed_ms", Durations.msValue(now - startedAt));
        if (settleFrom >= 0) {
            fields.put("listened_ms", Durations.msValue(now - settleFrom));
        }
        out.emit(new Event.Result(now, ok ? synack.event.Verdict.OK : synack.event.Verdict.NEGATIVE, lines, summary, fields));
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            out.emit(new Event.Result(now, synack.event.Verdict.INTERRUPTED, List.of(), "interrupted during router discovery",
                    Map.of("ok", false)));
        }
    }

    @Override
    public long nextDeadlineMicros() {
        return done ? Long.MAX_VALUE : nextAt;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    /** The routers learned so far, in the order they first advertised. */
    public List<Router> routers() {
        return List.copyOf(routers.values());
    }
}
