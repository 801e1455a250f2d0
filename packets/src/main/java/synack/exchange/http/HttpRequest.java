package synack.exchange.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 request message (RFC 9112): request line, header fields, the blank line, and a body
 * when it has one (framed by Content-Length). {@code body} is null when the request has none.
 */
public record HttpRequest(String method, HttpUrl url, List<String[]> headers, byte[] body) {
    public static final String USER_AGENT = "synack/0.1";
    /** What -d implies, as curl: a form, unless -H gives a Content-Type. */
    public static final String FORM = "application/x-www-form-urlencoded";
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

    public HttpRequest(String method, HttpUrl url, List<String[]> headers) {
        this(method, url, headers, null);
    }

    public static HttpRequest get(HttpUrl url, boolean head, boolean compressed, boolean keepAlive, List<String> extra) {
        return of(head ? "HEAD" : "GET", url, null, compressed, keepAlive, List.of(), extra);
    }

    /**
     * A request as http-get builds it: our fields (Host, User-Agent, Accept, Accept-Encoding,
     * Connection), then {@code added} (Cookie, If-None-Match, ... as the run decides them), then
     * for a body Content-Type (a form unless -H gives one) and Content-Length; a -H field replaces
     * ours of the same name, in its place, as curl's does.
     */
    public static HttpRequest of(String method, HttpUrl url, byte[] body, boolean compressed, boolean keepAlive,
                                 List<String[]> added, List<String> extra) {
        if (!isToken(method)) {
            throw new IllegalArgumentException("not a method: '" + method + "' (a token: letters, digits, !#$%&'*+.^_`|~-)");
        }
        Map<String, String[]> h = new LinkedHashMap<>();
        put(h, "Host", url.authority());
        put(h, "User-Agent", USER_AGENT);
        put(h, "Accept", "*/*");
        put(h, "Accept-Encoding", compressed ? "gzip, deflate" : "identity");
        put(h, "Connection", keepAlive ? "keep-alive" : "close");
        for (String[] a : added) {
            put(h, a[0], latin1(a[0], a[1]));
        }
        if (body != null) {
            put(h, "Content-Type", FORM);
            put(h, "Content-Length", Integer.toString(body.length));
        }
        for (String e : extra) {
            String[] field = headerField(e);
            if (body != null && field[0].equalsIgnoreCase("Transfer-Encoding")) {
                // RFC 9112 §6.2: a sender MUST NOT send Content-Length with Transfer-Encoding, and we frame the body by its length
                throw new IllegalArgumentException("-H '" + field[0] + ": " + field[1] + "' with -d/--data-binary: synack frames the body"
                        + " by Content-Length, and a message may not carry both (RFC 9112 §6.2); drop the -H");
            }
            if (body != null && field[0].equalsIgnoreCase("Content-Length")) {
                continue; // the body's own length frames it, whatever -H says
            }
            put(h, field[0], field[1]);
        }
        return new HttpRequest(method, url, new ArrayList<>(h.values()), body);
    }

    /** A -H argument as name and value; IllegalArgumentException says what is wrong with it. */
    public static String[] headerField(String e) {
        int colon = e.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("-H wants 'Name: value', not '" + e + "'");
        }
        String name = e.substring(0, colon).trim();
        if (!isToken(name)) {
            throw new IllegalArgumentException("not a header name: '" + name + "'");
        }
        String value = e.substring(colon + 1).trim();
        if (value.contains("\r") || value.contains("\n")) {
            throw new IllegalArgumentException("a header value cannot hold a line break: '" + name + "'");
        }
        return new String[] {name, latin1(name, value)};
    }

    /** The value, when each character is one octet on the wire (ISO-8859-1, as the head is written); else IllegalArgumentException. */
    public static String latin1(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xff) {
                throw new IllegalArgumentException(name + ": '" + new String(Character.toChars(value.codePointAt(i)))
                        + "' is not a Latin-1 character, and a header value is octets (RFC 9110 §5.5): give it percent-encoded");
            }
        }
        return value;
    }

    /** RFC 9110 §5.6.2: a method or a field name is a token. */
    public static boolean isToken(String s) {
        return s != null && s.matches(TOKEN);
    }

    private static void put(Map<String, String[]> h, String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        String[] old = h.get(key);
        if (old != null) {
            old[0] = name;
            old[1] = value;
        } else {
            h.put(key, new String[] {name, value});
        }
    }

    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    public String requestLine() {
        return method + " " + url.target() + " HTTP/1.1";
    }

    /** The request line and the header fields up to the blank line: the message's first two parts. */
    public byte[] headBytes() {
        StringBuilder sb = new StringBuilder(requestLine()).append("\r\n");
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    public byte[] toBytes() {
        byte[] head = headBytes();
        if (body == null || body.length == 0) {
            return head;
        }
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** The message with its parts labelled, for the narration. */
    public String describe() {
        int head = headBytes().length;
        StringBuilder sb = new StringBuilder("HTTP request, " + (head + (body == null ? 0 : body.length)) + " bytes"
                + (body == null ? ":" : " (" + head + " head + " + body.length + " body):"));
        sb.append("\n  request line   ").append(requestLine()).append("   (method, target, version)");
        for (String[] h : headers) {
            sb.append("\n  header         ").append(h[0]).append(": ").append(h[1]);
        }
        sb.append("\n  blank line     (CRLF: the headers end here)");
        if (body == null) {
            sb.append("\n  body           none (a ").append(method).append(" request with no data carries no body)");
        } else {
            sb.append("\n  body           ").append(body.length).append(" bytes, as Content-Length says (the message's third part)");
            if (body.length > 0) {
                sb.append(": ").append(preview(body, 60));
            }
        }
        return sb.toString();
    }

    /** The first bytes of a body as a quoted line: printable ASCII as it is, the rest escaped. */
    static String preview(byte[] b, int max) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(max, b.length); i++) {
            int c = b[i] & 0xff;
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else {
                sb.append(String.format(Locale.ROOT, "\\x%02x", c));
            }
        }
        sb.append('"');
        if (b.length > max) {
            sb.append("… (").append(b.length - max).append(" more)");
        }
        return sb.toString();
    }
}
