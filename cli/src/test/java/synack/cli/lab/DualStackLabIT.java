package synack.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's IPv6 half (issue 17), checked with the kernel's own tools and Debian's ndisc6 package, no synack:
 * addresses from 2001:db8::/32 past duplicate address detection, the client's default route learned from the
 * router's advertisement, nginx, dnsmasq and the nsd tree over IPv6, and the MTU-1280 edge link answering a
 * bigger packet with ICMPv6 Packet Too Big. What synack's IPv6 commands will be checked against.
 */
class DualStackLabIT {
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

    static Lab.Result ok(Lab.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    static String digShort(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("dig", "+short", "+time=2", "+tries=1"));
        cmd.addAll(List.of(args));
        return ok(lab.in("client", cmd.toArray(new String[0]))).out().trim();
    }

    /** dig's output has a record NAME TTL IN TYPE VALUE (VALUE null: any), whatever the spacing. */
    static boolean has(Lab.Result dig, String name, String type, String value) {
        return dig.out().lines().map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length == 5 && f[0].equals(name) && f[2].equals("IN")
                && f[3].equals(type) && (value == null || f[4].equals(value)));
    }

    Path www(String name) {
        return Path.of(lab.get("LAB_DIR"), "www", name);
    }

    @Test
    void theEnvTellsTheIpv6PlanBesideTheIpv4One() {
        String[][] plan = {{"CLIENT_IP6", "2001:db8:1::2"}, {"PEER_IP6", "2001:db8:1::3"}, {"GATEWAY_IP6", "2001:db8:1::1"},
            {"ROUTER_SERVER_IP6", "2001:db8:2::1"}, {"SERVER_IP6", "2001:db8:2::2"}, {"DNS_BRIDGE_IP6", "2001:db8:3::1"},
            {"ROOT_DNS_IP6", "2001:db8:3::10"}, {"TLD_DNS_IP6", "2001:db8:3::11"}, {"AUTH_DNS_IP6", "2001:db8:3::12"},
            {"ROUTER_EDGE_IP6", "2001:db8:4::1"}, {"EDGE_IP6", "2001:db8:4::2"}, {"NO_HOST_IP6", "2001:db8:2::99"},
            {"V6ONLY_NAME", "v6only.synack.test"}, {"V4ONLY_NAME", "v4only.synack.test"}};
        for (String[] kv : plan) {
            assertEquals(kv[1], lab.get(kv[0]), kv[0]);
        }
        // the IPv4 keys are unchanged
        assertEquals("198.18.1.2", lab.get("CLIENT_IP"));
        assertEquals("198.18.2.2", lab.get("SERVER_IP"));
        // each address is on the interface the plan says, as the kernel reports it
        String[][] where = {{"client", "c0", "CLIENT_IP6"}, {"peer", "p0", "PEER_IP6"}, {"router", "br0", "GATEWAY_IP6"},
            {"router", "r1", "ROUTER_SERVER_IP6"}, {"server", "s0", "SERVER_IP6"}, {"router", "br1", "DNS_BRIDGE_IP6"},
            {"root", "n0", "ROOT_DNS_IP6"}, {"tld", "n0", "TLD_DNS_IP6"}, {"auth", "n0", "AUTH_DNS_IP6"},
            {"router", "re0", "ROUTER_EDGE_IP6"}, {"edge", "e0", "EDGE_IP6"}};
        for (String[] w : where) {
            Lab.Result a = ok(lab.in(w[0], "ip", "-6", "-o", "addr", "show", "dev", w[1], "scope", "global"));
            assertTrue(a.out().contains(" " + lab.get(w[2]) + "/64 "), w[0] + " " + w[1] + ":\n" + a);
        }
        // GATEWAY_LL6 is the router's link-local address on the client LAN
        Lab.Result ll = ok(lab.in("router", "ip", "-6", "-o", "addr", "show", "dev", "br0", "scope", "link"));
        assertTrue(lab.get("GATEWAY_LL6").startsWith("fe80::") && ll.out().contains(" " + lab.get("GATEWAY_LL6") + "/64 "), ll.toString());
    }

    @Test
    void everyAddressHasPassedDuplicateAddressDetection() {
        for (String role : List.of("client", "peer", "router", "server", "root", "tld", "auth", "edge")) {
            Lab.Result t = ok(lab.in(role, "ip", "-6", "addr", "show", "tentative"));
            assertEquals("", t.out().trim(), role + ": no tentative (or dadfailed) address");
        }
    }

    @Test
    void theClientsDefaultRouteIsTheRoutersLinkLocalAddressLearnedFromItsAdvertisement() {
        String ll = lab.get("GATEWAY_LL6");
        for (String[] host : List.of(new String[] {"client", "c0"}, new String[] {"peer", "p0"})) {
            List<String> routes = ok(lab.in(host[0], "ip", "-6", "route", "show", "default")).out().lines().toList();
            assertEquals(1, routes.size(), host[0] + ": one default route, not a static one beside it:\n" + routes);
            assertTrue(routes.get(0).startsWith("default via " + ll + " dev " + host[1] + " proto ra "), host[0] + ": " + routes);
        }
        // the server's is static (no advertisement on its link), and the router has none: no route out
        String server = ok(lab.in("server", "ip", "-6", "route", "show", "default")).out().trim();
        assertTrue(server.startsWith("default via 2001:db8:2::1 dev s0") && !server.contains("proto ra"), server);
        assertEquals("", ok(lab.in("router", "ip", "-6", "route", "show", "default")).out().trim());
        Lab.Result out = lab.in("router", "ip", "-6", "route", "get", "2001:db9::1"); // outside 2001:db8::/32 (sends nothing)
        assertNotEquals(0, out.exit(), out.toString());
        assertTrue(out.err().contains("unreachable"), out.toString());
    }

    @Test
    void rdisc6SeesTheRoutersAdvertisementWithTheOnLinkPrefixAndNoSlaac() {
        Lab.Result ra = ok(lab.in("client", "rdisc6", "-1", "-w", "2000", "c0"));
        String out = ra.out();
        assertTrue(Pattern.compile("Prefix\\s+: 2001:db8:1::/64").matcher(out).find(), out);
        assertTrue(Pattern.compile("On-link\\s+:\\s+Yes").matcher(out).find(), out);
        assertTrue(Pattern.compile("Autonomous address conf\\.:\\s+No").matcher(out).find(), "SLAAC off:\n" + out);
        assertTrue(Pattern.compile("Router lifetime\\s+:\\s+1800 ").matcher(out).find(), out);
        assertTrue(Pattern.compile("Recursive DNS server\\s+: 2001:db8:2::2").matcher(out).find(), out);
        assertTrue(out.contains("from " + lab.get("GATEWAY_LL6")), out);
        // the advertisement's source link-layer address is br0's MAC
        Matcher m = Pattern.compile("Source link-layer address: (\\S+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(lab.mac("router", "br0"), m.group(1).toLowerCase());
    }

    @Test
    void ndisc6ResolvesTheRouterAndTheKernelAgrees() {
        Lab.Result na = ok(lab.in("client", "ndisc6", "-1", "-w", "2000", "2001:db8:1::1", "c0"));
        Matcher m = Pattern.compile("Target link-layer address: (\\S+)").matcher(na.out());
        assertTrue(m.find(), na.toString());
        String mac = lab.mac("router", "br0");
        assertEquals(mac, m.group(1).toLowerCase());
        assertTrue(na.out().contains("from 2001:db8:1::1"), na.toString());
        // the kernel's own neighbour discovery: after a ping the client's cache holds the same MAC
        ok(lab.in("client", "ping", "-6", "-n", "-c", "1", "-W", "2", "2001:db8:1::1"));
        Lab.Result neigh = ok(lab.in("client", "ip", "-6", "neigh", "show", "2001:db8:1::1", "dev", "c0"));
        assertTrue(neigh.out().contains("lladdr " + mac + " router"), neigh.toString());
    }

    @Test
    void pingCrossesTheRouterToTheServer() {
        Lab.Result ping = ok(lab.in("client", "ping", "-6", "-n", "-c", "1", "-W", "2", "2001:db8:2::2"));
        // one hop: the router takes one from the server's hop limit of 64
        assertTrue(ping.out().contains("64 bytes from 2001:db8:2::2: icmp_seq=1 ttl=63 "), ping.toString());
        assertTrue(ping.out().contains("1 packets transmitted, 1 received"), ping.toString());
    }

    @Test
    void nginxServesTheSameBytesOverIpv6AsOverIpv4(@TempDir Path dir) throws Exception {
        for (String file : List.of("", "big1m.bin")) {
            Path v6 = dir.resolve("v6"), v4 = dir.resolve("v4");
            Lab.Result c6 = ok(lab.in("client", "curl", "-6", "-g", "-s", "-m", "10", "-w", "%{remote_ip}", "-o", v6.toString(),
                    "http://[2001:db8:2::2]/" + file));
            assertEquals("2001:db8:2::2", c6.out());
            ok(lab.in("client", "curl", "-4", "-s", "-m", "10", "-o", v4.toString(), "http://198.18.2.2/" + file));
            assertEquals(Lab.sha256(v4), Lab.sha256(v6), "/" + file);
            assertEquals(Lab.sha256(www(file.isEmpty() ? "index.html" : file)), Lab.sha256(v6), "/" + file);
        }
        // HTTPS on the IPv6 address, the www certificate verified by name with the lab's CA
        String hello = Files.readString(www("hello.txt"));
        for (String port : List.of("443", "8443", "8444")) {
            Lab.Result tls = ok(lab.in("client", "curl", "-s", "-m", "10", "-w", " %{remote_ip}", "--cacert", lab.get("TLS_CA"),
                    "--resolve", "www.synack.test:" + port + ":[2001:db8:2::2]", "https://www.synack.test:" + port + "/hello.txt"));
            assertEquals(hello + " 2001:db8:2::2", tls.out(), port);
        }
        // the edge's nginx and the client's own, on their IPv6 addresses
        for (String url : List.of("http://[2001:db8:4::2]/hello.txt", "http://[::1]/hello.txt", "http://[2001:db8:1::2]/hello.txt")) {
            assertEquals(hello, ok(lab.in("client", "curl", "-g", "-s", "-m", "10", url)).out(), url);
        }
        // a name with both families: curl (getaddrinfo, RFC 6724) goes over IPv6; the v4-only name over IPv4
        assertEquals("2001:db8:2::2", ok(lab.in("client", "curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{remote_ip}",
                "http://www.synack.test/hello.txt")).out());
        assertEquals("198.18.2.2", ok(lab.in("client", "curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{remote_ip}",
                "http://v4only.synack.test/hello.txt")).out());
        assertEquals("2001:db8:2::2", ok(lab.in("client", "curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{remote_ip}",
                "http://v6only.synack.test/hello.txt")).out());
    }

    @Test
    void dnsmasqAnswersAaaaOverIpv6() {
        Lab.Result dig = ok(lab.in("client", "dig", "-6", "+time=2", "+tries=1", "AAAA", "www.synack.test", "@2001:db8:2::2"));
        assertTrue(dig.out().contains("SERVER: 2001:db8:2::2#53"), "asked over IPv6:\n" + dig);
        assertEquals("2001:db8:2::2", digShort("-6", "AAAA", "www.synack.test", "@2001:db8:2::2"));
        assertEquals("198.18.2.2", digShort("-6", "A", "www.synack.test", "@2001:db8:2::2"));
        assertEquals("2001:db8:4::2", digShort("AAAA", "edge.synack.test", "@198.18.2.2"));
        // one name with only an AAAA, one with only an A (NOERROR, no answer: not NXDOMAIN)
        assertEquals("2001:db8:2::2", digShort("AAAA", "v6only.synack.test", "@198.18.2.2"));
        assertEquals("", digShort("A", "v6only.synack.test", "@198.18.2.2"));
        assertEquals("198.18.2.2", digShort("A", "v4only.synack.test", "@198.18.2.2"));
        Lab.Result noAaaa = ok(lab.in("client", "dig", "+time=2", "+tries=1", "AAAA", "v4only.synack.test", "@198.18.2.2"));
        assertTrue(noAaaa.out().contains("status: NOERROR") && noAaaa.out().contains("ANSWER: 0,"), noAaaa.toString());
        // the client's resolv.conf keeps the IPv4 name server first
        String resolv = ok(lab.in("client", "cat", "/etc/resolv.conf")).out();
        assertTrue(resolv.lines().filter(l -> l.startsWith("nameserver ")).findFirst().orElse("").equals("nameserver 198.18.2.2"), resolv);
    }

    @Test
    void theNsdTreeAnswersAaaaOverIpv6WithAaaaGlue() {
        // auth answers www's AAAA, authoritatively, on its IPv6 address
        Lab.Result auth = ok(lab.in("client", "dig", "-6", "+norec", "+time=2", "+tries=1", "@2001:db8:3::12", "www.synack.test", "AAAA"));
        assertTrue(auth.out().contains("SERVER: 2001:db8:3::12#53") && auth.out().matches("(?s).*flags: qr aa[ ;].*"), auth.toString());
        assertTrue(has(auth, "www.synack.test.", "AAAA", "2001:db8:2::2"), auth.toString());
        assertEquals("2001:db8:2::2", digShort("-6", "+norec", "@2001:db8:3::12", "v6only.synack.test", "AAAA"));
        // root and tld refer over IPv6, with glue of both families
        String[][] referrals = {{"2001:db8:3::10", "ns.test.", "2001:db8:3::11", "198.18.3.11"},
            {"2001:db8:3::11", "ns.synack.test.", "2001:db8:3::12", "198.18.3.12"}};
        for (String[] r : referrals) {
            Lab.Result ref = ok(lab.in("client", "dig", "-6", "+norec", "+time=2", "+tries=1", "@" + r[0], "www.synack.test", "AAAA"));
            assertTrue(ref.out().contains("ANSWER: 0,") && ref.out().lines().anyMatch(l -> l.trim().matches("\\S+\\s+60\\s+IN\\s+NS\\s+"
                    + Pattern.quote(r[1]))), "a referral to " + r[1] + ":\n" + ref);
            assertTrue(has(ref, r[1], "AAAA", r[2]), "AAAA glue from " + r[0] + ":\n" + ref);
            assertTrue(has(ref, r[1], "A", r[3]), "A glue from " + r[0] + ":\n" + ref);
        }
        // the root hints name the root's IPv6 address too
        assertTrue(ok(lab.in("client", "cat", lab.get("ROOT_HINTS"))).out().matches("(?s).*a\\.root\\.test\\.\\s+\\d+\\s+AAAA\\s+2001:db8:3::10.*"));
    }

    @Test
    void theEdgeLinksMtu1280DrawsPacketTooBigFromTheRouter(@TempDir Path dir) throws Exception {
        assertEquals("1280", lab.in("edge", "cat", "/sys/class/net/e0/mtu").out().trim());
        ok(lab.in("client", "ip", "-6", "route", "flush", "cache")); // forget a path MTU learnt earlier
        // 1400 bytes of payload + 8 (ICMPv6) + 40 (IPv6) = 1448: fits c0's 1500, not the edge link's 1280
        Path pcap = dir.resolve("ptb.pcap");
        Lab.Result ping = LabNetworkIT.captured(lab, "client", "c0", pcap, "icmp6",
                () -> lab.in("client", "ping", "-6", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "1400", "2001:db8:4::2"));
        assertNotEquals(0, ping.exit(), ping.toString());
        assertTrue(ping.out().contains("From 2001:db8:1::1 icmp_seq=1 Packet too big: mtu=1280"), ping.toString());
        List<String> ptb = LabNetworkIT.tshark(pcap, "icmpv6.type == 2", "ipv6.src", "ipv6.dst", "icmpv6.mtu");
        assertEquals(List.of("2001:db8:1::1\t2001:db8:1::2\t1280"), ptb, "one Packet Too Big, from the router, mtu 1280");
        // the client's kernel took it: its route to the edge now has the path MTU
        Lab.Result route = ok(lab.in("client", "ip", "-6", "route", "get", "2001:db8:4::2"));
        assertTrue(route.out().contains(" mtu 1280 "), route.toString());
        ok(lab.in("client", "ip", "-6", "route", "flush", "cache"));
        // a packet that fits 1280 crosses: 1232 + 8 + 40 = 1280
        ok(lab.in("client", "ping", "-6", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "1232", "2001:db8:4::2"));
    }

    @Test
    void anAddressNobodyHoldsDrawsAddressUnreachableFromTheRouter() {
        assertEquals("2001:db8:2::99", lab.get("NO_HOST_IP6"));
        Lab.Result ping = lab.in("client", "ping", "-6", "-n", "-c", "1", "-W", "8", "2001:db8:2::99");
        assertNotEquals(0, ping.exit(), ping.toString());
        assertTrue(ping.out().contains("From 2001:db8:1::1 icmp_seq=1 Destination unreachable: Address unreachable"), ping.toString());
    }

    @Test
    void statusShowsIpv6AndLossAppliesToIpv6Too() {
        Lab.Result status = Lab.run(30, "bash", Lab.home().resolve("lab/lab.sh").toString(), "status", "--id", lab.get("LAB_ID"));
        assertEquals(0, status.exit(), status.toString());
        for (String s : List.of("radvd   pid ", "advertises 2001:db8:1::/64 on br0 from " + lab.get("GATEWAY_LL6"),
                "client, peer IPv6 default route via " + lab.get("GATEWAY_LL6") + " learned from the RA",
                "client -> server 2001:db8:2::2 reachable", "every address has passed duplicate address detection",
                "c0 2001:db8:1::2/64  default via " + lab.get("GATEWAY_LL6") + " (from RA)")) {
            assertTrue(status.out().contains(s), "'" + s + "' in:\n" + status);
        }
        String labSh = Lab.home().resolve("lab/lab.sh").toString();
        try {
            ok(Lab.run(30, "bash", labSh, "loss", "--id", lab.get("LAB_ID"), "30"));
            for (String t : List.of("iptables", "ip6tables")) {
                Lab.Result rules = ok(lab.in("router", t, "-w", "-S", "FORWARD"));
                assertTrue(rules.out().contains("--mode random --probability 0.") && rules.out().contains("synack-lab-loss -j DROP"), t + ":\n" + rules);
            }
        } finally {
            ok(Lab.run(30, "bash", labSh, "loss", "--id", lab.get("LAB_ID"), "0"));
        }
        assertFalse(ok(lab.in("router", "ip6tables", "-w", "-S", "FORWARD")).out().contains("synack-lab-loss"));
    }

    @Test
    void radvdRunsInTheRouterAndDownStopsIt() {
        Lab other = Lab.up();
        String pid;
        try {
            Path pidFile = Path.of(other.get("LAB_DIR"), "radvd", "radvd.pid");
            pid = ok(Lab.run(10, "cat", pidFile.toString())).out().trim();
            assertEquals(other.get("NS_ROUTER"), ok(Lab.run(10, "ip", "netns", "identify", pid)).out().trim(), "radvd runs in the router");
            assertEquals("radvd", ok(Lab.run(10, "cat", "/proc/" + pid + "/comm")).out().trim());
        } finally {
            other.close();
        }
        assertFalse(Files.exists(Path.of("/proc", pid)), "radvd stopped by down");
    }
}
