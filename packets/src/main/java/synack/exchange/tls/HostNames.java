package synack.exchange.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import synack.wire.Ip4;

/**
 * Whether a certificate names the host we asked for, as RFC 6125 says and curl does: the
 * subjectAltName's dNSName entries for a name (a wildcard only as the whole left-most label,
 * matching exactly one label), its iPAddress entries for an address literal; the subject's
 * common name only when the certificate has no dNSName SAN at all (RFC 6125 6.4.4; curl and
 * OpenSSL do the same), never for an address.
 */
public final class HostNames {
    private HostNames() {}

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    /** An IPv4 or IPv6 address literal (no SNI is sent for one, and it is matched against iPAddress SANs). */
    public static boolean isAddress(String host) {
        return Ip4.isAddress(host) || host.contains(":"); // the same test as the rest of synack's; a colon is no name's
    }

    /** The certificate's SANs as "DNS:name" / "IP:address" (other kinds are left out). */
    public static List<String> sans(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        Collection<List<?>> all;
        try {
            all = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return out;
        }
        if (all == null) {
            return out;
        }
        for (List<?> san : all) {
            int type = (Integer) san.get(0);
            if (type == DNS_NAME) {
                out.add("DNS:" + san.get(1));
            } else if (type == IP_ADDRESS) {
                out.add("IP:" + san.get(1));
            }
        }
        return out;
    }

    /**
     * The SAN entry that names {@code host} ("DNS:*.example.test"), or null when none does; for a
     * certificate with no dNSName SAN at all, its subject's common name ("CN:www.example.test"),
     * as curl and OpenSSL do (RFC 6125 6.4.4 allows it then, and only then).
     */
    public static String matching(String host, X509Certificate cert) {
        List<String> sans = sans(cert);
        for (String san : sans) {
            if (san.startsWith("IP:") ? isAddress(host) && sameAddress(host, san.substring(3))
                    : !isAddress(host) && dnsMatch(host, san.substring(4))) {
                return san;
            }
        }
        if (isAddress(host) || sans.stream().anyMatch(s -> s.startsWith("DNS:"))) {
            return null;
        }
        for (String cn : commonNames(cert)) {
            if (dnsMatch(host, cn)) {
                return COMMON_NAME + cn;
            }
        }
        return null;
    }

    /** How a match by the common name is written ("CN:name"): told as a fallback, not as a SAN. */
    public static final String COMMON_NAME = "CN:";

    /** The subject's CN values, read as RFC 2253 says (escapes and all). */
    static List<String> commonNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            javax.naming.ldap.LdapName dn = new javax.naming.ldap.LdapName(
                    cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253));
            for (javax.naming.ldap.Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String v) {
                    out.add(v);
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return out; // a subject we cannot read names nothing
        }
        return out;
    }

    /** RFC 6125 6.4: case-insensitive, a trailing dot ignored; "*" only as the whole left-most label, for one label, not over a public suffix alone. */
    static boolean dnsMatch(String host, String pattern) {
        String h = strip(host);
        String p = strip(pattern);
        if (!p.startsWith("*.")) {
            return !p.contains("*") && h.equals(p);
        }
        String rest = p.substring(2);
        if (rest.contains("*") || rest.indexOf('.') < 0) {
            return false; // "*.*.x" or "*.test": no
        }
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot + 1).equals(rest);
    }

    private static String strip(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static boolean sameAddress(String host, String san) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] a = addressBytes(h);
        byte[] b = addressBytes(san);
        return a != null && b != null && Arrays.equals(a, b);
    }

    /**
     * An address literal's bytes (4 for IPv4, 16 for IPv6), parsed here: null for anything else.
     * Never InetAddress.getByName: given a string that is no literal it asks the host's resolver,
     * traffic outside synack.
     */
    static byte[] addressBytes(String text) {
        if (Ip4.isAddress(text)) {
            int ip = Ip4.parse(text);
            return new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        }
        return ipv6(text);
    }

    /** RFC 4291 2.2 text: eight groups of 1-4 hex digits, one "::" for a run of zeros, a dotted quad at the end allowed. */
    private static byte[] ipv6(String text) {
        if (!text.contains(":")) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = groups(gap >= 0 ? text.substring(0, gap) : text);
        List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2)) : List.of();
        if (head == null || tail == null) {
            return null;
        }
        int n = head.size() + tail.size();
        if (gap >= 0 ? n > 7 : n != 8) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            out[2 * i] = (byte) (head.get(i) >>> 8);
            out[2 * i + 1] = (byte) (int) head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            int at = 8 - tail.size() + i;
            out[2 * at] = (byte) (tail.get(i) >>> 8);
            out[2 * at + 1] = (byte) (int) tail.get(i);
        }
        return out;
    }

    /** Colon-separated 16-bit groups (the last may be a dotted quad: two groups); null when malformed. */
    private static List<Integer> groups(String part) {
        List<Integer> out = new ArrayList<>();
        if (part.isEmpty()) {
            return out;
        }
        String[] g = part.split(":", -1);
        for (int i = 0; i < g.length; i++) {
            String x = g[i];
            if (i == g.length - 1 && x.contains(".")) {
                if (!Ip4.isAddress(x)) {
                    return null;
                }
                int ip = Ip4.parse(x);
                out.add(ip >>> 16);
                out.add(ip & 0xffff);
            } else if (!x.isEmpty() && x.length() <= 4 && x.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                out.add(Integer.parseInt(x, 16));
            } else {
                return null;
            }
        }
        return out;
    }
}
