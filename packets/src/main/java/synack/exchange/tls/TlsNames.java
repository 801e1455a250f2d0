package synack.exchange.tls;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The IANA TLS registries' names for the numbers on the wire: content types, versions,
 * handshake types, extensions, cipher suites, named groups, signature schemes, alerts. A number
 * the table lacks is shown as hex: the narration never guesses.
 */
public final class TlsNames {
    private TlsNames() {}

    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;
    public static final int HEARTBEAT = 24;

    public static final int CLIENT_HELLO = 1;
    public static final int SERVER_HELLO = 2;
    public static final int NEW_SESSION_TICKET = 4;
    public static final int ENCRYPTED_EXTENSIONS = 8;
    public static final int CERTIFICATE = 11;
    public static final int SERVER_KEY_EXCHANGE = 12;
    public static final int CERTIFICATE_REQUEST = 13;
    public static final int SERVER_HELLO_DONE = 14;
    public static final int CERTIFICATE_VERIFY = 15;
    public static final int CLIENT_KEY_EXCHANGE = 16;
    public static final int FINISHED = 20;

    public static final int EXT_SERVER_NAME = 0;
    public static final int EXT_SUPPORTED_GROUPS = 10;
    public static final int EXT_SIGNATURE_ALGORITHMS = 13;
    public static final int EXT_ALPN = 16;
    public static final int EXT_SUPPORTED_VERSIONS = 43;
    public static final int EXT_KEY_SHARE = 51;

    public static final int TLS12 = 0x0303;
    public static final int TLS13 = 0x0304;

    private static final Map<Integer, String> CONTENT_TYPES = Map.of(20, "change_cipher_spec", 21, "alert", 22, "handshake",
            23, "application_data", 24, "heartbeat");

    private static final Map<Integer, String> HANDSHAKE_TYPES = table(0, "HelloRequest", 1, "ClientHello", 2, "ServerHello",
            4, "NewSessionTicket", 5, "EndOfEarlyData", 8, "EncryptedExtensions", 11, "Certificate", 12, "ServerKeyExchange",
            13, "CertificateRequest", 14, "ServerHelloDone", 15, "CertificateVerify", 16, "ClientKeyExchange", 20, "Finished",
            22, "CertificateStatus", 24, "KeyUpdate", 254, "message_hash");

    private static final Map<Integer, String> EXTENSIONS = table(0, "server_name", 1, "max_fragment_length", 5, "status_request",
            10, "supported_groups", 11, "ec_point_formats", 13, "signature_algorithms", 14, "use_srtp", 15, "heartbeat",
            16, "application_layer_protocol_negotiation", 17, "status_request_v2", 18, "signed_certificate_timestamp",
            21, "padding", 22, "encrypt_then_mac", 23, "extended_master_secret", 27, "compress_certificate",
            28, "record_size_limit", 35, "session_ticket", 41, "pre_shared_key", 42, "early_data", 43, "supported_versions",
            44, "cookie", 45, "psk_key_exchange_modes", 47, "certificate_authorities", 48, "oid_filters",
            49, "post_handshake_auth", 50, "signature_algorithms_cert", 51, "key_share", 65281, "renegotiation_info");

    private static final Map<Integer, String> GROUPS = table(0x0017, "secp256r1", 0x0018, "secp384r1", 0x0019, "secp521r1",
            0x001d, "x25519", 0x001e, "x448", 0x0100, "ffdhe2048", 0x0101, "ffdhe3072", 0x0102, "ffdhe4096",
            0x0103, "ffdhe6144", 0x0104, "ffdhe8192", 0x11ec, "X25519MLKEM768");

    private static final Map<Integer, String> SIGNATURE_SCHEMES = table(0x0201, "rsa_pkcs1_sha1", 0x0203, "ecdsa_sha1",
            0x0401, "rsa_pkcs1_sha256", 0x0501, "rsa_pkcs1_sha384", 0x0601, "rsa_pkcs1_sha512",
            0x0403, "ecdsa_secp256r1_sha256", 0x0503, "ecdsa_secp384r1_sha384", 0x0603, "ecdsa_secp521r1_sha512",
            0x0804, "rsa_pss_rsae_sha256", 0x0805, "rsa_pss_rsae_sha384", 0x0806, "rsa_pss_rsae_sha512",
            0x0807, "ed25519", 0x0808, "ed448", 0x0809, "rsa_pss_pss_sha256", 0x080a, "rsa_pss_pss_sha384",
            0x080b, "rsa_pss_pss_sha512", 0x0402, "dsa_sha256", 0x0502, "dsa_sha384", 0x0602, "dsa_sha512",
            0x0202, "dsa_sha1", 0x0301, "rsa_sha224", 0x0303, "ecdsa_sha224", 0x0302, "dsa_sha224");

    /** RFC 8446 6 and the TLS Alert registry. */
    private static final Map<Integer, String> ALERTS = table(0, "close_notify", 10, "unexpected_message", 20, "bad_record_mac",
            21, "decryption_failed", 22, "record_overflow", 30, "decompression_failure", 40, "handshake_failure",
            41, "no_certificate", 42, "bad_certificate", 43, "unsupported_certificate", 44, "certificate_revoked",
            45, "certificate_expired", 46, "certificate_unknown", 47, "illegal_parameter", 48, "unknown_ca",
            49, "access_denied", 50, "decode_error", 51, "decrypt_error", 60, "export_restriction", 70, "protocol_version",
            71, "insufficient_security", 80, "internal_error", 86, "inappropriate_fallback", 90, "user_canceled",
            100, "no_renegotiation", 109, "missing_extension", 110, "unsupported_extension", 111, "certificate_unobtainable",
            112, "unrecognized_name", 113, "bad_certificate_status_response", 114, "bad_certificate_hash_value",
            115, "unknown_psk_identity", 116, "certificate_required", 120, "no_application_protocol");

    /** The TLS Cipher Suites registry: the suites the JDK and common servers offer. */
    private static final Map<Integer, String> SUITES = table(
            0x1301, "TLS_AES_128_GCM_SHA256", 0x1302, "TLS_AES_256_GCM_SHA384", 0x1303, "TLS_CHACHA20_POLY1305_SHA256",
            0x1304, "TLS_AES_128_CCM_SHA256", 0x1305, "TLS_AES_128_CCM_8_SHA256",
            0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", 0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
            0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
            0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
            0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
            0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", 0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",
            0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", 0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
            0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", 0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",
            0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
            0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
            0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", 0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
            0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", 0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
            0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384",
            0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256",
            0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA",
            0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", 0x5600, "TLS_FALLBACK_SCSV");

    private static Map<Integer, String> table(Object... pairs) {
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Integer) pairs[i], (String) pairs[i + 1]);
        }
        return Map.copyOf(m);
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "0x%04x", value);
    }

    public static String contentType(int type) {
        return CONTENT_TYPES.getOrDefault(type, "unknown(" + type + ")");
    }

    public static boolean knownContentType(int type) {
        return CONTENT_TYPES.containsKey(type);
    }

    /** "TLS 1.2"; the version fields of the wire (legacy_version, supported_versions). */
    public static String version(int v) {
        return switch (v) {
            case 0x0300 -> "SSL 3.0";
            case 0x0301 -> "TLS 1.0";
            case 0x0302 -> "TLS 1.1";
            case 0x0303 -> "TLS 1.2";
            case 0x0304 -> "TLS 1.3";
            default -> (v & 0x0f0f) == 0x0a0a ? "GREASE " + hex(v) : hex(v);
        };
    }

    public static String handshakeType(int type) {
        return HANDSHAKE_TYPES.getOrDefault(type, "unknown(" + type + ")");
    }

    public static String extension(int type) {
        return EXTENSIONS.getOrDefault(type, hex(type));
    }

    public static String cipherSuite(int code) {
        return SUITES.getOrDefault(code, hex(code));
    }

    public static String group(int code) {
        return GROUPS.getOrDefault(code, hex(code));
    }

    public static String signatureScheme(int code) {
        return SIGNATURE_SCHEMES.getOrDefault(code, hex(code));
    }

    public static String alert(int description) {
        return ALERTS.getOrDefault(description, "unknown(" + description + ")");
    }

    public static String alertLevel(int level) {
        return switch (level) {
            case 1 -> "warning";
            case 2 -> "fatal";
            default -> "level " + level;
        };
    }
}
