package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http-get https:// over synack's own TCP against the lab's nginx (issue 15): pages by name
 * byte-exact beside curl with the same CA, TLS 1.3 and 1.2 each told, every bad certificate refused
 * with its exit code and taken with -k, a server's alert told, 20 MB under 10% loss. The oracles are
 * curl in the same namespace and the files nginx serves.
 */
class HttpsLabIT {
    /** The exit code of a certificate that is not trusted (unknown CA, expired, wrong name). */
    static final int UNTRUSTED = 5;

    static Lab lab;

    @BeforeAll
    static void up() {
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }


    static Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    static String ca() {
        return lab.get("TLS_CA");
    }

    static Lab.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "30"));
        cmd.addAll(List.of(args));
        return lab.in("client", cmd.toArray(new String[0]));
    }

    /**
     * Our TCP states as told ("client  A → B") follow one another: each starts where the last one
     * ended, from CLOSED. The narration is in the order things happened.
     */
    static void assertClientStatesChain(Lab.Result r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s+client\\s+(\\S+) → (\\S+)\\s").matcher(r.out());
        String at = "CLOSED";
        int n = 0;
        while (m.find()) {
            assertEquals(at, m.group(1), "transition " + (n + 1) + " starts where the last ended:\n" + r);
            at = m.group(2);
            n++;
        }
        assertTrue(n >= 4 && at.equals("CLOSED"), n + " transitions, ending in " + at + ":\n" + r);
    }

    @Test
    void aPageByNameIsByteExactBesideCurlWithTheSameCa(@TempDir Path dir) throws Exception {
        Path ours = dir.resolve("ours.html");
        Lab.Result r = lab.synack("http-get", "--cacert", ca(), "-o", ours.toString(), "https://www.synack.test/");
        assertEquals(0, r.exit(), r.toString());
        Path curls = dir.resolve("curl.html");
        Lab.Result c = curl("--cacert", ca(), "-o", curls.toString(), "https://www.synack.test/");
        assertEquals(0, c.exit(), c.toString());
        assertEquals(Lab.sha256(curls), Lab.sha256(ours));
        assertEquals(Lab.sha256(www("index.html")), Lab.sha256(ours));
        // the name has both families: IPv6 first, as curl goes (Happy Eyeballs), IPv4 the second attempt
        for (String s : List.of("── TCP handshakes with [" + lab.get("SERVER_IP6") + "]:443, then 198.18.2.2:443", "── TLS handshake with www.synack.test", "ClientHello", "server name (SNI)",
                "http/1.1", "ServerHello", "SSLEngine reports TLS 1.3", "subject CN=www.synack.test", "issuer  CN=synack lab CA " + lab.get("LAB_ID"),
                "DNS:www.synack.test matches www.synack.test", "request line   GET / HTTP/1.1", "close_notify, then our FIN", ", TLS handshake ",
                "certificate verified")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        // names in the certificate's SAN other than the first, and the address itself
        for (String url : List.of("https://alias.synack.test/hello.txt", "https://198.18.2.2/hello.txt")) {
            Lab.Result q = lab.synack("http-get", "-q", "--cacert", ca(), url);
            assertEquals(0, q.exit(), url + "\n" + q);
            assertEquals(Files.readString(www("hello.txt")), q.out(), url);
        }
    }

    @Test
    void tls13AndTls12AreBothNarrated() {
        Lab.Result v13 = lab.synack("http-get", "-o", "/dev/null", "--cacert", ca(), "https://www.synack.test:8443/hello.txt");
        assertEquals(0, v13.exit(), v13.toString());
        assertTrue(v13.out().contains("SSLEngine reports TLS 1.3"), v13.toString());
        assertTrue(v13.out().contains("EncryptedExtensions"), "1.3: the rest of the handshake is encrypted, and said so:\n" + v13);
        assertTrue(v13.out().contains("ChangeCipherSpec: no meaning in TLS 1.3"), v13.toString());
        Lab.Result v12 = lab.synack("http-get", "-o", "/dev/null", "--cacert", ca(), "https://www.synack.test:8444/hello.txt");
        assertEquals(0, v12.exit(), v12.toString());
        assertTrue(v12.out().contains("SSLEngine reports TLS 1.2"), v12.toString());
        for (String m : List.of("Certificate", "ServerKeyExchange", "ServerHelloDone", "ClientKeyExchange", "ChangeCipherSpec")) {
            assertTrue(v12.out().contains(": " + m), "1.2's handshake in the clear up to ChangeCipherSpec, " + m + ":\n" + v12);
        }
        // curl settles on the same versions with the same server
        assertTrue(curl("-v", "-o", "/dev/null", "--cacert", ca(), "https://www.synack.test:8444/hello.txt").err()
                .contains("SSL connection using TLSv1.2"));
    }

    @Test
    void eachBadCertificateIsRefusedWithItsExitCodeAndTakenWithK() throws Exception {
        String hello = Files.readString(www("hello.txt"));
        // URL, whether the lab CA is given, what the one line must say
        for (String[] c : new String[][] {{"https://expired.synack.test/hello.txt", "ca", "has expired"},
                {"https://wrong.synack.test/hello.txt", "ca", "does not name wrong.synack.test"},
                {"https://www.synack.test/hello.txt", "system", "no CA we trust"}}) {
            List<String> args = new ArrayList<>(List.of("http-get", "-q"));
            if (c[1].equals("ca")) {
                args.addAll(List.of("--cacert", ca()));
            }
            args.add(c[0]);
            Lab.Result r = lab.synack(args.toArray(new String[0]));
            assertEquals(UNTRUSTED, r.exit(), c[0] + (c[1].equals("system") ? " (system trust store: the lab CA is unknown)" : "") + "\n" + r);
            assertEquals(1, r.err().lines().count(), "one clear line with -q:\n" + r);
            assertTrue(r.err().contains(c[2]), c[0] + "\n" + r);
            assertEquals("", r.out(), "no body from a server we do not trust");
            // curl refuses the same certificate (60), and takes it with -k as we do
            List<String> curlArgs = new ArrayList<>(List.of("-o", "/dev/null"));
            if (c[1].equals("ca")) {
                curlArgs.addAll(List.of("--cacert", ca()));
            }
            curlArgs.add(c[0]);
            assertEquals(60, curl(curlArgs.toArray(new String[0])).exit(), c[0]);
            Lab.Result k = lab.synack("http-get", "-q", "-k", c[0]);
            assertEquals(0, k.exit(), c[0] + " with -k\n" + k);
            assertEquals(hello, k.out(), c[0]);
        }
        Lab.Result loud = lab.synack("http-get", "-o", "/dev/null", "-k", "https://expired.synack.test/hello.txt");
        assertEquals(0, loud.exit(), loud.toString());
        assertTrue((loud.out() + loud.err()).contains("--insecure"), "-k is told loudly:\n" + loud);
    }

    @Test
    void aServerAlertIsNarratedWithItsDescription() {
        Lab.Result r = lab.synack("http-get", "-o", "/dev/null", "--cacert", ca(), "https://www.synack.test:8445/hello.txt");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("alert fatal unrecognized_name (112) from the server"), r.toString());
        String last = (r.out() + r.err()).strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("TLS: ") && last.contains("unrecognized_name (112)"), "the run ends in TLS's words:\n" + r);
        Lab.Result c = curl("-o", "/dev/null", "--cacert", ca(), "https://www.synack.test:8445/hello.txt");
        assertEquals(35, c.exit(), "curl meets the same alert: " + c);
    }

    /**
     * Our TCP states as the story tells them follow one another over TLS too, whoever closes
     * first: after close_notify (ours, or the server's alert) nginx's FIN can arrive before our own
     * FIN has left, and the story must still say ESTABLISHED → FIN_WAIT_1 before FIN_WAIT_1 → CLOSING.
     */
    @Test
    void ourTcpStatesAreToldInTheOrderTheyHappen() {
        for (String url : List.of("https://www.synack.test:8445/hello.txt", "https://www.synack.test:8443/hello.txt",
                "https://www.synack.test:8444/hello.txt")) {
            Lab.Result r = lab.synack("http-get", "-o", "/dev/null", "--cacert", ca(), url);
            assertEquals(url.contains(":8445") ? 1 : 0, r.exit(), url + "\n" + r);
            assertClientStatesChain(r);
        }
    }

    @Test
    void jsonCarriesTheTlsEventsAndTheCertificateSummary() {
        // every line is checked against docs/events.schema.json by Lab.synack
        Lab.Result r = lab.synack("http-get", "--json", "-o", "/dev/null", "--cacert", ca(), "https://www.synack.test/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\"layer\":\"tls\""), r.toString());
        String result = r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(result.contains("\"version\":\"TLS 1.3\"") && result.contains("\"verified\":true") && result.contains("\"appconnect_ms\":"),
                result);
        // the certificate summary is the lab's www certificate as openssl reads it
        Lab.Result x509 = Lab.run(10, "openssl", "x509", "-in", Path.of(lab.get("TLS_DIR"), "www.pem").toString(), "-noout", "-serial",
                "-startdate", "-enddate", "-dateopt", "iso_8601");
        assertEquals(0, x509.exit(), x509.toString());
        for (String line : x509.out().strip().split("\n")) {
            String value = line.substring(line.indexOf('=') + 1).replace(' ', 'T');
            String key = line.startsWith("serial") ? "serial" : line.startsWith("notBefore") ? "not_before" : "not_after";
            assertTrue(result.contains("\"" + key + "\":\"" + value + "\""), key + " " + value + " in\n" + result);
        }
        assertTrue(result.contains("\"subject\":\"CN=www.synack.test\"") && result.contains("\"issuer\":\"CN=synack lab CA " + lab.get("LAB_ID") + "\""),
                result);
        assertTrue(result.contains("\"san\":[\"DNS:www.synack.test\",\"DNS:web.synack.test\",\"DNS:alias.synack.test\",\"IP:198.18.2.2\"]"), result);
        // a refused certificate: exit 5 in the result too, with the failure named
        Lab.Result bad = lab.synack("http-get", "--json", "-o", "/dev/null", "--cacert", ca(), "https://expired.synack.test/hello.txt");
        assertEquals(UNTRUSTED, bad.exit(), bad.toString());
        String badResult = bad.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst().orElseThrow();
        assertTrue(badResult.contains("\"exit\":5") && badResult.contains("\"verified\":false") && !badResult.contains("\"failure\":null"), badResult);
    }

    @Test
    void twentyMegabytesOverTlsArriveByteExactUnderTenPercentLoss(@TempDir Path dir) throws Exception {
        Lab.Result on = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "10");
        assertEquals(0, on.exit(), on.toString());
        try {
            Path out = dir.resolve("big20m.bin");
            Lab.Result r = lab.synack("http-get", "-q", "-o", out.toString(), "--rto", "300ms", "--cacert", ca(),
                    "https://www.synack.test/big20m.bin");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(Lab.sha256(www("big20m.bin")), Lab.sha256(out));
        } finally {
            Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "0");
        }
    }
}
