package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * http-get against Debian's other web servers, started here in the lab's server namespace on
 * ports of their own: apache2 (:8003), lighttpd (:8004), busybox httpd (:8005) and Python's
 * http.server (:8001, HTTP/1.0: it closes after each answer; with 302/307 handlers and a page
 * that takes 2 s), besides the lab's nginx with keepalive_timeout 0 (:8080). Each is compared
 * with what curl does against the same server.
 */
class WebServersLabIT {
    static final String SERVER = "198.18.2.2";
    static final int PYTHON = 8001;
    static final int PYTHON_KEEPALIVE = 8002; // the same server, HTTP/1.1: it keeps the connection, we close first
    static final int APACHE = 8003;
    static final int LIGHTTPD = 8004;
    static final int BUSYBOX = 8005;
    static final int NGINX_CLOSE = 8080; // the lab's own nginx, keepalive_timeout 0

    static Lab lab;
    static Path dir;
    static final List<Process> servers = new ArrayList<>();
    static byte[] hello;
    static byte[] second;

    @BeforeAll
    static void up() throws Exception {
        lab = Lab.up();
        try {
            start();
        } catch (Exception | AssertionError e) {
            down();
            throw e;
        }
    }

    static void start() throws Exception {
        dir = Files.createTempDirectory("synack-web");
        Path www = dir.resolve("www");
        Files.createDirectories(www);
        hello = "hello from web!\n".getBytes(StandardCharsets.US_ASCII); // 16 bytes, as the issue's
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            sb.append(String.format(Locale.ROOT, "line %03d of the second file\n", i));
        }
        second = sb.toString().getBytes(StandardCharsets.US_ASCII);
        Files.write(www.resolve("hello.txt"), hello);
        Files.write(www.resolve("second.txt"), second);
        // apache and lighttpd drop to www-data: the tree must be readable by others
        for (Path p : List.of(dir, www)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path p : List.of(www.resolve("hello.txt"), www.resolve("second.txt"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }

        Path py = dir.resolve("server.py");
        Files.writeString(py, """
                import functools, http.server, sys, time
                class Handler(http.server.SimpleHTTPRequestHandler):
                    # protocol_version stays HTTP/1.0: the server closes after each answer
                    def redirect(self, code):
                        body = b'<html><body><h1>%d</h1><p>The document has moved <a href="/hello.txt">here</a>.</p></body></html>\\n' % code
                        self.send_response(code)
                        self.send_header('Location', '/hello.txt')
                        self.send_header('Content-Type', 'text/html')
                        self.send_header('Content-Length', str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    def do_GET(self):
                        if self.path == '/r302':
                            return self.redirect(302)
                        if self.path == '/r307':
                            return self.redirect(307)
                        if self.path == '/slow':
                            time.sleep(2)
                            self.path = '/hello.txt'
                        return super().do_GET()
                    def log_message(self, *args):
                        pass
                if len(sys.argv) > 4:
                    Handler.protocol_version = sys.argv[4]
                handler = functools.partial(Handler, directory=sys.argv[3])
                http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), handler).serve_forever()
                """);
        spawn("/usr/bin/python3", py.toString(), SERVER, Integer.toString(PYTHON), www.toString());
        spawn("/usr/bin/python3", py.toString(), SERVER, Integer.toString(PYTHON_KEEPALIVE), www.toString(), "HTTP/1.1");

        Path apacheConf = dir.resolve("apache2.conf");
        String mods = "/usr/lib/apache2/modules/";
        Files.writeString(apacheConf, String.join("\n",
                "ServerRoot " + dir,
                "ServerName web.synack.test",
                "LoadModule mpm_event_module " + mods + "mod_mpm_event.so",
                "LoadModule authz_core_module " + mods + "mod_authz_core.so",
                "LoadModule alias_module " + mods + "mod_alias.so",
                "LoadModule mime_module " + mods + "mod_mime.so",
                "TypesConfig /etc/mime.types",
                "User www-data", "Group www-data",
                "Listen " + SERVER + ":" + APACHE,
                "PidFile " + dir.resolve("apache2.pid"),
                "DefaultRuntimeDir " + dir,
                "ErrorLog " + dir.resolve("apache2-error.log"),
                "DocumentRoot " + www,
                "<Directory " + www + ">", "  Require all granted", "</Directory>",
                "Redirect 302 /r302 /hello.txt",
                "Redirect 307 /r307 /hello.txt", ""));
        spawn("/usr/sbin/apache2", "-f", apacheConf.toString(), "-DFOREGROUND");

        Path lighttpdConf = dir.resolve("lighttpd.conf");
        Files.writeString(lighttpdConf, String.join("\n",
                "server.document-root = \"" + www + "\"",
                "server.bind = \"" + SERVER + "\"",
                "server.port = " + LIGHTTPD,
                "server.username = \"www-data\"",
                "server.groupname = \"www-data\"",
                // no errorlog or pid file: it writes them as www-data, and -D logs to stderr
                "server.modules = (\"mod_redirect\")",
                "mimetype.assign = (\".txt\" => \"text/plain\")",
                "url.redirect = (\"^/r302$\" => \"/hello.txt\")",
                "url.redirect-code = 302", ""));
        spawn("/usr/sbin/lighttpd", "-D", "-f", lighttpdConf.toString());

        spawn("/bin/busybox", "httpd", "-f", "-p", SERVER + ":" + BUSYBOX, "-h", www.toString());

        for (int port : List.of(PYTHON, PYTHON_KEEPALIVE, APACHE, LIGHTTPD, BUSYBOX)) {
            awaitServing(port);
        }
    }

    static void spawn(String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", lab.get("NS_SERVER")));
        full.addAll(List.of(cmd));
        Path log = dir.resolve(new File(cmd[0]).getName() + "-" + servers.size() + ".log");
        servers.add(new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
    }

    /** Bounded: up to 10 s for the server to answer curl from the client. */
    static void awaitServing(int port) throws IOException {
        Lab.Result last = null;
        for (int i = 0; i < 50; i++) {
            last = lab.in("client", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2", url(port, "/hello.txt"));
            if (last.out().equals("200")) {
                return;
            }
            Lab.sleep(200);
        }
        StringBuilder logs = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                logs.append("--- ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        }
        fail("the server on :" + port + " never served /hello.txt: " + last + "\n" + logs);
    }

    @AfterAll
    static void down() {
        for (Process p : servers) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : servers) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (lab != null) {
            lab.close(); // takes the namespace, and whatever still listens in it, away
        }
    }

    static String url(int port, String path) {
        return "http://" + SERVER + ":" + port + path;
    }

    static long handshakes(Lab.Result r) {
        return r.out().lines().filter(l -> l.contains("CLOSED → SYN_SENT")).count();
    }

    // ------------------------------------------------------------------ item 1: -L -o through a redirect

    @Test
    void throughA302Or307OnlyTheFinalBodyGoesToTheFileAndToStdout() throws Exception {
        for (String u : List.of(url(APACHE, "/r302"), url(APACHE, "/r307"), url(LIGHTTPD, "/r302"), url(PYTHON, "/r302"),
                url(PYTHON, "/r307"))) {
            Path ours = dir.resolve("ours.out");
            Path curls = dir.resolve("curl.out");
            Files.deleteIfExists(ours);
            Lab.Result r = lab.synack("http-get", "-L", "-o", ours.toString(), u);
            assertEquals(0, r.exit(), u + "\n" + r);
            assertTrue(r.out().contains("── redirect 1: 30"), u + "\n" + r);
            Lab.Result c = lab.in("client", "curl", "-s", "-L", "-o", curls.toString(), u);
            assertEquals(0, c.exit(), c.toString());
            assertArrayEquals(Files.readAllBytes(curls), Files.readAllBytes(ours), u + ": what curl -L -o writes\n" + r);
            assertArrayEquals(hello, Files.readAllBytes(ours), u);
            Lab.Result q = lab.synack("http-get", "-L", "-q", u);
            assertEquals(0, q.exit(), u + "\n" + q);
            assertEquals(new String(hello, StandardCharsets.US_ASCII), q.out(), u + ": -q prints the final body only\n" + q);
        }
    }

    // ------------------------------------------------------------------ item 2: servers that close after each answer

    @Test
    void severalUrlsOnServersThatCloseAfterEachAnswerGetANewConnectionEach() throws Exception {
        byte[] both = new byte[hello.length + second.length];
        System.arraycopy(hello, 0, both, 0, hello.length);
        System.arraycopy(second, 0, both, hello.length, second.length);
        for (int port : List.of(PYTHON, NGINX_CLOSE, BUSYBOX)) {
            // the lab's nginx serves its own tree: its hello.txt is the lab's
            String first = port == NGINX_CLOSE ? "/index.html" : "/hello.txt";
            String then = port == NGINX_CLOSE ? "/hello.txt" : "/second.txt";
            Path ours = dir.resolve("two.out");
            Files.deleteIfExists(ours);
            Lab.Result r = lab.synack("http-get", "-o", ours.toString(), url(port, first), url(port, then));
            assertEquals(0, r.exit(), ":" + port + "\n" + r);
            assertEquals(2, handshakes(r), ":" + port + ": a new connection for the second request\n" + r);
            assertTrue(r.out().contains("the remaining request goes on a new connection"), ":" + port + "\n" + r);
            assertFalse(r.out().contains("RST"), ":" + port + ": no request sent into a closed connection\n" + r);
            byte[] expected = both;
            if (port == NGINX_CLOSE) {
                Path curls = dir.resolve("curl-two.out");
                Lab.Result c = lab.in("client", "curl", "-s", "-o", curls.toString(), url(port, first), "-o",
                        dir.resolve("curl-two-b.out").toString(), url(port, then));
                assertEquals(0, c.exit(), c.toString());
                byte[] a = Files.readAllBytes(curls);
                byte[] b = Files.readAllBytes(dir.resolve("curl-two-b.out"));
                expected = new byte[a.length + b.length];
                System.arraycopy(a, 0, expected, 0, a.length);
                System.arraycopy(b, 0, expected, a.length, b.length);
            }
            assertArrayEquals(expected, Files.readAllBytes(ours), ":" + port + ": both bodies, byte-exact, in order");
        }
    }

    // ------------------------------------------------------------------ item 3: timings as curl defines them

    static final Pattern TIMING = Pattern.compile("\"timing\":\\{\"namelookup_ms\":([0-9.]+),\"connect_ms\":([0-9.]+),"
            + "\"ttfb_ms\":([0-9.]+),\"total_ms\":([0-9.]+)");

    @Test
    void timingsAreCurlsAgainstAServerThatTakesTwoSeconds() {
        for (int port : List.of(PYTHON_KEEPALIVE, PYTHON)) { // we close first (then TIME_WAIT), and the server closes first
            String u = url(port, "/slow");
            long t0 = System.nanoTime();
            Lab.Result r = lab.synack("http-get", "--json", "-o", "/dev/null", u);
            double wallMs = (System.nanoTime() - t0) / 1e6;
            assertEquals(0, r.exit(), r.toString());
            Matcher m = TIMING.matcher(r.out());
            assertTrue(m.find(), r.toString());
            double lookup = Double.parseDouble(m.group(1));
            double connect = Double.parseDouble(m.group(2));
            double ttfb = Double.parseDouble(m.group(3));
            double total = Double.parseDouble(m.group(4));
            Lab.Result c = lab.in("client", "curl", "-s", "-o", "/dev/null", "-w",
                    "%{time_namelookup} %{time_connect} %{time_starttransfer} %{time_total}", u);
            assertEquals(0, c.exit(), c.toString());
            String[] cw = c.out().trim().split(" ");
            double cConnect = Double.parseDouble(cw[1]) * 1000;
            double cTtfb = Double.parseDouble(cw[2]) * 1000;
            double cTotal = Double.parseDouble(cw[3]) * 1000;
            String both = String.format(Locale.ROOT, ":%d synack lookup %.1f connect %.1f ttfb %.1f total %.1f (wall %.0f); curl %s",
                    port, lookup, connect, ttfb, total, wallMs, c.out());
            assertTrue(lookup <= connect && connect <= ttfb && ttfb <= total, "each timing from the start, in order: " + both);
            // curl's connect (an address, a warm neighbour) is under a millisecond; ours has ARP and our own start in it
            assertTrue(connect < 400 && cConnect < 100, both);
            assertTrue(Math.abs(ttfb - cTtfb) < 400, "time to first byte, from the start: " + both);
            assertTrue(Math.abs(total - cTotal) < 400, "total: the transfer, not our close or TIME_WAIT: " + both);
            assertTrue(total - ttfb < 100, "16 bytes arrive with the first: " + both);
            if (port == PYTHON_KEEPALIVE) {
                assertTrue(Pattern.compile("\"endpoint\":\"local\",\"from\":\"[A-Z_0-9]+\",\"to\":\"TIME_WAIT\"").matcher(r.out()).find(), "we closed first: " + r.out());
                assertTrue(wallMs - total > 500, "the run still lasts its TIME_WAIT, which total leaves out: " + both);
            }
        }
    }

    static final Pattern SENT_DATA = Pattern.compile("(?m)^ *\\+([0-9.]+) ms  →  .* len=[0-9]+");
    static final Pattern RECEIVED_DATA = Pattern.compile("(?m)^ *\\+([0-9.]+) ms  ←  .* len=[0-9]+");

    @Test
    void theFirstByteIsTimedFromTheRequestAsTheWireShowsIt() {
        for (int port : List.of(PYTHON_KEEPALIVE, APACHE)) {
            Lab.Result r = lab.synack("http-get", "-o", "/dev/null", url(port, port == APACHE ? "/hello.txt" : "/slow"));
            assertEquals(0, r.exit(), r.toString());
            Matcher sent = SENT_DATA.matcher(r.out());
            assertTrue(sent.find(), r.toString());
            Matcher received = RECEIVED_DATA.matcher(r.out());
            assertTrue(received.find(sent.end()), r.toString());
            double wire = Double.parseDouble(received.group(1)) - Double.parseDouble(sent.group(1));
            Matcher told = Pattern.compile("first byte ([0-9.]+) ms after the request").matcher(r.out());
            assertTrue(told.find(), r.toString());
            double ms = Double.parseDouble(told.group(1));
            assertTrue(Math.abs(ms - wire) < 1, ":" + port + ": told " + ms + " ms, the wire's stamps " + wire + " ms apart\n" + r);
            Matcher total = Pattern.compile("first byte ([0-9.]+) ms, total ([0-9.]+) ms").matcher(r.out());
            assertTrue(total.find(), r.toString());
            assertTrue(Double.parseDouble(total.group(2)) - Double.parseDouble(total.group(1)) < 100,
                    ":" + port + ": total ends with the body, not with our close\n" + r);
        }
    }

    // ------------------------------------------------------------------ item 4: HEAD's words, --max-time's label

    @Test
    void aHeadRequestIsToldAsAHead() {
        for (int port : List.of(APACHE, LIGHTTPD, PYTHON)) {
            Lab.Result r = lab.synack("http-get", "-I", "-o", "/dev/null", url(port, "/hello.txt"));
            assertEquals(0, r.exit(), ":" + port + "\n" + r);
            assertFalse(r.out().contains("GET"), ":" + port + ": nothing here is a GET\n" + r);
            assertTrue(r.out().contains("request line   HEAD /hello.txt HTTP/1.1"), r.toString());
            assertTrue(r.out().contains("the response to a HEAD carries no body (RFC 9110 §9.3.2)"), ":" + port + "\n" + r);
        }
    }

    @Test
    void maxTimeIsToldAsMaxTimeWithExitFour() {
        Lab.Result r = lab.synack("http-get", "-m", "1s", "-o", "/dev/null", url(PYTHON, "/slow"));
        assertEquals(4, r.exit(), r.toString());
        assertFalse(r.out().toLowerCase(Locale.ROOT).contains("interrupted"), "no one interrupted it:\n" + r);
        assertTrue(r.out().contains("abort: --max-time reached"), "the RST says why:\n" + r);
        assertTrue((r.out() + r.err()).contains("--max-time reached"), r.toString());
        Lab.Result json = lab.synack("http-get", "--json", "-m", "1s", "-o", "/dev/null", url(PYTHON, "/slow"));
        assertEquals(4, json.exit(), json.toString());
        assertFalse(json.out().contains("interrupted"), json.toString());
    }
}
