package synack.exchange.arp;

import java.util.Locale;
import java.util.Map;
import synack.event.Event;
import synack.event.Verdict;
import synack.net.Route;
import synack.wire.IpAddress;

/**
 * The phase told instead of ARP when a route's next-hop MAC needs no asking: lo's zero MACs, a
 * broadcast or multicast address's own MAC. One place for every command and the http journey.
 */
public final class NoArpNeeded {
    private NoArpNeeded() {}

    /** The phase note: its {@code exit} field is a verdict (OK), which the JSON renderer writes as its exit code. */
    public static Event.Note note(long now, Route route) {
        return new Event.Note(now, Event.Note.Kind.PHASE, words(route),
                Map.of("phase", route.loopback() ? "loopback" : route.type().name().toLowerCase(Locale.ROOT), "exit", Verdict.OK));
    }

    static String words(Route route) {
        if (route.loopback()) {
            IpAddress to = route.destinationAddress();
            boolean loopbackAddress = to.ipv6() ? to.equals(IpAddress.parse("::1")) : (to.v4() >>> 24) == 127;
            boolean own = route.local() && !loopbackAddress;
            return "loopback: " + (own ? to + " is this host's own address, so the kernel routes it through lo;"
                    + " frames go through lo" : "frames go through " + route.via().name()) + " with zero MACs, no ARP"
                    + " (lo takes them in with accept_local and route_localnet on, until the end of this run)";
        }
        return route.type().name().toLowerCase(Locale.ROOT) + ": frames go to " + route.nextHopMac() + ", no ARP";
    }
}
