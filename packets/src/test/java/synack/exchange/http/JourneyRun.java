package synack.exchange.http;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import synack.event.Event;
import synack.exchange.Runner;
import synack.exchange.tcp.TcpConnection;
import synack.link.MemoryLink;
import synack.net.Route;
import synack.time.VirtualClock;

/**
 * One http-get journey against a {@link SimulatedNetwork} on the in-memory wire, on virtual time
 * (0.5 ms each way). The knobs are the command's options; {@link #run} returns the result and
 * keeps every event told. Bounded: the journey's own --max-time ends any run that would hang.
 */
final class JourneyRun {
    static final long T0 = 1_700_000_000_000_000L;
    static final int HTTP_PORT = 41_000;
    static final int DNS_UDP_PORT = 42_000;
    static final int DNS_TCP_PORT = 43_000;

    final SimulatedNetwork net;
    final List<Event> events = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean follow;
    int maxRedirects = 5;
    boolean compressed;
    boolean head;
    String method;
    byte[] data;
    Conditional conditional = Conditional.NONE;
    CookieJar jar;
    String givenCookies;
    List<String> headers = List.of();
    /** The hosts file and nsswitch.conf the environment offers (null: DNS alone, as before). */
    synack.net.HostsFile hosts;
    synack.net.NsSwitch nsSwitch = synack.net.NsSwitch.parse("/etc/nsswitch.conf", "hosts: files dns\n");
    HttpExpectations expectations = HttpExpectations.NONE;
    /** Whom https servers' certificates must lead to: the test CA by default. */
    synack.exchange.tls.TlsTrust tlsTrust = synack.exchange.tls.TlsPair.testCa();
    Integer nameServer = SimulatedNetwork.DNS_IP;
    long maxTimeMicros = 600_000_000;
    Map<String, Integer> known = Map.of();
    /** The shell's caches, as the journey's environment offers them. */
    final Map<String, Integer> cachedAddresses = new java.util.HashMap<>();
    final Map<Integer, synack.wire.MacAddress> cachedNeighbours = new java.util.HashMap<>();
    /** The shell's IPv6 caches: a name's AAAA address, a neighbour by its whole address. */
    final Map<String, synack.wire.IpAddress> cachedAddresses6 = new java.util.HashMap<>();
    final Map<synack.wire.IpAddress, synack.wire.MacAddress> cachedNeighbours6 = new java.util.HashMap<>();
    /** Whether the environment says IPv6 can be reached (a name's AAAA is then asked too). */
    boolean ipv6Usable;
    /**
     * Whether the host has an IPv6 default route (via the router's fe80::1, which never answers a
     * solicitation, nor does any IPv6 host); without one, routing an IPv6 address fails as the kernel's does.
     */
    boolean ipv6Route;
    static final synack.wire.IpAddress OUR_IP6 = synack.wire.IpAddress.parse("2001:db8:1::2");
    static final synack.wire.IpAddress ROUTER_IP6 = synack.wire.IpAddress.parse("fe80::1");
    /** The runner's stop condition (Ctrl-C), asked before each wait. */
    java.util.function.BooleanSupplier stop = () -> false;
    HttpJourney journey;
    VirtualClock clock;

    JourneyRun(SimulatedNetwork net) {
        this.net = net;
    }

    static TcpConnection.Config tcp(int local, int remote, int mss) {
        return TcpConnection.Config.defaults(local, remote, 0x1000_0000 + local).withMss(mss).withMsl(100_000);
    }

    Event.Result run(String... urls) {
        List<HttpUrl> parsed = new ArrayList<>();
        for (String u : urls) {
            parsed.add(HttpUrl.parse(u));
        }
        HttpJourney.Settings settings = new HttpJourney.Settings(parsed, new HttpJourney.Requests(head, compressed, headers, method, data,
                conditional, jar, givenCookies), follow,
                maxRedirects, expectations, nameServer, new HttpJourney.Ports(HTTP_PORT, DNS_UDP_PORT, DNS_TCP_PORT), false,
                JourneyRun::tcp, JourneyRun::tcp, maxTimeMicros, known.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> synack.wire.IpAddress.of(e.getValue()))), 0);
        HttpJourney.Environment env = new HttpJourney.Environment() {
            @Override
            public Route route(synack.wire.IpAddress destination) {
                if (!destination.ipv6()) {
                    return SimulatedNetwork.route(destination.v4());
                }
                if (!ipv6Route) {
                    throw new synack.net.EnvironmentException("no route to " + destination + " (no IPv6 default route)");
                }
                return new Route(SimulatedNetwork.ETH, OUR_IP6, destination, ROUTER_IP6, false, "default via fe80::1 (test)",
                        Route.Type.UNICAST, 1500, Route.mssFor6(1500));
            }

            @Override
            public synack.wire.IpAddress cachedAddress(String name, synack.net.AddressFamily family) {
                return family == synack.net.AddressFamily.IPV6 ? cachedAddresses6.get(name)
                        : cachedAddresses.containsKey(name) ? synack.wire.IpAddress.of(cachedAddresses.get(name)) : null;
            }

            @Override
            public void learnedAddress(String name, synack.wire.IpAddress ip, long ttlSeconds) {
                net.log.add("learned " + name + (ip.ipv6() ? " AAAA " : " A ") + ip + " for " + ttlSeconds + " s");
            }

            @Override
            public synack.wire.MacAddress cachedNeighbour(synack.wire.IpAddress ip, String interfaceName) {
                return ip.ipv6() ? cachedNeighbours6.get(ip) : cachedNeighbours.get(ip.v4());
            }

            @Override
            public long cachedNeighbourAgeMicros(synack.wire.IpAddress ip, String interfaceName) {
                return 1_000_000; // the shell's cache learned it a second ago
            }

            @Override
            public void learnedNeighbour(synack.wire.IpAddress ip, String interfaceName, synack.wire.MacAddress mac) {
                net.log.add("learned neighbour " + ip);
            }


            @Override
            public void beforeUdp(int ourIp, int port) {
                net.log.add("hold UDP port " + port);
            }

            @Override
            public void beforeTcp(int port, synack.wire.IpAddress source) {
                net.log.add("guard TCP port " + port);
            }

            @Override
            public boolean ipv6Usable() {
                return ipv6Usable;
            }

            @Override
            public synack.net.HostsFile hostsFile() {
                return hosts;
            }

            @Override
            public synack.net.NsSwitch nsSwitch() {
                return nsSwitch;
            }

            @Override
            public synack.exchange.tls.TlsTrust tlsTrust() {
                return tlsTrust;
            }
        };
        journey = new HttpJourney(settings, env, body, new Random(7));
        clock = new VirtualClock(T0);
        MemoryLink[] wire = MemoryLink.pair(clock, 500);
        net.later = wire[0]::inject;
        wire[1].respondWith(net::answer);
        new Runner(wire[0], clock, events::add).run(journey, stop);
        return result();
    }

    Event.Result result() {
        Event last = events.get(events.size() - 1);
        if (!(last instanceof Event.Result r)) {
            throw new AssertionError("the story does not end with a result: " + last);
        }
        return r;
    }

    /** How many times the environment was told a name's address was learned. */
    long learnedCount(String name) {
        return net.log.stream().filter(l -> l.startsWith("learned " + name + " ")).count();
    }

    /** The SYNs the network saw, as "ip:port from port N". */
    List<String> syns() {
        return net.log.stream().filter(l -> l.startsWith("SYN ")).map(l -> l.substring(4)).toList();
    }
}
