package synack.exchange.arp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import synack.event.Event;
import synack.exchange.Exchange;
import synack.exchange.Output;
import synack.link.ReceivedFrame;
import synack.wire.ArpPacket;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * Gratuitous ARP (RFC 5227 section 2.3 announcement): a broadcast request for our own address,
 * sender = target = ours, so every neighbour holding an entry for it updates the MAC.
 * Nothing answers an announcement; the exchange ends after the last one is sent.
 */
public final class ArpAnnounce implements Exchange {
    private final MacAddress ourMac;
    private final int ourIp;
    private final int count;
    private final long intervalMicros;
    private int sent;
    private long nextAt;
    private boolean done;

    public ArpAnnounce(MacAddress ourMac, int ourIp, int count, long intervalMicros) {
        this.ourMac = ourMac;
        this.ourIp = ourIp;
        this.count = count;
        this.intervalMicros = intervalMicros;
    }

    @Override
    public void start(long now, Output out) {
        nextAt = now;
        onTimer(now, out);
    }

    @Override
    public void onTimer(long now, Output out) {
        if (done || now < nextAt) {
            return;
        }
        sent++;
        out.send(ArpPacket.announcement(ourMac, ourIp).toFrame(ourMac),
                "announcement " + sent + " of " + count + ": neighbours that know " + Ip4.toString(ourIp) + " update its MAC");
        nextAt = now + intervalMicros;
        if (sent >= count) {
            done = true;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", true);
            f.put("address", Ip4.toString(ourIp));
            f.put("mac", ourMac.toString());
            f.put("announcements", sent);
            out.emit(new Event.Result(now, synack.event.Verdict.OK, List.of("announced " + Ip4.toString(ourIp) + " is-at " + ourMac
                    + " (" + sent + " gratuitous ARP" + (sent == 1 ? "" : "s") + ")"), null, f));
        }
    }

    @Override
    public void onFrame(ReceivedFrame frame, Output out) {
        // nothing answers an announcement
    }

    @Override
    public void abort(long now, Output out) {
        if (!done) {
            done = true;
            out.emit(new Event.Result(now, synack.event.Verdict.INTERRUPTED, List.of(), "interrupted after " + sent + " announcements", Map.of("ok", false)));
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
}
