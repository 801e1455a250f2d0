package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hello messages decoded from bytes written by hand (RFC 8446 4.1.2-4.1.4), and a truncated one refused. */
class HellosTest {
    /** A ServerHello body: legacy 1.2, random, empty session id, suite 0x1301, null compression, extensions. */
    static byte[] serverHello(String random, String extensions) {
        String ext = extensions;
        return HexFormat.of().parseHex("0303" + random + "00" + "1301" + "00"
                + String.format("%04x", ext.length() / 2) + ext);
    }

    @Test
    void aTls13ServerHelloNamesItsVersionSuiteAndGroup() throws Exception {
        Hellos.ServerHello sh = Hellos.serverHello(serverHello("11".repeat(32), "002b00020304" + "003300240017" + "0020" + "22".repeat(32)));
        assertEquals(TlsNames.TLS13, sh.version());
        assertEquals("TLS_AES_128_GCM_SHA256", TlsNames.cipherSuite(sh.suite()));
        assertEquals(0x0017, sh.keyShareGroup());
        assertEquals(List.of("supported_versions", "key_share"), sh.fields().get("extensions"));
        assertEquals(false, sh.helloRetry());
    }

    @Test
    void aHelloRetryRequestIsKnownByItsRandom() throws Exception {
        Hellos.ServerHello hrr = Hellos.serverHello(serverHello(
                "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", "002b00020304" + "00330002001d"));
        assertTrue(hrr.helloRetry());
        assertEquals("x25519", TlsNames.group(hrr.keyShareGroup()));
        assertTrue(hrr.text().startsWith("HelloRetryRequest"));
    }

    @Test
    void aTruncatedHelloIsMalformedNotACrash() {
        byte[] whole = serverHello("11".repeat(32), "002b00020304");
        for (int n = 0; n < whole.length - 1; n++) {
            byte[] cut = java.util.Arrays.copyOf(whole, n);
            if (n == 38) {
                continue; // ends right after the compression method: a ServerHello with no extensions is whole
            }
            assertThrows(WireReader.Malformed.class, () -> Hellos.serverHello(cut), "cut at " + n);
        }
        assertThrows(WireReader.Malformed.class, () -> Hellos.clientHello(new byte[] {3, 3, 0}));
    }

    @Test
    void alertsAndNamesFromTheRegistries() {
        assertEquals("unrecognized_name", TlsNames.alert(112));
        assertEquals("certificate_expired", TlsNames.alert(45));
        assertEquals("TLS 1.3", TlsNames.version(0x0304));
        assertEquals("GREASE 0x0a0a", TlsNames.version(0x0a0a));
        assertEquals("0x9999", TlsNames.cipherSuite(0x9999), "an unknown number is shown, never guessed");
    }
}
