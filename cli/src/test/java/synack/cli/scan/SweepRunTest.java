package synack.cli.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import synack.exchange.scan.Shard;
import synack.exchange.scan.SynSweep;
import synack.net.LocalInterface;
import synack.net.Route;
import synack.wire.Ip4;
import synack.wire.MacAddress;

class SweepRunTest {
    static SweepRun.Plan plan(List<Integer> hosts, List<Integer> ports, Shard shard) {
        return new SweepRun.Plan(hosts.stream().map(synack.wire.IpAddress::of).toList(), ports, "x", 1000, 0, 1_000_000, shard, null, EnumSet.of(SynSweep.State.OPEN), null);
    }

    @Test
    void shardsOfTheSameSweepDeriveTheSameSeedWhateverShardTheyAre() {
        List<Integer> hosts = List.of(1, 2, 3);
        List<Integer> ports = List.of(22, 80, 443);
        long s0 = SweepRun.seedOf(plan(hosts, ports, new Shard(0, 3)));
        assertEquals(s0, SweepRun.seedOf(plan(hosts, ports, new Shard(2, 3))));
        assertNotEquals(s0, SweepRun.seedOf(plan(hosts, List.of(22, 80), new Shard(0, 3))));
        assertNotEquals(s0, SweepRun.seedOf(plan(List.of(1, 2), ports, new Shard(0, 3))));
    }

    @Test
    void theGreppableLineIsNmapsSevenFieldPortEntry() {
        Map<String, Object> f = Map.of("host", "198.18.2.2", "port", 80, "state", "open", "reason", "syn-ack");
        assertEquals("Host: 198.18.2.2 ()\tPorts: 80/open/tcp//http///", ScanFormat.GREP.line(f, false));
        assertEquals("198.18.2.2:80", ScanFormat.LIST.line(f, false));
        assertEquals("198.18.2.2:80 open", ScanFormat.LIST.line(f, true));
    }

    @Test
    void anIpv6HostTakesBracketsBeforeItsPortButNotInTheGreppableLine() {
        Map<String, Object> f = new java.util.HashMap<>(Map.of("host", "2001:db8:2::2", "port", 80, "state", "open", "reason", "syn-ack"));
        f.put("ttl", 63);
        f.put("rtt_ms", null);
        assertEquals("[2001:db8:2::2]:80", ScanFormat.LIST.line(f, false));
        assertEquals("Host: 2001:db8:2::2 ()\tPorts: 80/open/tcp//http///", ScanFormat.GREP.line(f, false));
        assertTrue(ScanFormat.TEXT.line(f, false).startsWith("open     [2001:db8:2::2]:80/tcp"), ScanFormat.TEXT.line(f, false));
    }

    @Test
    void ipv6ShardsAgreeOnASeedAndItDiffersFromAnotherSweeps() {
        List<synack.wire.IpAddress> a = List.of(synack.wire.IpAddress.parse("2001:db8::1"), synack.wire.IpAddress.parse("2001:db8::2"));
        List<synack.wire.IpAddress> b = List.of(synack.wire.IpAddress.parse("2001:db8::1"), synack.wire.IpAddress.parse("2001:db8::3"));
        SweepRun.Plan p0 = new SweepRun.Plan(a, List.of(80), "80", 1000, 0, 1_000_000, new Shard(0, 2), null, EnumSet.of(SynSweep.State.OPEN), null);
        SweepRun.Plan p1 = new SweepRun.Plan(a, List.of(80), "80", 1000, 0, 1_000_000, new Shard(1, 2), null, EnumSet.of(SynSweep.State.OPEN), null);
        SweepRun.Plan other = new SweepRun.Plan(b, List.of(80), "80", 1000, 0, 1_000_000, new Shard(0, 2), null, EnumSet.of(SynSweep.State.OPEN), null);
        assertEquals(SweepRun.seedOf(p0), SweepRun.seedOf(p1));
        assertNotEquals(SweepRun.seedOf(p0), SweepRun.seedOf(other));
    }

    static final LocalInterface C0 = new LocalInterface("c0", MacAddress.parse("02:00:00:00:00:01"),
            List.of(new LocalInterface.Address(Ip4.parse("198.18.1.2"), 24)), true, 1500);
    static final LocalInterface LO = new LocalInterface("lo", MacAddress.ZERO,
            List.of(new LocalInterface.Address(Ip4.parse("127.0.0.1"), 8)), true, 65536, true);

    static Route route(LocalInterface via, String dst, Route.Type type) {
        int d = Ip4.parse(dst);
        return new Route(via, via.addresses().get(0).ip(), d, d, true, "test", type, via.mtu(), Route.mssFor(via.mtu()));
    }

    @Test
    void ourOwnAddressesAreLeftOutOfASweepOfTheNetworkButSweptWhenTheyAreAllThereIs() {
        Route peer = route(C0, "198.18.1.3", Route.Type.UNICAST);
        Route own = route(LO, "198.18.1.2", Route.Type.LOCAL);
        Route bcast = route(C0, "198.18.1.255", Route.Type.BROADCAST);
        assertArrayEquals(new String[] {null, "this host's own address", "a broadcast address"},
                SweepRun.leftOut(List.of(peer, own, bcast)));
        assertArrayEquals(new String[] {null, null, "a broadcast address"},
                SweepRun.leftOut(List.of(own, route(LO, "127.0.0.1", Route.Type.LOCAL), bcast)));
        assertArrayEquals(new String[] {null}, SweepRun.leftOut(List.of(own)));
    }
}
