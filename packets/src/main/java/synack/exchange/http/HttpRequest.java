package synack.exchange.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An HTTP/1.1 request message (RFC 9112): request line, header fields, the blank line; no body. */
public record HttpRequest(String method, HttpUrl url, List<String[]> headers) {
    public static final String USER_AGENT = "synack/0.1";

    public static HttpRequest get(HttpUrl url, boolean head, boolean compressed, boolean keepAlive, List<String> extra) {
        Map<String, String[]> h = new LinkedHashMap<>();
        put(h, "Host", url.authority());
        put(h, "User-Agent", USER_AGENT);
        put(h, "Accept", "*/*");
        put(h, "Accept-Encoding", compressed ? "gzip, deflate" : "identity");
        put(h, "Connection", keepAlive ? "keep-alive" : "close");
        for (String e : extra) {
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("-H wants 'Name: value', not '" + e + "'");
            }
            String name = e.substring(0, colon).trim();
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException("not a header name: '" + name + "'");
            }
            String value = e.substring(colon + 1).trim();
            if (value.contains("\r") || value.contains("\n")) {
                throw new IllegalArgumentException("a header value cannot hold a line break: '" + name + "'");
            }
            put(h, name, value);
        }
        return new HttpRequest(head ? "HEAD" : "GET", url, new ArrayList<>(h.values()));
    }

    private static void put(Map<String, String[]> h, String name, String value) {
        h.put(name.toLowerCase(Locale.ROOT), new String[] {name, value});
    }

    public String requestLine() {
        return method + " " + url.target() + " HTTP/1.1";
    }

    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(requestLine()).append("\r\n");
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The message with its parts labelled, for the narration. */
    public String describe() {
        StringBuilder sb = new StringBuilder("HTTP request, " + toBytes().length + " bytes:");
        sb.append("\n  request line   ").append(requestLine()).append("   (method, target, version)");
        for (String[] h : headers) {
            sb.append("\n  header         ").append(h[0]).append(": ").append(h[1]);
        }
        sb.append("\n  blank line     (CRLF: the headers end here)");
        sb.append("\n  body           none (a ").append(method).append(" request carries no body)");
        return sb.toString();
    }
}
