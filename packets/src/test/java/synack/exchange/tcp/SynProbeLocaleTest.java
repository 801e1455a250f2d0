package synack.exchange.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.exchange.Runner;
import synack.link.MemoryLink;
import synack.time.VirtualClock;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/** A port's state is "filtered" in every locale: lower-cased without Locale.ROOT, Turkish makes it "fıltered". */
class SynProbeLocaleTest {
    @Test
    void aSilentPortIsFilteredInTurkishToo() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(new Locale("tr"));
            VirtualClock clock = new VirtualClock(1_700_000_000_000_000L);
            MemoryLink[] wire = MemoryLink.pair(clock, 100); // nobody answers on the far end
            List<Event> events = new ArrayList<>();
            SynProbe probe = new SynProbe(new SynProbe.Path(MacAddress.parse("02:00:00:00:00:02"), MacAddress.parse("02:00:00:00:00:01"),
                    Ip4.parse("198.18.1.2"), Ip4.parse("198.18.2.2"), 40_000, 0x1000_0000), List.of(81),
                    new SynProbe.Settings(0, 100_000, 0), 1);
            new Runner(wire[0], clock, events::add).run(probe, () -> false);
            Event.Transition verdict = events.stream().filter(e -> e instanceof Event.Transition t && t.subject().equals("port 81") && t.from().equals("PROBING"))
                    .map(e -> (Event.Transition) e).findFirst().orElseThrow();
            assertEquals("filtered", verdict.to());
            Event.Result result = (Event.Result) events.get(events.size() - 1);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> ports = (List<Map<String, Object>>) result.fields().get("ports");
            assertEquals("filtered", ports.get(0).get("state"));
        } finally {
            Locale.setDefault(before);
        }
    }
}
