package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shell's memory over IPv6, in one real session (tmux) in the dual-stack lab's client: the
 * router's link-local address solicited once and remembered from its advertisement, a name's
 * AAAA answer remembered beside its A. Each command's own -w capture shows what it sent.
 */
class ShellIpv6LabIT {
    static Lab lab;
    static String session = "synack-it6-" + ProcessHandle.current().pid();
    static Path home;

    @BeforeAll
    static void up() throws Exception {
        lab = Lab.up();
        home = Files.createTempDirectory("synack-shell6-home");
        Lab.Result r = Lab.run(20, "tmux", "new-session", "-d", "-s", session, "-x", "250", "-y", "60",
                "ip netns exec " + lab.get("NS_CLIENT") + " java -Duser.home=" + home + " -jar " + Lab.jar() + " shell");
        assertEquals(0, r.exit(), r.toString());
        waitFor(s -> s.contains("synack>"), "the prompt");
    }

    @AfterAll
    static void down() {
        Lab.run(10, "tmux", "kill-session", "-t", session);
        if (lab != null) {
            lab.close();
        }
    }

    static String screen() {
        return Lab.run(10, "tmux", "capture-pane", "-t", session, "-p", "-J", "-S", "-1000").out();
    }

    /** Types a command and waits for what it prints: the screen from the command's line on, once the prompt is back. */
    static String command(String line, Predicate<String> done, String what) {
        assertEquals(0, Lab.run(10, "tmux", "send-keys", "-t", session, line, "Enter").exit());
        String typed = "synack> " + line;
        String all = waitFor(s -> s.contains(typed) && done.test(after(s, typed)) && s.trim().endsWith("synack>"), what);
        return after(all, typed);
    }

    /** What the screen shows from the last time {@code typed} was typed on. */
    static String after(String screen, String typed) {
        int at = screen.lastIndexOf(typed);
        return at < 0 ? "" : screen.substring(at);
    }

    static String waitFor(Predicate<String> ready, String what) {
        long giveUp = System.currentTimeMillis() + 30_000;
        String s = "";
        while (System.currentTimeMillis() < giveUp) {
            s = screen();
            if (ready.test(s)) {
                return s;
            }
            Lab.sleep(200);
        }
        throw new AssertionError("never saw " + what + ":\n" + s);
    }

    static List<String> dump(Path pcap) {
        Lab.Result r = Lab.run(30, "tcpdump", "-nn", "-r", pcap.toString());
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().toList();
    }

    @Test
    void theSecondIpv6CommandUsesTheRememberedRouterAndTheRememberedAaaa() throws Exception {
        String server = lab.get("SERVER_IP6");
        String router = lab.get("GATEWAY_LL6");
        Path first = home.resolve("first.pcap");
        Path second = home.resolve("second.pcap");
        String s = command("handshake -w " + first + " " + server + " 80", t -> t.contains("]:80: established"), "the first handshake");
        assertTrue(s.contains("NDP next hop " + router + " (router)"), "the first asks the router:\n" + s);
        assertTrue(dump(first).stream().anyMatch(l -> l.contains("neighbor solicitation, who has " + router)), dump(first).toString());

        // the second, to the same host through the same router, within 30 s: no solicitation, and it says why
        s = command("syn-probe -w " + second + " -p 80 " + server, t -> t.contains("80/tcp    open"), "the second command");
        assertTrue(s.contains("next hop " + router + "%c0 is-at " + lab.mac("router", "br0")
                + " from the shell's neighbour cache (REACHABLE, learned "), s);
        assertTrue(s.contains("no neighbour solicitation needed"), s);
        assertFalse(s.contains("NDP next hop"), "no NDP phase:\n" + s);
        List<String> lines = dump(second);
        assertFalse(lines.stream().anyMatch(l -> l.contains("neighbor solicitation")), "nothing solicited:\n" + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("IP6 " + server + ".80 > ") && l.contains("Flags [S.]")), lines.toString());

        // a name: its AAAA (and A) asked once, then remembered for their TTL
        String url = "http://" + lab.get("WEB_NAME") + "/hello.txt";
        Path third = home.resolve("third.pcap");
        Path fourth = home.resolve("fourth.pcap");
        s = command("http-get -w " + third + " " + url, t -> t.contains("200 OK  " + url), "the first http-get");
        assertTrue(dump(third).stream().anyMatch(l -> l.contains("AAAA? " + lab.get("WEB_NAME"))), dump(third).toString());
        s = command("http-get -w " + fourth + " " + url, t -> t.contains("200 OK  " + url), "the second http-get");
        assertTrue(s.contains("DNS: " + lab.get("WEB_NAME") + " is " + server + " and " + lab.get("SERVER_IP")
                + " (the shell's DNS cache: its AAAA and A answers, within their TTLs)"), s);
        lines = dump(fourth);
        assertFalse(lines.stream().anyMatch(l -> l.contains(".53:") || l.contains(".53 >")), "no DNS asked:\n" + lines);
        assertFalse(lines.stream().anyMatch(l -> l.contains("neighbor solicitation")), "nor the router:\n" + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("> " + server + ".80:") && l.contains("Flags [S]")), "over IPv6:\n" + lines);
        // TAB offers the IPv6 address typed before
        assertEquals(0, Lab.run(10, "tmux", "send-keys", "-t", session, "handshake 2001:db8:2", "Tab").exit());
        waitFor(t -> t.contains("handshake " + server), "the IPv6 address seen earlier");
        Lab.run(10, "tmux", "send-keys", "-t", session, "C-u", "C-d");
    }
}
