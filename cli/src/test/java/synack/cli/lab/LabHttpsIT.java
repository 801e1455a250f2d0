package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab of issue 15, checked with real clients in the client namespace and no synack: the HTTPS
 * servers and their certificates from the lab's CA (curl --cacert, openssl s_client), the cookie,
 * redirect, conditional and echo endpoints (curl), and the client's hosts file (getent beside dig).
 * What synack's HTTPS and request tests stand on does what lab/README.md says.
 */
class LabHttpsIT {
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

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    static String ca() {
        return lab.get("TLS_CA");
    }

    /** curl in the client namespace, bounded, silent but for its errors. */
    static Lab.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10"));
        cmd.addAll(List.of(args));
        return lab.in("client", cmd.toArray(new String[0]));
    }

    /** openssl s_client in the client namespace towards the server, no input (it ends after the handshake). */
    static Lab.Result sClient(String... args) {
        List<String> cmd = new ArrayList<>(List.of("timeout", "10", "openssl", "s_client"));
        cmd.addAll(List.of(args));
        return lab.in("client", cmd.toArray(new String[0]));
    }

    static Lab.Result openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        return Lab.run(30, cmd.toArray(new String[0]));
    }

    @Test
    void theGoodCertificateIsTrustedWithTheLabCaOnEveryNameAndPort() throws Exception {
        String hello = Files.readString(www("hello.txt"));
        for (String url : List.of("https://www.synack.test/hello.txt", "https://web.synack.test/hello.txt", "https://alias.synack.test/hello.txt",
                "https://198.18.2.2/hello.txt", "https://www.synack.test:8443/hello.txt", "https://www.synack.test:8444/hello.txt")) {
            Lab.Result r = curl("--cacert", ca(), url);
            assertEquals(0, r.exit(), url + "\n" + r);
            assertEquals(hello, r.out(), url);
        }
        // without the lab's CA the system's trust store knows nothing of it: curl's 60
        Lab.Result untrusted = curl("-o", "/dev/null", "https://www.synack.test/hello.txt");
        assertEquals(60, untrusted.exit(), untrusted.toString());
        // a big file over TLS arrives whole, as over :80
        Path big = Files.createTempFile("lab-https", ".bin");
        try {
            Lab.Result r = curl("--cacert", ca(), "-o", big.toString(), "https://www.synack.test/big20m.bin");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(sha256(www("big20m.bin")), sha256(big));
        } finally {
            Files.deleteIfExists(big);
        }
    }

    @Test
    void theCertificatesAreWhatTheContractSays() {
        Path tls = Path.of(ca()).getParent();
        assertEquals(tls, Path.of(lab.get("TLS_DIR")));
        Lab.Result caText = openssl("x509", "-in", ca(), "-noout", "-ext", "basicConstraints");
        assertTrue(caText.out().contains("CA:TRUE"), caText.toString());
        // all three are signed by the lab CA; only the expired one fails on the chain itself
        Lab.Result good = openssl("verify", "-CAfile", ca(), "-verify_hostname", "www.synack.test", tls.resolve("www.pem").toString());
        assertEquals(0, good.exit(), good.toString());
        Lab.Result ip = openssl("verify", "-CAfile", ca(), "-verify_ip", "198.18.2.2", tls.resolve("www.pem").toString());
        assertEquals(0, ip.exit(), ip.toString());
        Lab.Result san = openssl("x509", "-in", tls.resolve("www.pem").toString(), "-noout", "-ext", "subjectAltName");
        for (String s : List.of("DNS:www.synack.test", "DNS:web.synack.test", "DNS:alias.synack.test", "IP Address:198.18.2.2")) {
            assertTrue(san.out().contains(s), s + "\n" + san);
        }
        Lab.Result expired = openssl("verify", "-CAfile", ca(), tls.resolve("expired.pem").toString());
        assertNotEquals(0, expired.exit(), expired.toString());
        assertTrue(expired.out().contains("error 10 at 0 depth") || expired.err().contains("error 10 at 0 depth"),
                "X509_V_ERR_CERT_HAS_EXPIRED (10):\n" + expired);
        // validity wholly in the past: notAfter before now (x509 -checkend 0 exits 1 when it has expired)
        Lab.Result ended = openssl("x509", "-in", tls.resolve("expired.pem").toString(), "-noout", "-checkend", "0");
        assertEquals(1, ended.exit(), ended.toString());
        Lab.Result wrongChain = openssl("verify", "-CAfile", ca(), tls.resolve("wrong.pem").toString());
        assertEquals(0, wrongChain.exit(), "the wrong-name certificate's chain is fine: " + wrongChain);
        Lab.Result wrongName = openssl("verify", "-CAfile", ca(), "-verify_hostname", "wrong.synack.test", tls.resolve("wrong.pem").toString());
        assertNotEquals(0, wrongName.exit(), wrongName.toString());
        Lab.Result wrongSan = openssl("x509", "-in", tls.resolve("wrong.pem").toString(), "-noout", "-ext", "subjectAltName");
        assertTrue(wrongSan.out().contains("DNS:other.synack.test") && !wrongSan.out().contains("wrong.synack.test"), wrongSan.toString());
    }

    @Test
    void sniPicksTheCertificateAndWwwIsTheDefault() {
        for (String[] c : new String[][] {{"www.synack.test", "CN = www.synack.test"}, {"expired.synack.test", "CN = expired.synack.test"},
                {"wrong.synack.test", "CN = other.synack.test"}, {"nosuch.synack.test", "CN = www.synack.test"}}) {
            Lab.Result r = sClient("-connect", "198.18.2.2:443", "-servername", c[0]);
            assertTrue(r.out().contains("subject=" + c[1]), c[0] + "\n" + r);
        }
        Lab.Result none = sClient("-connect", "198.18.2.2:443", "-noservername");
        assertTrue(none.out().contains("subject=CN = www.synack.test"), none.toString());
    }

    @Test
    void expiredAndWrongNameAreRefusedByCurlAndAcceptedWithK() {
        Lab.Result expired = curl("-o", "/dev/null", "-w", "%{ssl_verify_result}", "--cacert", ca(), "https://expired.synack.test/hello.txt");
        assertEquals(60, expired.exit(), expired.toString());
        assertEquals("10", expired.out(), "X509_V_ERR_CERT_HAS_EXPIRED:\n" + expired);
        Lab.Result wrong = curl("-o", "/dev/null", "--cacert", ca(), "https://wrong.synack.test/hello.txt");
        assertEquals(60, wrong.exit(), wrong.toString());
        for (String host : List.of("expired.synack.test", "wrong.synack.test")) {
            Lab.Result k = curl("-k", "https://" + host + "/hello.txt");
            assertEquals(0, k.exit(), host + "\n" + k);
            assertEquals("hello from the synack lab\n", k.out(), host);
        }
    }

    @Test
    void theRejectingServerAnswersAnyClientHelloWithAlert112() {
        Lab.Result c = curl("-o", "/dev/null", "--cacert", ca(), "https://www.synack.test:8445/hello.txt");
        assertEquals(35, c.exit(), "CURLE_SSL_CONNECT_ERROR:\n" + c);
        for (String tls : List.of("-tls1_2", "-tls1_3")) {
            Lab.Result r = sClient("-connect", "198.18.2.2:8445", "-servername", "www.synack.test", tls);
            assertNotEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("alert number 112"), "unrecognized_name (112) with " + tls + ":\n" + r);
        }
    }

    @Test
    void tls13OnlyRefusesTls12AndTls12OnlyNegotiates12() {
        Lab.Result refused = curl("-o", "/dev/null", "--cacert", ca(), "--tls-max", "1.2", "https://www.synack.test:8443/hello.txt");
        assertEquals(35, refused.exit(), refused.toString());
        Lab.Result alert = sClient("-connect", "198.18.2.2:8443", "-servername", "www.synack.test", "-tls1_2");
        assertTrue(alert.err().contains("alert number 70"), "protocol_version (70):\n" + alert);
        // the versions each port settles on, verified against the lab CA
        for (String[] c : new String[][] {{"443", "TLSv1.3"}, {"8443", "TLSv1.3"}, {"8444", "TLSv1.2"}}) {
            Lab.Result r = sClient("-brief", "-connect", "198.18.2.2:" + c[0], "-servername", "www.synack.test", "-CAfile", ca(),
                    "-verify_return_error", "-verify_hostname", "www.synack.test");
            assertEquals(0, r.exit(), c[0] + "\n" + r);
            assertTrue(r.err().contains("Protocol version: " + c[1]) && r.err().contains("Verification: OK"), c[0] + "\n" + r);
        }
        Lab.Result v12 = curl("-o", "/dev/null", "--cacert", ca(), "--tls-max", "1.2", "https://www.synack.test:443/hello.txt");
        assertEquals(0, v12.exit(), ":443 offers 1.2 too: " + v12);
        Lab.Result v13 = curl("-o", "/dev/null", "--cacert", ca(), "--tlsv1.3", "https://www.synack.test:8444/hello.txt");
        assertEquals(35, v13.exit(), ":8444 offers 1.2 only: " + v13);
    }

    @Test
    void theCookieIsSetCheckedAndSetOnARedirect(@TempDir Path dir) throws Exception {
        for (String base : List.of("http://www.synack.test", "https://www.synack.test")) {
            Lab.Result set = curl("-i", "--cacert", ca(), base + "/cookie/set");
            assertEquals(0, set.exit(), set.toString());
            assertTrue(set.out().startsWith("HTTP/1.1 200 OK\r\n"), set.toString());
            assertTrue(set.out().contains("\r\nSet-Cookie: lab_session=s3cr3t; Path=/cookie\r\n"), set.toString());
            assertTrue(set.out().endsWith("\r\n\r\ncookie set\n"), set.toString());

            Lab.Result without = curl("-w", "%{http_code}", "--cacert", ca(), base + "/cookie/check");
            assertEquals("no cookie\n403", without.out(), without.toString());
            Lab.Result other = curl("-w", "%{http_code}", "--cacert", ca(), "-b", "lab_session=other", base + "/cookie/check");
            assertEquals("no cookie\n403", other.out(), other.toString());
            Lab.Result with = curl("-w", "%{http_code}", "--cacert", ca(), "-b", "lab_session=s3cr3t", base + "/cookie/check");
            assertEquals("cookie ok\n200", with.out(), with.toString());

            Lab.Result redirect = curl("-i", "--cacert", ca(), base + "/cookie/redirect");
            assertTrue(redirect.out().startsWith("HTTP/1.1 302 "), redirect.toString());
            assertTrue(redirect.out().contains("\r\nLocation: /cookie/check\r\n"), redirect.toString());
            assertTrue(redirect.out().contains("\r\nSet-Cookie: lab_session=s3cr3t; Path=/cookie\r\n"), redirect.toString());

            // curl's own cookie engine: the cookie set on the 302 is sent on the redirected request
            Path jar = dir.resolve("jar-" + base.substring(0, base.indexOf(':')));
            Lab.Result followed = curl("-L", "-c", jar.toString(), "-w", "%{http_code}", "--cacert", ca(), base + "/cookie/redirect");
            assertEquals("cookie ok\n200", followed.out(), followed.toString());
            // the jar's cookie line (Netscape format): host-only, path /cookie, not Secure, a session cookie (expiry 0)
            List<String> lines = Files.readAllLines(jar).stream().filter(l -> !l.isBlank() && !l.startsWith("# ")).toList();
            assertEquals(List.of("www.synack.test\tFALSE\t/cookie\tFALSE\t0\tlab_session\ts3cr3t"), lines, Files.readString(jar));
        }
    }

    @Test
    void redirectsCarryTheirStatusAndARelativeLocation() {
        for (String base : List.of("http://www.synack.test", "https://www.synack.test")) {
            for (String[] c : new String[][] {{"301", "/hello.txt"}, {"302", "/hello.txt"}, {"303", "/hello.txt"}, {"307", "/echo"},
                    {"308", "/echo"}}) {
                Lab.Result r = curl("-o", "/dev/null", "-w", "%{http_code} %header{location}", "--cacert", ca(), base + "/r" + c[0]);
                assertEquals(0, r.exit(), r.toString());
                assertEquals(c[0] + " " + c[1], r.out(), base + "/r" + c[0]);
            }
        }
        // curl's method rules (RFC 9110 15.4): 307 and 308 keep POST and its body, 303 turns it into a GET
        Lab.Result kept = curl("-L", "-d", "kept body", "-w", " %{http_code}", "http://www.synack.test/r307");
        assertEquals("kept body 200", kept.out(), kept.toString());
        Lab.Result kept308 = curl("-L", "-d", "kept body", "-w", " %{http_code}", "https://www.synack.test/r308", "--cacert", ca());
        assertEquals("kept body 200", kept308.out(), kept308.toString());
        Lab.Result get = curl("-L", "-d", "lost body", "http://www.synack.test/r303");
        assertEquals("hello from the synack lab\n", get.out(), get.toString());
    }

    @Test
    void thePostEchoReturnsTheBodyByteForByte(@TempDir Path dir) throws Exception {
        byte[] body = new byte[300_000];
        new Random(15).nextBytes(body);
        // the bytes an HTTP parser could trip on, at the start, in the middle and at the end
        byte[] tricky = "\r\n\r\n\0HTTP/1.1 200 OK\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(tricky, 0, body, 0, tricky.length);
        System.arraycopy(tricky, 0, body, 150_000, tricky.length);
        System.arraycopy(tricky, 0, body, body.length - tricky.length, tricky.length);
        Path in = dir.resolve("body.bin");
        Files.write(in, body);
        int i = 0;
        for (String url : List.of("http://www.synack.test/echo", "https://www.synack.test/echo", "https://www.synack.test:8444/echo")) {
            for (String method : List.of("POST", "PUT")) {
                Path out = dir.resolve("echo-" + i++ + ".bin");
                Lab.Result r = curl("-X", method, "--data-binary", "@" + in, "-o", out.toString(), "-w", "%{http_code}", "--cacert", ca(), url);
                assertEquals("200", r.out(), method + " " + url + "\n" + r);
                assertEquals(sha256(in), sha256(out), method + " " + url);
            }
        }
        Lab.Result form = curl("-d", "a=1&b=two", "http://www.synack.test/echo");
        assertEquals("a=1&b=two", form.out(), form.toString());
        Lab.Result empty = curl("-w", "%{http_code} %{size_download}", "http://www.synack.test/echo");
        assertEquals("200 0", empty.out(), "a GET has no body to echo: " + empty);
        Path tooBig = dir.resolve("too-big.bin");
        Files.write(tooBig, new byte[(1 << 20) + 1]);
        Lab.Result big = curl("-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + tooBig, "http://www.synack.test/echo");
        assertEquals("413", big.out(), "the echo holds up to 1 MiB: " + big);
    }

    @Test
    void aMatchingIfNoneMatchOrAnOldEnoughIfModifiedSinceGets304(@TempDir Path dir) throws Exception {
        for (String base : List.of("http://www.synack.test", "https://www.synack.test")) {
            Lab.Result first = curl("-D", "-", "-o", "/dev/null", "--cacert", ca(), base + "/hello.txt");
            String etag = header(first.out(), "ETag");
            String modified = header(first.out(), "Last-Modified");
            assertTrue(etag.startsWith("\"") && etag.endsWith("\""), first.toString());

            Lab.Result match = curl("-i", "-H", "If-None-Match: " + etag, "--cacert", ca(), base + "/hello.txt");
            assertTrue(match.out().startsWith("HTTP/1.1 304 Not Modified\r\n"), match.toString());
            assertTrue(match.out().endsWith("\r\n\r\n"), "a 304 has no body: " + match);
            Lab.Result other = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"not-it\"", "--cacert", ca(), base + "/hello.txt");
            assertEquals("200", other.out(), other.toString());

            Lab.Result since = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: " + modified, "--cacert", ca(), base + "/hello.txt");
            assertEquals("304", since.out(), since.toString());
            Lab.Result before = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: Thu, 01 Jan 2015 00:00:00 GMT", "--cacert", ca(),
                    base + "/hello.txt");
            assertEquals("200", before.out(), before.toString());
            Lab.Result z = curl("-o", "/dev/null", "-w", "%{http_code}", "-z", modified, "--cacert", ca(), base + "/hello.txt");
            assertEquals("304", z.out(), z.toString());
            // curl's etag file, the oracle for synack's --etag-save / --etag-compare
            Path etags = dir.resolve("etag-" + base.substring(0, base.indexOf(':')));
            Lab.Result save = curl("-o", "/dev/null", "-w", "%{http_code}", "--etag-save", etags.toString(), "--cacert", ca(), base + "/hello.txt");
            assertEquals("200", save.out(), save.toString());
            assertEquals(etag, Files.readString(etags).trim());
            Lab.Result compare = curl("-o", "/dev/null", "-w", "%{http_code}", "--etag-compare", etags.toString(), "--cacert", ca(),
                    base + "/hello.txt");
            assertEquals("304", compare.out(), compare.toString());
        }
    }

    static String header(String head, String name) {
        return head.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1)).findFirst()
                .map(l -> l.substring(name.length() + 1).trim()).orElseThrow(() -> new AssertionError("no " + name + " in:\n" + head));
    }

    @Test
    void theHostsFileAnswersBeforeDns() throws Exception {
        Path hosts = Path.of(lab.get("CLIENT_HOSTS"));
        assertEquals(Path.of("/etc/netns", lab.get("NS_CLIENT"), "hosts"), hosts);
        List<String> entries = Files.readAllLines(hosts).stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of("127.0.0.1 localhost", "198.18.2.2 hosts.synack.test", "198.18.4.2 override.synack.test"), entries);

        // a name only the hosts file has: getent finds it, DNS says NXDOMAIN
        Lab.Result files = lab.in("client", "getent", "hosts", "hosts.synack.test");
        assertEquals(0, files.exit(), files.toString());
        assertTrue(files.out().startsWith("198.18.2.2 "), files.toString());
        Lab.Result nx = lab.in("client", "dig", "+time=2", "+tries=1", "hosts.synack.test", "A");
        assertTrue(nx.out().contains("status: NXDOMAIN"), nx.toString());

        // a name both have: DNS says the server, the hosts file (files before dns) says the edge, and wins
        Lab.Result dns = lab.in("client", "dig", "+short", "+time=2", "+tries=1", "override.synack.test", "A");
        assertEquals("198.18.2.2", dns.out().trim(), dns.toString());
        Lab.Result override = lab.in("client", "getent", "ahostsv4", "override.synack.test");
        assertTrue(override.out().startsWith("198.18.4.2 "), override.toString());
        assertFalse(override.out().contains("198.18.2.2"), override.toString());
        Lab.Result edge = curl("-w", " %{remote_ip}", "http://override.synack.test/hello.txt");
        assertEquals("hello from the synack lab\n 198.18.4.2", edge.out(), edge.toString());
        // outside the client's namespace nothing changed: the host's own /etc/hosts does not have the names
        String hostHosts = Files.readString(Path.of("/etc/hosts"));
        assertFalse(hostHosts.contains("hosts.synack.test") || hostHosts.contains("override.synack.test"), hostHosts);
        // the other names of the contract are in DNS
        for (String name : List.of("expired.synack.test", "wrong.synack.test")) {
            Lab.Result a = lab.in("client", "dig", "+short", "+time=2", "+tries=1", name, "A");
            assertEquals("198.18.2.2", a.out().trim(), name + "\n" + a);
        }
    }

    @Test
    void statusChecksHttpsAndDownRemovesTheHostsFile() {
        Lab.Result status = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "status", "--id", lab.get("LAB_ID"));
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("https   https://www.synack.test/ on :443, :8443 (TLS 1.3 only), :8444 (TLS 1.2 only) answer"),
                status.toString());
        // a lab of its own, taken down here: its /etc/netns directory (resolv.conf, hosts) goes with it
        Lab other = Lab.up();
        Path dir = Path.of("/etc/netns", other.get("NS_CLIENT"));
        assertTrue(Files.exists(dir.resolve("hosts")) && Files.exists(dir.resolve("resolv.conf")), dir.toString());
        Path tls = Path.of(other.get("TLS_DIR"));
        assertTrue(Files.exists(tls.resolve("ca.pem")), tls.toString());
        other.close();
        assertFalse(Files.exists(dir), dir + " left behind by down");
        assertFalse(Files.exists(tls), tls + " left behind by down");
    }
}
