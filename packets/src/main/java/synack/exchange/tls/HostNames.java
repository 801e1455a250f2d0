package synack.exchange.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a certificate names the host we asked for, as RFC 6125 says and curl does: the
 * subjectAltName's dNSName entries for a name (a wildcard only as the whole left-most label,
 * matching exactly one label), its iPAddress entries for an address literal; the subject's
 * common name is not looked at (RFC 6125 6.4.4: not when the certificate has SANs, and every
 * public CA's do).
 */
public final class HostNames {
    private HostNames() {}

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    /** An IPv4 or IPv6 address literal (no SNI is sent for one, and it is matched against iPAddress SANs). */
    public static boolean isAddress(String host) {
        return IPV4.matcher(host).matches() || host.contains(":");
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

    /** The SAN entry that names {@code host} ("DNS:*.example.test"), or null when none does. */
    public static String matching(String host, X509Certificate cert) {
        for (String san : sans(cert)) {
            if (san.startsWith("IP:") ? isAddress(host) && sameAddress(host, san.substring(3))
                    : !isAddress(host) && dnsMatch(host, san.substring(4))) {
                return san;
            }
        }
        return null;
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
        try {
            // literals only: InetAddress does no lookup for an address literal
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (!isAddress(h) || !isAddress(san)) {
                return false;
            }
            return Arrays.equals(InetAddress.getByName(h).getAddress(), InetAddress.getByName(san).getAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
