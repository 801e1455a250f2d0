package synack.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import synack.cli.UsageProblem;
import synack.exchange.http.HttpUrl;
import synack.net.EnvironmentException;
import synack.wire.Ip4;

/** What http-get decides before it opens a capture: the name server, our ports, the capture filter. */
class HttpGetCommandTest {
    static List<HttpUrl> urls(String... u) {
        return java.util.Arrays.stream(u).map(HttpUrl::parse).toList();
    }

    static HttpGetCommand parsed(String... args) {
        HttpGetCommand c = new HttpGetCommand();
        // curl's @FILE is ours to read: picocli's own @-file expansion stays off (Main must turn it off too)
        new CommandLine(c).setExpandAtFiles(false).parseArgs(args);
        return c;
    }

    @Test
    void aNamedUrlAfterAnIpLiteralStillHasTheNameServerToAsk(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 198.18.0.53\n");
        assertEquals(Ip4.parse("198.18.0.53"), HttpGetCommand.nameServer(urls("http://198.18.2.2/", "http://www.synack.test/"), conf));
    }

    @Test
    void anIpLiteralAloneKeepsTheNameServerForARedirectToAName(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 198.18.0.53\n");
        assertEquals(Ip4.parse("198.18.0.53"), HttpGetCommand.nameServer(urls("http://198.18.2.2/"), conf));
    }

    @Test
    void noNameServerIsAProblemOnlyWhenAGivenUrlHasAName(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), "# nothing here\n");
        assertNull(HttpGetCommand.nameServer(urls("http://198.18.2.2/"), conf));
        assertThrows(EnvironmentException.class, () -> HttpGetCommand.nameServer(urls("http://198.18.2.2/", "http://www.synack.test/"), conf));
    }

    @Test
    void theCaptureAdmitsTheNameServersTcpAnswerToTheRetrysOwnPort() {
        HttpGetCommand.Ports p = parsed("http://www.synack.test/").ports();
        assertNotEquals(p.dnsUdp(), p.dnsTcp(), "the TCP retry has a port of its own");
        assertNotEquals(p.http(), p.dnsTcp());
        String filter = HttpGetCommand.captureFilter(p);
        // each of the two queries asked at once (AAAA, A) has a TCP retry port of its own
        assertNotEquals(p.dnsTcp(), p.dnsTcpA());
        assertNotEquals(p.dnsUdp(), p.dnsTcpA());
        assertNotEquals(p.http(), p.dnsTcpA());
        assertTrue(filter.contains("(tcp and src port 53 and (dst port " + p.dnsTcp() + " or dst port " + p.dnsTcpA() + "))"), filter);
        assertTrue(filter.contains("(udp and src port 53 and dst port " + p.dnsUdp() + ")"), filter);
        assertTrue(filter.contains("(tcp and dst port " + p.http() + ")"), filter);
    }

    @Test
    void sourcePortIsHonoured() {
        assertEquals(41234, parsed("-p", "41234", "http://198.18.2.2/").ports().http());
        assertEquals(41234, parsed("--source-port", "41234", "http://198.18.2.2/").ports().http());
        assertThrows(UsageProblem.class, () -> parsed("-p", "0", "http://198.18.2.2/").ports());
        assertThrows(UsageProblem.class, () -> parsed("-p", "70000", "http://198.18.2.2/").ports());
    }

    @Test
    void withoutPTheSourcePortIsOutsideTheKernelsEphemeralRange() {
        int port = parsed("http://198.18.2.2/").ports().http();
        assertTrue(port >= 61000 && port <= 65535, Integer.toString(port));
    }

    @Test
    void dataIsJoinedWithAmpersandsAndADataFileLosesItsLineBreaksButNotWithDataBinary(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("body.txt"), "x=1\r\ny=2\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        synack.exchange.http.HttpJourney.Requests r = parsed("-d", "a=1", "-d", "@" + f, "--data-binary", "@" + f, "http://198.18.2.2/")
                .requests();
        assertEquals("a=1&x=1y=2&x=1\r\ny=2\n", new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("POST", r.firstMethod());
        assertEquals("PUT", parsed("-X", "PUT", "-d", "v", "http://198.18.2.2/").requests().firstMethod());
        assertNull(parsed("http://198.18.2.2/").requests().body());
        assertEquals("GET", parsed("http://198.18.2.2/").requests().firstMethod());
        assertEquals("HEAD", parsed("-I", "http://198.18.2.2/").requests().firstMethod());
    }

    @Test
    void bGivesCookiesOrAFileAndCOrAFileTurnsTheEngineOn(@TempDir Path dir) throws Exception {
        synack.exchange.http.HttpJourney.Requests literal = parsed("-b", "a=1; b=2", "http://198.18.2.2/").requests();
        assertEquals("a=1; b=2", literal.givenCookies());
        assertNull(literal.jar(), "as curl: a cookie string alone does not keep Set-Cookie");
        assertTrue(parsed("-b", "a=1", "-c", dir.resolve("jar").toString(), "http://198.18.2.2/").requests().jar() != null);
        Path jar = Files.writeString(dir.resolve("cookies.txt"), "www.synack.test\tFALSE\t/cookie\tFALSE\t0\tlab_session\ts3cr3t\n");
        synack.exchange.http.HttpJourney.Requests file = parsed("-b", jar.toString(), "http://198.18.2.2/").requests();
        assertEquals(1, file.jar().cookies().size());
        assertEquals("lab_session", file.jar().cookies().get(0).name());
        assertTrue(parsed("-b", dir.resolve("absent").toString(), "http://198.18.2.2/").requests().jar().cookies().isEmpty(),
                "as curl: a -b file that is not there is no cookies, the engine on");
        assertNull(parsed("http://198.18.2.2/").requests().jar());
    }

    @Test
    void conditionsAreReadAsCurlReadsThem(@TempDir Path dir) throws Exception {
        Path etag = Files.writeString(dir.resolve("etag"), "\"6565a7f0-1a\"\n");
        assertEquals("\"6565a7f0-1a\"", parsed("--etag-compare", etag.toString(), "http://198.18.2.2/").requests().conditional().etag());
        Path absent = dir.resolve("absent");
        assertEquals("\"\"", parsed("--etag-compare", absent.toString(), "--etag-save", absent.toString(), "http://198.18.2.2/")
                .requests().conditional().etag(), "the first run of the idiom: an ETag that matches nothing");
        synack.exchange.http.Conditional z = parsed("-z", "Wed, 02 Dec 2026 10:00:00 GMT", "http://198.18.2.2/").requests().conditional();
        assertEquals(1_796_205_600L, z.time());
        assertEquals("If-Modified-Since", z.headers().get(0)[0]);
        assertEquals("If-Unmodified-Since", parsed("-z", "-2026-12-02", "http://198.18.2.2/").requests().conditional().headers().get(0)[0]);
        Files.setLastModifiedTime(etag, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
        assertEquals(1_700_000_000L, parsed("-z", etag.toString(), "http://198.18.2.2/").requests().conditional().time());
        assertThrows(UsageProblem.class, () -> parsed("-z", "soon", "http://198.18.2.2/").requests());
    }

    @Test
    void dataGivenToOneCommandIsGoneWhenTheShellParsesTheNext() {
        // the shell keeps one CommandLine (one HttpGetCommand) for the session
        HttpGetCommand c = new HttpGetCommand();
        CommandLine cl = new CommandLine(c).setExpandAtFiles(false);
        cl.parseArgs("-d", "a=1", "--data-binary", "b=2", "-d", "c=3", "http://198.18.2.2/");
        assertEquals("a=1&b=2&c=3", new String(c.requests().body(), java.nio.charset.StandardCharsets.ISO_8859_1), "in the order given");
        assertEquals("POST", c.requests().firstMethod());
        cl.parseArgs("http://198.18.2.2/");
        assertNull(c.requests().body());
        assertEquals("GET", c.requests().firstMethod());
        cl.parseArgs("--data=x=1", "-dy=2", "http://198.18.2.2/");
        assertEquals("x=1&y=2", new String(c.requests().body(), java.nio.charset.StandardCharsets.ISO_8859_1), "attached forms too");
    }

    @Test
    void etagSaveKeepsTheSavedEtagWhenTheResponseHasNoneAndMakesAnEmptyFileOnlyWhenThereIsNone(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("etag.txt");
        HttpGetCommand.saveEtag(f, null);
        assertEquals("", Files.readString(f), "none before: an empty file, as curl makes");
        HttpGetCommand.saveEtag(f, "\"v1\"");
        assertEquals("\"v1\"\n", Files.readString(f));
        HttpGetCommand.saveEtag(f, null);
        assertEquals("\"v1\"\n", Files.readString(f), "a 304 without an ETag does not empty it");
    }

    @Test
    void aCookieFileLineBeyondTheYear9999IsCappedAndKept(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("in.txt"), "www.synack.test\tFALSE\t/\tFALSE\t99999999999999999999\ta\t1\n");
        HttpGetCommand c = parsed("-b", jar.toString(), "http://198.18.2.2/");
        assertEquals(synack.exchange.http.HttpDate.LATEST, c.requests().jar().cookies().get(0).expires());
    }
}
