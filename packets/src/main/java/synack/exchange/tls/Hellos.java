package synack.exchange.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plaintext handshake messages decoded from their bytes (RFC 8446 4.1, RFC 5246 7.4): what
 * the narration tells of ClientHello, ServerHello and TLS 1.2's ServerKeyExchange comes from the
 * wire, not from what SSLEngine says it did.
 */
public final class Hellos {
    private Hellos() {}

    /** SHA-256 of "HelloRetryRequest": a ServerHello with this random is one (RFC 8446 4.1.3). */
    private static final byte[] HELLO_RETRY_RANDOM = HexFormat.of().parseHex(
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    public record ClientHello(int legacyVersion, List<Integer> suites, String sni, List<String> alpn, List<Integer> versions,
                       List<Integer> groups, List<Integer> keyShares, List<Integer> signatureSchemes, List<Integer> extensions) {
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("legacy_version", TlsNames.version(legacyVersion));
            f.put("sni", sni);
            f.put("alpn", alpn);
            f.put("versions", names(versions, TlsNames::version));
            f.put("cipher_suites", names(suites, TlsNames::cipherSuite));
            f.put("groups", names(groups, TlsNames::group));
            f.put("key_shares", names(keyShares, TlsNames::group));
            f.put("signature_algorithms", names(signatureSchemes, TlsNames::signatureScheme));
            f.put("extensions", names(extensions, TlsNames::extension));
            return f;
        }

        public String text() {
            return "ClientHello (decoded from our bytes):"
                    + "\n  server name (SNI)   " + (sni == null ? "none (an IP address is not sent as SNI, RFC 6066 3)" : sni)
                    + "\n  ALPN                " + (alpn.isEmpty() ? "none" : String.join(", ", alpn))
                    + "\n  versions offered    " + (versions.isEmpty() ? TlsNames.version(legacyVersion) + " (legacy_version only)"
                            : String.join(", ", names(versions, TlsNames::version)) + " (supported_versions; legacy_version "
                                    + TlsNames.version(legacyVersion) + ")")
                    + "\n  cipher suites (" + suites.size() + ")" + " ".repeat(Math.max(1, 3 - String.valueOf(suites.size()).length()))
                    + wrap(names(suites, TlsNames::cipherSuite))
                    + "\n  groups              " + String.join(", ", names(groups, TlsNames::group))
                    + "\n  key shares          " + (keyShares.isEmpty() ? "none" : String.join(", ", names(keyShares, TlsNames::group)))
                    + "\n  extensions          " + String.join(", ", names(extensions, TlsNames::extension));
        }
    }

    public record ServerHello(int legacyVersion, int suite, Integer selectedVersion, Integer keyShareGroup, boolean helloRetry,
                       String alpn, List<Integer> extensions) {
        /** The version the server chose: supported_versions' when it sent one (TLS 1.3), else legacy_version. */
        public int version() {
            return selectedVersion != null ? selectedVersion : legacyVersion;
        }

        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("version", TlsNames.version(version()));
            f.put("legacy_version", TlsNames.version(legacyVersion));
            f.put("cipher_suite", TlsNames.cipherSuite(suite));
            f.put("key_share", keyShareGroup == null ? null : TlsNames.group(keyShareGroup));
            f.put("alpn", alpn);
            f.put("hello_retry_request", helloRetry);
            f.put("extensions", names(extensions, TlsNames::extension));
            return f;
        }

        public String text() {
            String name = helloRetry ? "HelloRetryRequest (a ServerHello with the special random, RFC 8446 4.1.4)" : "ServerHello";
            return name + " (decoded from the server's bytes):"
                    + "\n  version chosen      " + TlsNames.version(version())
                    + (selectedVersion != null ? " (supported_versions; legacy_version says " + TlsNames.version(legacyVersion) + ")"
                            : " (legacy_version: no supported_versions extension)")
                    + "\n  cipher suite        " + TlsNames.cipherSuite(suite)
                    + (keyShareGroup == null ? "" : "\n  key share           " + TlsNames.group(keyShareGroup)
                            + (helloRetry ? " (the group the server asks us for)" : ""))
                    + (alpn == null ? "" : "\n  ALPN                " + alpn)
                    + "\n  extensions          " + (extensions.isEmpty() ? "none" : String.join(", ", names(extensions, TlsNames::extension)));
        }
    }

    /** TLS 1.2's ServerKeyExchange: for ECDHE the named group, and the signature scheme over the parameters. */
    public record ServerKeyExchange(String kind, Integer group, Integer scheme, int publicBytes) {
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("key_exchange", kind);
            f.put("group", group == null ? null : TlsNames.group(group));
            f.put("signature", scheme == null ? null : TlsNames.signatureScheme(scheme));
            return f;
        }

        public String text() {
            return "ServerKeyExchange (decoded): " + kind + (group == null ? "" : " over " + TlsNames.group(group))
                    + ", the server's public value " + publicBytes + " bytes"
                    + (scheme == null ? "" : ", signed with " + TlsNames.signatureScheme(scheme));
        }
    }

    public static ClientHello clientHello(byte[] body) throws WireReader.Malformed {
        WireReader r = new WireReader(body);
        int legacy = r.u16("legacy_version");
        r.skip(32, "random");
        r.vector(1, "legacy_session_id");
        WireReader suites = r.vector(2, "cipher_suites");
        List<Integer> suiteList = new ArrayList<>();
        while (suites.remaining() > 0) {
            suiteList.add(suites.u16("cipher suite"));
        }
        r.vector(1, "legacy_compression_methods");
        String sni = null;
        List<String> alpn = new ArrayList<>();
        List<Integer> versions = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        List<Integer> shares = new ArrayList<>();
        List<Integer> schemes = new ArrayList<>();
        List<Integer> exts = new ArrayList<>();
        WireReader all = r.remaining() > 0 ? r.vector(2, "extensions") : new WireReader(new byte[0]);
        while (all.remaining() > 0) {
            int type = all.u16("extension type");
            WireReader e = all.vector(2, TlsNames.extension(type));
            exts.add(type);
            switch (type) {
                case TlsNames.EXT_SERVER_NAME -> {
                    WireReader list = e.vector(2, "server_name_list");
                    while (list.remaining() > 0) {
                        int nameType = list.u8("name_type");
                        WireReader n = list.vector(2, "host_name");
                        byte[] name = n.bytes(n.remaining(), "host_name");
                        if (nameType == 0 && sni == null) {
                            sni = new String(name, StandardCharsets.US_ASCII);
                        }
                    }
                }
                case TlsNames.EXT_ALPN -> {
                    WireReader list = e.vector(2, "protocol_name_list");
                    while (list.remaining() > 0) {
                        WireReader p = list.vector(1, "protocol name");
                        alpn.add(new String(p.bytes(p.remaining(), "protocol name"), StandardCharsets.US_ASCII));
                    }
                }
                case TlsNames.EXT_SUPPORTED_VERSIONS -> {
                    WireReader list = e.vector(1, "versions");
                    while (list.remaining() > 0) {
                        versions.add(list.u16("version"));
                    }
                }
                case TlsNames.EXT_SUPPORTED_GROUPS -> {
                    WireReader list = e.vector(2, "named_group_list");
                    while (list.remaining() > 0) {
                        groups.add(list.u16("group"));
                    }
                }
                case TlsNames.EXT_KEY_SHARE -> {
                    WireReader list = e.vector(2, "client_shares");
                    while (list.remaining() > 0) {
                        shares.add(list.u16("group"));
                        list.vector(2, "key_exchange");
                    }
                }
                case TlsNames.EXT_SIGNATURE_ALGORITHMS -> {
                    WireReader list = e.vector(2, "supported_signature_algorithms");
                    while (list.remaining() > 0) {
                        schemes.add(list.u16("signature scheme"));
                    }
                }
                default -> { }
            }
        }
        return new ClientHello(legacy, List.copyOf(suiteList), sni, List.copyOf(alpn), List.copyOf(versions), List.copyOf(groups),
                List.copyOf(shares), List.copyOf(schemes), List.copyOf(exts));
    }

    public static ServerHello serverHello(byte[] body) throws WireReader.Malformed {
        WireReader r = new WireReader(body);
        int legacy = r.u16("legacy_version");
        byte[] random = r.bytes(32, "random");
        boolean retry = Arrays.equals(random, HELLO_RETRY_RANDOM);
        r.vector(1, "legacy_session_id_echo");
        int suite = r.u16("cipher_suite");
        r.u8("legacy_compression_method");
        Integer selected = null;
        Integer group = null;
        String alpn = null;
        List<Integer> exts = new ArrayList<>();
        WireReader all = r.remaining() > 0 ? r.vector(2, "extensions") : new WireReader(new byte[0]);
        while (all.remaining() > 0) {
            int type = all.u16("extension type");
            WireReader e = all.vector(2, TlsNames.extension(type));
            exts.add(type);
            switch (type) {
                case TlsNames.EXT_SUPPORTED_VERSIONS -> selected = e.u16("selected_version");
                case TlsNames.EXT_KEY_SHARE -> group = e.u16("group"); // a HelloRetryRequest's holds the group alone
                case TlsNames.EXT_ALPN -> {
                    WireReader list = e.vector(2, "protocol_name_list");
                    WireReader p = list.vector(1, "protocol name");
                    alpn = new String(p.bytes(p.remaining(), "protocol name"), StandardCharsets.US_ASCII);
                }
                default -> { }
            }
        }
        return new ServerHello(legacy, suite, selected, group, retry, alpn, List.copyOf(exts));
    }

    public static ServerKeyExchange serverKeyExchange(byte[] body, boolean ecdhe) throws WireReader.Malformed {
        WireReader r = new WireReader(body);
        if (ecdhe) {
            int curveType = r.u8("curve_type");
            if (curveType != 3) {
                return new ServerKeyExchange("ECDHE with explicit curve parameters (type " + curveType + ")", null, null, 0);
            }
            int group = r.u16("named_curve");
            int publicBytes = r.vector(1, "public").remaining();
            Integer scheme = r.remaining() >= 2 ? r.u16("signature algorithm") : null;
            return new ServerKeyExchange("ECDHE", group, scheme, publicBytes);
        }
        int pBytes = r.vector(2, "dh_p").remaining();
        r.vector(2, "dh_g");
        int ys = r.vector(2, "dh_Ys").remaining();
        Integer scheme = r.remaining() >= 2 ? r.u16("signature algorithm") : null;
        return new ServerKeyExchange("DHE, a " + (pBytes * 8) + "-bit prime", null, scheme, ys);
    }

    static List<String> names(List<Integer> codes, java.util.function.IntFunction<String> name) {
        List<String> out = new ArrayList<>();
        for (int c : codes) {
            out.add(name.apply(c));
        }
        return out;
    }

    /** A long list, a few names a line. */
    private static String wrap(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(i % 3 == 0 ? ",\n                      " : ", ");
            }
            sb.append(names.get(i));
        }
        return sb.toString();
    }
}
