package synack.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void aNestedMapOfIsWrittenInNameOrderAndAnOrderedMapAsBuilt() {
        // Map.of iterates in an order salted at each JVM start: 8 keys in name order by chance is 1 in 40,320
        Map<String, Object> eight = Map.of("limit", 8, "finding", "x", "zone", "test.", "after_ms", 1.5, "bytes", 60,
                "address", "198.18.1.1", "mac", "m", "tries", 1);
        assertEquals("{\"arp\":{\"address\":\"198.18.1.1\",\"after_ms\":1.5,\"bytes\":60,\"finding\":\"x\",\"limit\":8,"
                + "\"mac\":\"m\",\"tries\":1,\"zone\":\"test.\"}}", Json.write(Map.of("arp", eight)));
        Map<String, Object> built = new LinkedHashMap<>();
        built.put("zone", "test.");
        built.put("address", "198.18.1.1");
        assertEquals("{\"zone\":\"test.\",\"address\":\"198.18.1.1\"}", Json.write(built));
    }

    @Test
    void scalars() {
        assertEquals("null", Json.write(null));
        assertEquals("true", Json.write(true));
        assertEquals("42", Json.write(42));
        assertEquals("-7", Json.write(-7L));
        assertEquals("1.0", Json.write(1.0));
        assertEquals("0.25", Json.write(0.25));
        assertEquals("0.2", Json.write(0.2));
        assertEquals("null", Json.write(Double.NaN));
        assertEquals("null", Json.write(Double.POSITIVE_INFINITY));
        assertEquals("100000000000000000000", Json.write(1e20));
        assertEquals("0.0002", Json.write(2e-4)); // a time 200 µs in: plain decimals, never 2.0E-4
        assertEquals("12", Json.write((short) 12));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"plain\"", Json.write("plain"));
        assertEquals("\"say \\\"hi\\\"\"", Json.write("say \"hi\""));
        assertEquals("\"C:\\\\tmp\"", Json.write("C:\\tmp"));
        assertEquals("\"a\\nb\\rc\\td\"", Json.write("a\nb\rc\td"));
        assertEquals("\"\\u0000\\u0001\\u001f\"", Json.write("\u0000\u0001\u001f"));
        assertEquals("\"→ é\"", Json.write("→ é"), "non-ASCII passes through as UTF-8");
        assertEquals("\"\"", Json.write(""));
    }

    @Test
    void everyCharacterIsEscapedAsOneAtATimeWouldEscapeIt() {
        // the writer appends runs of plain characters at once: the same text as the rule applied to each
        java.util.Random random = new java.util.Random(14);
        String alphabet = "ab\"\\\n\r\t\u0000\u001f\u007f →é\ud83d\ude00";
        for (int n = 0; n < 2000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertEquals(oneAtATime(s.toString()), Json.write(s.toString()), s.toString());
        }
    }

    private static String oneAtATime(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void mapsKeepTheirOrderAndNest() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ip", "198.18.1.1");
        inner.put("rtt_ms", 0.2);
        inner.put("vendor", null);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("ok", true);
        outer.put("answered", List.of(inner));
        outer.put("failed", new ArrayList<>());
        outer.put("targets", 2);
        outer.put("nested", Map.of("list", Arrays.asList(1, "two", null, List.of())));
        assertEquals("{\"ok\":true,\"answered\":[{\"ip\":\"198.18.1.1\",\"rtt_ms\":0.2,\"vendor\":null}],"
                + "\"failed\":[],\"targets\":2,\"nested\":{\"list\":[1,\"two\",null,[]]}}", Json.write(outer));
    }

    @Test
    void keysAreEscapedAndStringified() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("a\"b", 1);
        m.put(7, "x");
        assertEquals("{\"a\\\"b\":1,\"7\":\"x\"}", Json.write(m));
        assertEquals("{}", Json.write(Map.of()));
    }

    @Test
    void otherObjectsBecomeStrings() {
        assertEquals("\"X\\\"Y\"", Json.write(new Object() {
            @Override
            public String toString() {
                return "X\"Y";
            }
        }));
    }
}
