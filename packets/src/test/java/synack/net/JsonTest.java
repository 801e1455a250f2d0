package synack.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsTheShapesIpPrints() {
        Object v = Json.parse(" [ {\"dst\":\"10.8.1.1\",\"flags\":[],\"uid\":0,\"cache\":[\"local\",\"brd\"],"
                + "\"metrics\":[{\"mtu\":1280}] } ]\n");
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("10.8.1.1", m.get("dst"));
        assertEquals(List.of(), m.get("flags"));
        assertEquals(0L, m.get("uid"));
        assertEquals(List.of("local", "brd"), m.get("cache"));
        assertEquals(1280L, ((Map<?, ?>) ((List<?>) m.get("metrics")).get(0)).get("mtu"));
        assertEquals(List.of("dst", "flags", "uid", "cache", "metrics"), List.copyOf(m.keySet()), "keys keep their order");
    }

    @Test
    void scalarsAndEscapes() {
        assertEquals(List.of(true, false, -3L, 2.5, 1.0e3), Json.parse("[true,false,-3,2.5,1e3]"));
        assertNull(Json.parse("null"));
        assertEquals("a\"b\\c/d\n\t\u00e9", Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\""));
        assertEquals(Map.of(), Json.parse("{}"));
        assertEquals(List.of(List.of()), Json.parse("[[]]"));
    }

    @Test
    void brokenTextIsRefusedWithWhere() {
        for (String bad : List.of("", "[", "[1,]", "{\"a\"}", "{\"a\":1,}", "\"open", "[1] x", "tru", "{1:2}", "-")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("JSON: "), e.getMessage());
        }
    }
}
