package synack.exchange.http;

/**
 * One stored cookie (RFC 6265 §5.3): {@code domain} without a leading dot, {@code hostOnly} when
 * no Domain attribute widened it, {@code expires} in seconds since the epoch (0: a session cookie,
 * gone at the end of the run), {@code created} its place in the order of creation (kept when a
 * cookie replaces it), {@code from} where it came from (a response's URL, or a file).
 * {@code path} is the one that matches (RFC 6265 §5.1.4); {@code pathDefaulted} when no Path gave
 * it, and then the jar file writes it with its end slash, as curl does ("/cookie/" for "/cookie").
 */
public record Cookie(String name, String value, String domain, boolean hostOnly, String path, boolean pathDefaulted, boolean secure,
                     boolean httpOnly, long expires, long created, String from) {
    public boolean persistent() {
        return expires != 0;
    }

    public boolean expiredAt(long nowSeconds) {
        return expires != 0 && expires <= nowSeconds;
    }

    /** The same name, domain and path: a new one replaces it (§5.3 step 11). */
    public boolean sameSlot(Cookie o) {
        return name.equals(o.name) && domain.equals(o.domain) && path.equals(o.path);
    }

    Cookie createdAs(long order) {
        return new Cookie(name, value, domain, hostOnly, path, pathDefaulted, secure, httpOnly, expires, order, from);
    }

    /** Its line in curl's Netscape cookie file: domain (a leading dot when subdomains match), TRUE/FALSE, path, secure, expiry, name, value. */
    public String netscapeLine() {
        return (httpOnly ? "#HttpOnly_" : "") + (hostOnly ? "" : ".") + domain + "\t" + (hostOnly ? "FALSE" : "TRUE") + "\t" + filePath()
                + "\t" + (secure ? "TRUE" : "FALSE") + "\t" + expires + "\t" + name + "\t" + value;
    }

    /** The path as curl's jar writes it: a default path with its end slash (lib/cookie.c "include end slash"). */
    public String filePath() {
        return pathDefaulted && !path.endsWith("/") ? path + "/" : path;
    }

    /** Its attributes in words, for the story. */
    public String attributes() {
        return (hostOnly ? "host-only " + domain : "domain " + domain + " and its subdomains") + ", path " + path
                + (secure ? ", Secure" : "") + (httpOnly ? ", HttpOnly" : "")
                + (expires == 0 ? ", a session cookie" : ", expires " + HttpDate.format(expires));
    }
}
