package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a response says of the condition a request carried: told by the kind of condition, not guessed from the status alone. */
class ConditionalTest {
    static final long T = 1_796_205_600L; // Wed, 02 Dec 2026 10:00:00 GMT
    static final String LM = "Tue, 01 Dec 2026 08:00:00 GMT";

    static HttpApp.Response response(String method, int status, String etag) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"Last-Modified", LM});
        if (etag != null) {
            h.add(new String[] {"ETag", etag});
        }
        return new HttpApp.Response(HttpUrl.parse("http://www.synack.test/hello.txt"), method, status, "", h, 0, 0, "", null, 0, 0, 0, 0,
                new byte[0], null, null);
    }

    @SuppressWarnings("unchecked")
    static Object condition(Conditional c, HttpApp.Response r) {
        return ((Map<String, Object>) c.fields(r).get("condition")).get("condition");
    }

    @Test
    void a2xxToIfUnmodifiedSinceSaysTheConditionHeld() {
        Conditional c = new Conditional(null, T, true, "-z -2026-12-02 10:00:00");
        HttpApp.Response ok = response("PUT", 200, null);
        assertEquals(Conditional.Kind.IF_UNMODIFIED_SINCE, c.decidedBy(200));
        assertEquals("200: the condition held: the server's copy has not changed since Wed, 02 Dec 2026 10:00:00 GMT (Last-Modified "
                + LM + "), so the request was acted on", c.explain(ok));
        assertEquals("If-Unmodified-Since", condition(c, ok));
        assertEquals("precondition failed: the server's copy changed since Wed, 02 Dec 2026 10:00:00 GMT (Last-Modified " + LM + ")",
                c.explain(response("PUT", 412, null)));
    }

    @Test
    void a412ToIfNoneMatchSaysTheEtagMatched() {
        Conditional c = new Conditional("\"v1\"", null, false, null);
        HttpApp.Response failed = response("POST", 412, "\"v1\"");
        assertEquals(Conditional.Kind.IF_NONE_MATCH, c.decidedBy(412));
        assertEquals("precondition failed: the server's copy matches our ETag \"v1\" (its ETag \"v1\") (If-None-Match on a POST: 412,"
                + " not 304)", c.explain(failed));
        assertEquals("If-None-Match", condition(c, failed));
        assertEquals("200: the server's ETag differs from ours \"v1\" (its ETag \"v2\"): the body is sent",
                c.explain(response("GET", 200, "\"v2\"")));
    }

    @Test
    void withBothTheStatusSaysWhichConditionSpoke() {
        Conditional c = new Conditional("\"v1\"", T, true, "-z -DATE");
        assertEquals(List.of(Conditional.Kind.IF_UNMODIFIED_SINCE, Conditional.Kind.IF_NONE_MATCH), c.kinds(), "RFC 9110 §13.2.2's order");
        assertEquals(Conditional.Kind.IF_UNMODIFIED_SINCE, c.decidedBy(412));
        assertEquals(Conditional.Kind.IF_NONE_MATCH, c.decidedBy(304));
        Conditional since = new Conditional("\"v1\"", T, false, "-z DATE");
        assertEquals(Conditional.Kind.IF_NONE_MATCH, since.decidedBy(304), "If-None-Match decides before If-Modified-Since");
        assertEquals("not modified: the server's copy has not changed since Wed, 02 Dec 2026 10:00:00 GMT (Last-Modified " + LM
                + ") — no body sent; our copy is current", new Conditional(null, T, false, "-z DATE").explain(response("GET", 304, null)));
        assertNull(Conditional.NONE.decidedBy(200));
    }
}
