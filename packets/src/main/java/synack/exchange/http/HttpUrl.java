package synack.exchange.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** An http:// or https:// URL taken apart: scheme, host, port, and the request target (path and query). */
public record HttpUrl(String scheme, String host, int port, String target) {
    public static final String HTTP = "http";
    public static final String HTTPS = "https";

    /** A plain http:// URL. */
    public HttpUrl(String host, int port, String target) {
        this(HTTP, host, port, target);
    }

    /** An http:// or https:// URL (no scheme: http). */
    public static HttpUrl parse(String text) {
        return parse(text, true);
    }

    /** @param https whether https:// is accepted (default port 443): false where TLS is not spoken */
    public static HttpUrl parse(String text, boolean https) {
        URI uri;
        try {
            uri = new URI(text.contains("://") ? text : "http://" + text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + text + " (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals(HTTPS) && !https) {
            throw new IllegalArgumentException("https is not supported here: use http://");
        }
        if (!scheme.equals(HTTP) && !scheme.equals(HTTPS)) {
            throw new IllegalArgumentException("unsupported scheme '" + scheme + "' in " + text
                    + (https ? " (http:// or https:// only)" : " (http:// only)"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host in URL: " + text);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials in the URL are not supported: " + text);
        }
        int port = uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new HttpUrl(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, target);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals(HTTPS) ? 443 : 80;
    }

    /** Whether this URL is fetched over TLS. */
    public boolean secure() {
        return scheme.equals(HTTPS);
    }

    /** Resolves a Location header against this URL (absolute, scheme-relative, or a path on the same host). */
    public HttpUrl resolve(String location) {
        boolean https = true; // either scheme, from either: a redirect may move to TLS, or off it
        if (location.contains("://")) {
            return parse(location, https);
        }
        if (location.startsWith("//")) {
            return parse(scheme + ":" + location, https);
        }
        String base = scheme + "://" + authority();
        if (location.startsWith("/")) {
            return parse(base + location, https);
        }
        String dir = target.contains("/") ? target.substring(0, target.lastIndexOf('/') + 1) : "/";
        return parse(base + dir + location, https);
    }

    /** The Host header's value: the port only when it is not the scheme's default (80, or 443 for https). */
    public String authority() {
        return port == defaultPort(scheme) ? host : host + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + authority() + target;
    }
}
