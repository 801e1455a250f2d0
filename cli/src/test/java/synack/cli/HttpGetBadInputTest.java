package synack.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http-get's request options, mistaken: one line, exit 2, nothing sent (-i nosuch0 would stop a run that slipped through with 3). */
class HttpGetBadInputTest {
    static InProcess.Outcome usage(String... args) {
        InProcess.Outcome o = InProcess.run(CommandsInProcessTest.withNoSuchInterface(args)).oneLine(ExitCodes.USAGE);
        assertTrue(o.err().startsWith("synack"), o.toString());
        return o;
    }

    @Test
    void aMissingDataFileABadMethodAndDataWithHeadAreEachOneLine(@TempDir Path dir) {
        String missing = dir.resolve("nope.txt").toString();
        assertTrue(usage("http-get", "-d", "@" + missing, "http://198.18.2.2/echo").err().contains("cannot read " + missing + ": no such file"));
        assertTrue(usage("http-get", "--data-binary", "@" + missing, "http://198.18.2.2/echo").err().contains("no such file"));
        assertTrue(usage("http-get", "-X", "GET X", "http://198.18.2.2/").err().contains("-X wants a method token"));
        assertTrue(usage("http-get", "-X", "", "http://198.18.2.2/").err().contains("-X wants a method token"));
        assertTrue(usage("http-get", "-I", "-d", "a=1", "http://198.18.2.2/").err().contains("two methods"));
        assertTrue(usage("http-get", "-I", "-X", "POST", "http://198.18.2.2/").err().contains("two methods"));
        assertTrue(usage("http-get", "--etag-compare", missing, "http://198.18.2.2/").err().contains("--etag-compare: cannot read"));
        assertTrue(usage("http-get", "-z", "not a date", "http://198.18.2.2/").err().contains("-z wants a date"));
    }

    @Test
    void anAtFileIsTheDataOptionsNotPicocliArgumentFile(@TempDir Path dir) throws java.io.IOException {
        // picocli would expand @FILE into arguments ("x=1 y=2" split into two arguments, y=2 read as a URL: a usage error); -d reads it as the body,
        // so the run gets as far as the missing interface (exit 3)
        Path body = java.nio.file.Files.writeString(dir.resolve("b.txt"), "x=1 y=2\n");
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("http-get", "-d", "@" + body, "http://198.18.2.2/echo"))
                .oneLine(ExitCodes.ENVIRONMENT);
    }

    @Test
    void jsonWithTheJarOnStdoutIsRefused(@TempDir Path dir) {
        assertTrue(usage("http-get", "--json", "-c", "-", "http://198.18.2.2/").err().contains("--json and -c -"));
        InProcess.run(CommandsInProcessTest.withNoSuchInterface("http-get", "--json", "-c", dir.resolve("jar.txt").toString(),
                "http://198.18.2.2/")).oneLine(ExitCodes.ENVIRONMENT); // -c FILE with --json: fine, as far as the missing interface
    }

    @Test
    void anEmptyTimeConditionIsAUsageErrorNotTheCurrentDirectorysTime() {
        assertTrue(usage("http-get", "-z", "", "http://198.18.2.2/").err().contains("-z wants a date"));
        assertTrue(usage("http-get", "-z", "-", "http://198.18.2.2/").err().contains("-z wants a date"));
    }

    @Test
    void aBodyWithTransferEncodingAndANonLatin1HeaderOrCookieAreOneLineEach() {
        assertTrue(usage("http-get", "-d", "a=1", "-H", "Transfer-Encoding: chunked", "http://198.18.2.2/echo").err()
                .contains("RFC 9112 §6.2"));
        assertTrue(usage("http-get", "-H", "X-Name: caf\u00e9 \u2603", "http://198.18.2.2/").err().contains("not a Latin-1 character"));
        assertTrue(usage("http-get", "-b", "n=\u20ac", "http://198.18.2.2/").err().contains("-b: '\u20ac' is not a Latin-1 character"));
    }

    @Test
    void anHttpsHostThatSniCannotCarryIsAUsageError() {
        // DNS names may hold '_' (RFC 2181 §11); a TLS server name may not (RFC 6066 §3: a host name's LDH labels)
        // (java.net.URI already refuses '_' in a host; the SNI check stands behind it for names URI lets through)
        assertTrue(usage("http-get", "https://a_b.synack.test/").err().contains("a_b.synack.test"));
    }
}
