package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * arp-resolve against Linux kernels that the lab does not set up: two hosts holding one address
 * (the peer and a namespace of our own, on the client's bridge), and a host whose ARP replies
 * reach the segment 1.5 s late (its own namespace, behind a tap pair that holds ARP replies:
 * the kernel here has no netem). arping (iputils) is asked the same questions.
 */
class ArpPeersLabIT {
    static final String SHARED = "198.18.1.60";
    static final String SLOW = "198.18.1.61";
    static Lab lab;
    static String dupNs;
    static String slowNs;
    static Process relay;
    static Path relayScript;

    /** Copies frames between two taps; ARP replies from the first one's side are held DELAY seconds. Ends by itself after LIFE s. */
    static final String RELAY = String.join("\n",
            "import fcntl, heapq, os, select, struct, sys, time",
            "TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000",
            "def tap(name):",
            "    fd = os.open('/dev/net/tun', os.O_RDWR)",
            "    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))",
            "    return fd",
            "host, seg, delay, end = tap(sys.argv[1]), tap(sys.argv[2]), float(sys.argv[3]), time.monotonic() + float(sys.argv[4])",
            "print('ready', flush=True)",
            "held = []",
            "while time.monotonic() < end:",
            "    wait = max(0, min([h[0] for h in held] + [end]) - time.monotonic())",
            "    for fd in select.select([host, seg], [], [], wait)[0]:",
            "        f = os.read(fd, 65536)",
            "        if fd == host and f[12:14] == b'\\x08\\x06' and f[20:22] == b'\\x00\\x02':",
            "            heapq.heappush(held, (time.monotonic() + delay, f))",
            "        else:",
            "            os.write(seg if fd == host else host, f)",
            "    while held and held[0][0] <= time.monotonic():",
            "        os.write(seg, heapq.heappop(held)[1])",
            "");

    @BeforeAll
    static void up() throws Exception {
        lab = Lab.up();
        String router = lab.get("NS_ROUTER");
        dupNs = "sk-" + lab.get("LAB_ID") + "-dup";
        slowNs = "sk-" + lab.get("LAB_ID") + "-slow";
        // a second holder of SHARED: a namespace of its own on the client's bridge; the peer holds it too
        ok(Lab.run(30, "ip", "netns", "add", dupNs));
        ok(Lab.run(30, "ip", "-n", router, "link", "add", "rdup", "type", "veth", "peer", "name", "d0", "netns", dupNs));
        ok(Lab.run(30, "ip", "-n", router, "link", "set", "rdup", "master", "br0", "up"));
        ok(Lab.run(30, "ip", "-n", dupNs, "addr", "add", SHARED + "/24", "dev", "d0"));
        ok(Lab.run(30, "ip", "-n", dupNs, "link", "set", "d0", "up"));
        ok(lab.in("peer", "ip", "addr", "add", SHARED + "/24", "dev", "p0"));
        // the slow host: its kernel answers on a tap whose frames a relay in the router carries to br0
        ok(Lab.run(30, "ip", "netns", "add", slowNs));
        relayScript = Files.createTempFile("arp-relay", ".py");
        Files.writeString(relayScript, RELAY);
        relay = new ProcessBuilder("ip", "netns", "exec", router, "/usr/bin/python3", relayScript.toString(), "slow0", "rslow", "1.5", "110")
                .redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", in.readLine(), "the relay's taps");
        ok(Lab.run(30, "ip", "-n", router, "link", "set", "slow0", "netns", slowNs));
        ok(Lab.run(30, "ip", "-n", router, "link", "set", "rslow", "master", "br0", "up"));
        ok(Lab.run(30, "ip", "-n", slowNs, "addr", "add", SLOW + "/24", "dev", "slow0"));
        ok(Lab.run(30, "ip", "-n", slowNs, "link", "set", "slow0", "up"));
        // the slow host answers through the relay before a test asks it (CI once saw no reply at all to the first
        // test's three requests on a loaded machine): a ping over the path, bounded, then its held ARP reply dies out
        // (a ping that finds the kernel's entry FAILED returns at once: a second between tries lets the kernel ask again)
        boolean answered = false;
        for (int i = 0; i < 15 && !answered; i++) {
            answered = lab.in("client", "ping", "-c", "1", "-W", "5", SLOW).exit() == 0;
            if (!answered) {
                Lab.sleep(1_000);
            }
        }
        assertTrue(answered, "the slow host never answered a ping through the relay");
        Lab.sleep(2_000);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (relay != null) {
                relay.destroyForcibly();
                relay.waitFor(10, TimeUnit.SECONDS);
            }
            if (relayScript != null) {
                Files.deleteIfExists(relayScript);
            }
            if (lab != null) {
                lab.in("peer", "ip", "addr", "del", SHARED + "/24", "dev", "p0");
                for (String ns : new String[] {dupNs, slowNs}) {
                    if (ns != null) {
                        Lab.run(30, "ip", "netns", "del", ns);
                    }
                }
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    static void ok(Lab.Result r) {
        assertEquals(0, r.exit(), r.toString());
    }

    static Set<String> macsIn(String text, String regex) {
        Set<String> macs = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            macs.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return macs;
    }

    static String resultLine(Lab.Result r) {
        return r.out().lines().filter(l -> l.contains("\"event\":\"result\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no result:\n" + r));
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void twoHoldersOfOneAddressAreAConflictWithBothMacsAsArpingShowsThem() {
        Set<String> holders = new TreeSet<>(List.of(lab.mac("peer", "p0"), Lab.run(10, "ip", "netns", "exec", dupNs, "cat",
                "/sys/class/net/d0/address").out().trim()));
        Lab.Result arping = lab.in("client", "arping", "-c", "1", "-I", "c0", SHARED);
        assertEquals(holders, macsIn(arping.out(), "reply from " + Pattern.quote(SHARED) + " \\[([0-9A-Fa-f:]+)\\]"), arping.toString());

        Lab.Result text = lab.synack("arp-resolve", "-c", "1", "--timeout", "500ms", SHARED);
        assertEquals(1, text.exit(), "a conflict is a negative answer:\n" + text);
        for (String mac : holders) {
            assertTrue(text.out().contains(mac), mac + " told:\n" + text);
        }
        assertTrue(text.out().contains("conflict"), text.toString());

        Lab.Result json = lab.synack("arp-resolve", "--json", "-c", "1", "--timeout", "500ms", SHARED);
        assertEquals(1, json.exit(), json.toString());
        String result = resultLine(json);
        assertEquals(holders, macsIn(result.substring(result.indexOf("\"macs\":")), "\"([0-9a-f:]{17})\""), result);
        assertTrue(result.contains("\"conflicts\":[\"" + SHARED + "\"]") && result.contains("\"exit\":1"), result);
    }

    @Test
    void theOnlyHolderOfAnAddressIsNoConflict() {
        Lab.Result r = lab.synack("arp-resolve", "--json", "-c", "1", "--timeout", "300ms", "198.18.1.3");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(resultLine(r).contains("\"conflicts\":[]"), r.toString());
    }

    @Test
    void aReplyLaterThanTheNextRequestIsToldAmbiguous() {
        // requests at 0 and 1 s; the answer to the first comes at 1.5 s, 0.5 s after the second
        Lab.Result json = lab.synack("arp-resolve", "--json", SLOW);
        assertEquals(0, json.exit(), json.toString());
        String result = resultLine(json);
        assertTrue(result.contains("\"rtt_ambiguous\":true") && result.contains("\"requests\":2"), result);
        double fromLatest = number(result, "rtt_ms");
        double fromFirst = number(result, "rtt_first_ms");
        assertTrue(fromLatest > 350 && fromLatest < 800, result);
        assertTrue(fromFirst > 1350 && fromFirst < 1800, result);
        Lab.sleep(1_600); // the answer to our second request dies out before the next asker

        Lab.Result text = lab.synack("arp-resolve", SLOW);
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("ambiguous: may answer request 1 of 2"), text.toString());
        Lab.sleep(1_600);

        // arping times it from the latest request alone, as synack's rtt_ms does, and does not say so
        Lab.Result arping = lab.in("client", "arping", "-c", "2", "-I", "c0", SLOW);
        Matcher m = Pattern.compile("reply from " + Pattern.quote(SLOW) + " \\[[0-9A-Fa-f:]+\\]\\s+([0-9.]+)ms").matcher(arping.out());
        assertTrue(m.find(), arping.toString());
        double arpingMs = Double.parseDouble(m.group(1));
        assertTrue(Math.abs(arpingMs - fromLatest) < 200, "arping " + arpingMs + " ms, synack " + fromLatest + " ms\n" + arping);
    }
}
