package synack.exchange.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** An http:// URL taken apart: host, port, and the request target (path and query). */
public record HttpUrl(String host, int port, String target) {
    public static HttpUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.contains("://") ? text : "http://" + text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + text + " (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            throw new IllegalArgumentException("https is not supported: synack builds every byte by hand and does no TLS; use http://");
        }
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException("unsupported scheme '" + scheme + "' in " + text + " (http:// only)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host in URL: " + text);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials in the URL are not supported: " + text);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new HttpUrl(uri.getHost().toLowerCase(Locale.ROOT), port, target);
    }

    /** Resolves a Location header against this URL (absolute, or a path on the same host). */
    public HttpUrl resolve(String location) {
        if (location.startsWith("http://") || location.startsWith("https://") || location.contains("://")) {
            return parse(location);
        }
        if (location.startsWith("//")) {
            return parse("http:" + location);
        }
        String base = "http://" + authority();
        if (location.startsWith("/")) {
            return parse(base + location);
        }
        String dir = target.contains("/") ? target.substring(0, target.lastIndexOf('/') + 1) : "/";
        return parse(base + dir + location);
    }

    /** The Host header's value: the port only when it is not 80. */
    public String authority() {
        return port == 80 ? host : host + ":" + port;
    }

    @Override
    public String toString() {
        return "http://" + authority() + target;
    }
}
