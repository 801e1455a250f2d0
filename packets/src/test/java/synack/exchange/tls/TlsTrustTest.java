package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the trusted CAs come from, and a CA file that cannot be one. */
class TlsTrustTest {
    @Test
    void aPemBundleMayHoldSeveralCertificatesAndTextBetweenThem(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# our CAs\n" + Files.readString(TlsPair.resource("ca.pem")) + "\nsome words\n"
                + Files.readString(TlsPair.resource("other-ca.pem")));
        TlsTrust t = TlsTrust.caFile(bundle);
        assertEquals(TlsTrust.Source.CA_FILE, t.source());
        assertTrue(t.describe().contains("(2 CAs)"), t.describe());
        assertEquals(2, t.pkix().getAcceptedIssuers().length);
    }

    @Test
    void aFileWithNoCertificateOrNoFileIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "nothing here\n");
        TlsTrust.TrustStoreException e = assertThrows(TlsTrust.TrustStoreException.class, () -> TlsTrust.caFile(empty));
        assertTrue(e.getMessage().contains("holds no PEM certificate"), e.getMessage());
        assertThrows(TlsTrust.TrustStoreException.class, () -> TlsTrust.caFile(dir.resolve("missing.pem")));
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThrows(TlsTrust.TrustStoreException.class, () -> TlsTrust.caFile(broken));
    }

    @Test
    void theSystemStoreIsTheBundleWhenThereIsOne() throws Exception {
        TlsTrust t = TlsTrust.system();
        assertEquals(Files.isReadable(TlsTrust.SYSTEM_BUNDLE) ? TlsTrust.Source.SYSTEM_BUNDLE : TlsTrust.Source.JDK_DEFAULT, t.source());
        assertTrue(t.pkix().getAcceptedIssuers().length > 0);
        assertTrue(TlsTrust.insecure().isInsecure());
    }
}
