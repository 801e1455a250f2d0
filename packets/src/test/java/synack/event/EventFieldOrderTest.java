package synack.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A --json line's keys come in the same order at every run, whatever map the story was built with. */
class EventFieldOrderTest {
    private static final Map<String, Object> EIGHT = Map.of("phase", "arp", "exit", 0, "after_ms", 1.5, "bytes", 60,
            "address", "198.18.1.1", "mac", "02:00:00:00:00:01", "tries", 1, "zone", "test.");

    @Test
    void aMapOfsFieldsComeInNameOrder() {
        // Map.of iterates in an order salted at each JVM start: 8 keys in name order by chance is 1 in 40,320
        Event.Note note = new Event.Note(0, Event.Note.Kind.PHASE, "ARP: resolved", EIGHT);
        assertEquals(List.of("address", "after_ms", "bytes", "exit", "mac", "phase", "tries", "zone"),
                new ArrayList<>(note.fields().keySet()));
        Event.Result result = new Event.Result(0, Verdict.OK, List.of(), "ok", EIGHT);
        assertEquals(new ArrayList<>(note.fields().keySet()), new ArrayList<>(result.fields().keySet()));
        assertEquals(EIGHT, note.fields());
    }

    @Test
    void anOrderedMapIsKeptAsBuilt() {
        Map<String, Object> built = new LinkedHashMap<>();
        built.put("zone", "test.");
        built.put("address", "198.18.1.1");
        Event.Note note = new Event.Note(0, Event.Note.Kind.INFO, "x", built);
        assertSame(built, note.fields());
        assertEquals(List.of("zone", "address"), new ArrayList<>(note.fields().keySet()));
    }
}
