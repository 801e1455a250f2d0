package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * syn-probe's stateless sweep over IPv6 against the dual-stack lab, beside nmap -6 -sS in the
 * same namespace: the server's port zoo (80 open, 81 closed, 82 dropped, 83 rejected with ICMPv6
 * administratively prohibited, 84 with port unreachable) and the edge behind the MTU-1280 link,
 * then a /120 of the client LAN (next hops found by one NDP sweep). Every --json line is checked
 * against the schema by {@link Lab#synack}.
 */
class ScanIpv6LabIT {
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

    @AfterEach
    void nothingLeftBehind() {
        lab.assertNoFirewallRuleLeft();
    }

    private static final Pattern ANSWER = Pattern.compile(
            "\"kind\":\"answer\".*\"host\":\"([0-9a-f:.]+)\",\"port\":(\\d+),\"proto\":\"tcp\",\"state\":\"([a-z]+)\",\"reason\":\"([^\"]*)\"");

    /** "host port" → state, from syn-probe's --json answer lines (--show all). */
    static Map<String, String> synackStates(Lab.Result r) {
        Map<String, String> out = new TreeMap<>();
        for (String line : r.out().split("\n")) {
            Matcher m = ANSWER.matcher(line);
            if (m.find()) {
                out.put(m.group(1) + " " + m.group(2), m.group(3));
            }
        }
        return out;
    }

    /** The same from nmap's greppable output (-oG -): "Host: ADDR ()\tPorts: 80/open/tcp//http///, 81/closed/...". */
    static Map<String, String> nmapStates(Lab.Result r) {
        Map<String, String> out = new TreeMap<>();
        Pattern host = Pattern.compile("^Host: (\\S+) .*Ports: (.*)$");
        Pattern port = Pattern.compile("(\\d+)/([a-z|]+)/tcp");
        for (String line : r.out().split("\n")) {
            Matcher h = host.matcher(line);
            if (!h.find()) {
                continue;
            }
            Matcher p = port.matcher(h.group(2));
            while (p.find()) {
                out.put(h.group(1) + " " + p.group(1), p.group(2));
            }
        }
        return out;
    }

    static Lab.Result nmap(String... targets) {
        String[] cmd = new String[] {"nmap", "-6", "-sS", "-Pn", "-n", "-oG", "-"};
        String[] all = new String[cmd.length + targets.length];
        System.arraycopy(cmd, 0, all, 0, cmd.length);
        System.arraycopy(targets, 0, all, cmd.length, targets.length);
        Lab.Result r = lab.in("client", all);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void theServerAndTheEdgeMatchNmap6PortForPort() {
        String server = lab.get("SERVER_IP6");
        String edge = lab.get("EDGE_IP6");
        Lab.Result r = lab.synack("syn-probe", "--sweep", "-p", "80-84", server, edge, "--show", "all", "--json");
        assertEquals(0, r.exit(), r.toString());
        Map<String, String> ours = synackStates(r);
        Map<String, String> theirs = nmapStates(nmap("-p", "80-84", server, edge));
        assertEquals(10, theirs.size(), "nmap told every port of both hosts:\n" + theirs);
        assertEquals(theirs, ours, r.toString());
        // the lab's zoo, as the README tells it: the answers over IPv6 are what make those states
        assertEquals("open", ours.get(server + " 80"));
        assertEquals("closed", ours.get(server + " 81"));
        assertTrue(r.out().contains("\"port\":83,\"proto\":\"tcp\",\"state\":\"filtered\",\"reason\":\"icmp6 communication administratively prohibited from "),
                r.toString());
        assertTrue(r.out().contains("\"port\":84,\"proto\":\"tcp\",\"state\":\"filtered\",\"reason\":\"icmp6 port unreachable from "), r.toString());
        assertTrue(r.out().contains("\"port\":82,\"proto\":\"tcp\",\"state\":\"filtered\",\"reason\":\"no-response\""), r.toString());
        String result = r.out().lines().reduce((a, b) -> b).orElse("");
        assertTrue(result.contains("\"hosts\":2") && result.contains("\"probes\":10") && result.contains("\"forged\":0"), result);
        assertTrue(result.contains("\"open_ports\":[{\"host\":\"" + server + "\",\"port\":80,"), result);
        // --format list: the open ports alone on stdout, each IPv6 host in brackets before its port (as curl and ss write it)
        Lab.Result list = lab.synack("syn-probe", "-p", "80-84", server, edge, "--format", "list");
        assertEquals(0, list.exit(), list.toString());
        java.util.Set<String> open = new java.util.TreeSet<>();
        theirs.forEach((k, v) -> {
            if (v.equals("open")) {
                open.add("[" + k.substring(0, k.indexOf(' ')) + "]:" + k.substring(k.indexOf(' ') + 1));
            }
        });
        assertEquals(open, new java.util.TreeSet<>(list.out().lines().filter(l -> !l.isBlank()).toList()), list.toString());
    }

    @Test
    void aSlash120OfTheClientLanFindsWhatNmap6FindsThere() {
        String prefix = lab.get("CLIENT_PREFIX6");
        String block = prefix.substring(0, prefix.indexOf('/')) + "/120";
        Lab.Result r = lab.synack("syn-probe", block, "-p", "80", "--show", "open,closed", "--json", "--rate", "2000");
        assertTrue(r.exit() == 0 || r.exit() == 1, r.toString());
        Map<String, String> ours = synackStates(r);
        Map<String, String> theirs = new TreeMap<>();
        nmapStates(nmap("-p", "80", block)).forEach((k, v) -> {
            if (!v.equals("filtered")) {
                theirs.put(k, v);
            }
        });
        // our own address is left out of a sweep of the network (one capture, one interface): nmap's own-host answer is not compared
        String own = lab.get("CLIENT_IP6");
        theirs.remove(own + " 80");
        assertTrue(theirs.containsKey(lab.get("PEER_IP6") + " 80") && theirs.containsKey(lab.get("GATEWAY_IP6") + " 80"),
                "nmap found the router and the peer: " + theirs);
        assertEquals(theirs, ours, r.toString());
        assertTrue(r.out().contains("\"hosts\":256"), r.toString());
        assertTrue(r.out().contains("NDP") , "the next hops were asked by neighbour solicitation:\n" + r);
    }

    @Test
    void aSlash64IsRefusedBeforeAnythingIsSent() {
        Lab.Result r = lab.synack("syn-probe", "-p", "80", lab.get("CLIENT_PREFIX6"));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("holds 2^64 addresses"), r.toString());
    }
}
