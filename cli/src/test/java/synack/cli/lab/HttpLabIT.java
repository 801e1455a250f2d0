package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http-get against nginx through the lab's router: every layer by hand, checked against the files and curl. */
class HttpLabIT {
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


    Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    @Test
    void aSmallPageTellsEveryLayer(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("index.html");
        // -4: the IPv4 journey the articles tell (DNS, ARP, handshake); over both families (IPv6 first) see Ipv6LabIT
        Lab.Result r = lab.synack("http-get", "-4", "-o", out.toString(), "http://www.synack.test/");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("── DNS: www.synack.test", "www.synack.test is 198.18.2.2", "── ARP", "── TCP handshake with 198.18.2.2:80",
                "SYN_SENT → ESTABLISHED", "── HTTP request", "request line   GET / HTTP/1.1", "header         Host: www.synack.test",
                "blank line", "── HTTP response", "status line    HTTP/1.1 200 OK", "── teardown", "TIME_WAIT → CLOSED",
                "name lookup", "connect", "first byte")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        assertEquals(Lab.sha256(www("index.html")), Lab.sha256(out));
    }

    @Test
    void a100MegabyteFileArrivesByteExact(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("big.bin");
        Lab.Result r = lab.synack("http-get", "-o", out.toString(), "http://198.18.2.2/big100m.bin");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(100L << 20, Files.size(out));
        assertEquals(Lab.sha256(www("big100m.bin")), Lab.sha256(out));
    }

    @Test
    void gzipAndChunkedDecodeToWhatCurlGets(@TempDir Path dir) throws Exception {
        Path ours = dir.resolve("ours.txt");
        Path curls = dir.resolve("curl.txt");
        Lab.Result r = lab.synack("http-get", "--compressed", "-o", ours.toString(), "http://www.synack.test/text.txt");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Content-Encoding: gzip") && r.out().contains("chunked transfer coding"), r.toString());
        assertTrue(r.out().contains("Content-Encoding gzip:"), r.toString());
        Lab.Result c = lab.in("client", "curl", "-s", "--compressed", "-o", curls.toString(), "http://www.synack.test/text.txt");
        assertEquals(0, c.exit(), c.toString());
        assertEquals(Lab.sha256(curls), Lab.sha256(ours));
        assertEquals(Lab.sha256(www("text.txt")), Lab.sha256(ours));
    }

    @Test
    void aRedirectIsFollowedWithL() {
        Lab.Result r = lab.synack("http-get", "-L", "-o", "/dev/null", "http://www.synack.test/old");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("HTTP/1.1 301 Moved Permanently"), r.toString());
        assertTrue(r.out().contains("── redirect 1: 301 → http://www.synack.test/"), r.toString());
        assertTrue(r.out().contains("200 OK  http://www.synack.test/"), r.toString());
        Lab.Result no = lab.synack("http-get", "-o", "/dev/null", "--expect-status", "301", "http://www.synack.test/old");
        assertEquals(0, no.exit(), no.toString());
    }

    @Test
    void aServerThatClosesFirstIsAPassiveClose() {
        Lab.Result r = lab.synack("http-get", "-o", "/dev/null", "http://www.synack.test:8080/");
        assertEquals(0, r.exit(), r.toString());
        for (String s : List.of("Connection: close", "ESTABLISHED → CLOSE_WAIT", "CLOSE_WAIT → LAST_ACK", "LAST_ACK → CLOSED",
                "(passive close)")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
    }

    @Test
    void twoUrlsOnOneHostShareOneConnection() {
        Lab.Result r = lab.synack("http-get", "-o", "/dev/null", "http://www.synack.test/", "http://www.synack.test/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.out().lines().filter(l -> l.contains("CLOSED → SYN_SENT")).count(), "one handshake:\n" + r);
        assertTrue(r.out().contains("HTTP request 2 of 2") && r.out().contains("request line   GET /hello.txt HTTP/1.1"), r.toString());
    }

    @Test
    void quietPrintsJustTheBodyAndExpectationsGateTheExitCode() throws Exception {
        Lab.Result r = lab.synack("http-get", "-q", "http://198.18.2.2/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(Files.readString(www("hello.txt")), r.out());
        assertEquals(0, lab.synack("http-get", "-q", "--expect-status", "2xx", "--expect-body", "synack lab", "http://198.18.2.2/").exit());
        Lab.Result missing = lab.synack("http-get", "-q", "http://198.18.2.2/missing");
        assertEquals(1, missing.exit(), "a 404 is a negative answer:\n" + missing);
        assertTrue(missing.err().contains("404"), missing.toString());
        Lab.Result body = lab.synack("http-get", "-q", "--expect-body", "no such words", "http://198.18.2.2/");
        assertEquals(1, body.exit(), body.toString());
    }

    @Test
    void badUrlsUnknownHostsRefusedAndFilteredPortsGiveOneLineAndTheirCodes() {
        for (String url : List.of("https://", "ftp://x/", "http://", "http://www.synack.test:99999/")) {
            Lab.Result r = lab.synack("http-get", url);
            assertEquals(2, r.exit(), url + "\n" + r);
            assertEquals(1, r.err().lines().count(), url + "\n" + r);
        }
        Lab.Result unknown = lab.synack("http-get", "-q", "http://nope.synack.test/");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("NXDOMAIN"), unknown.toString());
        Lab.Result refused = lab.synack("http-get", "-q", "http://198.18.2.2:81/");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("refused"), refused.toString());
        Lab.Result filtered = lab.synack("http-get", "-q", "--retries", "1", "--rto", "200ms", "http://198.18.2.2:82/");
        assertEquals(4, filtered.exit(), filtered.toString());
    }

    @Test
    void twentyMegabytesArriveByteExactUnderTenPercentLossFiveTimesOutOfFive(@TempDir Path dir) throws Exception {
        Lab.Result on = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "10");
        assertEquals(0, on.exit(), on.toString());
        try {
            String expected = Lab.sha256(www("big20m.bin"));
            for (int i = 0; i < 5; i++) {
                Path out = dir.resolve("big20m-" + i + ".bin");
                Lab.Result r = lab.synack("http-get", "-q", "-o", out.toString(), "--rto", "300ms", "http://198.18.2.2/big20m.bin");
                assertEquals(0, r.exit(), "run " + i + ":\n" + r);
                assertEquals(expected, Lab.sha256(out), "run " + i);
            }
        } finally {
            Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "0");
        }
    }

    // ------------------------------------------------------------------ https: TLS over our own TCP, against nginx

    @Test
    void anHttpsPageByNameIsByteExactWithCurlsAndBothVersionsAreTold(@TempDir Path dir) throws Exception {
        String ca = lab.get("TLS_CA");
        Path ours = dir.resolve("ours.bin");
        Path curls = dir.resolve("curl.bin");
        Lab.Result r = lab.synack("http-get", "--cacert", ca, "-o", ours.toString(), "https://www.synack.test/big1m.bin");
        assertEquals(0, r.exit(), r.toString());
        Lab.Result c = lab.in("client", "curl", "-s", "--cacert", ca, "-o", curls.toString(), "https://www.synack.test/big1m.bin");
        assertEquals(0, c.exit(), c.toString());
        assertEquals(Lab.sha256(curls), Lab.sha256(ours));
        assertEquals(Lab.sha256(www("big1m.bin")), Lab.sha256(ours));
        for (String s : List.of("── TLS handshake with www.synack.test", "ClientHello (decoded from our bytes)", "server name (SNI)   www.synack.test",
                "version chosen      TLS 1.3", "WAIT_SH → WAIT_EE", "encrypted handshake (TLS 1.3", "DNS:www.synack.test matches www.synack.test",
                "→ CONNECTED", "close_notify", "TLS handshake ", "TLS 1.3")) {
            assertTrue(r.out().contains(s), "missing '" + s + "':\n" + r);
        }
        Lab.Result tls12 = lab.synack("http-get", "--cacert", ca, "-o", dir.resolve("12").toString(), "https://www.synack.test:8444/hello.txt");
        assertEquals(0, tls12.exit(), tls12.toString());
        for (String s : List.of("version chosen      TLS 1.2", "Certificate (decoded from the server's bytes", "ServerKeyExchange (decoded)",
                "WAIT_SHD → WAIT_CCS", "WAIT_SERVER_FINISHED → CONNECTED", "encrypted handshake message (Finished")) {
            assertTrue(tls12.out().contains(s), "missing '" + s + "':\n" + tls12);
        }
        Lab.Result tls13only = lab.synack("http-get", "-q", "--cacert", ca, "https://198.18.2.2:8443/hello.txt");
        assertEquals(0, tls13only.exit(), tls13only.toString());
        assertEquals("hello from the synack lab\n", tls13only.out());
    }

    @Test
    void badCertificatesAreExitFiveAndMinusKTakesThem() {
        String ca = lab.get("TLS_CA");
        for (String[] c : new String[][] {{"https://expired.synack.test/hello.txt", "(expired)"}, {"https://wrong.synack.test/hello.txt", "(wrong_name)"}}) {
            Lab.Result r = lab.synack("http-get", "-q", "--cacert", ca, c[0]);
            assertEquals(5, r.exit(), r.toString());
            assertEquals(1, r.err().lines().count(), "one line:\n" + r);
            assertTrue(r.err().contains("TLS: the server's certificate was not trusted " + c[1]), r.toString());
            Lab.Result k = lab.synack("http-get", "-q", "-k", c[0]);
            assertEquals(0, k.exit(), k.toString());
            assertEquals("hello from the synack lab\n", k.out());
            assertTrue(k.err().contains("--insecure"), "told loudly:\n" + k);
        }
        Lab.Result system = lab.synack("http-get", "-q", "https://www.synack.test/hello.txt");
        assertEquals(5, system.exit(), "the lab's CA is not the system's:\n" + system);
        assertTrue(system.err().contains("(unknown_ca)"), system.toString());
    }

    @Test
    void theServersAlertIsToldAndIsExitOne() {
        Lab.Result r = lab.synack("http-get", "--cacert", lab.get("TLS_CA"), "-o", "/dev/null", "https://www.synack.test:8445/");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("alert fatal unrecognized_name (112) from the server"), r.toString());
        assertTrue(r.out().contains("TLS: the server sent the alert fatal unrecognized_name (112)"), r.toString());
        Lab.Result json = lab.synack("http-get", "--json", "--cacert", lab.get("TLS_CA"), "https://www.synack.test:8445/");
        assertEquals(1, json.exit(), json.toString());
        json.out().lines().forEach(synack.cli.render.EventSchema::assertValid);
        assertTrue(json.out().contains("\"reason\":\"alert_received\""), json.toString());
    }

    @Test
    void jsonCarriesTheTlsEventsAndTheCertificateSummary() {
        Lab.Result r = lab.synack("http-get", "--json", "--cacert", lab.get("TLS_CA"), "https://www.synack.test/hello.txt");
        assertEquals(0, r.exit(), r.toString());
        r.out().lines().forEach(synack.cli.render.EventSchema::assertValid);
        String result = r.out().lines().reduce((a, b) -> b).orElseThrow();
        for (String s : List.of("\"tls\":{\"version\":\"TLS 1.3\"", "\"alpn\":\"http/1.1\"", "\"verified\":true",
                "\"matched\":\"DNS:www.synack.test\"", "\"subject\":\"CN=www.synack.test\"", "\"appconnect_ms\":")) {
            assertTrue(result.contains(s), "missing " + s + " in " + result);
        }
        assertTrue(r.out().contains("\"layer\":\"tls\",\"dir\":\"out\",\"record\":\"handshake\""), r.toString());
    }

    @Test
    void twentyMegabytesOverTlsArriveByteExactUnderTenPercentLoss(@TempDir Path dir) throws Exception {
        Lab.Result on = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "10");
        assertEquals(0, on.exit(), on.toString());
        try {
            Path out = dir.resolve("big20m.bin");
            Lab.Result r = lab.synack("http-get", "-q", "--cacert", lab.get("TLS_CA"), "-o", out.toString(), "--rto", "300ms",
                    "https://www.synack.test/big20m.bin");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(Lab.sha256(www("big20m.bin")), Lab.sha256(out));
        } finally {
            Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "loss", "--id", lab.get("LAB_ID"), "0");
        }
    }
}
