package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REPL under a real terminal (tmux: send-keys and capture-pane), in the lab's client namespace. */
class ShellLabIT {
    static Lab lab;
    static String session = "synack-it-" + ProcessHandle.current().pid();
    static Path home;

    @BeforeAll
    static void up() throws Exception {
        lab = Lab.up();
        home = Files.createTempDirectory("synack-shell-home");
        Lab.Result r = Lab.run(20, "tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "60",
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
        return Lab.run(10, "tmux", "capture-pane", "-t", session, "-p", "-S", "-200").out();
    }

    static void keys(String... keys) {
        String[] cmd = new String[keys.length + 4];
        cmd[0] = "tmux";
        cmd[1] = "send-keys";
        cmd[2] = "-t";
        cmd[3] = session;
        System.arraycopy(keys, 0, cmd, 4, keys.length);
        assertEquals(0, Lab.run(10, cmd).exit());
    }

    static String waitFor(Predicate<String> ready, String what) {
        long giveUp = System.currentTimeMillis() + 20_000;
        String s = "";
        while (System.currentTimeMillis() < giveUp) {
            s = screen();
            if (ready.test(s)) {
                return s;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("never saw " + what + ":\n" + s);
    }

    @Test
    void completesHistoryAndSurvivesCtrlC() throws Exception {
        keys("ha", "Tab");
        waitFor(s -> s.contains("synack> handshake"), "the completed command");
        keys(" --re", "Tab");
        waitFor(s -> s.contains("--relative") && s.contains("--retries"), "the option candidates");
        keys("C-u", "arp-resolve -i ", "Tab");
        waitFor(s -> s.lines().anyMatch(l -> l.matches("c0\\s+lo\\s*")), "the interface names (live values)");
        keys("C-u", "arp-resolve -q 198.18.1.1", "Enter");
        waitFor(s -> s.contains("198.18.1.1 is-at"), "the answer");
        // a long exchange, stopped with Ctrl-C: back at the prompt, the shell still alive
        keys("arp-resolve -c 20 --interval 500ms 198.18.1.77", "Enter");
        waitFor(s -> s.contains("request 2 of 20"), "the exchange running");
        keys("C-c");
        waitFor(s -> s.contains("(interrupted; exit 130)"), "the interrupt");
        keys("Up", "Up");
        waitFor(s -> s.trim().endsWith("synack> arp-resolve -q 198.18.1.1"), "the history recalled");
        keys("Enter");
        waitFor(s -> s.split("198.18.1.1 is-at", -1).length >= 3, "the recalled command's answer");
        // a connection kept open across commands: the server's kernel holds it ESTABLISHED meanwhile
        keys("handshake --keep 198.18.2.2 80", "Enter");
        waitFor(s -> s.contains("connection 1 to 198.18.2.2:80 is open (ESTABLISHED)"), "the kept connection");
        keys("connections", "Enter");
        waitFor(s -> s.contains("client ESTABLISHED  server ESTABLISHED"), "the connection list");
        Lab.Result ss = lab.in("server", "ss", "-tan", "state", "established");
        assertTrue(ss.out().contains("198.18.2.2:80") && ss.out().contains("198.18.1.2:"), "the server holds it:\n" + ss);
        keys("send 1 GET /hello.txt HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n", "Enter");
        waitFor(s -> s.contains("bytes received: HTTP/1.1 200 OK"), "the answer on the kept connection");
        keys("fin-teardown 1", "Enter");
        waitFor(s -> s.contains("TIME_WAIT → CLOSED") && s.contains("handshake 198.18.2.2:80: established"), "the narrated close");
        keys("connections", "Enter");
        waitFor(s -> s.contains("no open connections"), "the list emptied");
        // hosts typed before are offered again
        keys("handshake 198.18.2", "Tab");
        waitFor(s -> s.contains("handshake 198.18.2.2"), "the host seen earlier");
        keys("C-u");
        // the shell remembers the gateway's MAC for 30 s, as a kernel's neighbour cache does
        keys("syn-probe 198.18.2.2 -p 80", "Enter");
        waitFor(s -> s.contains("from the shell's neighbour cache") && s.contains("80/tcp    open"), "the cached next hop");
        // between commands, with no connection open, the shell holds no capture: every one it opened was released
        // (the kernel releases a closed one a grace period or two later, see LateRelease), though its JVM lives on
        long sockets = -1;
        for (int i = 0; i < 50 && sockets != 0; i++) {
            Lab.Result packet = lab.in("client", "cat", "/proc/net/packet");
            sockets = packet.out().lines().count() - 1;
            Lab.sleep(100);
        }
        assertEquals(0, sockets, "packet sockets left in the client's namespace by the shell");
        keys("C-d");
        Thread.sleep(1000);
        assertTrue(Files.readString(home.resolve(".synack_history")).contains("arp-resolve -q 198.18.1.1"), "history persisted");
    }
}
