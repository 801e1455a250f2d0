package synack.exchange.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Whom we trust to vouch for a server: the system's CA bundle (the file curl reads on Debian,
 * when it is there; else the JDK's own cacerts), the CAs of a --cacert PEM file, or nobody
 * checked at all (-k, insecure). Loaded once per run; each connection gets its own
 * {@link TlsVerifier} over it.
 */
public final class TlsTrust {
    public enum Source { SYSTEM_BUNDLE, JDK_DEFAULT, CA_FILE, INSECURE }

    /** Debian's (and curl's there) bundle of the system's trusted CAs. */
    public static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

    /** A trust store that cannot be read: the file is missing, unreadable, or holds no certificate. */
    public static final class TrustStoreException extends Exception {
        public TrustStoreException(String message) {
            super(message);
        }
    }

    private final Source source;
    private final Path file;
    private final int anchors;
    private final X509ExtendedTrustManager pkix;

    private TlsTrust(Source source, Path file, int anchors, X509ExtendedTrustManager pkix) {
        this.source = source;
        this.file = file;
        this.anchors = anchors;
        this.pkix = pkix;
    }

    /** The default: the system bundle if present, else the JDK's trust store. */
    public static TlsTrust system() throws TrustStoreException {
        if (Files.isReadable(SYSTEM_BUNDLE)) {
            List<X509Certificate> cas = readPem(SYSTEM_BUNDLE);
            return new TlsTrust(Source.SYSTEM_BUNDLE, SYSTEM_BUNDLE, cas.size(), pkix(store(cas)));
        }
        return new TlsTrust(Source.JDK_DEFAULT, null, -1, pkix(null));
    }

    /** --cacert FILE: one or more PEM certificates, the only CAs trusted. */
    public static TlsTrust caFile(Path file) throws TrustStoreException {
        List<X509Certificate> cas = readPem(file);
        return new TlsTrust(Source.CA_FILE, file, cas.size(), pkix(store(cas)));
    }

    /** -k: any chain, any name; told loudly wherever it is used. */
    public static TlsTrust insecure() {
        return new TlsTrust(Source.INSECURE, null, 0, null);
    }

    public boolean isInsecure() {
        return source == Source.INSECURE;
    }

    public Source source() {
        return source;
    }

    /** The PKIX trust manager over these CAs (null when insecure). */
    X509ExtendedTrustManager pkix() {
        return pkix;
    }

    /** In words, for the narration: where the trusted CAs come from. */
    public String describe() {
        return switch (source) {
            case SYSTEM_BUNDLE -> "the system's CA bundle " + file + " (" + anchors + " CAs)";
            case JDK_DEFAULT -> "the JDK's default trust store (no " + SYSTEM_BUNDLE + " here)";
            case CA_FILE -> "--cacert " + file + " (" + anchors + " CA" + (anchors == 1 ? "" : "s") + ")";
            case INSECURE -> "nobody: --insecure, the certificate chain and the host name are NOT checked";
        };
    }

    /** The PEM blocks of a file, each "BEGIN CERTIFICATE" one a certificate; anything between them is ignored. */
    static List<X509Certificate> readPem(Path file) throws TrustStoreException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TrustStoreException("cannot read the CA file " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new TrustStoreException("cannot read the CA file " + file + ": permission denied");
        } catch (IOException e) {
            throw new TrustStoreException("cannot read the CA file " + file + ": " + e);
        }
        List<X509Certificate> out = new ArrayList<>();
        String begin = "-----BEGIN CERTIFICATE-----";
        String end = "-----END CERTIFICATE-----";
        int at = 0;
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while ((at = text.indexOf(begin, at)) >= 0) {
                int stop = text.indexOf(end, at);
                if (stop < 0) {
                    throw new TrustStoreException(file + ": a certificate with no END line");
                }
                byte[] der = Base64.getMimeDecoder().decode(text.substring(at + begin.length(), stop));
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
                at = stop + end.length();
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new TrustStoreException(file + ": certificate " + (out.size() + 1) + " is not a valid X.509 certificate");
        }
        if (out.isEmpty()) {
            throw new TrustStoreException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    private static KeyStore store(List<X509Certificate> cas) throws TrustStoreException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca" + i, cas.get(i));
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TrustStoreException("cannot build a trust store: " + e);
        }
    }

    private static X509ExtendedTrustManager pkix(KeyStore ks) throws TrustStoreException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new TrustStoreException("the JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new TrustStoreException("cannot initialise the trust store: " + e);
        }
    }
}
