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
        new CommandLine(c).parseArgs(args);
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
        assertTrue(filter.contains("(tcp and src port 53 and dst port " + p.dnsTcp() + ")"), filter);
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
}
