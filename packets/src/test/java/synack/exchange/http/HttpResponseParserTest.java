package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import synack.exchange.http.HttpResponseParser.ProtocolException;

/** The response parser, table-driven (each case also split at every byte boundary) and fuzzed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpResponseParserTest {
    /** What a parse came to, as data. */
    record Parsed(int status, String reason, List<String> headers, List<String> trailers, String body, BodyFraming framing, int chunks,
                  boolean complete, int used, boolean persistent) {}

    /**
     * One response and what parsing it must give: {@code close} says the server closes after the
     * bytes (an until-close body ends there); {@code used} is how many bytes belong to the response
     * (-1: all of them).
     */
    record Case(String name, String input, boolean head, boolean close, int status, String body, BodyFraming framing, int used) {}

    static final String MORE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

    static final List<Case> CASES = List.of(
            new Case("content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, false, 200, "hello", BodyFraming.LENGTH, -1),
            new Case("content-length 0", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, false, 200, "", BodyFraming.LENGTH, -1),
            new Case("the next response's bytes are left", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + MORE, false, false, 200,
                    "hello", BodyFraming.LENGTH, 43),
            new Case("a list of equal lengths", "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc", false, false, 200, "abc",
                    BodyFraming.LENGTH, -1),
            new Case("chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", false, false,
                    200, "hello world", BodyFraming.CHUNKED, -1),
            new Case("chunk extensions", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6 ; x ; y=\"q\"\r\n"
                    + " world\r\n0;last\r\n\r\n", false, false, 200, "hello world", BodyFraming.CHUNKED, -1),
            new Case("trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\nA\r\n0123456789\r\n0\r\n"
                    + "Expires: never\r\nX-Sum: 1\r\n\r\n", false, false, 200, "0123456789", BodyFraming.CHUNKED, -1),
            new Case("hex sizes in either case", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\nB\r\n"
                    + "0123456789a\r\n0\r\n\r\n", false, false, 200, "01234567890123456789a", BodyFraming.CHUNKED, -1),
            new Case("chunked wins over a length", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + "2\r\nok\r\n0\r\n\r\n", false, false, 200, "ok", BodyFraming.CHUNKED, -1),
            new Case("a coding other than chunked last: until the close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n"
                    + "Content-Length: 1\r\n\r\nraw bytes", false, true, 200, "raw bytes", BodyFraming.UNTIL_CLOSE, -1),
            new Case("folded header (obs-fold)", "HTTP/1.1 200 OK\r\nX-Long: first\r\n   second\r\n\tthird\r\nContent-Length: 2\r\n\r\nok",
                    false, false, 200, "ok", BodyFraming.LENGTH, -1),
            new Case("HTTP/1.0 until the close", "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nthe body ends when the server closes", false, true,
                    200, "the body ends when the server closes", BodyFraming.UNTIL_CLOSE, -1),
            new Case("HEAD: no body whatever the length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", true, false, 200, "",
                    BodyFraming.NONE, -1),
            new Case("204 without body", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n" + MORE, false, false, 204, "",
                    BodyFraming.NONE, 46),
            new Case("304 without body", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", false, false, 304, "", BodyFraming.NONE, -1),
            new Case("100 Continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", false,
                    false, 201, "ok", BodyFraming.LENGTH, -1),
            new Case("bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", false, false, 200, "ok", BodyFraming.LENGTH, -1),
            new Case("no reason phrase", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false, false, 404, "", BodyFraming.LENGTH, -1),
            new Case("a reason with spaces", "HTTP/1.1 301 Moved Permanently\r\nLocation: /\r\nContent-Length: 0\r\n\r\n", false, false,
                    301, "", BodyFraming.LENGTH, -1));

    /** Responses the parser must refuse (with its own error, never another). {@code close}: the error shows at the close. */
    record Bad(String name, String input, boolean close) {}

    static final List<Bad> BAD = List.of(
            new Bad("not a status line", "HTP/1.1 200 OK\r\n\r\n", false),
            new Bad("a two-digit status", "HTTP/1.1 20 OK\r\n\r\n", false),
            new Bad("HTTP/2 is not 1.x", "HTTP/2 200\r\n\r\n", false),
            new Bad("a header without a colon", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", false),
            new Bad("a fold before any header", "HTTP/1.1 200 OK\r\n folded\r\n\r\n", false),
            new Bad("a length that is no number", "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\n", false),
            new Bad("a negative length", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", false),
            new Bad("a signed length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", false),
            new Bad("lengths that disagree", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello", false),
            new Bad("two length fields that disagree", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", false),
            new Bad("a chunk size in no base", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false),
            new Bad("a negative chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n", false),
            new Bad("a signed chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n", false),
            new Bad("a 0x chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n", false),
            new Bad("an empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", false),
            new Bad("a chunk size past 2^63", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n", false),
            new Bad("a chunk size of 17 digits", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000005\r\n", false),
            new Bad("chunk data without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", false),
            new Bad("headers beyond 64 KiB", "HTTP/1.1 200 OK\r\n" + ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(70) + "\r\n", false),
            new Bad("one line beyond 64 KiB", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" + "e".repeat(70_000) + "\r\n", false),
            new Bad("closed in the middle of the body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", true),
            new Bad("closed in the middle of the head", "HTTP/1.1 200 OK\r\nContent-Len", true),
            new Bad("closed before the status line", "", true),
            new Bad("closed before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", true));

    /** Feeds {@code input} cut at the given points (in order), then tells the close when asked. */
    static Parsed parse(byte[] input, boolean head, boolean close, int... cuts) throws ProtocolException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpResponseParser p = new HttpResponseParser(head, body::write);
        int used = 0;
        int from = 0;
        List<Integer> points = new ArrayList<>();
        for (int c : cuts) {
            points.add(c);
        }
        points.add(input.length);
        for (int to : points) {
            if (p.complete()) {
                break;
            }
            int n = p.feed(input, from, to - from);
            assertTrue(n <= to - from, "used more than it was given");
            if (n < to - from) {
                assertTrue(p.complete(), "bytes left over only once the response is complete");
            }
            used += n;
            from = to;
        }
        if (close && !p.complete()) {
            p.closed();
        }
        List<String> headers = p.headers().stream().map(h -> h[0] + ": " + h[1]).toList();
        List<String> trailers = p.trailers().stream().map(h -> h[0] + ": " + h[1]).toList();
        return new Parsed(p.status(), p.reason(), headers, trailers, body.toString(StandardCharsets.ISO_8859_1), p.framing(), p.chunks(),
                p.complete(), used, p.complete() && p.persistent());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyCaseParsesToItsData() throws Exception {
        for (Case c : CASES) {
            Parsed p = parse(bytes(c.input()), c.head(), c.close());
            assertTrue(p.complete(), c.name());
            assertEquals(c.status(), p.status(), c.name());
            assertEquals(c.body(), p.body(), c.name());
            assertEquals(c.framing(), p.framing(), c.name());
            assertEquals(c.used() < 0 ? c.input().length() : c.used(), p.used(), c.name());
        }
    }

    @Test
    void everyCaseGivesTheSameWhereverTheBytesAreSplit() throws Exception {
        for (Case c : CASES) {
            byte[] in = bytes(c.input());
            Parsed whole = parse(in, c.head(), c.close());
            for (int cut = 0; cut <= in.length; cut++) {
                assertEquals(whole, parse(in, c.head(), c.close(), cut), c.name() + ", split at " + cut);
            }
            int[] everyByte = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                everyByte[i] = i;
            }
            assertEquals(whole, parse(in, c.head(), c.close(), everyByte), c.name() + ", byte by byte");
        }
    }

    @Test
    void theHeadIsTakenApart() throws Exception {
        Parsed p = parse(bytes("HTTP/1.1 301 Moved Permanently\r\nLocation:   /new  \r\nX-Empty:\r\nSet-Cookie: a=1\r\n"
                + "Set-Cookie: b=2\r\nContent-Length: 0\r\n\r\n"), false, false);
        assertEquals("Moved Permanently", p.reason());
        assertEquals(List.of("Location: /new", "X-Empty: ", "Set-Cookie: a=1", "Set-Cookie: b=2", "Content-Length: 0"), p.headers());
    }

    @Test
    void aFoldedHeaderIsOneValueJoinedBySpaces() throws Exception {
        Parsed p = parse(bytes(CASES.stream().filter(c -> c.name().startsWith("folded")).findFirst().orElseThrow().input()), false, false);
        assertEquals(List.of("X-Long: first second third", "Content-Length: 2"), p.headers(), "RFC 9112 5.2: each obs-fold becomes SP");
    }

    @Test
    void trailersAreKeptApartFromTheHeaders() throws Exception {
        Parsed p = parse(bytes(CASES.stream().filter(c -> c.name().equals("trailers")).findFirst().orElseThrow().input()), false, false);
        assertEquals(List.of("Expires: never", "X-Sum: 1"), p.trailers());
        assertEquals(List.of("Transfer-Encoding: chunked", "Trailer: Expires"), p.headers());
        assertEquals(2, p.chunks(), "the data chunk and the last, empty one");
    }

    @Test
    void whetherTheConnectionStaysOpen() throws Exception {
        assertTrue(parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), false, false).persistent(), "1.1: kept by default");
        assertFalse(parse(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), false, false).persistent());
        assertFalse(parse(bytes("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n"), false, false).persistent(),
                "a token of a list, any case");
        assertFalse(parse(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), false, false).persistent(), "1.0: closed by default");
        assertTrue(parse(bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"), false, false).persistent());
        assertTrue(parse(bytes("HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n"), false, false).persistent(),
                "'closed' is not the token 'close'");
    }

    @Test
    void everyBadResponseIsTheParsersOwnError() {
        for (Bad b : BAD) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> parse(bytes(b.input()), false, b.close()), b.name());
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), b.name());
        }
    }

    @Test
    void anUntilCloseBodyIsIncompleteUntilTheClose() throws Exception {
        HttpResponseParser p = new HttpResponseParser(false, (d, o, l) -> { });
        p.feed(bytes("HTTP/1.0 200 OK\r\n\r\nsome"), 0, 22);
        assertFalse(p.complete());
        assertTrue(p.started());
        p.closed();
        assertTrue(p.complete());
        assertEquals("HTTP/1.0", p.version());
    }

    @Test
    void nothingFedIsNotStarted() {
        HttpResponseParser p = new HttpResponseParser(false, (d, o, l) -> { });
        assertFalse(p.started());
        assertNull(p.version());
    }

    // ------------------------------------------------------------------ fuzz

    /** Random bytes and mutated valid responses, fed in random pieces: the parser's own error or an answer, never anything else. */
    @Test
    void fuzzedInputNeverThrowsAnythingButTheParsersErrorNorHangs() {
        Random random = new Random(0x5eed);
        List<byte[]> seeds = new ArrayList<>();
        CASES.forEach(c -> seeds.add(bytes(c.input())));
        BAD.forEach(b -> seeds.add(bytes(b.input().length() > 4096 ? b.input().substring(0, 4096) : b.input())));
        byte[] alphabet = bytes("HTTP/1.0 200OK\r\n:;, \t-+xX0123456789abcdefABCDEF chunked Content-Length Transfer-Encoding close");
        int accepted = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int round = 0; round < 30_000; round++) {
            byte[] input;
            int kind = random.nextInt(4);
            if (kind == 0) {
                input = new byte[random.nextInt(300)];
                random.nextBytes(input);
            } else if (kind == 1) {
                input = new byte[random.nextInt(300)];
                for (int i = 0; i < input.length; i++) {
                    input[i] = alphabet[random.nextInt(alphabet.length)];
                }
            } else {
                input = mutate(seeds.get(random.nextInt(seeds.size())), random, kind == 3 ? 8 : 2);
            }
            int[] cuts = new int[random.nextInt(4)];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = input.length == 0 ? 0 : random.nextInt(input.length + 1);
            }
            java.util.Arrays.sort(cuts);
            try {
                parse(input, random.nextInt(8) == 0, random.nextBoolean(), cuts);
                accepted++;
            } catch (ProtocolException e) {
                refused++;
            } catch (RuntimeException | AssertionError e) {
                fail("input " + java.util.HexFormat.of().formatHex(input) + " threw " + e, e);
            }
        }
        assertTrue(accepted > 100 && refused > 100, accepted + " accepted, " + refused + " refused: the fuzz reaches both");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "no input is slow");
    }

    private static byte[] mutate(byte[] seed, Random random, int edits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(seed);
        byte[] b = out.toByteArray();
        for (int e = 0; e < 1 + random.nextInt(edits); e++) {
            if (b.length == 0) {
                b = new byte[] {(byte) random.nextInt(256)};
                continue;
            }
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, at); // cut
                case 3 -> { // insert
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) "\r\n:;0f \t".charAt(random.nextInt(8));
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                default -> { // delete
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
            }
        }
        return b;
    }
}
