package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request message: a body framed by Content-Length, its parts labelled; the method rules of redirects; conditions. */
class HttpRequestTest {
    static final HttpUrl ECHO = HttpUrl.parse("http://www.synack.test/echo");

    @Test
    void aBodyIsFramedByContentLengthAndTypedAsAFormUnlessHGivesAType() {
        byte[] body = "a=1&b=2".getBytes(StandardCharsets.UTF_8);
        HttpRequest r = HttpRequest.of("POST", ECHO, body, false, true, List.of(), List.of());
        String text = new String(r.toBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("POST /echo HTTP/1.1\r\nHost: www.synack.test\r\n"), text);
        assertTrue(text.endsWith("\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=1&b=2"), text);
        assertEquals(r.headBytes().length + 7, r.toBytes().length);
        HttpRequest json = HttpRequest.of("PUT", ECHO, body, false, true, List.of(), List.of("content-type: application/json",
                "Content-Length: 99"));
        assertEquals("application/json", json.header("Content-Type"));
        assertEquals("7", json.header("Content-Length"), "the body's own length frames it, whatever -H says");
        HttpRequest empty = HttpRequest.of("POST", ECHO, new byte[0], false, true, List.of(), List.of());
        assertEquals("0", empty.header("Content-Length"), "-d '' is an empty body, still framed");
        assertFalse(new String(HttpRequest.get(ECHO, false, false, true, List.of()).toBytes(), StandardCharsets.ISO_8859_1)
                .contains("Content-Length"), "a GET without data has no body and no length");
    }

    @Test
    void theNarrationLabelsTheBodyAsTheThirdPartWithItsLengthAndAPreview() {
        HttpRequest r = HttpRequest.of("POST", ECHO, "line1\nline2 \"q\" \u0001".getBytes(StandardCharsets.ISO_8859_1), false, true,
                List.of(), List.of());
        String d = r.describe();
        assertTrue(d.startsWith("HTTP request, " + r.toBytes().length + " bytes (" + r.headBytes().length + " head + 17 body):"), d);
        assertTrue(d.contains("\n  blank line     (CRLF: the headers end here)\n  body           17 bytes, as Content-Length says"
                + " (the message's third part): \"line1\\nline2 \\\"q\\\" \\x01\""), d);
        assertTrue(HttpRequest.preview(new byte[100], 60).endsWith("… (40 more)"));
        assertTrue(HttpRequest.get(ECHO, false, false, true, List.of()).describe().contains("body           none"));
    }

    @Test
    void aMethodIsAToken() {
        HttpRequest options = HttpRequest.of("OPTIONS", ECHO, null, false, true, List.of(), List.of());
        assertEquals("OPTIONS /echo HTTP/1.1", options.requestLine());
        assertTrue(new String(options.toBytes(), StandardCharsets.ISO_8859_1).startsWith("OPTIONS /echo HTTP/1.1\r\n"));
        assertEquals("M-SEARCH /echo HTTP/1.1", HttpRequest.of("M-SEARCH", ECHO, null, false, true, List.of(), List.of()).requestLine());
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("GET X", ECHO, null, false, true, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("", ECHO, null, false, true, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("P(ST", ECHO, null, false, true, List.of(), List.of()));
        assertTrue(HttpRequest.isToken("M-SEARCH"));
    }

    @Test
    void addedFieldsComeBeforeTheBodysAndAnHFieldReplacesOursInItsPlace() {
        HttpRequest r = HttpRequest.of("GET", ECHO, null, false, true, List.of(new String[] {"Cookie", "a=1"},
                new String[] {"If-None-Match", "\"x\""}), List.of("User-Agent: curl/8", "X-Extra: 1"));
        assertEquals(List.of("Host", "User-Agent", "Accept", "Accept-Encoding", "Connection", "Cookie", "If-None-Match", "X-Extra"),
                r.headers().stream().map(h -> h[0]).toList());
        assertEquals("curl/8", r.header("user-agent"));
    }

    @Test
    void eachRedirectStatusHasItsMethodRule() {
        record Row(int status, String method, boolean body, String after, boolean bodyAfter) {}
        for (Row row : List.of(
                new Row(301, "POST", true, "GET", false), new Row(302, "POST", true, "GET", false),
                new Row(301, "PUT", true, "PUT", true), new Row(302, "GET", false, "GET", false),
                new Row(303, "POST", true, "GET", false), new Row(303, "PUT", true, "GET", false),
                new Row(303, "DELETE", false, "GET", false), new Row(303, "HEAD", false, "HEAD", false),
                new Row(307, "POST", true, "POST", true), new Row(308, "PUT", true, "PUT", true),
                new Row(307, "GET", false, "GET", false))) {
            HttpJourney.RedirectRule r = HttpJourney.RedirectRule.of(row.status(), row.method(), row.body());
            assertEquals(row.after(), r.method(), row.toString());
            assertEquals(row.bodyAfter(), r.withBody(), row.toString());
        }
        assertEquals("307: the method and body are kept (RFC 9110 §15.4.8)", HttpJourney.RedirectRule.of(307, "POST", true).why());
        assertEquals("302: POST becomes GET, the body is dropped (RFC 9110 §15.4.3: user agents do, and so does curl)",
                HttpJourney.RedirectRule.of(302, "POST", true).why());
    }

    @Test
    void conditionsBecomeTheirHeaderFields() {
        assertEquals(List.of(), Conditional.NONE.headers());
        Conditional etag = new Conditional("\"5f-abc\"", null, false, null);
        assertEquals("If-None-Match", etag.headers().get(0)[0]);
        assertEquals("\"5f-abc\"", etag.headers().get(0)[1]);
        Conditional since = new Conditional(null, 1_796_205_600L, false, "-z 2026-12-02 10:00:00");
        assertEquals(List.of("If-Modified-Since", "Wed, 02 Dec 2026 10:00:00 GMT"), List.of(since.headers().get(0)));
        Conditional unmodified = new Conditional(null, 1_796_205_600L, true, "-z -DATE");
        assertEquals("If-Unmodified-Since", unmodified.headers().get(0)[0]);
    }

    @Test
    void aBodyWithATransferEncodingFromHIsRefusedNotSentWithBothFramings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("POST", ECHO, "abc".getBytes(
                StandardCharsets.ISO_8859_1), false, true, List.of(), List.of("Transfer-Encoding: chunked")));
        assertTrue(e.getMessage().contains("RFC 9112 §6.2"), e.getMessage());
        assertEquals("chunked", HttpRequest.of("GET", ECHO, null, false, true, List.of(), List.of("transfer-encoding: chunked"))
                .header("Transfer-Encoding"), "without a body it is the user's field to send");
    }

    @Test
    void aHeaderValueBeyondLatin1IsRefusedNotSentAsQuestionMarks() {
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.of("GET", ECHO, null, false, true,
                java.util.Collections.singletonList(new String[] {"Cookie", "n=\u00fc\u20ac"}), List.of()));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.headerField("X-Name: caf\u00e9 \u2603"));
        assertThrows(IllegalArgumentException.class, () -> HttpRequest.get(ECHO, false, false, true, List.of("X-Emoji: \ud83d\ude00")));
        HttpRequest latin = HttpRequest.of("GET", ECHO, null, false, true, List.of(), List.of("X-Name: caf\u00e9"));
        assertTrue(new String(latin.toBytes(), StandardCharsets.ISO_8859_1).contains("X-Name: caf\u00e9\r\n"), "Latin-1 is one octet each");
    }
}
