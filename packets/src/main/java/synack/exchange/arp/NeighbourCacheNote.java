package synack.exchange.arp;

import java.util.LinkedHashMap;
import java.util.Map;
import synack.event.Durations;
import synack.event.Event;
import synack.wire.IpAddress;
import synack.wire.MacAddress;

/**
 * The note every command tells when a next hop's MAC comes from the shell's neighbour cache
 * instead of ARP or a neighbour solicitation, with its data ({@code neighbour_cache}, schema:
 * note.info). A remembered neighbour is one that answered within the last 30 s: the kernel's
 * REACHABLE (RFC 4861's REACHABLE_TIME), used without asking as the kernel uses such an entry.
 */
public final class NeighbourCacheNote {
    private NeighbourCacheNote() {}

    /** @param ageMicros how long ago the neighbour answered (-1: not known: not told, 0 in the data, which the schema requires) */
    public static Event.Note note(long now, IpAddress hop, String link, MacAddress mac, long ageMicros) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("neighbour_cache", fields(hop, link, mac, ageMicros));
        return new Event.Note(now, Event.Note.Kind.INFO, "next hop " + hop + (hop.ipv6() && hop.isLinkLocal() ? "%" + link : "")
                + " is-at " + mac + " from the shell's neighbour cache (REACHABLE" + (ageMicros >= 0 ? ", learned "
                + Durations.human(ageMicros) + " ago" : "") + "): no " + (hop.ipv6() ? "neighbour solicitation" : "ARP") + " needed", f);
    }

    /** The --json form of a remembered neighbour. */
    public static Map<String, Object> fields(IpAddress hop, String link, MacAddress mac, long ageMicros) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ip", hop.toString());
        f.put("family", hop.ipv6() ? "ipv6" : "ipv4");
        f.put("interface", link);
        f.put("mac", mac.toString());
        f.put("state", "REACHABLE");
        f.put("age_ms", Math.max(0, ageMicros) / 1000.0);
        return f;
    }
}
